"""The `paperbot` command as a user runs it: output, JSON contracts, exit codes, errors without tracebacks."""

from __future__ import annotations

import gc
import gzip
import importlib
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import LEAN_ENVIRONMENT, LEAN_GC_THRESHOLDS, build_parser, lean_process, main


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_papers_json_lists_all_50_bundled_papers_with_the_promised_fields() -> None:
    code, out = run("papers", "--json")
    papers = json.loads(out)
    assert code == 0
    assert len(papers) == 50
    first = papers[0]
    assert first["id"] == "random-teachers-are-good-teachers"
    assert first["title"] == "Random Teachers are Good Teachers"
    assert first["authors"] == ["Felix Sarnthein", "Gregor Bachmann", "Sotiris Anagnostidis"]
    assert first["authors_truncated"] is True
    assert first["affiliations"] == ["eth-zurich"]
    assert first["published"] == "2023-02-23"
    assert first["categories"] == ["LG"]
    assert first["has_code"] is True
    assert first["trending"] is None
    assert first["abstract"].startswith("In this work, we investigate the implicit regularization")
    assert isinstance(first["links"], list)
    assert "source" not in first


def test_search_json_ranks_the_state_space_papers_first() -> None:
    code, out = run("search", "state space models state tracking", "--json", "--limit", "3")
    hits = json.loads(out)
    assert code == 0
    assert (
        hits[0]["title"]
        == "Structured Sparse Transition Matrices to Enable State Tracking in State-Space Models"
    )
    assert {"id", "title", "score", "snippet"} <= set(hits[0])
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_text_output_shows_rank_title_and_snippet() -> None:
    code, out = run("search", "author:terzic", "--limit", "2")
    assert code == 0
    assert out.startswith("1. ")
    assert "Terzić" in out
    assert "more; use --limit" in out  # Terzić has three papers


def test_ask_json_cites_the_right_paper() -> None:
    code, out = run("ask", "--json", "does sparsity mitigate the curse of depth in LLMs?")
    data = json.loads(out)
    assert code == 0
    assert data["citations"][0]["title"] == "When Does Sparsity Mitigate the Curse of Depth in LLMs"
    assert "[1]" in data["answer"]


def test_ask_out_of_corpus_cites_nothing() -> None:
    code, out = run("ask", "--json", "where is the best pizza in Naples?")
    assert code == 0
    assert json.loads(out)["citations"] == []


def test_trec_run_over_a_beir_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"_id": "d1", "title": "Photosynthesis in plants", "text": "Light drives sugar."})
            + "\n"
        )
        fh.write(json.dumps({"_id": "d2", "title": "Galaxy surveys", "text": "Redshift of galaxies."}) + "\n")
        fh.write(
            json.dumps({"_id": "d3", "title": "Soil bacteria", "text": "Nitrogen fixing microbes."}) + "\n"
        )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"_id": "q1", "text": "galaxy redshift"})
        + "\n"
        + json.dumps({"_id": "q2", "text": "plants"})
        + "\n"
    )
    code, out = run("search", "--queries", str(queries), "--corpus", str(corpus), "--format", "trec")
    lines = [line.split() for line in out.splitlines()]
    assert code == 0
    assert lines[0][:4] == ["q1", "Q0", "d2", "1"]
    assert lines[-1][:4] == ["q2", "Q0", "d1", "1"]
    assert all(len(parts) == 6 and parts[5] == "paperbot" for parts in lines)


def test_chat_follows_up_like_a_discord_thread() -> None:
    script = "what are random teachers?\nsimilar to [1]\n/paper nope-not-a-paper\n/quit\nnever read\n"
    code, out = run("chat", stdin=script)
    assert code == 0
    assert "[1] Random Teachers are Good Teachers" in out
    assert "papers like “Random Teachers are Good Teachers”" in out
    assert "I don't know a paper called “nope-not-a-paper”" in out
    assert "never read" not in out


def test_chat_speaks_plain_text_not_discord_markup() -> None:
    code, out = run("chat", stdin="help\nmore\n/quit\n")
    assert code == 0
    assert "**" not in out
    assert "more" in out


def test_more_in_chat_pages_only_papers_about_the_question() -> None:
    from bot.corpus.loader import load_corpus
    from bot.search.index import PaperIndex

    index = PaperIndex.build(load_corpus(None).papers)
    on_topic = {h.paper.id for h in index.search("diffusion models", limit=100).hits}
    _, out = run("chat", stdin="diffusion models\nmore\nmore\nmore\n/quit\n")
    listed = set(re.findall(r"· ([a-z0-9-]+)$", out, flags=re.MULTILINE))
    assert listed
    assert listed <= on_topic  # "more" never pages into papers that merely share a common word
    assert "That's all" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", ""], "Give a query"),
        (["search", "   "], "Type what you're looking for"),
        (["ask", "   "], "Type what you're looking for"),
        (["paper", "no-such-paper"], "I don't know a paper called"),
        (["paper", " "], "Name a paper: its id"),
        (["papers", "--corpus", "/nonexistent/corpus.txt"], "There is no corpus at /nonexistent/corpus.txt"),
        (["search", "x", "--limit", "0"], "--limit must be between 1 and 1000"),
    ],
)
def test_errors_are_one_line_on_stderr_with_a_nonzero_exit(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(*argv)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_unknown_file_type_is_refused_with_the_supported_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weird = tmp_path / "papers.xlsx"
    weird.write_bytes(b"PK\x03\x04 not a corpus")
    code, _ = run("papers", "--corpus", str(weird))
    err = capsys.readouterr().err
    assert code == 2
    assert ".bib" in err
    assert ".jsonl" in err


def test_malformed_records_are_warned_about_and_the_rest_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "lab.txt"
    listing.write_text(
        "LGFeb 23, 2023Code\n"
        "Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann\nAbstract one.\n"
        "this is not a header\nGarbage\nMore garbage\n"
        "CVApr 12, 2023\nA Second PaperMaria Parelli, Alexandros Delitzas\nAbstract two.\n"
    )
    code, out = run("papers", "--json", "--corpus", str(listing))
    err = capsys.readouterr().err
    assert code == 0
    assert [p["title"] for p in json.loads(out)] == ["Random Teachers are Good Teachers", "A Second Paper"]
    assert f"{listing}:4" in err


def test_strict_mode_refuses_a_corpus_with_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "lab.txt"
    listing.write_text("LGFeb 30, 2023\nA PaperMaria Parelli, Alexandros Delitzas\nAbstract.\n")
    code, _ = run("papers", "--strict", "--corpus", str(listing))
    assert code == 2
    assert "Feb 30" in capsys.readouterr().err


def test_huge_query_with_control_characters_gets_a_sane_answer() -> None:
    code, out = run("search", "diffusion\x00\x07 " + "model " * 2000, "--json")
    assert code == 0
    assert isinstance(json.loads(out), list)


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        assert sub.description or subparsers._name_parser_map[name], name  # type: ignore[attr-defined]
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}  # type: ignore[attr-defined]
    assert set(helps) == set(subparsers.choices)  # type: ignore[attr-defined]
    assert all(helps.values())


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "what is new?", "--json", "--all", "--strict", "--corpus", "seeds", "-v"],
        ["ask", "--config", "c.toml", "what is new?"],
        ["search", "diffusion", "--limit", "3", "--format", "trec", "--tag", "t"],
        ["search", "--queries", "q.jsonl"],
        ["papers", "--json"],
        ["paper", "some-id", "--json", "--config", "c.toml"],
        ["ask"],  # an error: the same usage and message
        ["ask", "--nope", "x"],
        ["paper", "-h"],
    ],
)
def test_a_one_shot_command_parser_built_alone_reads_its_command_line_as_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`run` builds only the parser of a one-shot command that starts the command line (`build_parser`)."""
    read = []
    for parser in (build_parser(), build_parser(argv[0])):
        try:
            read.append(vars(parser.parse_args(argv)))
        except SystemExit as exit_:
            read.append({"exit": exit_.code, "output": capsys.readouterr()})
    assert read[0] == read[1]


def test_run_without_a_token_explains_how_to_provide_one(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PAPERBOT_STORAGE__DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "PAPERBOT_DISCORD__TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_digest_preview_prints_the_pick_and_refuses_past_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("digest", "preview", "--topic", "diffusion has:code")
    assert code == 0
    assert out.startswith("Paper of the day — ")
    assert "Why this paper: topic: diffusion has:code" in out
    code, _ = run("digest", "preview", "--date", "2001-01-01")
    assert code == 2
    assert "pick a date from today on" in capsys.readouterr().err


def test_digest_preview_for_a_later_date_counts_the_days_in_between() -> None:
    today = datetime.now(UTC).date()
    _, first = run("digest", "preview", "--date", today.isoformat())
    _, third = run("digest", "preview", "--date", (today + timedelta(days=2)).isoformat())
    assert "(1/50)" in first
    assert "(3/50)" in third
    assert first.splitlines()[1] != third.splitlines()[1]  # a different paper two days later


def test_digest_preview_refuses_to_look_more_than_a_year_ahead(capsys: pytest.CaptureFixture[str]) -> None:
    far = datetime.now(UTC).date() + timedelta(days=400)
    code, _ = run("digest", "preview", "--date", far.isoformat())
    assert code == 2
    assert "at most a year ahead" in capsys.readouterr().err


def test_a_trec_run_refuses_ids_with_spaces_instead_of_shifting_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"_id": "has space", "title": "Galaxy surveys", "text": "Redshift."}) + "\n")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"_id": "q1", "text": "galaxy"}) + "\n")
    code, out = run("search", "--queries", str(queries), "--corpus", str(corpus), "--format", "trec")
    assert code == 2
    assert out == ""
    assert "needs paper ids without spaces" in capsys.readouterr().err


def test_a_query_and_a_queries_file_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"_id": "q1", "text": "galaxy"}) + "\n")
    code, _ = run("search", "deep", "--queries", str(queries))
    assert code == 2
    assert "not both" in capsys.readouterr().err


def test_a_terminal_command_in_a_fresh_process_tunes_pydantic_numpy_and_gc_but_leaves_run_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`lean_process` sets what `paperbot ask` loads faster with, unless the environment says otherwise;
    never for `paperbot run`, and never once pydantic or numpy is loaded (it would change nothing)."""
    for name in LEAN_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")  # the operator's choice wins
    importlib.import_module("pydantic")
    lean_process("ask")
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ  # this process has pydantic already
    for module in ("pydantic", "numpy"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    lean_process("run")
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ
    thresholds = gc.get_threshold()
    try:
        lean_process("ask")
        assert gc.get_threshold() == LEAN_GC_THRESHOLDS
    finally:
        gc.set_threshold(*thresholds)
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["ask", "--json", "what happens when you distil from a random teacher?"], 0), (["paper", "nope"], 2)],
)
def test_a_one_shot_command_leaves_quickly_with_all_its_output_and_its_exit_code(
    tmp_path: Path, argv: list[str], code: int
) -> None:
    """`python -m bot ask` ends through `os._exit` (no teardown): everything printed still arrives whole
    through a pipe, with nothing forcing the buffers out but the command itself, and so does its code."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == code
    if code == 0:
        answer = json.loads(proc.stdout)
        assert answer["citations"][0]["id"] == "random-teachers-are-good-teachers"
    else:
        assert proc.stderr.startswith("paperbot: I don't know a paper called “nope”")
