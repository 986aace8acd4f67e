"""A throwaway PostgreSQL server for the test suite, and a clean database for each test.

The storage, digest, reading-group and ledger tests run on SQLite and on a real PostgreSQL server. The
server is the machine's own PostgreSQL binaries (Debian: `apt-get install postgresql`), started once per
test run on a temporary data directory and a free loopback port, and stopped at the end; nothing of the
machine's own clusters is touched. `initdb` refuses to run as root, so as root the server runs as the
`postgres` user (created by the Debian package) or, failing that, `nobody`.

Each test gets its own database, created from a template that was migrated once (`CREATE DATABASE …
TEMPLATE` copies a few hundred kB in milliseconds), and dropped after the test.

Without the binaries the PostgreSQL half is skipped with one reason for all its tests, so `pytest -ra`
shows one line; where PostgreSQL is required (`PAPERBOT_TEST_POSTGRES=require`, which `.ci/run` sets, or
`CI` set to a true value) the same situation fails instead: CI must never pass by skipping it.
"""

from __future__ import annotations

import functools
import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

REQUIRE_ENV = "PAPERBOT_TEST_POSTGRES"
USER = "paperbot"
TEMPLATE = "paperbot_template"
NO_BINARIES = "no PostgreSQL server binaries (initdb, pg_ctl) were found"
_names = itertools.count(1)


def required() -> bool:
    """Whether a missing PostgreSQL fails the run (CI) rather than skipping its half (a developer)."""
    if os.environ.get(REQUIRE_ENV, "").lower() == "require":
        return True
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip the PostgreSQL half with `reason`, or fail where it is required."""
    if required():
        pytest.fail(f"PostgreSQL is required here ({REQUIRE_ENV}=require or CI) but {reason}", pytrace=False)
    pytest.skip(
        f"PostgreSQL half skipped: {reason}. Install it (`apt-get install postgresql`) to run it; "
        "the SQLite half ran."
    )


def needs_postgres(item: pytest.Item) -> bool:
    """Whether a test runs on the PostgreSQL server (its `postgres` fixtures, or the PostgreSQL run of
    `databases`)."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("databases") == "postgresql"
    fixtures = getattr(item, "fixturenames", ())
    return on_postgres or "postgres" in fixtures or "postgres_databases" in fixtures


def missing_binaries() -> str | None:
    """Why the server cannot be started here (no binaries), or None."""
    return None if bindir() is not None else NO_BINARIES


@functools.cache
def bindir() -> Path | None:
    """Where initdb and pg_ctl are (looked up once)."""
    return _find_bindir()


def _find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


@dataclass(frozen=True)
class PostgresServer:
    """A running test server: password login over TCP on 127.0.0.1 (as operators connect)."""

    port: int
    password: str

    def url(self, database: str, *, password: str | None = None) -> str:
        """The SQLAlchemy URL of `database` on this server (the real password unless one is given)."""
        secret = self.password if password is None else password
        return f"postgresql+asyncpg://{USER}:{secret}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """The plain libpq URL, for asyncpg.connect (administration: create and drop databases)."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    @staticmethod
    def fresh_name() -> str:
        """A database name unused in this run."""
        return f"test_{os.getpid()}_{next(_names)}"


class _Cluster:
    """initdb + pg_ctl on a temporary directory, as an unprivileged user when we are root."""

    def __init__(self, binaries: Path) -> None:
        self._bin = binaries
        self._owner = _unprivileged_user() if os.geteuid() == 0 else None
        # As root, somewhere the server's user can reach: TMPDIR may be under root's 0700 home.
        self._folder = Path(tempfile.mkdtemp(prefix="paperbot-pg-", dir="/tmp" if self._owner else None))
        self._data = self._folder / "data"
        self._log = self._folder / "server.log"
        if self._owner is not None:
            os.chown(self._folder, self._owner.pw_uid, self._owner.pw_gid)

    def start(self) -> PostgresServer:
        password = secrets.token_hex(16)
        pwfile = self._folder / "pw"
        pwfile.write_text(password)
        self._give_away(pwfile)
        self._run(
            "initdb", "-D", str(self._data), "-U", USER, f"--pwfile={pwfile}", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        for _attempt in range(5):  # another program may take the free port between our look and its bind
            port = _free_port()
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self._folder}' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            started = self._run(
                "pg_ctl", "-D", str(self._data), "-l", str(self._log), "-o", options, "-w", "-t", "60",
                "start", check=False,
            )  # fmt: skip
            if started.returncode == 0:
                return PostgresServer(port, password)
        log = self._log.read_text(errors="replace")[-2000:] if self._log.exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {started.stdout}{started.stderr}\n{log}")

    def stop(self) -> None:
        if self._data.exists():
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self._folder, ignore_errors=True)

    def _give_away(self, path: Path) -> None:
        if self._owner is not None:
            os.chown(path, self._owner.pw_uid, self._owner.pw_gid)

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self._bin / program), *args]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self._folder)
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stdout}{result.stderr}")
        return result


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a 'postgres' nor a 'nobody' user exists to run initdb")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_server() -> Iterator[PostgresServer | str]:
    """Start the server and yield it, then stop it; yields the reason instead if it cannot start."""
    binaries = bindir()
    if binaries is None:
        yield NO_BINARIES
        return
    try:
        cluster = _Cluster(binaries)
    except (RuntimeError, OSError) as exc:
        yield f"the test server could not be set up: {exc}"
        return
    try:
        try:
            server: PostgresServer | str = cluster.start()
        except (RuntimeError, OSError) as exc:
            server = f"the test server could not start: {exc}"
        yield server
    finally:
        cluster.stop()


async def admin(server: PostgresServer, statement: str) -> None:
    """Run one administrative statement (CREATE/DROP DATABASE) on the server's maintenance database."""
    connection = await asyncpg.connect(server.dsn())
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class Databases:
    """Fresh databases of one kind for one test: SQLite files under tmp_path, or PostgreSQL databases
    (copies of the migrated template, or empty) that `drop_all` removes after the test."""

    def __init__(self, tmp_path: Path, server: PostgresServer | None, template: str | None) -> None:
        self._tmp_path = tmp_path
        self._server = server
        self._template = template
        self._created: list[str] = []

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return "sqlite" if self._server is None else "postgresql"

    @property
    def server(self) -> PostgresServer:
        """The PostgreSQL server (only for PostgreSQL)."""
        assert self._server is not None, "only the PostgreSQL run has a server"
        return self._server

    async def new(self, *, migrated: bool = True) -> str:
        """The URL of a new database: migrated to the head, or empty (nothing in it yet).

        On SQLite both are a file path not yet created (opening it migrates it).
        """
        if self._server is None:
            folder = self._tmp_path / f"db{len(self._created)}"
            self._created.append(folder.name)
            return f"sqlite+aiosqlite:///{(folder / 'paperbot.db').as_posix()}"
        name = PostgresServer.fresh_name()
        source = self._template if migrated else "template0"
        await admin(self._server, f"CREATE DATABASE {name} TEMPLATE {source}")
        self._created.append(name)
        return self._server.url(name)

    async def drop_all(self) -> None:
        """Drop this test's PostgreSQL databases (connections a failed test left open are ended)."""
        if self._server is None:
            return
        for name in self._created:
            await admin(self._server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
