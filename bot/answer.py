"""Answers to questions, built only from the corpus: the best-matching sentences, each with a citation.

No language model: the answer is extractive, so every claim in it is a sentence some cited paper wrote.
When the corpus does not cover the question, the answer says so and cites nothing — an unrelated paper
is never presented as an answer.

When is a paper "about" the question? BM25 scores are not comparable between questions, so the gate is
*coverage* (see `bot.search.relevance`): the idf-weighted share of the question's words found in the
paper. A paper must cover at least `MIN_COVERAGE` of the question to be cited; words no paper contains
weigh as much as the rarest word, so "best pizza in Naples" is not answered by a paper saying "best".
A cited paper must also score at least `MIN_RELATIVE_SCORE` of the best cited one, so the 2nd and 3rd
sources are close competitors, not stragglers.

Questions written in the query language ("latest papers by Hofmann", "author:noci year:2024") have no
question words left; they are answered with the matching papers, newest first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus.model import Paper
from bot.search.analysis import analyze, analyze_words
from bot.search.index import PaperIndex
from bot.search.query import Query
from bot.search.results import Hit
from bot.search.snippets import best_sentences, trim_around

__all__ = ["MIN_COVERAGE", "MIN_RELATIVE_SCORE", "REFUSAL", "Answer", "Citation", "answer_question"]

MIN_COVERAGE = 0.6
MIN_RELATIVE_SCORE = 0.5
REFUSAL = "I couldn't find anything in the corpus that answers that well."
HINT = "Try other or fewer words, or browse with `search` (e.g. `search author:hofmann`)."
CANDIDATES = 10
MAX_SENTENCE_CHARS = 300
_END = re.compile(r"([.!?…]+[\"'”’)\]]*)$")


@dataclass(frozen=True)
class Citation:
    """A numbered source: `[number]` in the answer text refers to `paper`."""

    number: int
    paper: Paper


@dataclass(frozen=True)
class Answer:
    """An answer: text with [n] markers, the cited papers, the hits it drew on, and whether it found any."""

    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    confident: bool

    def render_text(self) -> str:
        """The answer followed by its numbered source list, for a terminal."""
        if not self.citations:
            return self.text
        lines = [self.text, "", "Sources:"]
        for c in self.citations:
            year = f" ({c.paper.year})" if c.paper.year else ""
            lines.append(f"[{c.number}] {c.paper.title} — {c.paper.short_authors()}{year} · {c.paper.id}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        """`{"answer": text, "citations": [{"id", "title"}, ...]}` for machine consumers."""
        return {
            "answer": self.text,
            "citations": [{"id": c.paper.id, "title": c.paper.title} for c in self.citations],
        }


def _refusal(notes: Sequence[str] = (), hint: str = HINT) -> Answer:
    text = " ".join([REFUSAL, hint, *notes])
    return Answer(text=text, citations=(), hits=(), confident=False)


def _cite(sentence: str, number: int) -> str:
    """'We show X.' → 'We show X [1].' (the marker goes before the closing punctuation)."""
    sentence = sentence.strip()
    match = _END.search(sentence)
    if match:
        return f"{sentence[: match.start()]} [{number}]{match.group(1)}"
    return f"{sentence} [{number}]."


def _listing_answer(index: PaperIndex, query: Query, max_sources: int) -> Answer:
    """A question made only of filters: the matching papers, newest first, each cited."""
    results = index.search(query, limit=max_sources)
    if not results.hits:
        return _refusal(results.notes, hint="No papers match those filters.")
    citations = tuple(Citation(n, hit.paper) for n, hit in enumerate(results.hits, start=1))
    markers = [f"[{c.number}]" for c in citations]
    listed = markers[0] if len(markers) == 1 else ", ".join(markers[:-1]) + f" and {markers[-1]}"
    papers = "paper matches" if results.total == 1 else "papers match"
    if results.total == len(markers):
        lead = (
            f"{results.total} {papers}: {listed}."
            if len(markers) == 1
            else (f"{results.total} {papers}, newest first: {listed}.")
        )
    else:
        lead = f"{results.total} {papers}; the newest {len(markers)} are {listed}."
    text = " ".join([lead, *results.notes])
    return Answer(text=text, citations=citations, hits=results.hits, confident=True)


def _sources(index: PaperIndex, query: Query, max_sources: int) -> tuple[list[Hit], tuple[str, ...]]:
    """The hits good enough to cite, best first: enough coverage and close to the best score."""
    results = index.search(query, limit=max(CANDIDATES, max_sources))
    words = analyze_words(query.text)
    covered = [h for h in results.hits if index.coverage(words, h.paper.id) >= MIN_COVERAGE]
    if not covered:
        return [], results.notes
    floor = covered[0].score * MIN_RELATIVE_SCORE
    return [h for h in covered if h.score >= floor][:max_sources], results.notes


def _statements(index: PaperIndex, hit: Hit, terms: set[str], count: int) -> list[str]:
    """The paper's sentences that best match the question, in abstract order.

    When no sentence does (the question matched the title or an author's name), the paper itself is the
    statement — title, authors, year — so the reader sees why it is cited.
    """
    chosen = best_sentences(index.sentences(hit.paper.id), terms, index.term_weight, limit=count)
    if not chosen:
        paper = hit.paper
        year = f", {paper.year}" if paper.year else ""
        return [f"“{paper.title}” ({paper.short_authors()}{year})."]
    chosen.sort(key=lambda s: s.position)
    return [trim_around(s.text, terms, MAX_SENTENCE_CHARS) for s in chosen]


def answer_question(index: PaperIndex, question: str, *, max_sources: int = 3) -> Answer:
    """Answer from the corpus with numbered citations, or say plainly that the corpus has no good answer.

    Raises QueryError for an empty question (the same rules as search).
    """
    query = index.parse(question)
    if not query.text.strip():
        return _listing_answer(index, query, max(1, max_sources))
    sources, notes = _sources(index, query, max(1, max_sources))
    if not sources:
        return _refusal(notes)
    terms = set(analyze(query.text))
    parts: list[str] = []
    citations: list[Citation] = []
    for number, hit in enumerate(sources, start=1):
        # The best source may speak twice; the others once, so the answer stays short.
        statements = _statements(index, hit, terms, 2 if number == 1 else 1)
        parts.extend(_cite(s, number) for s in statements)
        citations.append(Citation(number, hit.paper))
    text = " ".join([*parts, *notes])
    return Answer(text=text, citations=tuple(citations), hits=tuple(sources), confident=True)
