"""Abbreviations the corpus defines ("Generative Adversarial Networks (GANs)") join their two forms: a
question in either form finds the papers written in the other."""

from __future__ import annotations

import logging
import subprocess
import sys

from bot.search.abbreviations import Abbreviations
from bot.search.analysis import analyze_words
from bot.search.index import PaperIndex
from tests.search.conftest import MakePaper


def _papers(make_paper: MakePaper) -> PaperIndex:
    return PaperIndex.build(
        [
            make_paper("defines", "Scaling up", "Generative Adversarial Networks (GANs) emulate physics."),
            make_paper("short-only", "Textured meshes", "We propose a GAN framework for textured meshes."),
            make_paper("long-only", "A survey", "Generative adversarial networks are surveyed."),
            make_paper("other", "Fine-tuning", "Low-rank adapters for language models."),
        ],
        by_meaning=False,
    )


def test_the_long_form_finds_papers_that_only_use_the_short_form(make_paper: MakePaper) -> None:
    index = _papers(make_paper)
    found = {h.paper.id for h in index.search("generative adversarial network", limit=10).hits}
    assert found == {"defines", "short-only", "long-only"}


def test_the_short_form_finds_papers_that_only_spell_it_out(make_paper: MakePaper) -> None:
    index = _papers(make_paper)
    assert {h.paper.id for h in index.search("GANs", limit=10).hits} == {"defines", "short-only", "long-only"}


def test_papers_using_the_asked_form_come_first(make_paper: MakePaper) -> None:
    index = _papers(make_paper)
    ids = [h.paper.id for h in index.search("GAN", limit=10).hits]
    assert set(ids[:2]) == {"defines", "short-only"}


def test_a_count_counts_both_forms(make_paper: MakePaper) -> None:
    from bot.answer import answer_question

    answer = answer_question(_papers(make_paper), "how many generative adversarial network papers")
    assert answer.total == 3


def test_hyphens_and_plurals_do_not_hide_a_pair() -> None:
    pairs = Abbreviations([("SSMs", "State-space models")])
    assert pairs.variants(analyze_words("state space model expressivity")) == ["SSMs expressivity"]
    assert pairs.variants(analyze_words("ssm")) == ["State-space models"]
    assert pairs.variants(analyze_words("space models")) == []


def test_finding_pairs_leaves_the_process_logging_alone() -> None:
    """The package configures the root logger when imported; paperbot's logs must not double."""
    code = (
        "import logging\n"
        "from bot.search.abbreviations import Abbreviations\n"
        "Abbreviations.defined_in(['Large language models (LLMs) are large.'])\n"
        "root = logging.getLogger()\n"
        "print(len(root.handlers), root.level)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", str(logging.WARNING)]
