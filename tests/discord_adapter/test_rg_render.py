"""The reading group's pure rendering: limits with absurd inputs, mentions defused, times as timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.discord_adapter.readinggroup.ballot import ballot_view
from bot.discord_adapter.readinggroup.render import (
    ballot_embed,
    discussed_line,
    event_details,
    proposals_embed,
    reminder_message,
    session_choice_name,
    thread_name,
)
from bot.readinggroup.models import (
    Ballot,
    BallotStatus,
    GroupSettings,
    PaperRef,
    Proposal,
    ProposalStatus,
    Session,
    SessionStatus,
)
from bot.readinggroup.results import BallotView
from bot.readinggroup.votes import MAX_BALLOT_OPTIONS, tally

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
LONG_TITLE = "Deep " * 120  # 600 characters


def _session(title: str = "Random Teachers are Good Teachers", *, url: str | None = None) -> Session:
    return Session(
        id=7,
        guild_id=1,
        starts_at=START,
        duration_minutes=60,
        paper=PaperRef(title=title, url=url),
        proposal_id=None,
        presenter_id=11,
        status=SessionStatus.SCHEDULED,
        sequence=0,
        time_set_at=NOW,
        created_at=NOW,
        thread_id=99,
    )


def _proposal(number: int, title: str) -> Proposal:
    return Proposal(
        id=number,
        guild_id=1,
        paper=PaperRef(title=title, paper_id=f"paper-{number}"),
        proposer_id=100 + number,
        note="why not " * 40,
        created_at=NOW + timedelta(minutes=number),
        status=ProposalStatus.OPEN,
    )


def test_a_reminder_names_the_role_and_presenter_and_defuses_mentions_in_the_title() -> None:
    content, embed = reminder_message(_session("@everyone look <@&123456789012345678>"), (11,), 42)
    assert content == (
        "<@&42> ⏰ Reading group <t:1796310000:R> (<t:1796310000:F>): "
        "**@\u200beveryone look <@\u200b&123456789012345678>** — presented by <@11>."
    )
    assert embed is not None
    assert embed.fields[1].value == "<#99>"


def test_a_reminder_for_an_endless_title_fits_in_one_message() -> None:
    content, embed = reminder_message(_session(LONG_TITLE * 5), (11,), 42)
    assert len(content) < 400
    assert embed is not None
    assert len(embed) <= 6000


def test_two_hundred_long_proposals_fit_one_embed_and_say_how_many_more() -> None:
    embed = proposals_embed([_proposal(n, LONG_TITLE) for n in range(1, 201)])
    assert len(embed) <= 6000
    assert embed.description is not None
    assert len(embed.description) <= 4096
    assert embed.description.endswith(" more")
    assert embed.title == "Reading group proposals (200 proposals)"


async def test_a_full_ballot_of_long_titles_stays_within_button_and_embed_limits() -> None:
    options = [_proposal(n, LONG_TITLE) for n in range(1, MAX_BALLOT_OPTIONS + 1)]
    ballot = Ballot(
        id=3,
        guild_id=1,
        target_starts_at=START,
        deadline=START - timedelta(days=1),
        status=BallotStatus.OPEN,
        options=tuple(p.id for p in options),
        opened_by=12,
        created_at=NOW,
    )
    view = BallotView(ballot, tally(options, [], {}))
    embed = ballot_embed(view)
    assert len(embed) <= 6000
    buttons = ballot_view(view)
    assert buttons is not None
    items = buttons.children
    assert len(items) == MAX_BALLOT_OPTIONS + 2 <= 25
    assert all(len(getattr(item, "label", "") or "") <= 80 for item in items)
    assert buttons.to_components()[0]["components"][0]["custom_id"] == "rg:vote:3:1"


def test_discussed_line_lists_dates_as_discord_timestamps() -> None:
    assert discussed_line([]) == ""
    assert discussed_line([START, START + timedelta(days=70)]) == (
        "📚 Discussed in the reading group on <t:1796310000:D>, <t:1802358000:D>"
    )


def test_session_choice_shows_local_time_and_fits_a_choice_name() -> None:
    name = session_choice_name(_session(LONG_TITLE), ZoneInfo("Europe/Zurich"))
    assert name.startswith("#7 · Thu 03 Dec 2026 16:00 · Deep Deep")
    assert len(name) <= 100


def test_thread_and_event_names_fit_discord_limits() -> None:
    settings = GroupSettings(
        guild_id=1, channel_id=2, weekday=3, time=time(16), timezone="UTC", location="R" * 300
    )
    name, description, location = event_details(
        _session(LONG_TITLE, url="https://x.org/" + "a" * 2000), settings, "papers"
    )
    assert len(name) <= 100
    assert len(location) <= 100
    assert len(description) <= 1000
    assert len(thread_name(_session(LONG_TITLE))) <= 100
