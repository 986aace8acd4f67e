"""Prometheus metrics for operators of many servers: what the bot serves, how fast, and what Discord refuses.

Served by prometheus-client's own HTTP server on `metrics.address:metrics.port` (off unless a port is
set; loopback by default, since the figures name no one but are nobody else's business). Scraping
`/metrics` is also the liveness signal: `paperbot_gateway_connected` is 1 while the gateway session is up.

The metrics live in one registry of their own (not prometheus-client's global one), so two bots in one
process — the test suite does that — each count only their own work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from bot.errors import ConfigError

__all__ = ["Metrics", "MetricsServer", "serve_metrics"]

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Metrics:
    """The bot's counters; `registry` is what the HTTP endpoint exposes."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.commands = Counter(
            "paperbot_commands", "Slash commands served, by command.", ["command"], registry=r
        )
        self.work_seconds = Histogram(
            "paperbot_work_seconds",
            "Time spent searching and answering in the worker pool, per call.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.posts = Counter(
            "paperbot_posts", "Messages the bot posted on its own, by kind.", ["kind"], registry=r
        )
        self.discord_errors = Counter(
            "paperbot_discord_errors",
            "Discord refusals of the bot's requests, by HTTP status.",
            ["status"],
            registry=r,
        )
        self.gateway_connected = Gauge(
            "paperbot_gateway_connected", "1 while the Discord gateway session is up.", registry=r
        )


@dataclass
class MetricsServer:
    """The running endpoint; `close` stops it with the bot."""

    server: Any
    thread: Any
    port: int

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_metrics(metrics: Metrics, address: str, port: int) -> MetricsServer:
    """Start the `/metrics` endpoint (port 0 picks a free one). ConfigError when the port can't be used."""
    try:
        server, thread = start_http_server(port, addr=address, registry=metrics.registry)
    except OSError as exc:
        raise ConfigError(
            f"metrics.port {port} on {address} can't be used ({exc.strerror or exc}): choose a free port, or "
            "leave metrics.port unset (PAPERBOT_METRICS__PORT) to serve no metrics."
        ) from exc
    bound = int(server.server_address[1])
    log.info("metrics at http://%s:%d/metrics", address, bound)
    return MetricsServer(server, thread, bound)
