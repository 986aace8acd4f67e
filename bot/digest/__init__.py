"""Paper of the day.

The pure core, importable from `bot.digest` (no I/O, no clock, no Discord):
    schedule.py   when: Schedule (IANA zone + wall-clock time), next_run, previous_run, run_dates
    choice.py     which paper: choose_paper, plan, topic_pool — the no-repeat seeded rotation
    post.py       what the post says: DigestPost, WeeklyDigest, make_post, compose_weekly, excerpt
    preview.py    preview_pick: the next post without a database (for the CLI)
    models.py     the digest's records: DigestSettings, LedgerEntry, Subscription, DmEntry

With I/O through ports, imported explicitly:
    ports.py          what the core needs, as Protocols: DigestStore, SubscriptionStore, CorpusDates,
                      GuildDirectory, DigestPublisher, CorpusView; and Outcome
    compose.py        PostComposer: the post for a day, from the stores and the corpus
    service.py        DigestService: settings, the exactly-once claim, posting, preview, catch-up
    subscriptions.py  SubscriptionService: members' DM digests
Nothing here imports bot.storage, sqlalchemy or discord (tests/test_architecture.py checks): bot.storage
implements the stores, the Discord adapter the publisher, and bot.app plugs them in. bot.scheduling wires
DigestService to APScheduler.
"""

from bot.digest.choice import NEW_WINDOW, Pick, Shown, TopicSearch, choose_paper, plan, rank, topic_pool
from bot.digest.post import DigestPost, WeeklyDigest, compose_weekly, excerpt, make_post
from bot.digest.preview import preview_pick
from bot.digest.schedule import Schedule, next_run, parse_post_time, parse_timezone, previous_run, run_dates

__all__ = [
    "NEW_WINDOW",
    "DigestPost",
    "Pick",
    "Schedule",
    "Shown",
    "TopicSearch",
    "WeeklyDigest",
    "choose_paper",
    "compose_weekly",
    "excerpt",
    "make_post",
    "next_run",
    "parse_post_time",
    "parse_timezone",
    "plan",
    "preview_pick",
    "previous_run",
    "rank",
    "run_dates",
    "topic_pool",
]
