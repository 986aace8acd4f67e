"""Paper of the day, the pure part: the no-repeat rotation, topics, new papers, time zones, the post."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest import (
    Schedule,
    Shown,
    choose_paper,
    compose_weekly,
    excerpt,
    make_post,
    next_run,
    parse_post_time,
    parse_timezone,
    plan,
    preview_pick,
    previous_run,
    rank,
    run_dates,
    topic_pool,
)
from bot.errors import QueryError, UserError
from tests.storage.fakes import FakeCorpus, bundled_papers, synthetic_paper

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


# ---------------------------------------------------------------------------------------------- rotation


def test_fifty_days_show_each_bundled_paper_once_then_a_new_round_starts():
    papers = bundled_papers()
    picks = plan(papers, [], days(date(2026, 3, 1), 51), seed="lab")
    first_round = [p.paper.id for p in picks[:50]]
    assert len(papers) == 50
    assert sorted(first_round) == sorted(p.id for p in papers)
    assert [p.position for p in picks[:3]] == [1, 2, 3]
    assert (picks[49].cycle, picks[49].position, picks[49].pool_size) == (1, 50, 50)
    assert (picks[50].cycle, picks[50].position) == (2, 1)
    assert picks[50].paper.id != picks[49].paper.id
    assert "a new round: every paper has been featured once" in picks[50].reasons


def test_never_the_same_paper_two_days_running_when_a_round_ends():
    # A new round is a fresh shuffle, so the paper that closed the last round is sometimes the new
    # round's first by rank; those are the servers (seeds) the rule is there for.
    papers = [synthetic_paper(n) for n in range(3)]
    start = date(2026, 1, 1)
    boundaries = []
    for seed in (f"server-{n}" for n in range(40)):
        picks = plan(papers, [], days(start, 4), seed=seed)
        last_of_round, first_of_next = picks[2], picks[3]
        assert (last_of_round.cycle, first_of_next.cycle) == (1, 2)
        assert first_of_next.paper.id != last_of_round.paper.id, seed
        assert first_of_next.position == 1
        ranked_first = min(papers, key=lambda p: (rank(seed, 2, p.id), p.id))
        if ranked_first.id == last_of_round.paper.id:
            boundaries.append(seed)
            # the round still shows every paper once: the one held back comes later in the round
            later = plan(papers, [p.as_shown() for p in picks], days(start + timedelta(days=4), 2), seed=seed)
            round_two = [first_of_next.paper.id, *(p.paper.id for p in later)]
            assert sorted(round_two) == sorted(p.id for p in papers)
    assert boundaries, "no seed put the last paper of a round first in the next: the rule went untested"


def test_order_is_a_reproducible_shuffle_that_differs_between_servers():
    papers = bundled_papers()
    dates = days(date(2026, 3, 1), 10)
    lab = [p.paper.id for p in plan(papers, [], dates, seed="lab")]
    again = [p.paper.id for p in plan(papers, [], dates, seed="lab")]
    other = [p.paper.id for p in plan(papers, [], dates, seed="other-server")]
    alphabetical = sorted(p.id for p in papers)[:10]
    assert lab == again
    assert lab != other
    assert lab != alphabetical


def test_each_round_has_its_own_order():
    papers = [synthetic_paper(n) for n in range(8)]
    picks = plan(papers, [], days(date(2026, 1, 1), 16), seed="s")
    assert [p.paper.id for p in picks[:8]] != [p.paper.id for p in picks[8:]]
    assert sorted(p.paper.id for p in picks[8:]) == sorted(p.id for p in papers)


def test_a_paper_added_mid_round_is_featured_next_and_the_others_keep_their_order():
    papers = [synthetic_paper(n) for n in range(20)]
    newcomer = synthetic_paper(99, title="A brand new result")
    start = date(2026, 3, 1)
    history = [p.as_shown() for p in plan(papers, [], days(start, 5), seed="s")]
    first_seen = {p.id: start for p in papers} | {newcomer.id: date(2026, 3, 6)}
    later = days(date(2026, 3, 6), 16)
    with_new = plan([*papers, newcomer], history, later, seed="s", first_seen=first_seen)
    without = plan(papers, history, later[:15], seed="s", first_seen=first_seen)
    assert with_new[0].paper.id == "paper-099"
    assert "new in the corpus (added 6 Mar 2026)" in with_new[0].reasons
    assert (with_new[0].position, with_new[0].pool_size) == (6, 21)
    assert [p.paper.id for p in with_new[1:]] == [p.paper.id for p in without]
    assert all(p.cycle == 1 for p in with_new)


def test_the_initial_corpus_is_not_announced_as_new():
    papers = [synthetic_paper(n) for n in range(3)]
    first_seen = dict.fromkeys((p.id for p in papers), date(2026, 3, 1))
    pick = choose_paper(papers, [], seed="s", on=date(2026, 3, 2), first_seen=first_seen)
    assert pick.reasons == ("not yet featured this round (1/3)",)


def test_a_paper_that_left_the_corpus_does_not_block_the_round():
    papers = [synthetic_paper(n) for n in range(3)]
    history = [Shown("paper-gone", 1, date(2026, 3, 1)), Shown("paper-000", 1, date(2026, 3, 2))]
    picks = plan(papers, history, days(date(2026, 3, 3), 3), seed="s")
    assert sorted(p.paper.id for p in picks[:2]) == ["paper-001", "paper-002"]
    assert [(p.cycle, p.position) for p in picks] == [(1, 2), (1, 3), (2, 1)]


def test_an_empty_corpus_is_a_clear_error():
    with pytest.raises(UserError, match="no papers in the corpus"):
        choose_paper([], [], seed="s", on=date(2026, 3, 1))


# ------------------------------------------------------------------------------------------------- topic


def test_topic_narrows_the_pool_and_says_so():
    papers = [
        synthetic_paper(n, title=f"Diffusion models {n}" if n % 3 == 0 else f"Graphs {n}") for n in range(9)
    ]
    corpus = FakeCorpus(papers)
    pool = topic_pool(corpus, "diffusion")
    picks = plan(pool, [], days(date(2026, 3, 1), 4), seed="s", topic="diffusion")
    assert sorted(p.id for p in pool) == ["paper-000", "paper-003", "paper-006"]
    assert sorted(p.paper.id for p in picks[:3]) == ["paper-000", "paper-003", "paper-006"]
    assert picks[0].reasons[0] == "topic: diffusion"
    assert picks[0].pool_size == 3


def test_topic_pool_pages_through_every_match():
    papers = [synthetic_paper(n, title=f"Attention study {n}") for n in range(120)]
    corpus = FakeCorpus(papers)
    assert len(topic_pool(corpus, "attention")) == 120
    assert [offset for _, _, offset in corpus.searches] == [0, 50, 100]


def test_a_topic_without_matches_is_a_clear_message():
    corpus = FakeCorpus([synthetic_paper(1)])
    with pytest.raises(QueryError, match="No paper matches the digest topic “quantum gravity”"):
        topic_pool(corpus, "quantum gravity")


def test_a_topic_matches_by_the_same_rule_as_search_not_by_accident():
    """“protein folding” must not draw “ten-fold” papers; “state space models” not every paper on models."""
    from bot.search.index import PaperIndex

    index = PaperIndex.build(bundled_papers())
    with pytest.raises(QueryError, match="No paper matches the digest topic"):
        topic_pool(index, "protein folding")
    pool = {p.id for p in topic_pool(index, "state space models")}
    assert pool == {h.paper.id for h in index.search("state space models", limit=100).hits}
    assert len(pool) == 3
    assert all("state" in p.title.lower() or "ssm" in p.title.lower() for p in index.papers if p.id in pool)


# -------------------------------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("zone", "day", "utc_hour"),
    [
        ("Europe/Zurich", date(2026, 3, 28), 8),  # CET, the day before the change
        ("Europe/Zurich", date(2026, 3, 29), 7),  # CEST from 02:00 that morning
        ("Europe/Zurich", date(2026, 10, 25), 8),  # back to CET
        ("America/New_York", date(2026, 3, 7), 14),  # EST
        ("America/New_York", date(2026, 3, 8), 13),  # EDT from 02:00 that morning
        ("America/New_York", date(2026, 11, 1), 14),  # back to EST
    ],
)
def test_nine_oclock_local_on_both_sides_of_dst(zone, day, utc_hour):
    schedule = Schedule(time(9, 0), zone)
    the_night_before = datetime.combine(day - timedelta(days=1), time(22, 0), tzinfo=ZoneInfo(zone))
    fired = next_run(schedule, the_night_before)
    assert f"{fired.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" == f"{day:%Y-%m-%d} 09:00"
    assert fired.astimezone(UTC).hour == utc_hour


def test_a_time_in_the_spring_forward_gap_posts_an_hour_later_that_day():
    schedule = Schedule(time(2, 30), "Europe/Zurich")
    fired = next_run(schedule, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert f"{fired.astimezone(ZURICH):%Y-%m-%d %H:%M}" == "2026-03-29 03:30"
    assert fired.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_posts_at_the_first_one():
    schedule = Schedule(time(2, 30), "Europe/Zurich")
    fired = next_run(schedule, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    assert fired.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET
    after_it = next_run(schedule, fired)
    assert after_it.astimezone(ZURICH).date() == date(2026, 10, 26)


def test_weekdays_only_skips_the_weekend():
    schedule = Schedule(time(9, 0), "America/New_York", weekdays_only=True)
    friday_noon = datetime(2026, 3, 6, 12, 0, tzinfo=NEW_YORK)
    monday = next_run(schedule, friday_noon)
    assert f"{monday.astimezone(NEW_YORK):%Y-%m-%d %H:%M}" == "2026-03-09 09:00"
    sunday_evening = datetime(2026, 3, 8, 20, 0, tzinfo=NEW_YORK)
    friday = previous_run(schedule, sunday_evening)
    assert f"{friday.astimezone(NEW_YORK):%Y-%m-%d %H:%M}" == "2026-03-06 09:00"
    assert run_dates(schedule, date(2026, 3, 6), date(2026, 3, 10)) == [date(2026, 3, 6), date(2026, 3, 9)]


def test_previous_run_includes_the_exact_instant_and_next_run_excludes_it():
    schedule = Schedule(time(9, 0), "Europe/Zurich")
    nine = datetime(2026, 3, 2, 9, 0, tzinfo=ZURICH)
    assert previous_run(schedule, nine) == nine
    assert next_run(schedule, nine) == datetime(2026, 3, 3, 9, 0, tzinfo=ZURICH)
    assert previous_run(schedule, nine - timedelta(seconds=1)) == datetime(2026, 3, 1, 9, 0, tzinfo=ZURICH)


def test_settings_input_is_checked_with_helpful_messages():
    assert parse_post_time("9:05") == time(9, 5)
    assert parse_timezone(" Europe/Zurich ") == "Europe/Zurich"
    with pytest.raises(UserError, match="Use 24-hour HH:MM"):
        parse_post_time("25:00")
    with pytest.raises(UserError, match="Use an IANA name such as Europe/Zurich"):
        parse_timezone("CEST+2")


@pytest.mark.parametrize("text", ["24:00", "23:60", "24:30", "99:99", "9:5", "noon", ""])
def test_a_time_outside_the_day_gets_the_friendly_message_not_a_raw_error(text):
    with pytest.raises(UserError, match="Use 24-hour HH:MM, for example 09:00") as caught:
        parse_post_time(text)
    assert f"“{text}”" in caught.value.message  # says what it could not read


def test_the_first_and_last_minute_of_the_day_are_times():
    assert (parse_post_time("00:00"), parse_post_time("23:59")) == (time(0, 0), time(23, 59))


# -------------------------------------------------------------------------------------------------- post


def test_excerpt_cuts_at_a_sentence_boundary():
    abstract = (
        "We study cats. " * 5 + "This sentence is long and pushes the text well beyond the limit we set."
    )
    cut = excerpt(abstract, limit=80)
    assert cut == "We study cats. We study cats. We study cats. We study cats. We study cats. …"
    assert excerpt("Short and sweet.") == "Short and sweet."


def test_excerpt_drops_latex_markup():
    assert excerpt(r"We bound the \textit{rank} by $k$ terms.") == "We bound the rank by k terms."


def test_excerpt_of_one_long_sentence_cuts_at_a_word():
    cut = excerpt("word " * 100, limit=30)
    assert cut == "word word word word word word…"


def test_the_post_has_title_authors_date_category_excerpt_links_and_why():
    paper = bundled_papers()[0]
    pick = choose_paper([paper], [], seed="s", on=date(2026, 3, 2), topic="teachers")
    text = make_post(pick).as_text()
    assert text.splitlines()[:3] == [
        "Paper of the day — Mon 2 Mar 2026 (1/1)",
        "Random Teachers are Good Teachers",
        "Felix Sarnthein, Gregor Bachmann, Sotiris Anagnostidis et al. · 23 Feb 2023 · LG · code available",
    ]
    assert "Links: https://github.com/safelix/dinopl" in text
    assert "Why this paper: topic: teachers; not yet featured this round (1/1)" in text
    assert len(text) <= 2000


def test_every_bundled_paper_fits_a_discord_message():
    for paper in bundled_papers():
        post = make_post(choose_paper([paper], [], seed="s", on=date(2026, 3, 2)))
        assert len(post.as_text()) <= 2000
        assert len(post.excerpt) <= 420


def test_weekly_digest_lists_the_week_new_papers_and_whats_next():
    a, b, c = (synthetic_paper(n) for n in range(3))
    weekly = compose_weekly(
        start=date(2026, 3, 2),
        end=date(2026, 3, 8),
        featured=[(date(2026, 3, 3), b), (date(2026, 3, 2), a)],
        new_papers=[c],
        upcoming=[(date(2026, 3, 9), c)],
    )
    assert weekly.as_text().splitlines() == [
        "Week in papers — 2 Mar 2026 to 8 Mar 2026",
        "Papers of the day:",
        "  Mon 2 Mar 2026 — Paper number 0",
        "  Tue 3 Mar 2026 — Paper number 1",
        "New in the corpus:",
        "  Paper number 2 (A. Author)",
        "Coming up:",
        "  Mon 9 Mar 2026 — Paper number 2",
    ]


def test_cli_preview_for_a_later_date_counts_the_days_before_it():
    papers = bundled_papers()
    third = preview_pick(papers, on=date(2026, 3, 3), start=date(2026, 3, 1), seed="lab")
    planned = plan(papers, [], days(date(2026, 3, 1), 3), seed="lab")
    assert third.paper.id == planned[2].paper.id
    assert third.position_label == "3/50"
    weekdays = Schedule(time(9, 0), "UTC", weekdays_only=True)
    monday = preview_pick(papers, on=date(2026, 3, 9), start=date(2026, 3, 6), seed="lab", schedule=weekdays)
    assert monday.position_label == "2/50"  # only Friday 6 March comes before it
