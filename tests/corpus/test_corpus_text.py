"""readable_abstract and find_links: what people read, and the links they can click."""

from __future__ import annotations

import pytest

from bot.corpus.loader import load_corpus
from bot.corpus.text import _readable, find_links, readable_abstract, readable_text


@pytest.mark.parametrize(
    ("raw", "readable"),
    [
        (r"networks can completely \textit{memorize} all", "networks can completely memorize all"),
        (r"top-$k$ and top-$\pi$ sampling", "top-k and top-π sampling"),
        (r"We introduce \emph{FullFlow}, a recipe", "We introduce FullFlow, a recipe"),
        (r"from ${\sim}84$\,GB to ${\sim}38$\,GB", "from ~84 GB to ~38 GB"),
        (r"text$\rightarrow$image", "text→image"),
        (r"a subword (e.g., $\langle hello \rangle$)", "a subword (e.g., ⟨hello⟩)"),
        (r"inputs of $\mathcal{O}(10^4)$ galaxies", "inputs of O(10^4) galaxies"),
        (r"reach 100\% accuracy", "reach 100% accuracy"),
        (r"datasets.\footnote{Code will be released.}", "datasets. (Code will be released.)"),
        (r"datasets.\footnote{Code will be released.", "datasets. Code will be released."),
        (r"`Double descent' and ``hello''", "'Double descent' and \"hello\""),
        ("vision--language  models\n across", "vision–language models across"),
        (r"M\"uller and Terzi\'{c} and {\L}ukasz", "Müller and Terzić and Łukasz"),
        (r"unknown \mup macro and a lone $ sign", "unknown mup macro and a lone $ sign"),
        (r"see https://x.org/a--b_c~d/.", "see https://x.org/a--b_c~d/."),
    ],
)
def test_readable_abstract(raw: str, readable: str) -> None:
    assert readable_abstract(raw) == readable


def test_readable_text_treats_tilde_as_a_space_for_bibtex_fields() -> None:
    assert readable_text(r"D.~E. Knuth and Ni\~no") == "D. E. Knuth and Niño"


def test_find_links_strips_trailing_punctuation_and_keeps_balanced_parentheses() -> None:
    text = (
        "Code: https://github.com/safelix/dinopl. Page (https://enisimsar.github.io/LIME/), "
        "wiki https://en.wikipedia.org/wiki/Lasso_(statistics); again https://github.com/safelix/dinopl"
    )
    assert find_links(text) == (
        "https://github.com/safelix/dinopl",
        "https://enisimsar.github.io/LIME/",
        "https://en.wikipedia.org/wiki/Lasso_(statistics)",
    )


def test_find_links_in_text_without_urls() -> None:
    assert find_links("No links, only http and www words.") == ()


@pytest.mark.parametrize(
    "text",
    [
        "Plain prose,  with   spaces\tand\nnewlines, an apostrophe's and ~5% of it. ",
        "\u00a0Non-breaking\u2009spaces and ümlauts stay; \x1cseparators\x1f too.",
        "Nothing to render - one hyphen, 'single quotes', (brackets) [1] and 50% & more.",
    ],
)
def test_text_without_markup_reads_as_the_full_renderer_would_render_it(text: str) -> None:
    """The shortcut for abstracts without markup (most of them) must not change a single character."""
    assert readable_abstract(text) == _readable(text, tie_is_space=False)


def test_every_bundled_abstract_reads_the_same_with_or_without_the_shortcut() -> None:
    for paper in load_corpus(strict=True).papers:
        assert readable_abstract(paper.abstract) == _readable(paper.abstract, tie_is_space=False)
