"""`paperbot add | import | export | edit | remove` against the loopback fake arXiv/Crossref and a
database in a temporary storage.data_dir — what someone at the terminal sees."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.corpus.bibtex import parse_bibtex
from bot.storage.database import DB_FILENAME
from bot.terminal import SQLITE_FILE
from tests.additions.conftest import LISTING
from tests.additions.test_importing import BIB
from tests.fake_sources import FakeSources, Reply

SPARSE = "sparse-mixtures-of-reading-groups-routing-questions-to-the"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_sources: FakeSources) -> Path:
    """A working folder with a corpus file, settings from the environment, no config file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lab.txt").write_text(LISTING, encoding="utf-8")
    for key in ("PAPERBOT_CONFIG", "PAPERBOT_STORAGE__URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PAPERBOT_CORPUS__PATH", str(tmp_path / "lab.txt"))
    monkeypatch.setenv("PAPERBOT_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAPERBOT_SOURCES__ARXIV_API", fake_sources.arxiv_api)
    monkeypatch.setenv("PAPERBOT_SOURCES__CROSSREF_API", fake_sources.crossref_api)
    return tmp_path


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out)
    return code, out.getvalue()


def test_add_from_arxiv_and_a_doi_then_ask_finds_them(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("add", "arxiv:2302.11563", "https://doi.org/10.1145/3292500.3330701", "--as", "ada")

    assert code == 0
    assert f"added {SPARSE}: Sparse Mixtures of Reading Groups" in out
    assert "added optuna-like-search-for-reading-group-schedules: " in out
    assert "Ada Example, Bruno Muster, Chiara Prova et al., 2023-02-22" in out
    assert str(env / "data" / "paperbot.db") in out
    code, out = run("search", "sparse mixtures routing")
    assert code == 0
    assert "Sparse Mixtures of Reading Groups" in out
    code, out = run("ask", "--json", "reading group schedules")
    assert [c["id"] for c in json.loads(out)["citations"]][:1] == [
        "optuna-like-search-for-reading-group-schedules"
    ]


def test_adding_again_says_it_is_already_there(env: Path) -> None:
    run("add", "2302.11563")

    code, out = run("add", "arXiv:2302.11563v2")

    assert code == 0
    assert out.startswith(f"already there as {SPARSE}: Sparse Mixtures")


def test_an_unknown_id_and_a_malformed_doi_are_refused_and_the_rest_still_added(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("add", "2302.99999", "doi:10.1145", "10.1145/3292500.3330701")

    assert code == 2
    err = capsys.readouterr().err
    assert "paperbot: 2302.99999: arXiv has no paper arXiv:2302.99999." in err
    assert "paperbot: doi:10.1145: “doi:10.1145” is not a valid DOI." in err
    assert "Traceback" not in err
    assert "added optuna-like-search-for-reading-group-schedules" in out
    _, papers = run("papers")
    assert "3 papers" in papers


def test_arxiv_down_is_one_clear_line(
    env: Path, fake_sources: FakeSources, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_sources.script("arxiv", Reply(503, "Service Unavailable", {"Retry-After": "900"}))

    code, _ = run("add", "2302.11563")

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "paperbot: 2302.11563: arXiv is busy right now (HTTP 503); nothing was added. "
        "Try again in 15 minutes."
    )


def test_import_names_the_broken_entries_with_their_lines(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "refs.bib").write_text(BIB, encoding="utf-8")

    code, out = run("import", "refs.bib")

    assert code == 0
    assert "added vorbild2024slots: Slot Filling for Seminar Calendars" in out
    assert "already there as random-teachers-are-good-teachers" in out
    assert "1 added, 1 already there, 2 skipped" in out
    err = capsys.readouterr().err
    assert "warning: skipped refs.bib:9: entry “broken2024” could not be parsed (check its braces)" in err
    assert "warning: skipped refs.bib:22: entry “untitled2022” has no title" in err


def test_import_of_a_missing_file_says_so(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("import", "nope.bib")
    assert code == 2
    assert "Can't read nope.bib" in capsys.readouterr().err
    assert not (env / "data").exists()


def test_export_bibtex_round_trips_through_the_importer(env: Path) -> None:
    run("add", "2302.11563", "10.1145/3292500.3330701")

    code, out = run("export", "--format", "bibtex", "--out", "group.bib")

    assert (code, out) == (0, "wrote group.bib (4 papers)\n")
    text = (env / "group.bib").read_text(encoding="utf-8")
    parsed = parse_bibtex(text, "group.bib")
    assert parsed.problems == ()
    by_id = {paper.id: paper for paper in parsed.papers}
    assert set(by_id) == {
        "random-teachers-are-good-teachers",
        "a-paper-about-road-networks",
        SPARSE,
        "optuna-like-search-for-reading-group-schedules",
    }
    sparse = by_id[SPARSE]
    assert sparse.title == "Sparse Mixtures of Reading Groups: Routing Questions to the Right Paper"
    assert sparse.authors == ("Ada Example", "Bruno Muster", "Chiara Prova", "Dmitri Primer")
    assert "https://arxiv.org/abs/2302.11563" in sparse.links
    assert "eprint = {2302.11563}" in text
    assert "doi = {10.1145/3292500.3330701}" in text
    assert by_id["optuna-like-search-for-reading-group-schedules"].published is not None


def test_export_jsonl_writes_every_served_paper(env: Path) -> None:
    run("add", "2302.11563")

    code, out = run("export", "--format", "jsonl")

    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["id"] for r in records][-1] == SPARSE
    assert len(records) == 3


def test_export_without_a_database_exports_the_corpus_files(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("export", "--format", "jsonl")

    assert code == 0
    assert len(out.splitlines()) == 2
    assert "exporting the corpus files only" in capsys.readouterr().err
    assert not (env / "data" / "paperbot.db").exists()


def test_edit_and_remove(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("add", "2302.11563")

    code, out = run(
        "edit", SPARSE, "--title", "Sparse Mixtures, Retitled", "--code", "https://github.com/x/y"
    )
    assert code == 0
    assert out.startswith(f"edited {SPARSE}: Sparse Mixtures, Retitled")
    code, out = run("remove", SPARSE)
    assert (code, out.split(" (")[0]) == (0, f"removed {SPARSE}: Sparse Mixtures, Retitled")
    code, out = run("remove", "a-paper-about-road-networks")
    assert code == 2
    assert "comes from the corpus files" in capsys.readouterr().err


def test_the_terminal_knows_the_database_file_name() -> None:
    assert SQLITE_FILE == DB_FILENAME


def test_a_corpus_given_on_the_command_line_is_answered_as_is(env: Path) -> None:
    """`--corpus` is for other corpora (an evaluation set): the lab's added papers stay out of it."""
    run("add", "2302.11563")

    assert run("papers")[1].endswith("3 papers\n")
    assert run("papers", "--corpus", "lab.txt")[1].endswith("2 papers\n")


def test_changes_lists_who_did_what(env: Path) -> None:
    run("add", "2302.11563", "--as", "ada")
    run("edit", SPARSE, "--code", "https://github.com/x/y", "--as", "bruno")

    code, out = run("changes", SPARSE)

    lines = out.splitlines()
    assert code == 0
    assert len(lines) == 2
    assert lines[0].endswith(f"  add     {SPARSE}  terminal:ada  from arXiv:2302.11563")
    assert lines[1].endswith(f"  edit    {SPARSE}  terminal:bruno  code https://github.com/x/y")
    assert run("changes", "random-teachers-are-good-teachers")[1] == (
        "no changes to random-teachers-are-good-teachers\n"
    )


def test_follow_from_the_terminal(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("follow", "add", "--server", "123", "Thomas Hofmann", "--as", "ada")
    assert (code, out) == (
        0,
        'following Thomas Hofmann (au:"Thomas Hofmann"); 1 paper(s) already out, not announced\n',
    )

    code, out = run("follow", "list", "--server", "123")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith('Thomas Hofmann  (au:"Thomas Hofmann"; by terminal:ada, ')
    assert lines[1] == "1 followed; announcements: no channel yet (/corpus follow-channel)"

    assert (
        run("follow", "remove", "--server", "123", "Thomas Hofmann")[1]
        == "no longer following Thomas Hofmann\n"
    )
    code, _ = run("follow", "remove", "--server", "123", "Thomas Hofmann")
    assert code == 2
    assert "doesn't follow Thomas Hofmann" in capsys.readouterr().err
