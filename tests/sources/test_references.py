"""What people type to name a paper is read without the network: every accepted form, and clear refusals."""

from __future__ import annotations

import pytest

from bot.errors import PaperReferenceError
from bot.sources import ArxivRef, DoiRef, parse_reference


@pytest.mark.parametrize(
    "text",
    [
        "2302.11563",
        "2302.11563v2",
        "arXiv:2302.11563",
        "arxiv: 2302.11563v1",
        "https://arxiv.org/abs/2302.11563",
        "https://arxiv.org/abs/2302.11563v2",
        "http://arxiv.org/pdf/2302.11563v2.pdf",
        "https://arxiv.org/pdf/2302.11563",
        "arxiv.org/abs/2302.11563?context=cs",
        "<https://export.arxiv.org/abs/2302.11563>",
        "  2302.11563  ",
        "https://doi.org/10.48550/arXiv.2302.11563",
    ],
)
def test_every_form_of_a_new_style_arxiv_id_names_the_same_paper(text: str) -> None:
    assert parse_reference(text) == ArxivRef("2302.11563")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hep-th/9901001", "hep-th/9901001"),
        ("arXiv:hep-th/9901001v3", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("1412.6980", "1412.6980"),
    ],
)
def test_old_style_and_four_digit_ids(text: str, expected: str) -> None:
    assert parse_reference(text) == ArxivRef(expected)


@pytest.mark.parametrize(
    "text",
    [
        "10.1145/3292500.3330701",
        "doi:10.1145/3292500.3330701",
        "DOI: 10.1145/3292500.3330701",
        "https://doi.org/10.1145/3292500.3330701",
        "http://dx.doi.org/10.1145/3292500.3330701",
        "https://doi.org/10.1145%2F3292500.3330701",
    ],
)
def test_every_form_of_a_doi_names_the_same_work(text: str) -> None:
    assert parse_reference(text) == DoiRef("10.1145/3292500.3330701")


def test_keys_match_what_duplicate_detection_compares() -> None:
    assert parse_reference("arXiv:2302.11563v2").key == "arxiv:2302.11563"
    assert parse_reference("10.1145/ABC.def").key == "doi:10.1145/abc.def"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Give an arXiv id"),
        ("2313.12345", "13 is not a month"),
        ("arXiv:12345", "is not an arXiv id"),
        ("doi:10.1145", "is not a valid DOI"),
        ("doi:11.1145/abc", "is not a valid DOI"),
        ("https://doi.org/not-a-doi", "is not a valid DOI"),
        ("two words", "I can't tell which paper"),
    ],
)
def test_malformed_references_are_refused_with_what_to_give(text: str, says: str) -> None:
    with pytest.raises(PaperReferenceError, match=says):
        parse_reference(text)


@pytest.mark.parametrize(
    "text",
    ["Random Teachers are Good Teachers", "attention is all you need", "  Sparse   mixtures of experts "],
)
def test_a_few_words_that_are_no_id_are_a_title(text: str) -> None:
    from bot.sources import TitleRef, read_reference

    assert read_reference(text) == TitleRef(" ".join(text.split()))


@pytest.mark.parametrize(
    "text", ["2302.11563", "doi:10.1145", "arXiv: 2302 11563 v2", "https://arxiv.org/abs/garbage here too"]
)
def test_a_mistyped_id_is_never_searched_for_as_a_title(text: str) -> None:
    from bot.sources import TitleRef, read_reference

    try:
        ref = read_reference(text)
    except PaperReferenceError:
        return  # refused as a malformed id: right
    assert not isinstance(ref, TitleRef)
