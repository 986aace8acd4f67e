"""Counting a reading-group ballot: pure, so the rule members see is the rule the tests check.

The rule, as stated to members:
- Each member has one vote per ballot; voting again replaces the earlier vote (only the latest counts).
- The proposal with the most votes wins.
- **Ties go to the proposal that was made first** (earliest `created_at`, then the lower proposal
  number) — it has waited longest.
- A paper the group already discussed cannot win with a proposal made before that discussion; only a
  proposal made after it (an explicit re-proposal) is eligible.
- With no votes at all there is no winner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.readinggroup.models import Proposal, ProposalStatus, Vote

TIE_BREAK_RULE = "Most votes wins; a tie goes to the paper proposed first."
MAX_BALLOT_OPTIONS = 20
"""Discord allows 25 buttons per message; 20 leaves room for the admin's Close button and stays readable."""


@dataclass(frozen=True, slots=True)
class OptionCount:
    """One ballot option with its current number of votes."""

    proposal: Proposal
    votes: int
    eligible: bool  # False: the paper was discussed since this proposal was made, so it cannot win


@dataclass(frozen=True, slots=True)
class Tally:
    """The counts of a ballot and who wins under the stated rule."""

    options: tuple[OptionCount, ...]  # in ballot (button) order
    total_votes: int
    winner: Proposal | None
    tied: tuple[Proposal, ...]  # the proposals level on top votes when a tie had to be broken, else ()
    rule: str = TIE_BREAK_RULE


def is_eligible(proposal: Proposal, discussed: Mapping[str, datetime]) -> bool:
    """Whether `proposal` may win: open, and not a paper discussed after it was proposed."""
    if proposal.status is not ProposalStatus.OPEN:
        return False
    last_discussed = discussed.get(proposal.paper.key)
    return last_discussed is None or proposal.created_at > last_discussed


def ballot_candidates(
    proposals: Iterable[Proposal], discussed: Mapping[str, datetime], limit: int = MAX_BALLOT_OPTIONS
) -> tuple[list[Proposal], int]:
    """The eligible proposals to put on a ballot, oldest first, and how many were left off by `limit`."""
    eligible = sorted((p for p in proposals if is_eligible(p, discussed)), key=_age_key)
    return eligible[:limit], max(0, len(eligible) - limit)


def current_votes(votes: Iterable[Vote]) -> dict[int, Vote]:
    """Each member's latest vote, by user id (an earlier vote by the same member no longer counts)."""
    latest: dict[int, Vote] = {}
    for vote in votes:
        held = latest.get(vote.user_id)
        if held is None or vote.cast_at >= held.cast_at:
            latest[vote.user_id] = vote
    return latest


def tally(options: Sequence[Proposal], votes: Iterable[Vote], discussed: Mapping[str, datetime]) -> Tally:
    """Count `votes` over the ballot `options` and pick the winner by the module's rule."""
    counts = dict.fromkeys((p.id for p in options), 0)
    for vote in current_votes(votes).values():
        if vote.proposal_id in counts:
            counts[vote.proposal_id] += 1
    rows = tuple(OptionCount(p, counts[p.id], is_eligible(p, discussed)) for p in options)
    contenders = [row for row in rows if row.eligible and row.votes > 0]
    if not contenders:
        return Tally(rows, sum(counts.values()), winner=None, tied=())
    top = max(row.votes for row in contenders)
    level = sorted((row.proposal for row in contenders if row.votes == top), key=_age_key)
    return Tally(rows, sum(counts.values()), winner=level[0], tied=tuple(level) if len(level) > 1 else ())


def _age_key(proposal: Proposal) -> tuple[datetime, int]:
    return (proposal.created_at, proposal.id)
