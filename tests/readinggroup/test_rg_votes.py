"""Ballot counting: one changeable vote per member, ties to the earliest proposal, no re-runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.readinggroup.models import PaperRef, Proposal, ProposalStatus, Vote
from bot.readinggroup.votes import TIE_BREAK_RULE, ballot_candidates, current_votes, tally

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def proposal(pid: int, *, minutes: int = 0, paper: str | None = None, status=ProposalStatus.OPEN) -> Proposal:
    return Proposal(
        id=pid,
        guild_id=1,
        paper=PaperRef(title=f"Paper {pid}", paper_id=paper or f"p{pid}"),
        proposer_id=100 + pid,
        note=None,
        created_at=T0 + timedelta(minutes=minutes),
        status=status,
    )


def vote(user: int, pid: int, minute: int = 0) -> Vote:
    return Vote(ballot_id=1, user_id=user, proposal_id=pid, cast_at=T0 + timedelta(hours=1, minutes=minute))


A, B, C = proposal(1, minutes=0), proposal(2, minutes=5), proposal(3, minutes=10)


def test_most_votes_wins_and_counts_are_per_option_in_ballot_order():
    result = tally([A, B, C], [vote(1, 2), vote(2, 2), vote(3, 1)], {})
    assert result.winner == B
    assert [(row.proposal.id, row.votes) for row in result.options] == [(1, 1), (2, 2), (3, 0)]
    assert result.total_votes == 3
    assert result.tied == ()


def test_a_changed_vote_counts_once_for_the_new_choice():
    # Member 1 first votes for A, then changes to C: only C gets the vote.
    result = tally([A, B, C], [vote(1, 1, minute=0), vote(1, 3, minute=5), vote(2, 1)], {})
    assert [row.votes for row in result.options] == [1, 0, 1]
    assert result.total_votes == 2


def test_current_votes_keeps_each_members_latest_vote():
    assert {u: v.proposal_id for u, v in current_votes([vote(7, 3, 9), vote(7, 1, 2)]).items()} == {7: 3}


def test_a_tie_goes_to_the_paper_proposed_first_whatever_the_ballot_order():
    result = tally([C, B, A], [vote(1, 3), vote(2, 2), vote(3, 1)], {})
    assert result.winner == A
    assert [p.id for p in result.tied] == [1, 2, 3]
    assert result.rule == TIE_BREAK_RULE == "Most votes wins; a tie goes to the paper proposed first."


def test_same_minute_proposals_tie_break_on_the_lower_number():
    twin_a, twin_b = proposal(8, minutes=3), proposal(9, minutes=3)
    assert tally([twin_b, twin_a], [vote(1, 9), vote(2, 8)], {}).winner == twin_a


def test_no_votes_means_no_winner():
    result = tally([A, B], [], {})
    assert result.winner is None
    assert [row.votes for row in result.options] == [0, 0]


def test_votes_for_papers_not_on_the_ballot_are_ignored():
    result = tally([A, B], [vote(1, 99), vote(2, 2)], {})
    assert result.winner == B
    assert result.total_votes == 1


def test_a_paper_discussed_after_it_was_proposed_cannot_win_even_with_more_votes():
    discussed = {A.paper.key: T0 + timedelta(days=1)}  # A's paper was read after A was proposed
    result = tally([A, B], [vote(1, 1), vote(2, 1), vote(3, 2)], discussed)
    assert result.winner == B
    assert [(row.proposal.id, row.eligible) for row in result.options] == [(1, False), (2, True)]


def test_a_fresh_proposal_after_the_discussion_is_eligible_again():
    reproposal = proposal(4, minutes=3 * 24 * 60, paper=A.paper.paper_id)
    discussed = {A.paper.key: T0 + timedelta(days=1)}
    assert tally([reproposal, B], [vote(1, 4), vote(2, 4), vote(3, 2)], discussed).winner == reproposal


def test_a_withdrawn_proposal_cannot_win():
    withdrawn = proposal(5, status=ProposalStatus.WITHDRAWN)
    assert tally([withdrawn, B], [vote(1, 5), vote(2, 5), vote(3, 2)], {}).winner == B


def test_ballot_candidates_are_eligible_open_proposals_oldest_first_capped():
    old_read = proposal(6, minutes=-60, paper="read-before")
    discussed = {old_read.paper.key: T0}
    selected = proposal(7, minutes=1, status=ProposalStatus.SELECTED)
    chosen, omitted = ballot_candidates([C, selected, old_read, B, A], discussed, limit=2)
    assert [p.id for p in chosen] == [1, 2]
    assert omitted == 1  # C was eligible but over the limit
