"""Adding papers from arXiv and DOIs, as a member of the group would notice it: the paper is found by
search right after, keeps its id across restarts and corpus reloads, is never there twice, and every
change says who made it. Bad input changes nothing."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.errors import PaperReferenceError, SourceNotFoundError, SourceUnavailableError
from bot.settings import Settings
from tests.additions.conftest import start
from tests.fake_sources import FakeSources, Reply
from tests.sources.conftest import FakeTime

SPARSE = "sparse-mixtures-of-reading-groups-routing-questions-to-the"


def titles_found(app: App, query: str) -> list[str]:
    return [hit.paper.title for hit in app.library.index.search(query).hits]


async def test_an_added_arxiv_paper_is_found_by_search_at_once(app: App) -> None:
    assert titles_found(app, "sparse mixtures routing questions") == []

    result = await app.additions.add("arXiv:2302.11563", "terminal:ada")

    assert result.added
    assert result.paper.id == SPARSE
    assert titles_found(app, "sparse mixtures routing questions") == [
        "Sparse Mixtures of Reading Groups: Routing Questions to the Right Paper"
    ]
    assert app.library.index.resolve(SPARSE).authors[-1] == "Dmitri Primer"
    assert len(app.library.index.papers) == 3
    assert SPARSE in await app.digest.corpus_repo.first_seen()  # the digest calls it new in the corpus


async def test_every_change_is_logged_with_who_made_it(app: App) -> None:
    await app.additions.add("2302.11563", "discord:1001")
    await app.additions.edit(SPARSE, "discord:1002", code_link="https://github.com/example-lab/other")
    await app.additions.remove(SPARSE, "discord:1003")

    changes = await app.additions.store.changes(SPARSE)
    assert [(c.action, c.actor) for c in changes] == [
        ("add", "discord:1001"),
        ("edit", "discord:1002"),
        ("remove", "discord:1003"),
    ]
    assert changes[0].detail == "from arXiv:2302.11563"


async def test_adding_it_again_in_any_form_says_it_is_already_there(
    app: App, fake_sources: FakeSources
) -> None:
    await app.additions.add("2302.11563", "terminal:ada")

    again = await app.additions.add("https://arxiv.org/pdf/2302.11563v1", "terminal:bruno")

    assert not again.added
    assert again.paper.id == SPARSE
    assert len(fake_sources.requests_to("arxiv")) == 1  # recognised by its id, arXiv not asked again
    assert len(app.library.index.papers) == 3
    assert [c.action for c in await app.additions.store.changes()] == ["add"]


async def test_a_paper_of_the_corpus_files_is_merged_not_duplicated(app: App) -> None:
    result = await app.additions.add("arXiv:2302.12091", "terminal:ada")

    assert not result.added
    assert result.paper.id == "random-teachers-are-good-teachers"  # the id people already use
    assert "links" in result.filled
    assert titles_found(app, "random teachers") == ["Random Teachers are Good Teachers"]
    served = app.library.index.resolve("random-teachers-are-good-teachers")
    assert "https://arxiv.org/abs/2302.12091" in served.links
    # the listing cut the authors ("et al."); arXiv's full list replaces the cut one
    assert served.authors == ("Felix Sarnthein", "Gregor Bachmann", "Sotiris Anagnostidis", "Thomas Hofmann")
    assert "authors" in result.filled

    again = await app.additions.add("2302.12091", "terminal:ada")  # now known by its arXiv id
    assert (again.added, again.filled) == (False, ())


async def test_added_papers_survive_a_restart_and_a_reload_of_the_corpus_files(
    app: App, settings: Settings, fake_time: FakeTime
) -> None:
    await app.additions.add("2302.11563", "terminal:ada")
    await app.additions.add("doi:10.1145/3292500.3330701", "terminal:ada")
    await app.close()

    restarted = await start(settings, fake_time)
    try:
        assert restarted.library.index.resolve(SPARSE).title.startswith("Sparse Mixtures")
        report = await restarted.reload_corpus()
        assert report.ok
        assert report.removed == ()
        assert titles_found(restarted, "reading group schedules") == [
            "Optuna-like Search for Reading Group Schedules"
        ]
        assert restarted.library.index.resolve(SPARSE).id == SPARSE
    finally:
        await restarted.close()


async def test_a_paper_added_by_another_process_is_served_after_a_reload(
    app: App, settings: Settings, fake_time: FakeTime
) -> None:
    terminal = await start(settings, fake_time)  # `paperbot add` while the bot runs
    try:
        await terminal.additions.add("2302.11563", "terminal:ada")
    finally:
        await terminal.close()
    assert titles_found(app, "sparse mixtures") == []

    await app.reload_corpus()

    assert titles_found(app, "sparse mixtures routing") != []


async def test_arxiv_is_asked_at_most_once_every_three_seconds(
    app: App, fake_time: FakeTime, fake_sources: FakeSources
) -> None:
    await app.additions.add("2302.11563", "terminal:ada")
    await app.additions.add("hep-th/9901001", "terminal:ada")

    assert fake_time.sleeps == [pytest.approx(3.0)]
    assert len(fake_sources.requests_to("arxiv")) == 2


@pytest.mark.parametrize(
    ("reference", "error", "says"),
    [
        ("2302.99999", SourceNotFoundError, "arXiv has no paper arXiv:2302.99999"),
        ("doi:10.1145", PaperReferenceError, "is not a valid DOI"),
        ("10.1145/0000000", SourceNotFoundError, "Crossref has no paper"),
        ("what a lovely paper", SourceNotFoundError, "arXiv has no paper titled “what a lovely paper”"),
        ("two words", PaperReferenceError, "I can't tell which paper"),
    ],
)
async def test_bad_input_gets_a_clear_message_and_changes_nothing(
    app: App, reference: str, error: type[Exception], says: str
) -> None:
    before = app.library.index

    with pytest.raises(error, match=says):
        await app.additions.add(reference, "terminal:ada")

    assert app.library.index is before
    assert await app.additions.store.stored() == []
    assert await app.additions.store.changes() == []


async def test_arxiv_down_changes_nothing_and_says_try_later(app: App, fake_sources: FakeSources) -> None:
    fake_sources.script("arxiv", *[Reply(503, "Service Unavailable", {"Retry-After": "3600"})])

    with pytest.raises(SourceUnavailableError, match="Try again in 60 minutes"):
        await app.additions.add("2302.11563", "terminal:ada")

    assert await app.additions.store.stored() == []
    assert titles_found(app, "sparse mixtures") == []


async def test_a_title_fix_keeps_the_id_and_survives_a_restart(
    app: App, settings: Settings, fake_time: FakeTime
) -> None:
    edited = await app.additions.edit(
        "a-paper-about-road-networks", "discord:7", title="Road Networks, Properly Titled"
    )

    assert edited.id == "a-paper-about-road-networks"
    assert titles_found(app, "properly titled") == ["Road Networks, Properly Titled"]
    assert len(app.library.index.papers) == 2
    await app.close()
    restarted = await start(settings, fake_time)
    try:
        paper = restarted.library.index.resolve("a-paper-about-road-networks")
        assert paper.title == "Road Networks, Properly Titled"
        assert paper.authors == ("Maria Parelli", "Alexandros Delitzas")
        assert len(restarted.library.index.papers) == 2
    finally:
        await restarted.close()


async def test_a_code_link_marks_the_paper_as_having_code(app: App) -> None:
    assert app.library.index.search("road networks has:code").hits == ()

    await app.additions.edit(
        "a-paper-about-road-networks", "discord:7", code_link="https://github.com/lab/roads"
    )

    hits = app.library.index.search("road networks has:code").hits
    assert [hit.paper.links[0] for hit in hits] == ["https://github.com/lab/roads"]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({}, "Say what to change"),
        ({"title": "   "}, "can't be empty"),
        ({"title": "random teachers are GOOD teachers!"}, "Another paper already has that title"),
        ({"code_link": "github.com/lab/roads"}, "must be one http"),
        ({"title": "x" * 301}, "at most 300"),
    ],
)
async def test_a_bad_edit_changes_nothing(app: App, changes: dict[str, str], says: str) -> None:
    from bot.errors import UserError

    with pytest.raises(UserError, match=says):
        await app.additions.edit("a-paper-about-road-networks", "discord:7", **changes)
    assert app.library.index.resolve("a-paper-about-road-networks").title == "A Paper About Road Networks"
    assert await app.additions.store.changes() == []


async def test_removing_an_added_paper_takes_it_out_of_search(app: App) -> None:
    await app.additions.add("2302.11563", "terminal:ada")

    removed = await app.additions.remove(SPARSE, "terminal:ada")

    assert removed.id == SPARSE
    assert titles_found(app, "sparse mixtures") == []
    assert len(app.library.index.papers) == 2


async def test_a_corpus_file_paper_cannot_be_removed_here(app: App) -> None:
    from bot.errors import UserError

    with pytest.raises(UserError, match=r"comes from the corpus files .*lab\.txt.* delete it from its file"):
        await app.additions.remove("a-paper-about-road-networks", "terminal:ada")
    assert len(app.library.index.papers) == 2
    assert await app.additions.store.changes() == []


async def test_an_unknown_paper_cannot_be_edited_or_removed(app: App) -> None:
    from bot.errors import UnknownPaperError

    with pytest.raises(UnknownPaperError):
        await app.additions.remove("no-such-paper", "terminal:ada")
    with pytest.raises(UnknownPaperError):
        await app.additions.edit("no-such-paper", "terminal:ada", title="New")


async def test_a_new_paper_whose_id_is_taken_gets_a_free_one(app: App, fake_sources: FakeSources) -> None:
    # Ids are title slugs cut at 60 characters: these two different papers would share one.
    fake_sources.arxiv["2302.11564"] = (
        fake_sources.arxiv["2302.11563"]
        .replace("2302.11563", "2302.11564")
        .replace("3599999", "3599998")  # its own DOI: a shared one would make it the same paper
        .replace("to the Right\n  Paper", "to the Wrong Paper")
        .replace("We study how", "We also study how")
    )
    first = await app.additions.add("2302.11563", "terminal:ada")

    second = await app.additions.add("2302.11564", "terminal:ada")

    assert second.added
    assert (first.paper.id, second.paper.id) == (SPARSE, f"{SPARSE}-2")
    assert app.library.index.resolve(SPARSE).title.endswith("Right Paper")
    assert app.library.index.resolve(f"{SPARSE}-2").title.endswith("Wrong Paper")


async def test_a_paper_can_be_added_by_its_exact_title(app: App, fake_sources: FakeSources) -> None:
    result = await app.additions.add(
        "sparse mixtures of reading groups: routing questions to the right paper", "terminal:ada"
    )

    assert result.added
    assert result.paper.id == SPARSE
    assert "https://arxiv.org/abs/2302.11563" in result.paper.links
    (request,) = fake_sources.requests_to("arxiv")
    assert (
        request.query["search_query"]
        == 'ti:"sparse mixtures of reading groups routing questions to the right paper"'
    )
    assert request.query["sortBy"] == "relevance"


async def test_a_title_already_served_is_answered_without_asking_arxiv(
    app: App, fake_sources: FakeSources
) -> None:
    result = await app.additions.add("Random teachers are good teachers", "terminal:ada")

    assert (result.added, result.paper.id) == (False, "random-teachers-are-good-teachers")
    assert fake_sources.requests == []


async def test_a_title_without_an_exact_match_lists_the_closest_and_adds_nothing(
    app: App, fake_sources: FakeSources
) -> None:
    with pytest.raises(SourceNotFoundError) as refused:
        await app.additions.add("Sparse Mixtures of Reading Groups", "terminal:ada")

    assert refused.value.message == (
        "arXiv has no paper titled exactly “Sparse Mixtures of Reading Groups”. The closest:\n"
        "• Sparse Mixtures of Reading Groups: Routing Questions to the Right Paper (arXiv:2302.11563)\n"
        "Add one by its id."
    )
    assert await app.additions.store.stored() == []
    with pytest.raises(SourceNotFoundError, match="arXiv has no paper titled “Completely Unknown Work Here”"):
        await app.additions.add("Completely Unknown Work Here", "terminal:ada")
