# paperbot: `docker build -t paperbot .` then
#   docker run -e PAPERBOT_DISCORD__TOKEN=... -v "$PWD/config.toml:/config/config.toml:ro" -v paperbot-data:/data paperbot
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PAPERBOT_CONFIG=/config/config.toml \
    PAPERBOT_STORAGE__DATA_DIR=/data \
    PAPERBOT_CACHE_DIR=/data/cache

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY seeds ./seeds
RUN pip install . \
    && useradd --system --home /data paperbot \
    && mkdir -p /data /config \
    && chown paperbot /data \
    && printf '# defaults; mount your own config.toml over this file\n' > /config/config.toml

USER paperbot
VOLUME ["/data"]
ENTRYPOINT ["paperbot"]
CMD ["run"]
