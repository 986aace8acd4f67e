"""Validated settings: `config.toml` plus `PAPERBOT_SECTION__KEY` environment overrides.

One class per section (python-discord's habit), all checked at start-up so an operator sees every problem
at once, with the key that is wrong and how to fix it. The token is a secret: it is only read from the
environment or `discord.token_file`, and never printed. A `token` key in the config file is refused, not
ignored: config files get copied and committed, and a token there has leaked already.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from datetime import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.shards import Shards

DEFAULT_CONFIG_FILE = Path("config.toml")
CONFIG_ENV_VAR = "PAPERBOT_CONFIG"
TOKEN_IN_FILE = (
    "discord.token: a token in the config file is refused (config files get copied and committed). Delete "
    "the line, reset the token in the Developer Portal if the file was ever shared, and set the environment "
    "variable PAPERBOT_DISCORD__TOKEN or discord.token_file (a file holding only the token) instead."
)


class Section(BaseModel):
    """A settings section: unknown keys are an error, so a typo never silently does nothing.

    Validators are built at the first validation (`defer_build`), not at import: with nothing to read,
    `check_settings` builds the defaults with `model_construct` (the same values: pydantic never validates
    defaults), so `paperbot ask` builds none (~15 ms). For the same reason list defaults are `Field([])`
    (pydantic copies them per instance) rather than `default_factory=list`: to call a factory outside
    validation, pydantic reads its signature, and a builtin's is parsed with the tokenizer (~9 ms).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name like 'Europe/Zurich' or 'UTC'"
        ) from exc
    return value


class CorpusSettings(Section):
    """Where the papers come from."""

    path: Path | None = Field(None, description="A corpus file or folder; empty = the bundled seeds/.")
    strict: bool = Field(False, description="Refuse to start when any corpus record is malformed.")
    engine: Literal["auto", "rank-bm25", "inverted"] = Field(
        "auto",
        description="The BM25 engine: rank-bm25 (the reference), inverted (large corpora, same ranking, "
        "stored under storage.data_dir), or auto (rank-bm25 below 10,000 papers, inverted from there).",
    )


class SearchSettings(Section):
    """Search defaults."""

    default_limit: int = Field(5, ge=1, le=50)


class StorageSettings(Section):
    """Where state lives."""

    data_dir: Path = Path("data")
    url: str | None = Field(None, description="Any SQLAlchemy async URL; empty = SQLite in data_dir.")

    def database_url(self) -> str:
        """The URL to open: the configured one, else a SQLite file under data_dir."""
        if self.url:
            return self.url
        from bot.storage.database import default_sqlite_url

        return default_sqlite_url(self.data_dir)


class DiscordSettings(Section):
    """How to reach Discord. The token comes only from PAPERBOT_DISCORD__TOKEN or `token_file`."""

    token: SecretStr | None = None
    token_file: Path | None = None
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    dev_guild_ids: list[int] = Field([])
    message_content: bool = Field(True, description="Ask for the privileged Message Content intent.")
    ask_cooldown_seconds: float = Field(10.0, ge=0)
    ask_cooldown_uses: int = Field(3, ge=1)
    paper_editor_role_ids: list[int] = Field(
        [],
        description="Roles whose members may add, import, fix and remove papers (besides Manage Server).",
    )
    shard_count: int = Field(
        1, ge=1, description="How many shards the bot's servers are split over, across all its processes."
    )
    shard_ids: list[int] | None = Field(
        None, description="The shards this process connects (0 to shard_count - 1); empty = all of them."
    )

    @field_validator("shard_ids")
    @classmethod
    def _shards_in_range(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        from bot.shards import shard_problem  # with the shard settings: `paperbot ask` reads none

        count = info.data.get("shard_count")
        if value is not None and isinstance(count, int) and (problem := shard_problem(count, value)):
            raise ValueError(problem)
        return value

    def shards(self) -> Shards:
        """This process's shards: which servers it serves and owns the scheduled jobs of."""
        from bot.shards import Shards

        return Shards.of(self.shard_count, self.shard_ids)

    @field_validator("api_base")
    @classmethod
    def _api_base_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _gateway_is_ws(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with wss:// (or ws:// for a local test server)")
        return value.rstrip("/")

    def resolve_token(self) -> str:
        """The bot token, from the environment or the token file; ConfigError says how to provide one."""
        if self.token is not None and self.token.get_secret_value().strip():
            return self.token.get_secret_value().strip()
        if self.token_file is not None:
            try:
                text = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"discord.token_file: cannot read {self.token_file} ({exc.strerror}). "
                    "Point it at a readable file that holds only the bot token."
                ) from exc
            if text:
                return text
            raise ConfigError(f"discord.token_file: {self.token_file} is empty. Put the bot token in it.")
        raise ConfigError(
            "No Discord token. Set the environment variable PAPERBOT_DISCORD__TOKEN, or set "
            "discord.token_file in config.toml to a file holding the token. Without a token you can still "
            "use `paperbot ask`, `paperbot search` and `paperbot chat`."
        )


class DigestSettings(Section):
    """Paper-of-the-day defaults; each server sets its own channel, time and zone."""

    grace_hours: float = Field(6.0, ge=0, le=24, description="Catch-up window after downtime.")
    default_time: time = time(9, 0)
    default_timezone: str = "UTC"

    _zone = field_validator("default_timezone")(_check_zone)


class ReadingGroupSettings(Section):
    """Reading-group defaults."""

    default_timezone: str = Field("UTC", description="Zone of a new group until /rg setup sets one.")

    _zone = field_validator("default_timezone")(_check_zone)


class SourcesSettings(Section):
    """Where added papers' metadata comes from (`paperbot add`, `/paper add`): arXiv's API and Crossref."""

    arxiv_api: str = Field("https://export.arxiv.org/api/query", description="arXiv's API query endpoint.")
    crossref_api: str = Field("https://api.crossref.org", description="Crossref's REST API, for DOIs.")
    contact: str | None = Field(
        None, description="An e-mail address sent in the User-Agent, as arXiv and Crossref ask."
    )
    arxiv_interval_seconds: float = Field(
        3.0, ge=3.0, description="Seconds between two arXiv requests; arXiv's terms ask for at least 3."
    )
    timeout_seconds: float = Field(20.0, gt=0, le=120)
    max_retry_wait_seconds: float = Field(
        30.0, ge=0, le=600, description="Wait out a busy source (429/503) this long at most, then give up."
    )

    @field_validator("contact")
    @classmethod
    def _one_line_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if len(value) > 200 or any(ch.isspace() or not ch.isprintable() for ch in value.strip()):
            raise ValueError("must be one e-mail address (no spaces, at most 200 characters)")
        return value.strip()

    @field_validator("arxiv_api", "crossref_api")
    @classmethod
    def _is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")


class MetricsSettings(Section):
    """Prometheus metrics (`bot/metrics.py`): off unless a port is set."""

    port: int | None = Field(
        None, ge=0, le=65535, description="serve /metrics on this port (0: any free one)"
    )
    address: str = Field(
        "127.0.0.1", description="the address to listen on; loopback unless scraped remotely"
    )


class LoggingSettings(Section):
    """Logging."""

    level: str = "INFO"

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper


class Settings(Section):
    """All of paperbot's settings: the defaults, or what `load_settings` read (see `_sourced`).

    Each section defaults to its `model_construct()`: the same values as validating nothing, without
    building the section's validator (see `Section`)."""

    corpus: CorpusSettings = Field(default_factory=CorpusSettings.model_construct)
    search: SearchSettings = Field(default_factory=SearchSettings.model_construct)
    storage: StorageSettings = Field(default_factory=StorageSettings.model_construct)
    discord: DiscordSettings = Field(default_factory=DiscordSettings.model_construct)
    digest: DigestSettings = Field(default_factory=DigestSettings.model_construct)
    reading_group: ReadingGroupSettings = Field(default_factory=ReadingGroupSettings.model_construct)
    sources: SourcesSettings = Field(default_factory=SourcesSettings.model_construct)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings.model_construct)
    logging: LoggingSettings = Field(default_factory=LoggingSettings.model_construct)


ENV_PREFIX = "PAPERBOT_"


@cache
def _sourced() -> type[Settings]:
    """`Settings` read by pydantic-settings: the config file's data, under `PAPERBOT_SECTION__KEY` variables.

    Built at the first call, not at import: pydantic-settings imports asyncio, ssl and dotenv (~60 ms), which
    `paperbot ask` in a folder with no config file and no PAPERBOT_ variable does not need (`check_settings`).
    """
    from pydantic_settings import (
        BaseSettings,
        InitSettingsSource,
        PydanticBaseSettingsSource,
        SettingsConfigDict,
    )

    class SourcedSettings(Settings, BaseSettings):
        model_config = SettingsConfigDict(
            env_prefix=ENV_PREFIX,
            env_nested_delimiter="__",
            extra="forbid",
            nested_model_default_partial_update=True,
        )

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            """Environment beats the config file, which load_settings has read (and taken the token out
            of)."""
            return (
                init_settings,
                env_settings,
                InitSettingsSource(settings_cls, init_kwargs=_FILE_DATA.get()),
            )

    return SourcedSettings


_FILE_DATA: ContextVar[dict[str, Any]] = ContextVar("paperbot_config_file_data", default={})  # noqa: B039
"""The parsed config file `Settings` is being built from (set by `_build` for that one call): a context
variable rather than a subclass per call, which pydantic would build a whole new schema for."""


def _environment_sets_settings() -> bool:
    """Whether pydantic-settings may find a setting in the environment: any PAPERBOT_ variable, in any case
    (it matches names case-insensitively), counts."""
    return any(name.upper().startswith(ENV_PREFIX) for name in os.environ)


class SettingsReport(NamedTuple):
    """Every settings problem at once, and the settings to go on checking with (`paperbot check-config`).

    `settings` has each invalid section (named in `defaulted`) at its defaults, so the other sections can
    still be checked; it is None only when the environment itself cannot be parsed.
    """

    origin: str
    problems: list[str]
    settings: Settings | None
    defaulted: frozenset[str] = frozenset()

    def message(self) -> str:
        """The problems as one message, one line per key."""
        return f"Invalid settings ({self.origin}):" + "".join(f"\n  - {p}" for p in self.problems)


def _problem(err: Any) -> str:
    """One validation error as `key: what is wrong (got value) [env: NAME]`.

    A value is shown only for a known, non-secret key inside a section: a whole section or an unknown key
    may be a token pasted in the wrong place (`discord = "MTIz…"`), and must never be echoed.
    """
    loc = [str(part) for part in err["loc"]]
    key = ".".join(loc)
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown setting; check the spelling against config.example.toml"
    given = err.get("input")
    shown = (
        len(loc) >= 2
        and "token" not in key
        and err["type"] != "extra_forbidden"
        and isinstance(given, str | int | float | bool)
    )
    env = "PAPERBOT_" + "__".join(part.upper() for part in loc)
    return f"{key}: {message}{f' (got {given!r})' if shown else ''} [env: {env}]"


def _config_path(config_file: Path | None) -> Path | None:
    """`config_file`, else $PAPERBOT_CONFIG, else ./config.toml if present; ConfigError if it is missing."""
    path = config_file
    if path is None and os.environ.get(CONFIG_ENV_VAR):
        path = Path(os.environ[CONFIG_ENV_VAR])
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    if path is not None and not path.is_file():
        raise ConfigError(
            f"Config file {path} does not exist. Copy config.example.toml to {path} and edit it."
        )
    return path


def _read_config_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    import tomllib  # only with a config file: `paperbot ask` in a fresh folder needs no parser

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:  # says where, never what: no value is echoed
        raise ConfigError(f"Cannot read config file {path}: {exc}. Fix the TOML syntax.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc.strerror}.") from None


def _build(file_data: dict[str, Any], **init: Any) -> Settings:
    """The settings pydantic-settings reads from `file_data`, the environment and `init`, as a plain
    `Settings` (equal to one built any other way, and picklable)."""
    token = _FILE_DATA.set(file_data)
    try:
        sourced = _sourced()(**init)
    finally:
        _FILE_DATA.reset(token)
    return Settings.model_construct(sourced.model_fields_set, **dict(sourced))


def _with_defaults_for(broken: set[str], file_data: dict[str, Any]) -> Settings | None:
    """The settings with each broken section (or unknown top-level key) replaced by its defaults."""
    fields = Settings.model_fields
    trusted = {key: value for key, value in file_data.items() if key not in broken}
    defaults = {name: fields[name].get_default(call_default_factory=True) for name in broken & fields.keys()}
    try:
        return _build(trusted, **defaults)
    except ValueError:  # ValidationError included: nothing trustworthy is left
        return None


def check_settings(config_file: Path | None = None) -> SettingsReport:
    """Read settings from `config_file` (or $PAPERBOT_CONFIG, or ./config.toml if present) and the env,
    collecting every problem instead of stopping at the first.

    Raises ConfigError only when the config file is missing or unreadable: then nothing can be checked.
    """
    path = _config_path(config_file)
    origin = str(path) if path else "environment"
    if path is None and not _environment_sets_settings():
        return SettingsReport(origin, [], Settings.model_construct())  # the defaults, without the reader
    data = _read_config_file(path)
    problems: list[str] = []
    discord = data.get("discord")
    if isinstance(discord, dict) and "token" in discord:
        del discord["token"]  # never validated, so never used and never echoed
        problems.append(TOKEN_IN_FILE)
    try:
        return SettingsReport(origin, problems, _build(data))
    except ValidationError as exc:
        errors = exc.errors()
    except ValueError as exc:  # an environment value that is not valid JSON for a list or a section
        hint = "a PAPERBOT_… variable must hold JSON where a list is expected, e.g. '[123]'"
        return SettingsReport(origin, [*problems, f"{exc}: {hint}"], None)
    broken = {str(err["loc"][0]) for err in errors if err["loc"]}
    fallback = _with_defaults_for(broken, data)
    return SettingsReport(origin, [*map(_problem, errors), *problems], fallback, frozenset(broken))


def load_settings(config_file: Path | None = None) -> Settings:
    """The settings, or a ConfigError listing every problem at once (see `check_settings`)."""
    report = check_settings(config_file)
    if report.problems or report.settings is None:
        raise ConfigError(report.message())
    return report.settings


SHARD_FLAGS = {"shard_count": "--shard-count", "shard_ids": "--shards"}


def with_shards(settings: Settings, count: int | None, ids: list[int] | None) -> Settings:
    """`paperbot run --shard-count N --shards 0,1`: the flags over `discord.shard_count`/`shard_ids`, checked
    by the same rules as the settings; a ConfigError names the flag (every problem at once)."""
    flags = {key: value for key, value in (("shard_count", count), ("shard_ids", ids)) if value is not None}
    if not flags:
        return settings
    given = settings.discord.model_dump(include={"shard_count", "shard_ids"})
    try:
        checked = DiscordSettings.model_validate({**given, **flags})
    except ValidationError as exc:
        problems = [
            f"{SHARD_FLAGS.get(str(err['loc'][-1]), str(err['loc'][-1]))}: "
            f"{err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        ]
        raise ConfigError("; ".join(problems)) from None
    shards = checked.model_dump(include={"shard_count", "shard_ids"})
    return settings.model_copy(update={"discord": settings.discord.model_copy(update=shards)})
