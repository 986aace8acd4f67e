"""readable_abstract and find_links: what people read, and the links they can click."""

from __future__ import annotations

import pytest

from bot.corpus.text import find_links, readable_abstract, readable_text


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
