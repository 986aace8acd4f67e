"""The next paper of the day without a database: for `paperbot digest preview`. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.corpus.model import Paper
from bot.digest.choice import Shown, TopicSearch, plan, topic_pool
from bot.digest.post import DigestPost, make_post
from bot.digest.schedule import Schedule, run_dates
from bot.errors import UserError

MAX_PREVIEW_DAYS = 366
"""How far ahead a preview may look: each day in between is planned, so the horizon bounds the work."""


def check_horizon(first: date, on: date) -> None:
    """Refuse a preview day before `first` or more than MAX_PREVIEW_DAYS after it (UserError)."""
    if on < first:
        raise UserError(f"{on.isoformat()} is before {first.isoformat()}; pick a date from today on.")
    if (on - first).days > MAX_PREVIEW_DAYS:
        last = first + timedelta(days=MAX_PREVIEW_DAYS)
        raise UserError(f"I can preview at most a year ahead; pick a date up to {last.isoformat()}.")


def preview_pick(
    papers: Sequence[Paper],
    *,
    on: date,
    seed: str = "paperbot",
    topic: str | None = None,
    index: TopicSearch | None = None,
    history: Sequence[Shown] = (),
    first_seen: Mapping[str, date] | None = None,
    start: date | None = None,
    schedule: Schedule | None = None,
) -> DigestPost:
    """The post for `on` without any database: days from `start` (default `on`) up to `on` are planned
    first, so `--date` three days ahead shows the third pick, not the first. For the CLI."""
    if topic and index is None:
        raise ValueError("a topic needs the index to search")
    pool = topic_pool(index, topic) if topic and index is not None else tuple(papers)
    first = start or on
    check_horizon(first, on)
    days = (
        run_dates(schedule, first, on)
        if schedule
        else [first + timedelta(d) for d in range((on - first).days)]
    )
    picks = plan(pool, history, [*days, on], seed=seed, topic=topic, first_seen=first_seen)
    return make_post(picks[-1], topic=topic)
