"""What a member proposes: corpus ids or links, with links normalised so duplicates are caught."""

from __future__ import annotations

import pytest

from bot.errors import ReadingGroupError
from bot.readinggroup.papers import link_ref, looks_like_link, normalise_url


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2302.11520",
        "http://arxiv.org/abs/2302.11520v2",
        "https://www.arxiv.org/pdf/2302.11520v1.pdf",
        "https://arxiv.org/pdf/2302.11520",
        "https://export.arxiv.org/abs/2302.11520/",
    ],
)
def test_every_form_of_an_arxiv_link_is_one_paper(url: str):
    assert normalise_url(url) == "https://arxiv.org/abs/2302.11520"


def test_other_links_lose_fragment_trailing_slash_and_www_but_keep_the_query():
    assert (
        normalise_url("HTTP://WWW.Example.org/papers/x/?id=3#section-2")
        == "https://example.org/papers/x?id=3"
    )


def test_doi_links_compare_case_insensitively():
    assert normalise_url("https://dx.doi.org/10.1000/ABC.123") == "https://doi.org/10.1000/abc.123"


def test_a_link_needs_a_title():
    with pytest.raises(ReadingGroupError, match="title"):
        link_ref("https://example.org/paper", None)
    assert link_ref("https://example.org/paper", "  A   Paper ").title == "A Paper"


def test_not_a_link():
    assert not looks_like_link("2302.11520")
    assert looks_like_link(" https://example.org")
    with pytest.raises(ReadingGroupError, match="isn't a web link"):
        normalise_url("ftp://example.org/x")
