"""The database handle: one async engine, short transactions, and Alembic migrations applied at open.

SQLite is the embedded default (a file under the data directory). Three settings make it safe for a bot
that may run as two processes on one file:

* WAL journal, so readers never block the writer (switched on once per file at open, see `_enable_wal`);
* `busy_timeout`, so a second writer waits for the lock instead of failing at once;
* `BEGIN IMMEDIATE` for every transaction (Python's sqlite3 would otherwise begin lazily, and a
  transaction that reads and then writes can fail with "database is locked" under contention without
  ever waiting). Our transactions are short and never span a Discord call, so taking the write lock up
  front costs nothing noticeable.

PostgreSQL (`postgresql+asyncpg://…`) is the shared database for several processes or machines, with the
same guarantees:

* every transaction first takes one transaction-scoped advisory lock (`pg_advisory_xact_lock`), the
  counterpart of `BEGIN IMMEDIATE`: the services' units of work read and then write (closing a ballot
  past its deadline reads it open, then closes it and announces the winner), and were written for
  writers that take turns. Without the lock, two processes closing the same ballot both saw it open and
  both announced a result. Two processes migrating at start-up take turns the same way;
* `lock_timeout` is the busy timeout: a transaction waits that long for the lock, then fails (a
  StorageError) instead of hanging;
* transactions run at READ COMMITTED, set explicitly so a server default cannot change it. The ledger's
  claim is an INSERT on a unique key and its take-over a conditional UPDATE, and both stay exactly-once at
  READ COMMITTED even without the lock (a second inserter waits for the first to commit, then hits the
  key; a second updater re-checks the condition against the winner's row), where REPEATABLE READ or
  SERIALIZABLE would answer such races with serialization failures.

Any other SQLAlchemy async URL may work (`storage.url`); the claim logic relies only on unique keys.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util.exc import CommandError
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    InvalidRequestError,
    NoSuchModuleError,
    SQLAlchemyError,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import StorageError

log = logging.getLogger("paperbot.storage")

DB_FILENAME = "paperbot.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DEFAULT_BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 10  # a server that does not answer stops start-up with a message, not a long hang
WRITE_LOCK = 0x70617065  # the PostgreSQL advisory lock every transaction takes first ("pape")

# Sync driver names people write in config files, mapped to the async driver we ship or document.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",  # the spelling of many hosting providers' DATABASE_URL
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def default_sqlite_url(data_dir: Path) -> str:
    """The embedded default: `<data_dir>/paperbot.db` through aiosqlite."""
    return f"sqlite+aiosqlite:///{(data_dir / DB_FILENAME).as_posix()}"


def _mask_password(url: str) -> str:
    """`url` with anything that could be a password (between ':' and '@') replaced by ***."""
    return re.sub(r":[^:/@]*@", ":***@", url)


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(
            f"storage.url {_mask_password(url)!r} is not a database URL. Use e.g. "
            "'postgresql+asyncpg://user:password@host/database', or leave storage.url empty to use SQLite "
            "in storage.data_dir."
        ) from exc
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def describe_url(url: str) -> str:
    """The URL as safe to print (password hidden) and, for a SQLite file, whether it exists yet.

    StorageError if it is not a database URL.
    """
    parsed = _parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if _is_sqlite_file(parsed) and not Path(parsed.database or "").is_file():
        return f"{shown} (not created yet: `paperbot run` creates it)"
    return shown


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _check_sqlite_path(url: URL) -> None:
    """Create the data directory and check it is writable (SQLite writes -wal/-shm files next to the db)."""
    path = Path(url.database or "")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the data directory {folder} ({exc.strerror}). Set storage.data_dir to a folder "
            "the bot may write to, or create it with write permission for the bot's user."
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(
            f"The data directory {folder} is not writable. SQLite needs to write {path.name} and its -wal "
            "file there: give the bot's user write permission, or set storage.data_dir elsewhere."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(
            f"The database file {path} is not readable and writable by the bot's user; fix its "
            "permissions or set storage.data_dir elsewhere."
        )


def _require_sqlite_file(url: URL) -> None:
    """For an SQLite URL, StorageError unless the file exists (other databases are checked by opening)."""
    if _is_sqlite_file(url) and not Path(url.database or "").is_file():
        raise StorageError(
            f"No paperbot database at {url.database}: the bot has not run with this storage directory. Run "
            "the command where the bot keeps its data, or set storage.data_dir (PAPERBOT_STORAGE__DATA_DIR) "
            "or storage.url to the bot's database."
        )


def _install_sqlite_pragmas(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _engine_options(url: URL) -> dict[str, Any]:
    """Engine options per database: PostgreSQL's isolation level and connect timeout (see the module doc)."""
    if url.get_backend_name() != "postgresql":
        return {}
    timeout = {"asyncpg": "timeout", "psycopg": "connect_timeout"}.get(url.get_driver_name())
    return {
        "isolation_level": "READ COMMITTED",
        "pool_pre_ping": True,  # a server restart leaves dead pooled connections; replace them, not fail
        "connect_args": {timeout: CONNECT_TIMEOUT_S} if timeout else {},
    }


def _knows_dialect(url: URL) -> bool:
    """Whether SQLAlchemy has a dialect for the URL's database (so only its driver can be missing)."""
    try:
        url.set(drivername=url.get_backend_name()).get_dialect()
    except NoSuchModuleError:
        return False
    return True


def _missing_module(url: URL, exc: Exception) -> str:
    """What to do when SQLAlchemy cannot load the URL's dialect (unknown database) or its driver."""
    shown = url.render_as_string(hide_password=True)
    if not _knows_dialect(url):
        return (
            f"storage.url {shown!r} names a kind of database paperbot does not know "
            f"({url.get_backend_name()!r}). Use 'postgresql+asyncpg://user:password@host/database', or "
            "leave storage.url empty for SQLite in storage.data_dir."
        )
    return (
        f"storage.url {shown!r} needs a database driver that is not installed ({exc}). Install the async "
        "driver for your database (e.g. `pip install asyncpg` for PostgreSQL)."
    )


def _install_postgresql_lock(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """PostgreSQL's counterpart of SQLite's `BEGIN IMMEDIATE` and busy timeout (see the module doc)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _enable_wal(path: Path, busy_timeout_ms: int) -> None:
    """Switch the file to WAL before the engine connects; the mode is stored in the file, so once will do.

    Two bots starting on a fresh file both try this switch, and SQLite answers one of them "database is
    locked" at once instead of waiting: each holds the read lock that the other's switch must upgrade, so
    the busy wait could deadlock and SQLite skips it. By the time we retry, both have let go; the retries
    are bounded by the same busy timeout, with a random pause so the two do not collide again in step.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            with closing(sqlite3.connect(path, timeout=busy_timeout_ms / 1000)) as connection:
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(random.uniform(0.001, 0.02))


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "heads")


def _current_revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


# PostgreSQL's SQLSTATE codes (the same through every driver) for refusals the operator fixes in the URL.
_SQLSTATE_FIXES = {
    "28P01": "the server refused the password for user {user}: put the right password in storage.url",
    "28000": (
        "the server refused user {user} from this machine: check the user name in storage.url and that "
        "the server's pg_hba.conf lets it connect from here"
    ),
    "3D000": (
        "there is no database {database} on the server: create it (e.g. `createdb -O {user} {database}`) "
        "or correct the database name in storage.url"
    ),
    "55P03": (
        "another process held paperbot's write lock longer than the busy timeout: look for a stuck paperbot "
        "process or a long-running transaction on this database (pg_stat_activity)"
    ),
    "42501": (
        "user {user} may not create or change the bot's tables: make it the owner of database "
        "{database} (or grant it CREATE on its schema)"
    ),
}


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error wrapped by SQLAlchemy (asyncpg keeps it on the original error)."""
    seen: BaseException | None = exc
    for _depth in range(4):  # SQLAlchemy error → adapted DBAPI error → the driver's own error
        if seen is None:
            break
        code = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(code, str):
            return code
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def _first_line(exc: BaseException) -> str:
    """The driver's own message (not SQLAlchemy's wrapping, which adds a URL to its docs), first line."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0].rstrip(".")


def rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (`CursorResult.rowcount`, which SQLAlchemy's stubs type loosely)."""
    return int(getattr(result, "rowcount", 0) or 0)


class Database:
    """An open database: `session()` for units of work, `close()` when done. Build it with `open()`."""

    def __init__(self, engine: AsyncEngine, url: URL) -> None:
        self._engine = engine
        self._url = url
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    async def open(
        cls, url: str, *, migrate: bool = True, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
    ) -> Database:
        """Connect and bring the schema up to date; any problem is a StorageError saying what to fix."""
        parsed = _parse_url(url)
        if _is_sqlite_file(parsed):
            _check_sqlite_path(parsed)
        engine = cls._create_engine(parsed)
        if parsed.get_backend_name() == "sqlite":
            _install_sqlite_pragmas(engine, busy_timeout_ms)
        elif parsed.get_backend_name() == "postgresql":
            _install_postgresql_lock(engine, busy_timeout_ms)
        database = cls(engine, parsed)
        try:
            if _is_sqlite_file(parsed):
                await database._enable_wal(busy_timeout_ms, "open and migrate" if migrate else "open")
            if migrate:
                await database.migrate()
            else:
                await database.revisions()  # at least prove that we can connect
        except BaseException:
            await engine.dispose()
            raise
        return database

    @classmethod
    async def open_existing(cls, url: str) -> Database:
        """Open a database the bot has already created, for commands that only read its state.

        They must not create one: an empty database left where the bot's is not (a wrong folder or
        storage.data_dir) would hide the real one. An existing database is migrated as the bot would.
        """
        _require_sqlite_file(_parse_url(url))
        database = await cls.open(url, migrate=False)
        try:
            if not await database.revisions():
                raise StorageError(
                    f"The database at {database.url} holds no paperbot data: start the bot once with "
                    "`paperbot run`, or set storage.data_dir or storage.url to the bot's database."
                )
            await database.migrate()
        except BaseException:
            await database.close()
            raise
        return database

    async def _enable_wal(self, busy_timeout_ms: int, action: str) -> None:
        try:
            await asyncio.to_thread(_enable_wal, Path(self._url.database or ""), busy_timeout_ms)
        except sqlite3.Error as exc:
            raise StorageError(self._explain(exc, action)) from exc

    @staticmethod
    def _create_engine(url: URL) -> AsyncEngine:
        shown = url.render_as_string(hide_password=True)
        try:
            return create_async_engine(url, **_engine_options(url))
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise StorageError(_missing_module(url, exc)) from exc
        except InvalidRequestError as exc:
            raise StorageError(
                f"storage.url {shown!r} names a synchronous driver; paperbot needs an async one, e.g. "
                "'sqlite+aiosqlite://…' or 'postgresql+asyncpg://…'."
            ) from exc
        except ArgumentError as exc:
            raise StorageError(f"storage.url {shown!r} is not usable: {exc}") from exc

    @property
    def url(self) -> str:
        """The URL in use, password hidden (safe to log)."""
        return self._url.render_as_string(hide_password=True)

    @property
    def engine(self) -> AsyncEngine:
        """The underlying engine (for tests and migrations; repositories use `transaction()`)."""
        return self._engine

    async def migrate(self) -> None:
        """Apply every pending Alembic migration in one transaction (two processes starting at once: one
        migrates, the other waits for the lock and then finds nothing to do)."""
        try:
            async with self._engine.begin() as connection:
                before = await connection.run_sync(_current_revisions)
                await connection.run_sync(_upgrade)
                after = await connection.run_sync(_current_revisions)
        except CommandError as exc:
            raise StorageError(
                f"Cannot migrate the database at {self.url}: {exc}. If it was written by a newer paperbot, "
                "upgrade paperbot (or point storage.url at another database)."
            ) from exc
        except (SQLAlchemyError, OSError) as exc:
            raise StorageError(self._explain(exc, "open and migrate")) from exc
        # The one start-up line about the database (Alembic's per-step lines are quieted with its logger).
        change = (
            "" if before == after else f" (upgraded from {', '.join(before)})" if before else " (created)"
        )
        log.info("database ready at %s, revision %s%s", self.url, ", ".join(after) or "none", change)

    async def revisions(self) -> tuple[str, ...]:
        """The schema revision(s) the database is at, e.g. ('0001',)."""
        try:
            async with self._engine.connect() as connection:
                return await connection.run_sync(_current_revisions)
        except (SQLAlchemyError, OSError) as exc:
            raise StorageError(self._explain(exc, "read")) from exc

    def session(self) -> AsyncSession:
        """A new session; prefer `transaction()`, which commits and translates errors."""
        return self._sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on error.

        IntegrityError passes through untouched (the claim logic uses unique keys on purpose); other
        database failures become a StorageError that says what to check.
        """
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except IntegrityError:
            raise
        except (SQLAlchemyError, OSError) as exc:  # OSError: the server went away (a new connection failed)
            raise StorageError(self._explain(exc, "use")) from exc

    def _explain(self, exc: SQLAlchemyError | sqlite3.Error | OSError, action: str) -> str:
        """One line for the operator: what failed, why, and what to change (never the password)."""
        if self._url.get_backend_name() == "sqlite":
            hint = (
                f"Check that {self._url.database} is a paperbot database on a writable, non-full disk, and "
                "that no other program holds a long lock on it."
            )
            return f"Cannot {action} the database at {self.url}: {_first_line(exc)}. {hint}"
        return f"Cannot {action} the database at {self.url}: {self._server_problem(exc)}."

    def _server_problem(self, exc: BaseException) -> str:
        """Why a database server could not be used, in terms of what to change."""
        where = self._url.host or "localhost"
        if self._url.port:
            where = f"{where}:{self._url.port}"
        if isinstance(exc, TimeoutError):
            return (
                f"{where} did not answer within {CONNECT_TIMEOUT_S} s: check the host and port in "
                "storage.url and that no firewall drops the connection"
            )
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            return (
                f"cannot reach {where} ({reason}): check the host and port in storage.url and that the "
                "database server is running and accepts TCP connections from this machine"
            )
        fix = _SQLSTATE_FIXES.get(_sqlstate(exc) or "")
        if fix is not None:
            return fix.format(user=self._url.username, database=self._url.database)
        return f"{_first_line(exc)}. Check storage.url and that the database server is reachable"

    async def close(self) -> None:
        """Release every connection (idempotent)."""
        await self._engine.dispose()
