"""The analysed corpus as flat arrays: each paper's index terms per field, and the papers holding a term.

Why arrays and not a set of terms per paper: a frozenset per paper costs ≈ 8 KB (≈ 8 GB for a million
papers), while the same terms as int32 ids in one array per field cost 4 bytes a word, save in one write
and open memory-mapped, so a restart reads them instead of analysing every abstract again (≈ 0.3 ms a
paper, five minutes a million).

- `FieldTerms`: one field's terms, paper after paper (CSR: `offsets[d]:offsets[d + 1]` are paper d's).
- `Postings`: for each term, the papers whose body or authors hold it, ascending — the document
  frequencies behind idf and coverage (`relevance.py`), without a set per paper.
- `AnalysedTerms`: the vocabulary, the fields, the postings and the corpus's surface words with their
  counts (the spelling corrector's vocabulary, capped at `MAX_WORDS`).
- `TermsBuilder`: fed one paper at a time (bounded extra memory: ids, not strings), then `finish()`.
- `analyse_papers`: a large corpus is analysed by one worker process per core, in chunks, each worker's
  ids translated back (`Part`): the same arrays as alone, in about half the time on two cores.

numpy traps, each guarded here:
- `np.repeat`/`np.unique` on an empty corpus give empty float arrays → every array is typed explicitly;
- a term id as int32 times the number of papers overflows → keys are built in int64;
- numpy 2.x's `np.unique` (without return_counts) takes a hash-table path that is ~60× slower than
  sorting for millions of distinct int64 keys (5 s instead of 0.07 s for 3 M) → `unique_counts` sorts.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from functools import cached_property
from itertools import chain, count, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.progress import Progress
from bot.search.analysis import analyze, terms_of, word_terms, words
from bot.search.engine import FieldedDoc

__all__ = [
    "ANALYSIS_VERSION",
    "COVERAGE_FIELDS",
    "FIELDS",
    "MAX_WORDS",
    "PARALLEL_FROM",
    "AnalysedTerms",
    "FieldTerms",
    "Postings",
    "TermsBuilder",
    "analyse_papers",
    "paper_fields",
    "unique_counts",
]

ANALYSIS_VERSION = 1
"""Bump whenever `analysis.analyze` (or how a paper is split into fields) can give different terms: a
stored index analysed by another version is then rebuilt instead of trusted."""

FIELDS = ("body", "title", "authors")
"""The indexed fields: body (title + readable abstract), the title again, the authors."""
COVERAGE_FIELDS = ("body", "authors")
"""The fields a paper "contains" a term in, for coverage and document frequency (the title is in body)."""
MAX_WORDS = 100_000
"""The most surface words kept for spelling correction: the most frequent ones. A million abstracts have
millions of distinct words, mostly typos and numbers, which the corrector must not learn anyway, and
its lookup tables grow ~30 entries per word (symspellpy's English list, for scale, has 82,765 words)."""

if TYPE_CHECKING:  # annotations only: numpy.typing parses its docstrings at import (~3 M instructions an ask)
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int32]
    OffsetArray = npt.NDArray[np.int64]


class FieldTerms(NamedTuple):
    """One field's term ids, paper after paper: paper d's are `ids[offsets[d]:offsets[d + 1]]`."""

    offsets: OffsetArray
    ids: IntArray

    def of(self, doc: int) -> IntArray:
        """Paper `doc`'s term ids in text order (duplicates kept)."""
        return self.ids[int(self.offsets[doc]) : int(self.offsets[doc + 1])]

    def lengths(self) -> OffsetArray:
        """Each paper's number of terms in this field."""
        return np.diff(self.offsets)


class Postings(NamedTuple):
    """For each term id, the papers containing it, ascending: term t's are `docs[offsets[t]:offsets[t+1]]`."""

    offsets: OffsetArray
    docs: IntArray

    def of(self, term_id: int) -> IntArray:
        """The papers containing term `term_id`."""
        return self.docs[int(self.offsets[term_id]) : int(self.offsets[term_id + 1])]

    def df(self, term_id: int) -> int:
        """How many papers contain term `term_id`."""
        return int(self.offsets[term_id + 1] - self.offsets[term_id])


def doc_numbers(field: FieldTerms) -> OffsetArray:
    """The paper number of every term occurrence in `field` (int64, aligned with `field.ids`)."""
    size = len(field.offsets) - 1
    return np.repeat(np.arange(size, dtype=np.int64), field.lengths())


def term_doc_keys(field: FieldTerms) -> OffsetArray:
    """One int64 key per occurrence, term-major then paper: sorting them groups a term's papers."""
    size = max(len(field.offsets) - 1, 1)
    return field.ids.astype(np.int64) * size + doc_numbers(field)


def unique_counts(keys: OffsetArray) -> tuple[OffsetArray, OffsetArray]:
    """The distinct keys, ascending, and how often each occurs (by sorting: see the numpy trap above)."""
    ordered = np.sort(keys)
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, len(ordered)))
    return ordered[starts], counts


def invert(fields: Sequence[FieldTerms], size: int, vocabulary: int) -> Postings:
    """The papers containing each term in any of `fields` (a term twice in a paper counts once)."""
    keys, _ = unique_counts(np.concatenate([term_doc_keys(f) for f in fields] or [np.zeros(0, np.int64)]))
    width = max(size, 1)
    terms = keys // width
    offsets = np.zeros(vocabulary + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=vocabulary), out=offsets[1:])
    return Postings(offsets, (keys - terms * width).astype(np.int32))


class AnalysedTerms:
    """The analysed corpus: vocabulary, per-field term ids, postings and surface words."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        fields: Mapping[str, FieldTerms],
        postings: Postings,
        words: Sequence[tuple[str, int]],
    ) -> None:
        self.vocabulary = vocabulary
        self.fields = dict(fields)
        self.postings = postings
        self.words = words
        self.size = len(self.fields[FIELDS[0]].offsets) - 1

    @cached_property
    def _ids(self) -> dict[str, int]:
        return {term: number for number, term in enumerate(self.vocabulary)}

    def term_id(self, term: str) -> int | None:
        """The id of an index term, or None when no paper has it in any field."""
        return self._ids.get(term)

    def df(self, term: str) -> int:
        """How many papers hold `term` in their body or authors."""
        number = self._ids.get(term)
        return 0 if number is None else self.postings.df(number)

    def knows(self, term: str) -> bool:
        """Whether any paper holds `term` in its body or authors."""
        return self.df(term) > 0

    def idf(self, term: str) -> float:
        """log(1 + (N − df + 0.5)/(df + 0.5)): positive, largest for a term no paper contains."""
        df = self.df(term)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def containing(self, term: str) -> IntArray:
        """The papers holding `term` in body or authors, ascending."""
        number = self._ids.get(term)
        return np.zeros(0, dtype=np.int32) if number is None else self.postings.of(number)

    def titled(self, term: str) -> IntArray:
        """The papers whose title holds `term`, ascending: found in the title field's ids (one pass over
        them, ~10 ms at a million titles) rather than by analysing titles again."""
        number = self._ids.get(term)
        if number is None:
            return np.zeros(0, dtype=np.int32)
        title = self.fields["title"]
        places = np.flatnonzero(title.ids == number)
        docs = np.searchsorted(title.offsets, places, side="right") - 1
        return np.unique(docs).astype(np.int32)

    def doc_terms(self, doc: int) -> frozenset[str]:
        """The distinct terms of paper `doc` (body and authors): built on demand, for one hit at a time."""
        vocabulary = self.vocabulary
        ids = np.concatenate([self.fields[name].of(doc) for name in COVERAGE_FIELDS]).tolist()
        return frozenset(vocabulary[i] for i in set(ids))

    def fielded_docs(self) -> list[FieldedDoc]:
        """Every paper as terms per field (strings), as `engine.BM25Engine` takes them."""
        vocabulary = self.vocabulary
        docs: list[FieldedDoc] = [{} for _ in range(self.size)]
        for name, field in self.fields.items():
            ids = field.ids.tolist()
            bounds = field.offsets.tolist()
            for doc, fielded in enumerate(docs):
                fielded[name] = [vocabulary[i] for i in ids[bounds[doc] : bounds[doc + 1]]]  # type: ignore[index]
        return docs

    # --- on disk ---------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write into an existing, empty `directory` (the caller renames it into place: atomic)."""
        import json  # stored terms are the large-corpus engine's: `paperbot ask` over a small one skips it

        (directory / "vocabulary.txt").write_text("\n".join(self.vocabulary), encoding="utf-8")
        for name, field in self.fields.items():
            np.save(directory / f"{name}.offsets.npy", field.offsets)
            np.save(directory / f"{name}.ids.npy", field.ids)
        np.save(directory / "postings.offsets.npy", self.postings.offsets)
        np.save(directory / "postings.docs.npy", self.postings.docs)
        (directory / "words.json").write_text(json.dumps(list(self.words)), encoding="utf-8")
        meta = {"papers": self.size, "terms": len(self.vocabulary), "fields": list(self.fields)}
        (directory / "terms.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def open(cls, directory: Path) -> AnalysedTerms:
        """Open what `save` wrote, memory-mapped. Raises OSError/ValueError/KeyError when it is damaged."""
        import json  # see `save`

        meta = json.loads((directory / "terms.json").read_text(encoding="utf-8"))
        text = (directory / "vocabulary.txt").read_text(encoding="utf-8")
        vocabulary = text.split("\n") if text else []
        fields = {
            name: FieldTerms(_load(directory / f"{name}.offsets.npy"), _load(directory / f"{name}.ids.npy"))
            for name in meta["fields"]
        }
        postings = Postings(_load(directory / "postings.offsets.npy"), _load(directory / "postings.docs.npy"))
        words = [(str(w), int(n)) for w, n in json.loads((directory / "words.json").read_text("utf-8"))]
        terms = cls(vocabulary, fields, postings, words)
        _check(terms, meta)
        return terms


def _load(path: Path) -> Any:
    """A stored array, memory-mapped (typed by the caller: np.load cannot know the dtype)."""
    return np.load(path, mmap_mode="r", allow_pickle=False)


def _check(terms: AnalysedTerms, meta: Mapping[str, object]) -> None:
    """Shapes that must agree, so a truncated or mixed-up directory is rebuilt instead of trusted."""
    size, vocabulary = terms.size, len(terms.vocabulary)
    problems = [
        meta.get("papers") != size,
        meta.get("terms") != vocabulary,
        len(terms.postings.offsets) != vocabulary + 1,
        int(terms.postings.offsets[-1]) != len(terms.postings.docs),
    ]
    for field in terms.fields.values():
        problems += [len(field.offsets) != size + 1, int(field.offsets[-1]) != len(field.ids)]
    if any(problems):
        raise ValueError("the stored terms do not fit together")


class TermsBuilder:
    """Collects papers' analysed fields one paper at a time, as int32 ids (not lists of strings).

    `add_paper` is the fast path for indexing: each distinct surface word is analysed once and kept as
    its term ids, so a paper costs one dict lookup per word (a million abstracts repeat the same few
    hundred thousand words); the words' counts are tallied with numpy at the end.
    """

    def __init__(self) -> None:
        # A missing term gets the next id: `map(ids.__getitem__, terms)` then runs at C speed.
        self._ids: defaultdict[str, int] = defaultdict(count().__next__)
        self._tokens = {name: array("i") for name in FIELDS}
        self._offsets = {name: array("q", [0]) for name in FIELDS}
        self._word_numbers: dict[str, int] = {}
        self._word_terms: list[tuple[int, ...]] = []  # word number → its term ids
        self._surface: list[str] = []  # word number → the word
        self._seen_words = array("i")  # every counted word's number, in order
        self._terms_sent = self._words_sent = 0  # `take_part`: what earlier parts carried
        self._translations: dict[int, tuple[array[int], array[int]]] = {}  # `add_part`: per worker

    def _numbers(self, surface: Sequence[str]) -> list[int]:
        """The numbers of these surface words, analysing the ones never seen before."""
        try:
            return list(map(self._word_numbers.__getitem__, surface))
        except KeyError:
            for word in surface:
                if word not in self._word_numbers:
                    self._word_numbers[word] = len(self._surface)
                    self._surface.append(word)
                    self._word_terms.append(tuple(map(self._ids.__getitem__, word_terms(word))))
            return list(map(self._word_numbers.__getitem__, surface))

    def _close(self) -> None:
        for name in FIELDS:
            self._offsets[name].append(len(self._tokens[name]))

    def add(self, fields: Mapping[str, Sequence[str]], words: Sequence[str]) -> None:
        """One paper: its terms per field (in `FIELDS`) and its surface words (for spelling)."""
        lookup = self._ids.__getitem__
        for name in FIELDS:
            self._tokens[name].extend(map(lookup, fields.get(name, ())))
        self._seen_words.extend(self._numbers(words))
        self._close()

    def add_paper(self, paper: Paper) -> None:
        """One paper, analysed as `paper_fields` does (same terms), word by word from the cache."""
        self.add_text(paper.title, paper.abstract, paper.authors)

    def add_text(self, title_text: str, abstract_text: str, authors: Sequence[str]) -> None:
        """`add_paper` from the three texts it reads (what a worker process is sent)."""
        title = self._numbers(words(title_text))
        abstract = self._numbers(words(readable_abstract(abstract_text)))
        terms_of_word = self._word_terms.__getitem__
        body = self._tokens["body"]
        body.extend(chain.from_iterable(map(terms_of_word, title)))
        body.extend(chain.from_iterable(map(terms_of_word, abstract)))
        self._tokens["title"].extend(chain.from_iterable(map(terms_of_word, title)))
        self._tokens["authors"].extend(map(self._ids.__getitem__, analyze(" ; ".join(authors))))
        self._seen_words.extend(title)
        self._seen_words.extend(abstract)
        self._close()

    def take_part(self) -> Part:
        """What was added since the last part, with the terms and words first seen in it; then forgets
        the added papers (it keeps its vocabulary): a worker's answer for one chunk (`analyse_papers`)."""
        new_terms = len(self._ids) - self._terms_sent
        newest = list(islice(reversed(self._ids), new_terms))[::-1]  # a dict iterates newest first: O(new)
        part = Part(
            os.getpid(),
            newest,
            self._surface[self._words_sent :],
            {name: np.frombuffer(self._tokens[name], dtype=np.int32).copy() for name in FIELDS},
            {name: _lengths(self._offsets[name]) for name in FIELDS},
            np.frombuffer(self._seen_words, dtype=np.int32).copy(),
        )
        self._terms_sent, self._words_sent = len(self._ids), len(self._surface)
        self._tokens = {name: array("i") for name in FIELDS}
        self._offsets = {name: array("q", [0]) for name in FIELDS}
        self._seen_words = array("i")
        return part

    def add_part(self, part: Part) -> None:
        """A worker's part, its ids translated into this builder's: the same ids, in the same order, as
        adding its papers here one by one (parts arrive in corpus order, and anything a worker has seen
        before, this builder has seen before)."""
        terms, numbers = self._translations.setdefault(part.worker, (array("i"), array("i")))
        terms.extend(map(self._ids.__getitem__, part.new_terms))
        numbers.extend(map(self._word_number, part.new_words))
        term_ids, word_numbers = np.frombuffer(terms, dtype=np.int32), np.frombuffer(numbers, dtype=np.int32)
        for name in FIELDS:
            self._tokens[name].frombytes(term_ids[part.tokens[name]].tobytes())
            ends = self._offsets[name][-1] + np.cumsum(part.lengths[name], dtype=np.int64)
            self._offsets[name].frombytes(ends.tobytes())
        self._seen_words.frombytes(word_numbers[part.seen_words].tobytes())

    def _word_number(self, word: str) -> int:
        """A surface word's number here, numbering it if new (its terms are the worker's business)."""
        number = self._word_numbers.setdefault(word, len(self._surface))
        if number == len(self._surface):
            self._surface.append(word)
        return number

    def _word_counts(self) -> list[tuple[str, int]]:
        """The surface words with their counts, most frequent first, at most MAX_WORDS."""
        seen = np.frombuffer(self._seen_words, dtype=np.int32)
        counts = np.bincount(seen, minlength=len(self._surface))
        order = np.argsort(-counts, kind="stable")[:MAX_WORDS]  # ties: first seen first
        return [(self._surface[i], int(counts[i])) for i in order.tolist() if counts[i] > 0]

    def finish(self) -> AnalysedTerms:
        """The analysed corpus. The builder should not be used afterwards."""
        vocabulary = list(self._ids)
        fields = {
            name: FieldTerms(
                np.frombuffer(self._offsets[name], dtype=np.int64).copy(),
                np.frombuffer(self._tokens[name], dtype=np.int32).copy(),
            )
            for name in FIELDS
        }
        size = len(fields[FIELDS[0]].offsets) - 1
        postings = invert([fields[name] for name in COVERAGE_FIELDS], size, len(vocabulary))
        return AnalysedTerms(vocabulary, fields, postings, self._word_counts())


def paper_fields(paper: Paper) -> tuple[dict[str, list[str]], list[str]]:
    """A paper's index terms per field, and its surface words (title and abstract) for spelling.

    body is the title then the readable abstract, title is the title again, authors the listed names.
    """
    title_words = words(paper.title)
    abstract_words = words(readable_abstract(paper.abstract))
    title = terms_of(title_words)
    fields = {
        "body": title + terms_of(abstract_words),
        "title": title,
        "authors": analyze(" ; ".join(paper.authors)),
    }
    return fields, title_words + abstract_words


class Part(NamedTuple):
    """A worker's analysis of one chunk of papers, in its own ids (`TermsBuilder.take_part`)."""

    worker: int
    new_terms: list[str]
    new_words: list[str]
    tokens: dict[str, IntArray]
    lengths: dict[str, OffsetArray]
    seen_words: IntArray


def analyse_papers(
    papers: Iterable[Paper], total: int | None = None, processes: int | None = None
) -> AnalysedTerms:
    """Analyse papers as they come (a stream is never held whole: only its term ids are kept), with a
    progress bar and log lines for a large corpus. `total` sizes the bar when `papers` has no len().

    From `PARALLEL_FROM` papers on, the text is analysed by one worker process per core (`processes`
    overrides), in chunks; the result is the same, array for array, as analysing here alone.
    """
    builder = TermsBuilder()
    expected = total if total is not None else len(papers) if isinstance(papers, Sized) else 0
    workers = processes or ((os.cpu_count() or 1) if expected >= PARALLEL_FROM else 1)
    with Progress("indexing", expected) as progress:
        if workers > 1:
            for part in _parts(papers, workers):
                builder.add_part(part)
                progress.advance(len(part.lengths[FIELDS[0]]))
        else:
            for paper in papers:
                builder.add_paper(paper)
                progress.advance()
    return builder.finish()


PARALLEL_FROM = 50_000
"""`analyse_papers` uses worker processes from this many papers on (starting them costs ≈ 1 s)."""
CHUNK = 2_000
"""Papers per worker task: large enough that sending them costs little, small enough for a smooth bar."""

Text = tuple[str, str, tuple[str, ...]]


def _parts(papers: Iterable[Paper], workers: int) -> Iterator[Part]:
    """The papers analysed in worker processes, chunk by chunk, in corpus order.

    multiprocessing traps, each guarded here:
    - `Pool.imap` and `Executor.map` read their whole input at once (a million papers in memory) →
      chunks are submitted by hand, at most two per worker in flight;
    - forking a process that runs threads (the bot: event loop, thread pools) can copy a held lock →
      workers are spawned, fresh interpreters importing only this module's dependencies;
    - a worker's term ids are its own → each part says which worker made it (`Part.worker`, its pid)
      and `TermsBuilder.add_part` keeps one translation per worker.
    """
    from concurrent.futures import ProcessPoolExecutor  # large corpora only; `paperbot ask` needs no pool

    texts = ((p.title, p.abstract, tuple(p.authors)) for p in papers)
    chunks = iter(lambda: list(islice(texts, CHUNK)), [])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = deque(pool.submit(_analyse_chunk, chunk) for chunk in islice(chunks, 2 * workers))
        while pending:
            part: Part = pending.popleft().result()
            for chunk in islice(chunks, 1):
                pending.append(pool.submit(_analyse_chunk, chunk))
            yield part


def _lengths(offsets: array[int]) -> OffsetArray:
    """Each paper's number of terms, from a builder's offsets."""
    ends = np.frombuffer(offsets, dtype=np.int64)
    return ends[1:] - ends[:-1]


_WORKER: list[TermsBuilder] = []
"""A worker process's own builder: its vocabulary and word cache last across chunks."""


def _analyse_chunk(chunk: list[Text]) -> Part:
    """In a worker process: one chunk of papers as a `Part`."""
    if not _WORKER:
        _WORKER.append(TermsBuilder())
    builder = _WORKER[0]
    for title, abstract, authors in chunk:
        builder.add_text(title, abstract, authors)
    return builder.take_part()
