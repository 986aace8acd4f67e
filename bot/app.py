"""The core services, built once from settings and handed to whichever front end runs (CLI or Discord).

Nothing here imports discord. Rule 1 of the house: nothing is created at import time; `open_app` builds it
all and `App.close` releases it, so tests can build exactly what they need.

This is the composition root: the one place that knows which storage class implements which port of the
core (bot.digest.ports), so the core never builds a repository — or a session — of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.additions.service import AdditionService
from bot.additions.sync import StoredPaperSync
from bot.clock import Clock, SystemClock
from bot.corpus.stored import StoredPaper
from bot.digest.service import DigestService
from bot.digest.subscriptions import SubscriptionService
from bot.following.service import FollowService
from bot.library import Library, ReloadReport
from bot.metrics import Metrics
from bot.offload import WorkerPool
from bot.outbox import Outbox
from bot.ratelimit import Cooldown
from bot.readinggroup.service import ReadingGroupService
from bot.search.index import PaperIndex
from bot.search.store import INDEX_FOLDER
from bot.settings import Settings
from bot.shards import Shards
from bot.sources import PaperSources
from bot.storage.added_papers_repo import AddedPaperRepo
from bot.storage.corpus_repo import CorpusRepo
from bot.storage.database import Database
from bot.storage.digest_repo import DigestRepo
from bot.storage.following_repo import FollowRepo
from bot.storage.guild_repo import GuildRepo
from bot.storage.readinggroup_repo import SqlReadingGroupStore
from bot.storage.subscription_repo import SubscriptionRepo


@dataclass
class App:
    """Everything the front ends call: settings, clock, the live corpus, rate limits and state."""

    settings: Settings
    clock: Clock
    library: Library
    ask_cooldown: Cooldown
    database: Database
    guilds: GuildRepo
    outbox: Outbox
    digest: DigestService
    subscriptions: SubscriptionService
    reading_group: ReadingGroupService
    additions: AdditionService
    sources: PaperSources
    following: FollowService
    offload: WorkerPool
    """The threads that search and answer, so the Discord client's event loop never waits for them."""
    metrics: Metrics
    """Counters for operators (`bot/metrics.py`); served over HTTP only when `metrics.port` is set."""
    stored_papers: StoredPaperSync
    """Serves papers another process (`paperbot add`, another shard) stored; checked every minute."""

    @property
    def shards(self) -> Shards:
        """This process's shards: the servers it serves and runs the scheduled jobs of (`bot.shards`)."""
        return self.settings.discord.shards()

    async def reload_corpus(self) -> ReloadReport:
        """Re-import the corpus; new papers are dated "first seen" now, so the digest calls them new.
        Stored papers are read again too (another process, e.g. `paperbot add`, may have added some)."""
        counter = await self.additions.store.last_change()
        self.library.stored = tuple(await self.additions.store.stored())
        report = await self.library.reload()
        if report.ok:
            self.stored_papers.served(counter)  # the minute's check has nothing to rebuild then
            await self.digest.sync_corpus()
        return report

    async def close(self) -> None:
        """Release what open_app acquired (after the client let its replies in flight finish)."""
        self.outbox.attach(None)
        await self.sources.close()
        self.offload.close()
        await self.database.close()


async def open_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
    database: Database | None = None,
    existing_database: bool = False,
) -> App:
    """Wire the core from settings: open + migrate the database, load the corpus (unless given) with the
    papers people added (stored in the database) laid over it.

    `existing_database` is for commands that only read the bot's state: they get a StorageError saying
    where they looked instead of a new, empty database. A CorpusError, ConfigError or StorageError raised
    here stops start-up with a message saying what to fix.
    """
    clock = clock or SystemClock()
    opened = database is None
    if database is None:
        url = settings.storage.database_url()
        database = await (Database.open_existing(url) if existing_database else Database.open(url))
    added_papers = AddedPaperRepo(database)
    try:
        seen = await added_papers.last_change()  # before the papers: see bot/additions/sync.py
        stored = tuple(await added_papers.stored())
        if library is None:
            library = Library(
                path=settings.corpus.path,
                strict=settings.corpus.strict,
                clock=clock,
                stored=stored,
                engine=settings.corpus.engine,
                index_dir=settings.storage.data_dir / INDEX_FOLDER,
            )
            library.load()
        elif stored:
            await library.use_stored(stored)
    except BaseException:
        if opened:
            await database.close()
        raise
    live = library  # services always read the index that is serving now, across reloads
    metrics = Metrics()
    offload = WorkerPool(timed=metrics.work_seconds.observe)
    outbox = Outbox()
    guilds = GuildRepo(database, clock, default_timezone=settings.digest.default_timezone)
    digest = DigestService(
        lambda: live.index,
        outbox,
        clock,
        store=DigestRepo(database),
        corpus_dates=CorpusRepo(database),
        guilds=guilds,
        grace=timedelta(hours=settings.digest.grace_hours),
        default_time=settings.digest.default_time,
        default_timezone=settings.digest.default_timezone,
        offload=offload,
    )

    async def serve_stored(papers: Sequence[StoredPaper]) -> None:
        """Serve these stored papers, and date the new ones for the digest."""
        await live.use_stored(tuple(papers))
        await digest.sync_corpus()

    stored_papers = StoredPaperSync(added_papers, serve_stored, seen)

    async def corpus_changed() -> None:
        """After an addition, fix or removal by this process: serve the stored papers now."""
        await stored_papers.refresh(changed_here=True)

    sources = PaperSources(settings.sources)
    additions = AdditionService(
        store=added_papers,
        lookup=sources,
        corpus=lambda: live.index.papers,
        clock=clock,
        on_change=corpus_changed,
    )
    return App(
        settings=settings,
        clock=clock,
        library=library,
        ask_cooldown=Cooldown(
            settings.discord.ask_cooldown_uses, settings.discord.ask_cooldown_seconds, clock
        ),
        database=database,
        guilds=guilds,
        outbox=outbox,
        digest=digest,
        subscriptions=SubscriptionService(
            lambda: live.index, outbox, clock, store=SubscriptionRepo(database), digest=digest
        ),
        reading_group=ReadingGroupService(
            SqlReadingGroupStore(database.transaction),
            clock,
            lookup=lambda ref: live.index.resolve(ref),
            index_builder=PaperIndex.build,
            default_timezone=settings.reading_group.default_timezone,
            offload=offload,
        ),
        additions=additions,
        sources=sources,
        following=FollowService(FollowRepo(database), sources, additions, outbox, clock),
        offload=offload,
        metrics=metrics,
        stored_papers=stored_papers,
    )
