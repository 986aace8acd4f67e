"""The terminal's ready-made corpus and index (`bot/search/ready.py`): the same answers as a cold run, and
a changed corpus, a damaged file or other code never answer from an older build."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bot.terminal
from bot.cli import main
from bot.search.index import PaperIndex
from bot.search.meaning import CACHE_ENV
from bot.search.ready import ReadyCache

QUESTION = "what do we know about galaxy redshift surveys?"
RECORDS = [
    {"_id": "d1", "title": "Photosynthesis in plants", "text": "Light drives sugar making in leaves."},
    {"_id": "d2", "title": "Galaxy surveys", "text": "We measure the redshift of distant galaxies."},
    {"_id": "d3", "title": "Soil bacteria", "text": "Nitrogen fixing microbes in farm soil."},
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def write_corpus(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def ask(corpus: Path, question: str = QUESTION) -> str:
    out = io.StringIO()
    assert main(["ask", "--json", question, "--corpus", str(corpus)], stdout=out) == 0
    return out.getvalue()


def no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, loading the corpus or analysing it fails: only ready-made work can answer."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the corpus was loaded or analysed again")

    monkeypatch.setattr(bot.terminal, "load_corpus", refuse)
    monkeypatch.setattr(PaperIndex, "_index", refuse)


def test_the_second_run_answers_from_the_cache_exactly_as_a_cold_run(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", RECORDS)
    questions = [QUESTION, "soil microbes", "papers from 2020"]
    cold = {}
    for number, question in enumerate(questions):  # each in a fresh cache folder: nothing ready-made
        monkeypatch.setenv(CACHE_ENV, str(tmp_path / f"cold-{number}"))
        cold[question] = ask(corpus, question)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    assert ask(corpus) == cold[QUESTION]
    assert len(list(cache.glob("ready-corpus-*.pickle"))) == 1
    assert len(list(cache.glob("ready-index-*.pickle"))) == 1
    no_building(monkeypatch)
    for question in questions:
        assert ask(corpus, question) == cold[question]


def test_a_changed_corpus_is_loaded_and_analysed_again(tmp_path: Path, cache: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", RECORDS)
    assert "Galaxy surveys" in ask(corpus)
    changed = [*RECORDS[:1], {**RECORDS[1], "title": "Redshift surveys of galaxy clusters"}, *RECORDS[2:]]
    write_corpus(corpus, changed)
    answer = ask(corpus)
    assert "Redshift surveys of galaxy clusters" in answer
    assert "Galaxy surveys" not in answer
    assert len(list(cache.glob("ready-corpus-*.pickle"))) == 2


def test_damaged_cache_files_are_made_again(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", RECORDS)
    cold = ask(corpus)
    for path in cache.glob("ready-*.pickle"):
        path.write_bytes(path.read_bytes()[:40])
    assert ask(corpus) == cold
    assert "unreadable cache file" in caplog.text
    assert ask(corpus) == cold  # and the files were written again, whole


def test_other_code_or_inputs_give_other_names() -> None:
    assert ReadyCache.name("index", b"a", b"b") == ReadyCache.name("index", b"a", b"b")
    assert ReadyCache.name("index", b"a", b"b") != ReadyCache.name("index", b"ab")
    assert ReadyCache.name("index", b"a") != ReadyCache.name("corpus", b"a")


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    corpus = write_corpus(tmp_path / "corpus.jsonl", RECORDS)
    assert "Galaxy surveys" in ask(corpus)


def test_ask_imports_nothing_of_discord_storage_or_the_meaning_model() -> None:
    """`paperbot ask` is a whole process per question: what it imports is its start-up time."""
    script = (
        "import io, sys\n"
        "from bot.cli import main\n"
        "main(['ask', 'what happens when you distil from a random teacher?'], stdout=io.StringIO())\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "numpy" in loaded  # the check sees the libraries ask does load
    heavy = {
        *("discord", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg", "onnxruntime", "tokenizers", "numba"),
        *("apscheduler", "prometheus_client", "feedparser", "bibtexparser"),
    }
    assert loaded.isdisjoint(heavy), sorted(loaded & heavy)
