"""arXiv and Crossref clients against the loopback fake: what a paper looks like once fetched, and what
the person adding it is told when the source says no, is busy, or sends something unreadable."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import PaperReferenceError, SourceNotFoundError, SourceUnavailableError
from bot.sources import ArxivRef, PaperSources
from tests.fake_sources import FakeSources, Reply, arxiv_entry, feed
from tests.sources.conftest import FakeTime

RATE_EXCEEDED = Reply(429, "Rate exceeded.", {"Retry-After": "5"}, content_type="text/plain")


async def test_an_arxiv_paper_arrives_with_everything_the_feed_gives(sources: PaperSources) -> None:
    paper = await sources.lookup("arXiv:2302.11563v2")

    assert paper.title == "Sparse Mixtures of Reading Groups: Routing Questions to the Right Paper"
    assert paper.authors == ("Ada Example", "Bruno Muster", "Chiara Prova", "Dmitri Primer")
    assert paper.published == date(2023, 2, 22)
    assert paper.categories == ("LG", "IR")  # the ACM class I.2.7 is not an arXiv category
    assert paper.abstract.startswith("We study how a small research group can route members' questions")
    assert "\n" not in paper.abstract
    assert paper.has_code
    assert paper.links[:3] == (
        "https://arxiv.org/abs/2302.11563",
        "https://arxiv.org/pdf/2302.11563",
        "https://doi.org/10.1145/3580305.3599999",
    )
    assert "https://github.com/example-lab/sparse-rg" in paper.links
    assert paper.id == "sparse-mixtures-of-reading-groups-routing-questions-to-the"


async def test_an_old_style_id_is_fetched(sources: PaperSources, fake_sources: FakeSources) -> None:
    paper = await sources.lookup("hep-th/9901001v3")

    assert paper.title == "An Old-Style Identifier Example in String Theory"
    assert paper.categories == ("HEP-TH",)
    assert not paper.has_code
    assert fake_sources.requests_to("arxiv")[0].query["id_list"] == "hep-th/9901001"


async def test_requests_say_who_is_asking(sources: PaperSources, fake_sources: FakeSources) -> None:
    await sources.lookup("2302.11563")
    await sources.lookup("10.1145/3292500.3330701")

    for request in fake_sources.requests:
        assert request.user_agent.startswith("paperbot/")
        assert "mailto:lab@example.org" in request.user_agent


async def test_arxiv_requests_are_three_seconds_apart(
    sources: PaperSources, fake_sources: FakeSources, fake_time: FakeTime
) -> None:
    await sources.lookup("2302.11563")
    fake_time.now += 1.0  # the next request comes one second later
    await sources.lookup("2302.12091")

    assert fake_time.sleeps == [pytest.approx(2.0)]
    assert len(fake_sources.requests_to("arxiv")) == 2


async def test_an_unknown_arxiv_id_is_not_found(sources: PaperSources) -> None:
    with pytest.raises(SourceNotFoundError, match=r"arXiv has no paper arXiv:2302\.99999"):
        await sources.lookup("2302.99999")


async def test_arxivs_error_entry_is_a_malformed_id_not_a_paper(
    sources: PaperSources, fake_sources: FakeSources
) -> None:
    # The local check lets this through (it looks like an id); arXiv answers with its "Error" entry.
    with pytest.raises(PaperReferenceError, match=r"arXiv says .* is not a valid id: incorrect id format"):
        await sources.arxiv.fetch(ArxivRef("2302.1"))


async def test_busy_arxiv_is_waited_out_as_retry_after_says(
    sources: PaperSources, fake_sources: FakeSources, fake_time: FakeTime
) -> None:
    fake_sources.script("arxiv", RATE_EXCEEDED, Reply(503, "busy", {"Retry-After": "7"}))

    paper = await sources.lookup("2302.11563")

    assert paper.title.startswith("Sparse Mixtures")
    assert fake_time.sleeps[:2] == [5.0, pytest.approx(7.0)]
    assert len(fake_sources.requests_to("arxiv")) == 3


async def test_a_source_that_stays_busy_means_try_later(
    sources: PaperSources, fake_sources: FakeSources
) -> None:
    fake_sources.script("arxiv", *[Reply(503, "down", {"Retry-After": "10"})] * 3)

    with pytest.raises(SourceUnavailableError, match=r"arXiv is busy right now \(HTTP 503\).*Try again in"):
        await sources.lookup("2302.11563")
    assert len(fake_sources.requests_to("arxiv")) == 3  # the first try and two retries, no more


async def test_a_retry_after_longer_than_we_wait_gives_up_at_once(
    sources: PaperSources, fake_sources: FakeSources, fake_time: FakeTime
) -> None:
    fake_sources.script("arxiv", Reply(429, "slow down", {"Retry-After": "600"}))

    with pytest.raises(SourceUnavailableError, match="Try again in 10 minutes"):
        await sources.lookup("2302.11563")
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    "body",
    [
        "Rate exceeded.",
        feed([arxiv_entry("2302.11563")])[:-300],  # cut off mid-entry
        "<html><body>502 Bad Gateway</body></html>",
    ],
    ids=["plain-text", "truncated-feed", "html"],
)
async def test_an_unreadable_feed_adds_nothing(
    sources: PaperSources, fake_sources: FakeSources, body: str
) -> None:
    fake_sources.script("arxiv", Reply(200, body))

    with pytest.raises(SourceUnavailableError, match="arXiv sent a reply I couldn't read"):
        await sources.lookup("2302.11563")


async def test_a_crossref_work_arrives_mapped(sources: PaperSources) -> None:
    paper = await sources.lookup("https://doi.org/10.1145/3292500.3330701")

    assert paper.title == "Optuna-like Search for Reading Group Schedules"  # <i> markup dropped
    assert paper.authors == ("Hanna Vorbild", "Ivo Exemplar", "The Reading Group Consortium")
    assert paper.published == date(2019, 7, 25)
    assert paper.date_precision == "day"
    assert paper.abstract.startswith("We schedule reading groups")  # the JATS "Abstract" title dropped
    assert "<" not in paper.abstract
    assert paper.links[0] == "https://doi.org/10.1145/3292500.3330701"
    assert paper.has_code
    assert "https://gitlab.com/example-lab/rg-search" in paper.links


async def test_a_year_only_crossref_date_stays_a_year(sources: PaperSources) -> None:
    paper = await sources.lookup("doi:10.5555/year-only")

    assert (paper.published, paper.date_precision) == (date(2021, 1, 1), "year")
    assert paper.published_text() == "2021"


async def test_an_unknown_doi_is_not_found(sources: PaperSources) -> None:
    with pytest.raises(SourceNotFoundError, match=r"Crossref has no paper doi:10\.1145/0000000"):
        await sources.lookup("10.1145/0000000")


async def test_a_crossref_record_without_title_is_refused(sources: PaperSources) -> None:
    with pytest.raises(SourceUnavailableError, match="has no title"):
        await sources.lookup("10.5555/no-title")


async def test_a_malformed_crossref_reply_adds_nothing(
    sources: PaperSources, fake_sources: FakeSources
) -> None:
    fake_sources.script(
        "crossref", Reply(200, '{"status": "ok", "message": ', content_type="application/json")
    )

    with pytest.raises(SourceUnavailableError, match="Crossref sent a reply I couldn't read"):
        await sources.lookup("10.1145/3292500.3330701")


async def test_an_unreachable_source_says_so(config: object, fake_time: FakeTime) -> None:
    from tests.sources.conftest import Config

    closed = Config("http://127.0.0.1:9/api/query", "http://127.0.0.1:9")
    client = PaperSources(closed, sleep=fake_time.sleep, monotonic=fake_time.monotonic)
    try:
        with pytest.raises(SourceUnavailableError, match="couldn't reach arXiv"):
            await client.lookup("2302.11563")
    finally:
        await client.close()


async def test_a_malformed_reference_sends_nothing(sources: PaperSources, fake_sources: FakeSources) -> None:
    with pytest.raises(PaperReferenceError):
        await sources.lookup("doi:10.1145")
    assert fake_sources.requests == []


async def test_a_large_feed_is_read_whole(sources: PaperSources, fake_sources: FakeSources) -> None:
    """A reply arrives in many network chunks; every one of them is read before parsing."""
    padding = "<!-- " + "x" * 2_000_000 + " -->\n"
    body = feed([arxiv_entry("2302.11563")]).replace("<entry>", padding + "  <entry>", 1)
    fake_sources.script("arxiv", Reply(200, body))

    paper = await sources.lookup("2302.11563")

    assert paper.authors[-1] == "Dmitri Primer"


async def test_a_reply_too_large_to_be_a_feed_is_refused(
    sources: PaperSources, fake_sources: FakeSources
) -> None:
    fake_sources.script("arxiv", Reply(200, "x" * (9 * 1024 * 1024)))

    with pytest.raises(SourceUnavailableError, match="unexpectedly large reply"):
        await sources.lookup("2302.11563")


async def test_an_entry_without_a_title_adds_nothing(
    sources: PaperSources, fake_sources: FakeSources
) -> None:
    entry = arxiv_entry("2302.11563")
    start, end = entry.index("<title>"), entry.index("</title>") + len("</title>")
    fake_sources.script("arxiv", Reply(200, feed([entry[:start] + "<title></title>" + entry[end:]])))

    with pytest.raises(SourceUnavailableError, match="arXiv sent an incomplete record"):
        await sources.lookup("2302.11563")
