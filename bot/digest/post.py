"""What a paper-of-the-day post (and the weekly digest) says: pure data the Discord layer renders, plus a
plain-text form for the CLI, logs and DMs. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.digest.choice import Pick, short_date

EXCERPT_CHARS = 420
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“])")


def excerpt(abstract: str, limit: int = EXCERPT_CHARS) -> str:
    """The abstract's first sentences, LaTeX markup removed, at most `limit` characters: cut at a sentence
    boundary when one fits (so it reads as prose), else at a word, with "…" saying there is more."""
    text = " ".join(readable_abstract(abstract).split())
    if len(text) <= limit:
        return text
    taken = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{taken} {sentence}".strip()
        if len(candidate) + 2 > limit:
            break
        taken = candidate
    if taken:
        return taken + " …"
    head = text[: limit - 1]
    if text[limit - 1] != " ":  # the head ends inside a word: drop that partial word
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(",;: ") + "…"


@dataclass(frozen=True)
class WeeklyDigest:
    """A week in review: the papers of the day, papers new in the corpus, and what comes next."""

    start: date
    end: date
    featured: tuple[tuple[date, Paper], ...] = ()
    new_papers: tuple[Paper, ...] = ()
    upcoming: tuple[tuple[date, Paper], ...] = ()
    topic: str | None = None

    def as_text(self, limit: int = 2000) -> str:
        """Plain text (for the CLI, logs and a DM fallback), at most `limit` characters."""
        lines = [f"Week in papers — {short_date(self.start)} to {short_date(self.end)}"]
        if self.topic:
            lines.append(f"Topic: {self.topic}")
        lines.append("Papers of the day:" if self.featured else "Papers of the day: none this week.")
        lines += [f"  {d:%a} {short_date(d)} — {p.title}" for d, p in self.featured]
        lines.append("New in the corpus:" if self.new_papers else "New in the corpus: nothing new this week.")
        lines += [f"  {p.title} ({p.short_authors(2)})" for p in self.new_papers]
        if self.upcoming:
            lines.append("Coming up:")
            lines += [f"  {d:%a} {short_date(d)} — {p.title}" for d, p in self.upcoming]
        return _clip("\n".join(lines), limit)


def compose_weekly(
    *,
    start: date,
    end: date,
    featured: Sequence[tuple[date, Paper]],
    new_papers: Sequence[Paper],
    upcoming: Sequence[tuple[date, Paper]] = (),
    topic: str | None = None,
    max_items: int = 10,
) -> WeeklyDigest:
    """Assemble a weekly digest for [start, end], newest corpus additions first, each list capped."""
    newest_first = sorted(new_papers, key=lambda p: (p.published or date.min, p.id), reverse=True)
    return WeeklyDigest(
        start=start,
        end=end,
        featured=tuple(sorted(featured, key=lambda item: item[0]))[:max_items],
        new_papers=tuple(newest_first[:max_items]),
        upcoming=tuple(upcoming)[:max_items],
        topic=topic,
    )


@dataclass(frozen=True)
class DigestPost:
    """Everything a paper-of-the-day post shows; the Discord layer renders it, `as_text` for terminals."""

    paper: Paper
    local_date: date
    reasons: tuple[str, ...]
    excerpt: str
    cycle: int
    position: int
    pool_size: int
    guild_id: int | None = None
    topic: str | None = None
    scheduled_for: datetime | None = None
    weekly: WeeklyDigest | None = field(default=None)

    @property
    def position_label(self) -> str:
        """'12/50': where this paper sits in the current round."""
        return f"{self.position}/{self.pool_size}"

    @property
    def links(self) -> tuple[str, ...]:
        """The paper's links, duplicates removed."""
        return tuple(dict.fromkeys(self.paper.links))

    def as_text(self, limit: int = 2000) -> str:
        """Plain text, at most `limit` characters (Discord's message limit by default)."""
        paper = self.paper
        facts = [paper.short_authors()]
        if published := paper.published_text(short_date):
            facts.append(published)
        if paper.categories:
            facts.append(", ".join(paper.categories))
        if paper.has_code:
            facts.append("code available")
        lines = [
            f"Paper of the day — {self.local_date:%a} {short_date(self.local_date)} ({self.position_label})",
            paper.title,
            " · ".join(facts),
            "",
            self.excerpt,
        ]
        if self.links:
            lines += ["", "Links: " + " ".join(self.links)]
        lines += ["", "Why this paper: " + "; ".join(self.reasons), f"Id: {paper.id}"]
        text = "\n".join(lines)
        if self.weekly is not None:
            text += "\n\n" + self.weekly.as_text(limit)
        return _clip(text, limit)


def make_post(
    pick: Pick,
    *,
    guild_id: int | None = None,
    topic: str | None = None,
    scheduled_for: datetime | None = None,
    weekly: WeeklyDigest | None = None,
) -> DigestPost:
    """Turn a pick into the post (excerpt computed here so preview and post share it)."""
    return DigestPost(
        paper=pick.paper,
        local_date=pick.local_date,
        reasons=pick.reasons,
        excerpt=excerpt(pick.paper.abstract),
        cycle=pick.cycle,
        position=pick.position,
        pool_size=pick.pool_size,
        guild_id=guild_id,
        topic=topic,
        scheduled_for=scheduled_for,
        weekly=weekly,
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
