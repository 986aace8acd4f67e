"""Compose a server's post from the ledger, the corpus and the settings — the one path shared by the
scheduled post, `/digest now` and `/digest preview`, which is why a preview shows exactly what is posted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from bot.corpus.model import Paper
from bot.digest.choice import Pick, Shown, plan, topic_pool
from bot.digest.models import DigestSettings, LedgerEntry
from bot.digest.ports import CorpusDates, CorpusView, DigestStore
from bot.digest.post import DigestPost, WeeklyDigest, compose_weekly, make_post
from bot.digest.schedule import run_dates
from bot.errors import UserError
from bot.offload import Offload, inline

UPCOMING_DAYS = 3
WEEK = timedelta(days=7)


def _shown(entries: Sequence[LedgerEntry]) -> list[Shown]:
    return [Shown(e.paper_id, e.cycle, e.local_date) for e in entries if e.counts_as_shown]


class PostComposer:
    """Builds DigestPosts (and weekly digests) for a server; reads the stores, never writes them."""

    def __init__(
        self,
        repo: DigestStore,
        corpus_dates: CorpusDates,
        corpus: Callable[[], CorpusView],
        offload: Offload = inline,
    ) -> None:
        self._repo = repo
        self._corpus_dates = corpus_dates
        self._corpus = corpus
        self._offload = offload

    async def pool(self, topic: str | None) -> tuple[Paper, ...]:
        """The eligible papers: the whole corpus, or what the topic matches (QueryError if nothing). The
        topic is searched through `offload`: the bot's event loop doesn't wait for the search."""
        corpus = self._corpus()
        return await self._offload(topic_pool, corpus, topic) if topic else tuple(corpus.papers)

    async def compose(
        self,
        settings: DigestSettings,
        day: date,
        *,
        scheduled_for: datetime | None,
        planned_days: Sequence[date] = (),
    ) -> DigestPost:
        """The post for `day`, as if `planned_days` (before it) had been posted first."""
        pool = await self.pool(settings.topic)
        history = _shown(await self._repo.history(settings.guild_id, before=day))
        first_seen = await self._corpus_dates.first_seen()
        picks = plan(
            pool,
            history,
            [*planned_days, day],
            seed=settings.seed,
            topic=settings.topic,
            first_seen=first_seen,
        )
        weekly = None
        if settings.weekly_day == day.weekday():
            with_picks = [*history, *(p.as_shown() for p in picks)]
            weekly = await self._weekly(settings, day, pool, with_picks, picks)
        return make_post(
            picks[-1],
            guild_id=settings.guild_id,
            topic=settings.topic,
            scheduled_for=scheduled_for,
            weekly=weekly,
        )

    async def weekly_for_subscribers(self, settings: DigestSettings, day: date) -> WeeklyDigest | None:
        """The server's week in review for weekly DM subscribers, on its weekly day (Monday by default)."""
        weekly_day = settings.weekly_day if settings.weekly_day is not None else 0
        if day.weekday() != weekly_day:
            return None
        history = _shown(await self._repo.history(settings.guild_id, before=day + timedelta(days=1)))
        return await self._weekly(settings, day, tuple(self._corpus().papers), history)

    async def from_ledger(self, settings: DigestSettings, entry: LedgerEntry) -> DigestPost:
        """The post as it went out on a past day (reasons as recorded then)."""
        paper = next((p for p in self._corpus().papers if p.id == entry.paper_id), None)
        if paper is None:
            raise UserError(
                f"The paper posted on {entry.local_date:%d %b %Y} ({entry.paper_id}) is no longer "
                "in the corpus."
            )
        pick = Pick(paper, entry.local_date, entry.cycle, entry.position, entry.pool_size, entry.reasons)
        return make_post(pick, guild_id=settings.guild_id, topic=entry.topic)

    async def _weekly(
        self,
        settings: DigestSettings,
        day: date,
        pool: Sequence[Paper],
        history: Sequence[Shown],
        planned: Sequence[Pick] = (),
    ) -> WeeklyDigest:
        """The 7 days before `day`: posted (or planned) papers, corpus additions, the next few picks."""
        by_id = {p.id: p for p in self._corpus().papers}
        start = day - WEEK
        posted = await self._repo.entries_between(settings.guild_id, start, day)
        featured = [
            (e.local_date, by_id[e.paper_id]) for e in posted if e.counts_as_shown and e.paper_id in by_id
        ]
        featured += [(p.local_date, p.paper) for p in planned if start <= p.local_date < day]
        first_seen = await self._corpus_dates.first_seen()
        baseline = min(first_seen.values(), default=None)  # the initial import is not "new"
        pool_ids = {p.id for p in pool}
        new = [
            by_id[pid]
            for pid, seen in first_seen.items()
            if pid in by_id and pid in pool_ids and start <= seen < day and seen != baseline
        ]
        upcoming: list[tuple[date, Paper]] = []
        if settings.enabled and settings.channel_id is not None:
            later = run_dates(settings.schedule, day + timedelta(days=1), day + WEEK + WEEK)[:UPCOMING_DAYS]
            picks = plan(
                pool, history, later, seed=settings.seed, topic=settings.topic, first_seen=first_seen
            )
            upcoming = [(p.local_date, p.paper) for p in picks]
        return compose_weekly(
            start=start,
            end=day - timedelta(days=1),
            featured=featured,
            new_papers=new,
            upcoming=upcoming,
            topic=settings.topic,
        )
