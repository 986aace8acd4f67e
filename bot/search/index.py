"""The paper index: built once from a list of papers, then searched, browsed and autocompleted.

Each paper is indexed in three fields — `body` (title + readable abstract), `title` again (so a title
match counts for more than an abstract match), and `authors` (so a bare name finds that person's
papers) — scored by a `ScoringEngine`: rank-bm25 for small corpora, the inverted engine (same ranking,
`inverted.py`) from `AUTO_INVERTED_FROM` papers on, its analysed terms and postings stored on disk
(`store.py`). Papers' terms are kept as arrays (`terms.py`), not a set per paper. Filters (author, year,
category, code) select the candidate papers *before* ranking. The index never changes after `build`; a
new corpus means a new index, swapped in whole by its owner.
"""

from __future__ import annotations

import random
import re
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Final, Literal, NamedTuple, cast

import numpy as np

from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.errors import AmbiguousPaperError, CorpusError, Problem, QueryError, UnknownPaperError
from bot.search.abbreviations import Abbreviations
from bot.search.analysis import Word, analyze, analyze_words, fold
from bot.search.authors import AuthorDirectory, name_key
from bot.search.engine import BM25Engine, BM25Settings, FieldedDoc, ScoringEngine
from bot.search.meaning import MAX_PAPERS as MEANING_MAX_PAPERS
from bot.search.meaning import Embedder, MeaningIndex, VectorCache, bundled_model
from bot.search.query import Query, with_note
from bot.search.ready import ReadyCache
from bot.search.relevance import (
    BROAD_MIN,
    BROAD_SHARE,
    LEAD_SENTENCES,
    coverage,
    covered,
    leads_with,
)
from bot.search.results import Hit, Matches, SearchResults
from bot.search.snippets import Sentence, analyze_sentences, make_snippet, split_sentences, trim_around
from bot.search.spelling import Speller
from bot.search.store import IndexStore, corpus_key
from bot.search.terms import AnalysedTerms, analyse_papers
from bot.search.understanding import QUESTION_WORDS, Question, Reader

if TYPE_CHECKING:  # imported where the large-corpus engine is built: a small corpus never needs it
    from bot.search.inverted import InvertedEngine

__all__ = [
    "AUTO_INVERTED_FROM",
    "DEFAULT_SETTINGS",
    "MAX_LIMIT",
    "MAX_RESULTS",
    "EngineChoice",
    "Hit",
    "PaperIndex",
    "Question",
    "SearchResults",
    "choose_engine",
]

DEFAULT_SETTINGS = BM25Settings()
"""The engine defaults (documented on `BM25Settings`)."""
MAX_LIMIT = 100
"""The most results an interactive caller (Discord, chat) should ask for at once."""
MAX_RESULTS = 1000
"""The most results `search` returns in one call: enough for a TREC-style run (BEIR scores the top 1000)."""
MAX_MATCHED_TERMS = 8
_MEANING_INTENTS = frozenset({"topic", "who_wrote", "list"})
"""Questions one paper answers: only these may fall back to the paper closest in meaning (a count or a
list of one "closest" paper would misstate the corpus)."""

EngineFactory = Callable[[Sequence[FieldedDoc], BM25Settings], ScoringEngine]
EngineChoice = Literal["auto", "rank-bm25", "inverted"]
RANK_BM25: Final = "rank-bm25"
INVERTED: Final = "inverted"
AUTO_INVERTED_FROM = 10_000
"""`engine = "auto"` uses rank-bm25 (the reference) below this many papers and the inverted engine from
it on: rank-bm25 scans every paper once per query word (≈ 25 ms a query at 5,000 papers, growing
linearly), the inverted engine only the papers holding a query word. Both rank alike (tests pin it)."""


def choose_engine(choice: EngineChoice, papers: int) -> str:
    """The engine `choice` means for a corpus of `papers` papers: "rank-bm25" or "inverted"."""
    if choice == "auto":
        return INVERTED if papers >= AUTO_INVERTED_FROM else RANK_BM25
    return choice


Today = Callable[[], date]
if TYPE_CHECKING:  # annotations only (see `bot.search.terms`)
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]


def utc_today() -> date:
    """Today's date in UTC: what "this year" means unless the owner of the index injects a clock."""
    return datetime.now(UTC).date()


def _newest_first(paper: Paper) -> tuple[bool, int]:
    """Sort key: dated papers newest first, undated last."""
    return (paper.published is None, -(paper.published.toordinal() if paper.published else 0))


@cache
def _title_punctuation() -> re.Pattern[str]:
    """Compiled when a title is first looked up: a class of scattered non-Latin-1 characters is ~1.3 M
    instructions to compile, and most questions name no title."""
    return re.compile(r"[-‐‑‒–—:;,.!?()\[\]\"'“”‘’/]+")


def _title_key(text: str) -> str:
    """A title as typed: folded, punctuation and hyphens as spaces ("state-space" is "state space")."""
    return " ".join(_title_punctuation().sub(" ", fold(text)).split())


def _affiliation_key(name: str) -> str:
    """'eth-zurich' and 'ETH Zurich' are one institution."""
    return " ".join(fold(name).replace("-", " ").split())


def _oldest_first(paper: Paper) -> tuple[bool, int]:
    """Sort key: dated papers oldest first, undated last."""
    return (paper.published is None, paper.published.toordinal() if paper.published else 0)


def _check_ids(papers: Sequence[Paper]) -> None:
    seen: dict[str, Paper] = {}
    problems = []
    for paper in papers:
        if paper.id in seen:
            problems.append(Problem(paper.source or "corpus", None, f"the id “{paper.id}” is used twice"))
        seen[paper.id] = paper
    if problems:
        raise CorpusError("Two papers share an id; each paper needs its own.", problems)


class _InTitles:
    """`relevance.covered` over titles alone: a term's weight is its idf over the corpus (the same word
    weighs the same wherever it is looked for), the papers holding it are those whose title does."""

    def __init__(self, terms: AnalysedTerms) -> None:
        self._terms = terms
        self.size = terms.size
        self._titled: dict[str, npt.NDArray[np.int32]] = {}

    def idf(self, term: str) -> float:
        return self._terms.idf(term)

    def containing(self, term: str) -> npt.NDArray[np.int32]:
        if term not in self._titled:
            self._titled[term] = self._terms.titled(term)
        return self._titled[term]


RECENT_QUESTIONS = 8
"""How many questions' matches an index keeps (`PaperIndex._every`): at a million papers a common topic's
are a few megabytes."""


class _Every(NamedTuple):
    """Every match of a question (`PaperIndex._match_every`), shared by whoever asks: never changed."""

    docs: Sequence[int]
    scores: tuple[float, ...] | None
    query: Query
    nothing: SearchResults | None


def _remembering(index: PaperIndex) -> Callable[[Question], _Every]:
    """`index._match_every`, keeping the last questions' matches. The cache holds the index through a weak
    reference: a bound method would make a reference cycle, and an index replaced by a new one (a paper
    added) would then stay in memory, gigabytes at a million papers, until the cyclic collector ran."""
    of = weakref.ref(index)

    @lru_cache(maxsize=RECENT_QUESTIONS)
    def every(question: Question) -> _Every:
        found = of()
        assert found is not None, "asked through its own index, which is alive"
        return found._match_every(question)

    return every


class PaperIndex:
    """Search, browse and autocomplete over a fixed tuple of papers. Build with `PaperIndex.build`."""

    def __init__(
        self,
        papers: Sequence[Paper],
        settings: BM25Settings,
        engine_factory: EngineFactory | None,
        today: Today = utc_today,
        embedder: Embedder | None = None,
        *,
        engine: EngineChoice = "auto",
        store: IndexStore | None = None,
        ready: ReadyCache | None = None,
    ) -> None:
        _check_ids(papers)
        self._today = today
        self.papers: tuple[Paper, ...] = tuple(papers)
        self._by_id = {p.id: i for i, p in enumerate(self.papers)}
        self._every = _remembering(self)
        self.engine_name = "custom" if engine_factory is not None else choose_engine(engine, len(self.papers))
        self._terms, self._engine = self._ready_index(settings, engine_factory, store, ready)
        self._sentences: dict[int, tuple[Sentence, ...]] = {}
        self._leads: dict[int, frozenset[str]] = {}
        """Paper → the terms of its title, authors and first sentences (`_leads_with`), as first needed."""
        self._meaning = (
            None
            if embedder is None or len(self.papers) > MEANING_MAX_PAPERS
            else MeaningIndex(
                lambda: [f"{p.title}. {self._abstract(n)}" for n, p in enumerate(self.papers)],
                embedder,
                VectorCache(),
            )
        )

    def _ready_index(
        self,
        settings: BM25Settings,
        engine_factory: EngineFactory | None,
        store: IndexStore | None,
        ready: ReadyCache | None,
    ) -> tuple[AnalysedTerms, ScoringEngine]:
        """`_index`, or what an earlier process built from the same papers, kept in `ready` (rank-bm25 only:
        the inverted engine has its own store, and a custom engine may not pickle). The abbreviations the
        papers define and the author directory are kept with them: finding the one and folding the names
        for the other were most of a one-shot question's own work."""
        if ready is None or engine_factory is not None or self.engine_name != RANK_BM25:
            return self._index(settings, engine_factory, store)
        name = ready.name("index", corpus_key(self.papers).encode(), repr(settings).encode())
        found = ready.load(name)
        if isinstance(found, tuple) and len(found) == 4 and isinstance(found[0], AnalysedTerms):
            terms, engine, abbreviations, authors = found
            if (
                isinstance(engine, BM25Engine)
                and isinstance(authors, AuthorDirectory)
                and engine.size == terms.size == len(authors.paper_keys) == len(self.papers)
            ):
                # what the cached_properties would compute
                self.__dict__.update(_abbreviations=abbreviations, _authors=authors)
                return terms, engine
        built = self._index(settings, engine_factory, store)
        ready.save(name, (*built, self._abbreviations, self._authors))
        return built

    def _index(
        self, settings: BM25Settings, engine_factory: EngineFactory | None, store: IndexStore | None
    ) -> tuple[AnalysedTerms, ScoringEngine]:
        """The analysed terms and the engine: opened from `store` for the large-corpus engine, else built."""
        if self.engine_name == INVERTED and store is not None:
            return store.open_or_build(corpus_key(self.papers), lambda: analyse_papers(self.papers), settings)
        terms = analyse_papers(self.papers)
        if self.engine_name == INVERTED:
            from bot.search.inverted import InvertedEngine

            return terms, InvertedEngine.build(terms, settings)
        return terms, (engine_factory or BM25Engine)(terms.fielded_docs(), settings)

    @classmethod
    def build(
        cls,
        papers: Sequence[Paper],
        *,
        settings: BM25Settings = DEFAULT_SETTINGS,
        engine_factory: EngineFactory | None = None,
        engine: EngineChoice = "auto",
        store: IndexStore | None = None,
        ready: ReadyCache | None = None,
        today: Today = utc_today,
        by_meaning: bool = True,
    ) -> PaperIndex:
        """Index `papers` (any number, 0 included). Raises CorpusError if two papers share an id.

        `engine` picks the scoring engine (see `choose_engine`; `engine_factory` overrides it with any
        `ScoringEngine`); `store` keeps the large-corpus engine's index on disk between starts, `ready`
        the rank-bm25 one between one-shot terminal commands (`ready.py`).
        `today` resolves relative dates in questions ("this year", "last month"). `by_meaning` lets a
        question that shares no distinctive word with any paper find the one paper closest in meaning
        (`meaning.py`); off, such a question finds nothing.
        """
        embedder = bundled_model() if by_meaning else None
        return cls(papers, settings, engine_factory, today, embedder, engine=engine, store=store, ready=ready)

    def __len__(self) -> int:
        return len(self.papers)

    # --- single papers ------------------------------------------------------------------------

    def get(self, paper_id: str) -> Paper:
        """The paper with this id; UnknownPaperError if there is none."""
        number = self._by_id.get(paper_id.strip())
        if number is None:
            raise UnknownPaperError(paper_id)
        return self.papers[number]

    def resolve(self, reference: str) -> Paper:
        """A paper by id, exact title, or a title that matches case/accent-insensitively — exactly, or
        as the only title containing the reference. UnknownPaperError when none fits,
        AmbiguousPaperError (with the candidates) when several do."""
        ref = reference.strip()
        if ref in self._by_id:
            return self.papers[self._by_id[ref]]
        folded = _title_key(ref)
        if not folded:
            raise QueryError("Name a paper: its id (as `search` shows it) or its title.")
        for exact in (True, False):
            found = [i for i, t in enumerate(self._title_keys) if (t == folded if exact else folded in t)]
            if len(found) == 1:
                return self.papers[found[0]]
            if found:
                ordered = sorted(found, key=lambda d: (*_newest_first(self.papers[d]), d))
                candidates = [(self.papers[d].id, self.papers[d].title) for d in ordered]
                raise AmbiguousPaperError(reference, candidates)
        raise UnknownPaperError(reference)

    # --- search -------------------------------------------------------------------------------

    @cached_property
    def _authors(self) -> AuthorDirectory:
        """Who wrote what, by folded name (built on first use, or kept ready with the index: folding the
        names, accents and all, was most of what remained of an ask's own work after reading the index)."""
        return AuthorDirectory(self.papers)

    @cached_property
    def _reader(self) -> Reader:
        """The question reader for this corpus (built on first use). Its spelling vocabulary is the
        corpus's surface words counted while indexing (the most frequent `terms.MAX_WORDS`)."""
        affiliations = sorted({a for p in self.papers for a in p.affiliations})
        categories = [c for c, _ in self.categories()]
        # The words questions are made of count as known and common: "paprs" is "papers", not "pairs".
        common = max((count for _, count in self._terms.words), default=1)
        speller = Speller([*self._terms.words, *((word, common) for word in QUESTION_WORDS)])
        return Reader(self._authors, affiliations, categories, speller, self._terms.knows, self._today)

    @cached_property
    def _title_keys(self) -> list[str]:
        return [_title_key(p.title) for p in self.papers]

    def _abstract(self, number: int) -> str:
        """A paper's readable abstract (rendered when needed: a million of them would not fit in RAM)."""
        return readable_abstract(self.papers[number].abstract)

    def today(self) -> date:
        """The date relative dates in questions are read against."""
        return self._today()

    def understand(self, text: str) -> Question:
        """What a plain question asks (intent, filters, topic words); QueryError for an empty/bad one."""
        return self._reader.read(text)

    def parse(self, text: str) -> Query:
        """The query a plain question or query-language text stands for."""
        return self.understand(text).query

    def search(
        self,
        query: str | Query | Question,
        *,
        limit: int = 10,
        offset: int = 0,
        rank_all: bool = False,
        by_meaning: bool = False,
    ) -> SearchResults:
        """Papers matching `query`, best first (newest/oldest first for date sorts and filter-only queries).

        A paper matches only if it covers the query's distinctive words (`relevance.MIN_COVERAGE`), so
        counts and "N more" count real matches. `rank_all=True` ranks every paper sharing a word with
        the query instead (evaluation runs, TREC output). `by_meaning=True` (questions people ask: `ask`,
        `search`, `/ask`, `/search`) lets a topic or list question no paper matches by its words find the
        one paper clearly closest in meaning; counts and digest topics never do. Raises QueryError for an
        empty or malformed query, or a limit outside 1..MAX_RESULTS.
        """
        if not 1 <= limit <= MAX_RESULTS or offset < 0:
            raise QueryError(f"Ask for between 1 and {MAX_RESULTS} results at a time (from result 1 on).")
        question = self._question(query)
        if rank_all and question.query.sort == "relevance" and question.terms:
            return self._ranked_all(question, limit, offset)
        docs, scores, q, nothing = self._every(question)
        if nothing is not None:
            return nothing
        if scores is None:  # no topic: the listing of what the filters allow
            page = docs[offset : offset + limit]
            return SearchResults(tuple(self._listed(d) for d in page), len(docs), q, q.notes)
        if not docs and by_meaning:
            meant = self._closest_in_meaning(question, self._scope(question)[0])
            if meant is not None:
                return SearchResults((meant,) if offset == 0 else (), 1, q, q.notes)
        words, terms = question.words, list(question.terms)
        page = range(offset, min(offset + limit, len(docs)))
        hits = tuple(self._hit(docs[at], scores[at], words, terms) for at in page)
        return SearchResults(hits, len(docs), q, q.notes)

    def _ranked_all(self, question: Question, limit: int, offset: int) -> SearchResults:
        """`search(rank_all=True)`: every paper sharing a word with the query, by score (evaluation runs)."""
        allowed, q, nothing = self._scope(question)
        if nothing is not None:
            return nothing
        terms = list(question.terms)
        ranking = self._engine.top_k(terms, offset + limit, allowed)
        hits = tuple(self._hit(doc, score, question.words, terms) for doc, score in ranking.hits[offset:])
        return SearchResults(hits, ranking.total, q, q.notes)

    def draw(
        self, query: str | Query | Question, count: int, exclude: frozenset[str] = frozenset()
    ) -> SearchResults:
        """`count` different papers drawn at random from those `query` matches (every paper when it names
        nothing), every match as likely ("surprise me", "3 random diffusion papers"), none of `exclude`
        (those already drawn); fewer when the matches run out. `total` counts every match, drawn or not.

        The matches are found once and only the drawn papers are made into hits: drawing by position
        through `search` ran the whole topic search again for each paper drawn."""
        question = self._question(query)
        docs, scores, q, nothing = self._every(question)
        if nothing is not None:
            return nothing
        # The positions in a random order: at most len(exclude) of them are left out, so this many hold
        # `count` others whenever the matches do, and the first of those are a uniform draw.
        positions = random.sample(range(len(docs)), min(len(docs), count + len(exclude)))
        chosen = [at for at in positions if self.papers[docs[at]].id not in exclude][:count]
        words, terms = question.words, list(question.terms)
        hits = tuple(
            self._listed(docs[at]) if scores is None else self._hit(docs[at], scores[at], words, terms)
            for at in chosen
        )
        return SearchResults(hits, len(docs), q, q.notes)

    def every_match(self, query: str | Query | Question) -> Matches:
        """Every paper `query` matches, in the order `search` lists them, as papers alone: for answers
        about all of them (papers per year, who wrote the most on a topic), which a page of `search` — at
        most MAX_RESULTS hits, each with its snippet — would cut short on a larger corpus."""
        docs, _, q, nothing = self._every(self._question(query))
        return Matches(tuple(self.papers[d] for d in docs), q, q.notes if nothing is None else nothing.notes)

    def _match_every(self, question: Question) -> _Every:
        """Every paper the question matches, in the order `search` lists them, with their scores when it
        has a topic (None for a listing), and its query; or `_scope`'s empty results when none can. Kept
        for the last questions (`_every`): an answer and its follow-ups ask for the same matches again."""
        allowed, q, nothing = self._scope(question)
        if nothing is not None:
            return _Every((), None, q, nothing)
        if not q.text.strip():
            return _Every(self._listing_order(q, allowed), None, q, None)
        ranked = self.matches(question, allowed)
        return _Every(tuple(doc for doc, _ in ranked), tuple(score for _, score in ranked), q, None)

    def _scope(self, question: Question) -> tuple[set[int] | None, Query, SearchResults | None]:
        """The papers the question's filters allow (None: every paper) and its query with the filters'
        notes; or, as the third item, the empty results with a note saying why when nothing can match: a
        topic to leave out that no paper is on, or a topic of only common words."""
        allowed, q = self._filter(question.query)
        if q.without_text:
            unwanted = {doc for doc, _ in self.matches(question.with_topic(q.without_text), None)}
            if not unwanted:  # "anything not on my reading list": no topic to leave out, so no list either
                note = f"No paper is on “{q.without_text}”, so there is nothing to leave out."
                return allowed, q, SearchResults((), 0, q, (*q.notes, note))
            allowed = (set(range(len(self.papers))) if allowed is None else allowed) - unwanted
        if q.text.strip() and not question.terms:
            note = f"Every word in “{q.text}” is too common to search on; add a more specific word."
            return allowed, q, SearchResults((), 0, q, (*q.notes, note))
        return allowed, q, None

    def _closest_in_meaning(self, question: Question, allowed: set[int] | None) -> Hit | None:
        """When no paper uses the words of a topic question (or of "who wrote …"), the one paper clearly
        closest in meaning, with the sentence closest in meaning as its snippet."""
        text = question.query.text
        if (
            self._meaning is None
            or question.intent not in _MEANING_INTENTS
            or question.query.sort != "relevance"
        ):
            return None
        # Judged over the whole corpus, then checked against the filters: among the few papers a filter
        # leaves ("… from 2024 with code"), some paper is always clearly closest, however far it is.
        by_words = self._engine.top_k(list(question.terms), 1, None).hits if question.terms else ()
        closest = self._meaning.closest(text, None, by_words[0][0] if by_words else None)
        if closest is None or (allowed is not None and closest.doc not in allowed):
            return None
        sentences = self._sentences_of(closest.doc)
        order = self._meaning.rank_sentences(text, [s.text for s in sentences])
        snippet = trim_around(sentences[order[0]].text, ()) if order else ""
        return Hit(self.papers[closest.doc], closest.similarity, snippet, (), by_meaning=True)

    def closest_sentences(self, paper_id: str, text: str, count: int) -> list[Sentence]:
        """The paper's `count` sentences closest in meaning to `text` (for answers found by meaning)."""
        sentences = self.sentences(paper_id)
        if self._meaning is None:
            return []
        return [sentences[i] for i in self._meaning.rank_sentences(text, [s.text for s in sentences])[:count]]

    def warm(self, *, meaning: bool = True) -> None:
        """Do the slow first-use work now, off the event loop (bot start-up, a rebuilt index): the
        abbreviations the corpus defines (≈ 10 s at 20,000 papers, else paid by the first question), the
        papers' date orders and days (≈ 2.4 s at a million papers, else paid by the first "what's new?"
        or period), the titles autocomplete reads and, with `meaning`, the paper vectors for search by
        meaning."""
        _ = self._abbreviations
        _ = self._days_oldest_first  # and with them the date orders
        _ = self._titles_text
        if meaning and self._meaning is not None:
            self._meaning.warm()

    def _question(self, query: str | Query | Question) -> Question:
        if isinstance(query, Question):
            return query
        if isinstance(query, str):
            return self.understand(query)
        text = query.text
        return Question(text, "topic", query, tuple(analyze_words(text)), tuple(analyze(text)))

    def matches(self, question: Question, allowed: set[int] | None) -> list[tuple[int, float]]:
        """Every paper covering the question's topic words (`_matching`), best first, or by date for a date
        sort. A topic given as two short alternatives
        ("diffusion or state space models") matches the papers on either, each side by the rule any match
        meets; in a longer sentence ("does distillation work with random or trained teachers") "or" is just
        a word."""
        topic = question.topic  # split only when "or" is there: the pattern is compiled on first use
        alternatives = re.split(r"\s+or\s+", topic, flags=re.IGNORECASE) if " or " in topic.lower() else []
        sides = [side for side in alternatives if analyze(side)]
        if len(sides) == 2 and all(len(side.split()) <= 3 for side in sides):  # not "… random or trained …"
            either: dict[int, float] = {}
            for side in sides:  # after the first side's papers, the next side's: scores are not comparable
                for doc, score in self._matching(question.with_topic(side), allowed):
                    either.setdefault(doc, score)
            kept = list(either.items())
        else:
            kept = self._matching(question, allowed)
        if question.query.sort != "relevance":  # the matches alone are sorted (not the whole corpus)
            order = _oldest_first if question.query.sort == "oldest" else _newest_first
            kept.sort(key=lambda item: (*order(self.papers[item[0]]), item[0]))
        return kept

    def _matching(self, question: Question, allowed: set[int] | None) -> list[tuple[int, float]]:
        """The papers covering the question's topic words, or the same words with an abbreviation the corpus
        defines in its other form ("GAN" for "generative adversarial network", `abbreviations.py`), best
        first; for a broad topic, only the papers that lead with it."""
        kept = self._covering(question, allowed)
        own = len(kept) if allowed is None else None  # the topic's own matches on the whole corpus
        variants = self._abbreviations.variants(question.words) if self._abbreviations else []
        seen = {doc for doc, _ in kept}
        for text in variants:
            # after the papers using the question's own words, in their own order: scores of different
            # queries are not comparable
            found = self._covering(question.with_topic(text), allowed)
            kept += [(doc, score) for doc, score in found if doc not in seen]
            seen.update(doc for doc, _ in found)
        if kept and self._broad(question, own):
            forms = [question.words, *(analyze_words(text) for text in variants)]
            kept = [item for item in kept if any(self._leads_with(item[0], words) for words in forms)]
        return kept

    def _broad(self, question: Question, matched: int | None) -> bool:
        """Is the topic broad here (`relevance.BROAD_MIN`)? Judged by its own words' matches on the whole
        corpus, so a filter ("… in 2023") never changes which papers count as about it; `matched`: that
        count, if known.
        Only for a corpus small enough to split every matching abstract into sentences."""
        if len(self.papers) > MEANING_MAX_PAPERS:
            return False
        if matched is None:
            matched = len(self._covering(question, None))
        return matched >= max(BROAD_MIN, BROAD_SHARE * len(self.papers))

    def _leads_with(self, doc: int, words: Sequence[Word]) -> bool:
        """Does paper `doc` name the words in its title or first sentences (`relevance.leads_with`)?"""
        lead = self._leads.get(doc)
        if lead is None:
            paper = self.papers[doc]
            first = split_sentences(self._abstract(doc))[:LEAD_SENTENCES]
            lead = self._leads[doc] = frozenset(analyze(" ".join([paper.title, *paper.authors, *first])))
        return leads_with(words, lead, self._terms)

    def _covering(self, question: Question, allowed: set[int] | None) -> list[tuple[int, float]]:
        """Every paper covering the question's topic words, best first."""
        docs, scores = self._ranked(list(question.terms), allowed)
        covering = covered(question.words, docs, self._terms)
        return list(zip(docs[covering].tolist(), scores[covering].tolist(), strict=True))

    @cached_property
    def _abbreviations(self) -> Abbreviations | None:
        """The abbreviations the corpus defines: found on first use, only for a corpus small enough to
        also search by meaning (finding them costs ≈ 0.13 ms per abstract)."""
        if len(self.papers) > MEANING_MAX_PAPERS:
            return None
        return Abbreviations.defined_in(f"{p.title}. {self._abstract(n)}" for n, p in enumerate(self.papers))

    def _ranked(self, terms: list[str], allowed: set[int] | None) -> tuple[IntArray, FloatArray]:
        """Every paper sharing a word with the query, best first, as arrays: the inverted engine gives
        them as such (at a million papers, half a million (paper, score) tuples cost ~0.1 s to make),
        any other engine through `top_k`."""
        if self.engine_name == INVERTED:  # always an `InvertedEngine` (`_index`)
            return cast("InvertedEngine", self._engine).ranked(terms, allowed)
        hits = self._engine.top_k(terms, self._engine.size, allowed).hits
        docs = np.fromiter((d for d, _ in hits), dtype=np.int64, count=len(hits))
        return docs, np.fromiter((s for _, s in hits), dtype=np.float64, count=len(hits))

    def similar(self, paper_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Papers most like this one: its own title and abstract as the query, itself excluded."""
        number = self._by_id.get(paper_id)
        if number is None:
            raise UnknownPaperError(paper_id)
        paper = self.papers[number]
        text = f"{paper.title}. {self._abstract(number)}"
        terms = analyze(text)
        words = sorted(analyze_words(text), key=lambda w: -max(map(self._terms.idf, w.terms)))
        ranking = self._engine.top_k(terms, max(limit, 0) + 1)
        return tuple(self._hit(d, s, words, terms) for d, s in ranking.hits if d != number)[: max(limit, 0)]

    def coverage(self, words: Sequence[Word], paper_id: str) -> float:
        """Idf-weighted share (0..1) of the query words that occur in the paper (see relevance.py)."""
        return coverage(words, self._terms.doc_terms(self._by_id[paper_id]), self._terms)

    def term_weight(self, term: str) -> float:
        """The idf of an index term over the whole corpus (rarer → larger)."""
        return self._terms.idf(term)

    def sentences(self, paper_id: str) -> tuple[Sentence, ...]:
        """The readable abstract of a paper split into analysed sentences (cached)."""
        return self._sentences_of(self._by_id[paper_id])

    def _sentences_of(self, number: int) -> tuple[Sentence, ...]:
        cached = self._sentences.get(number)
        if cached is None:
            cached = self._sentences[number] = analyze_sentences(self._abstract(number))
        return cached

    def _hit(self, doc: int, score: float, words: Sequence[Word], terms: Sequence[str]) -> Hit:
        doc_terms = self._terms.doc_terms(doc)
        matched = [w.text for w in words if doc_terms.intersection(w.terms)]
        snippet = make_snippet(self._sentences_of(doc), set(terms), self._terms.idf)
        return Hit(self.papers[doc], score, snippet, tuple(matched[:MAX_MATCHED_TERMS]))

    def _listing_order(self, q: Query, allowed: set[int] | None) -> Sequence[int]:
        """No free words: the papers `allowed` (None: all), newest first (oldest first for `sort:oldest`).

        Every paper's place in both orders is sorted once: a listing of the whole corpus is then the order
        itself (re-sorting a million papers took seconds per "what's new?"), and a filtered one sorts only
        the papers the filters allow, by those places."""
        order, place = self._date_orders[1 if q.sort == "oldest" else 0]
        return order if allowed is None else sorted(allowed, key=place.__getitem__)

    def _listed(self, doc: int) -> Hit:
        """Paper `doc` as a listing shows it: no score, no matched words, its opening as the snippet."""
        return Hit(self.papers[doc], 0.0, make_snippet(self._sentences_of(doc), ()), ())

    @cached_property
    def _date_orders(self) -> tuple[tuple[list[int], list[int]], tuple[list[int], list[int]]]:
        """(newest first, oldest first): each the papers in that order and each paper's place in it; undated
        papers last, ties by position in the corpus."""
        orders = []
        for key in (_newest_first, _oldest_first):
            order = sorted(range(len(self.papers)), key=lambda d: (*key(self.papers[d]), d))
            place = [0] * len(order)
            for at, doc in enumerate(order):
                place[doc] = at
            orders.append((order, place))
        return orders[0], orders[1]

    # --- filters ------------------------------------------------------------------------------

    def _filter(self, q: Query) -> tuple[set[int] | None, Query]:
        """The paper numbers the filters allow (None = all), and the query with notes on empty filters."""
        if not q.has_filters:
            return None, q
        allowed: set[int] | None = None  # every paper, until a filter narrows them
        by_anyone: set[int] = set()
        for author in q.authors:
            keys = set(self._authors.keys_named(author))
            if not keys:
                q = with_note(q, f"I don't know an author called “{author}”.")
            theirs = self._authors.papers_with(keys, first_only=q.first_author)
            if q.any_author:
                by_anyone |= theirs
            else:
                allowed = theirs if allowed is None else allowed & theirs
        if q.any_author:
            allowed = by_anyone
        if q.date_from is not None or q.date_to is not None:
            between = self._published_between(q.date_from or date.min, q.date_to or date.max)
            allowed = between if allowed is None else allowed & between
        if allowed is None:
            allowed = set(range(len(self.papers)))
        for author in q.without_authors:
            allowed -= self._authors.papers_with(set(self._authors.keys_named(author)))
        if q.affiliations:
            wanted_aff = set(q.affiliations)
            allowed = {d for d in allowed if wanted_aff & self.affiliation_keys(self.papers[d])}
        if q.without_affiliations:
            unwanted = set(q.without_affiliations)
            allowed = {d for d in allowed if not unwanted & self.affiliation_keys(self.papers[d])}
        if q.categories:
            known = {c for c, _ in self.categories()}
            unknown = [c for c in q.categories if c not in known]
            if unknown:
                codes = ", ".join(c for c, _ in self.categories()) or "none"
                q = with_note(q, f"No papers in category {', '.join(unknown)} (categories here: {codes}).")
            wanted = set(q.categories)
            allowed = {d for d in allowed if wanted.intersection(self.papers[d].categories)}
        if q.has_code is not None:
            allowed = {d for d in allowed if self.papers[d].has_code == q.has_code}
        if q.title_text:
            allowed, q = self._titled(q, allowed)
        return allowed, q

    def _published_between(self, low: date, high: date) -> set[int]:
        """The papers published from `low` to `high`, both included: a slice of the oldest-first order,
        found by bisection, instead of a look at every paper's date (≈ 0.4 s a question at a million)."""
        order, _ = self._date_orders[1]
        days = self._days_oldest_first
        return set(order[bisect_left(days, low.toordinal()) : bisect_right(days, high.toordinal())])

    @cached_property
    def _days_oldest_first(self) -> array[int]:
        """The dated papers' days (`date.toordinal`), in the oldest-first order of `_date_orders`, where
        the undated papers come last."""
        order, _ = self._date_orders[1]
        days = array("i")
        for doc in order:
            published = self.papers[doc].published
            if published is None:
                break
            days.append(published.toordinal())
        return days

    def _titled(self, q: Query, allowed: set[int]) -> tuple[set[int], Query]:
        """The allowed papers whose title holds `q.title_text`, by the rule any match meets (a paper needs
        the title's distinctive words, not every word), weighed as everywhere (`_InTitles`)."""
        words = analyze_words(q.title_text)
        terms = {t for w in words for t in (*w.parts, w.joined) if t}
        if not terms:
            return set(), with_note(q, f"Every word in “{q.title_text}” is too common to look for in titles.")
        titles = _InTitles(self._terms)
        candidates = np.unique(np.concatenate([titles.containing(t) for t in terms])).astype(np.int64)
        return {int(d) for d in candidates[covered(words, candidates, titles)]} & allowed, q

    # --- browsing and autocomplete --------------------------------------------------------------

    def suggest_titles(self, prefix: str, limit: int = 25) -> list[Paper]:
        """Papers for autocomplete (≤ limit): title starts with the text, then a word starts with it, then
        the text occurs anywhere (or is the paper's id); accent/case-insensitive; newest first within each
        group.

        Every folded title is in one string, newest first (`_titles_text`), searched by `str.find`: the
        first titles found are the newest, so a search stops at `limit` of them, and a rare text is looked
        for at C speed. Testing each title in Python took 0.1–0.3 s a keystroke at 100,000 papers."""
        wanted = " ".join(fold(prefix).split())
        order = self._date_orders[0][0]
        shown: list[int] = []  # places in the newest-first order
        for patterns in ((f"\n{wanted}",), (f" {wanted}", f"-{wanted}"), (wanted,)):
            if len(shown) >= limit:
                break
            found = {at for pattern in patterns for at in self._titles_holding(pattern, limit)}
            if patterns == (wanted,) and wanted in self._by_id:
                found.add(self._date_orders[0][1][self._by_id[wanted]])
            shown += sorted(found.difference(shown))[: limit - len(shown)]
        return [self.papers[order[at]] for at in shown]

    def _titles_holding(self, pattern: str, enough: int) -> list[int]:
        """The places, newest first, of the first `enough` titles whose folded text (after its line break)
        holds `pattern`. Enough for a group: the first n others of any group are among its first
        n + (those already shown) ≤ `limit` titles."""
        text, starts = self._titles_text
        places: list[int] = []
        at = text.find(pattern)
        while at >= 0 and len(places) < enough:
            place = bisect_right(starts, at) - 1
            places.append(place)
            at = text.find(pattern, starts[place + 1]) if place + 1 < len(starts) else -1
        return places

    @cached_property
    def _titles_text(self) -> tuple[str, array[int]]:
        """Every folded title after a line break, newest first, and where each title's line break is."""
        order = self._date_orders[0][0]
        titles = [" ".join(fold(p.title).split()) for p in self.papers]  # not kept: the text holds them
        starts = array("q")
        at = 0
        for doc in order:
            starts.append(at)
            at += 1 + len(titles[doc])
        return "".join(f"\n{titles[doc]}" for doc in order), starts

    def authors(self) -> list[str]:
        """Every distinct author (one spelling per person), sorted."""
        return self._authors.names()

    def suggest_authors(self, prefix: str, limit: int = 25) -> list[str]:
        """Author names for autocomplete (≤ limit), accent/case-insensitive, most prolific first per group."""
        return self._authors.suggest(prefix, limit)

    def display_author(self, name: str) -> str:
        """How to show a name a question used: the author's spelling when it names one person."""
        keys = self._authors.keys_named(name_key(name))
        if len(keys) == 1:
            return self._authors.display[keys[0]]
        return " ".join(w.capitalize() for w in name.split())

    def display_affiliation(self, key: str) -> str:
        """'eth zurich' → 'ETH Zurich'-like display: the spelling the listing used, words capitalised."""
        return " ".join(w.upper() if len(w) <= 3 else w.capitalize() for w in key.split())

    def author_keys(self, paper: Paper) -> tuple[str, ...]:
        """The identity keys of a paper's listed authors."""
        return self._authors.paper_keys[self._by_id[paper.id]]

    def affiliation_keys(self, paper: Paper) -> frozenset[str]:
        """The institutions a paper lists, as affiliation filters name them ('eth-zurich' → 'eth zurich')."""
        return frozenset(_affiliation_key(a) for a in paper.affiliations)

    def people_named(self, author: str) -> frozenset[str]:
        """The identity keys an author filter of a query stands for ("noci" → Lorenzo Noci's)."""
        return frozenset(self._authors.keys_named(author))

    def papers_by_author(self, name: str) -> list[Paper]:
        """Papers by the named author (full name or surname, accents optional), newest first."""
        found = self._authors.papers_with(set(self._authors.keys_named(name_key(name))))
        return [self.papers[d] for d in sorted(found, key=lambda d: (*_newest_first(self.papers[d]), d))]

    def coauthors(self, name: str) -> list[tuple[str, int]]:
        """People who wrote with the named author, with the number of shared papers, most frequent first."""
        keys = set(self._authors.keys_named(name_key(name)))
        counts: Counter[str] = Counter()
        for doc in sorted(self._authors.papers_with(keys)):
            counts.update(k for k in self._authors.paper_keys[doc] if k not in keys)
        shown = [(self._authors.display[k], n) for k, n in counts.items()]
        return sorted(shown, key=lambda item: (-item[1], name_key(item[0])))

    def categories(self) -> list[tuple[str, int]]:
        """Category codes with their paper counts, most common first."""
        return list(self._categories)

    @cached_property
    def _categories(self) -> tuple[tuple[str, int], ...]:
        """Counted once: filters ask for it on every query, and a pass over a million papers costs."""
        counts = Counter(c for p in self.papers for c in dict.fromkeys(p.categories))
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def date_range(self) -> tuple[date, date] | None:
        """The oldest and newest publication dates, or None when no paper has a date."""
        dates = [p.published for p in self.papers if p.published is not None]
        return (min(dates), max(dates)) if dates else None
