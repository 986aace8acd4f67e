"""Search by meaning: the fallback for a question that shares no distinctive word with any paper.

BM25 finds papers that use the question's words. People in chat often paraphrase instead ("anything
using satellite imagery?" for a paper on aerial photos; "which transformer parts can you just delete?"
for a paper on simplifying transformer blocks) and BM25 then rightly finds nothing. Only then does the
index ask this module for the one paper closest in meaning, and the answer says that it is a match by
meaning, not by words. Lexical search stays first: it is exact, explainable and cheap.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), exported to ONNX and quantised to
int8 once (`bot/search/minilm/README.md` says how), and run with onnxruntime and the `tokenizers`
library — no torch, nothing downloaded at run time. Paper vectors are computed on first use (the first
paraphrased question pays for them), in batches.

Traps, each guarded here:
- every paper has *some* nearest neighbour, so "closest" alone would answer off-topic chatter ("is the
  cluster down again?") → a match needs cosine ≥ `MIN_SIMILARITY` *and* a margin of `MIN_MARGIN` over the
  runner-up (a paraphrase points at one paper; noise is equally far from many). When the paper closest
  in meaning is also the one sharing the most (weighted) words with the question, two independent
  signals agree, and `AGREED_SIMILARITY` suffices ("query reformulations for MS MARCO" → the query
  decoder paper at 0.35; "lunch plans?" and "pruning apple trees" stayed below 0.29 on the dev split even
  where both signals pointed at one paper). The thresholds were chosen on the question set's dev split
  only;
- the tokenizer pads a batch to its longest text and truncates silently → mean pooling weighs tokens by
  the attention mask (padding never counts), and texts are cut at the model's trained length (256);
- onnxruntime starts one thread per core for every session → one session per process, created lazily.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence, Set
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from bot.errors import ModelError

__all__ = [
    "AGREED_SIMILARITY",
    "MIN_MARGIN",
    "MIN_SIMILARITY",
    "Embedder",
    "MeaningIndex",
    "MiniLM",
    "VectorCache",
    "bundled_model",
]

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.45
"""Cosine a paper must reach to answer by meaning (dev split: off-topic questions stayed below 0.43)."""
MIN_MARGIN = 0.05
"""How much closer the best paper must be than the second best."""
AGREED_SIMILARITY = 0.33
"""Cosine enough when the closest paper is also the best by words (no margin needed then)."""
MAX_TOKENS = 256
"""all-MiniLM-L6-v2's sequence length."""
MAX_PAPERS = 20_000
"""Above this many papers the index builds no MeaningIndex: every paper's vector (≈ 10 ms each) is not
worth computing for a fallback."""
_BATCH = 16
MODEL_DIR = Path(__file__).with_name("minilm")
MODEL_VERSION = "all-MiniLM-L6-v2/onnx-int8/mean-pool/256"
"""Part of every cached vector file's name: change it when the model or the pooling changes."""
CACHE_ENV = "PAPERBOT_CACHE_DIR"

if TYPE_CHECKING:  # annotations only (see `bot.search.terms`)
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Texts in, one unit-length vector per text out (rows of a 2-D array)."""

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class MiniLM:
    """all-MiniLM-L6-v2 in ONNX: mean-pooled, L2-normalised sentence vectors, as sentence-transformers
    computes them."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        self._dir = model_dir
        self._lock = threading.Lock()

    @cached_property
    def _runtime(self) -> tuple[Any, Any]:
        # Imported here: a question BM25 answers never pays for loading the model (≈ 0.5 s).
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise ModelError(
                f"Search by meaning needs {exc.name}: reinstall paperbot (pip install -e .)."
            ) from exc
        model, vocab = self._dir / "model.onnx", self._dir / "tokenizer.json"
        if not model.is_file() or not vocab.is_file():
            raise ModelError(f"The meaning model is missing from {self._dir}: reinstall paperbot.")
        tokenizer = Tokenizer.from_file(str(vocab))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are not the operator's business
        session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        return session, tokenizer

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors for `texts` (an empty text gets a zero vector, similar to nothing)."""
        session, tokenizer = self._runtime
        chunks = [
            self._embed_batch(session, tokenizer, texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)
        ]
        return np.concatenate(chunks) if chunks else np.zeros((0, 384), dtype=np.float32)

    def _embed_batch(self, session: Any, tokenizer: Any, texts: Sequence[str]) -> Vectors:
        encoded = tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        with self._lock:  # one session, shared by the worker threads of the Discord adapter
            (hidden,) = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.where(norms > 0, norms, 1.0), dtype=np.float32)


@functools.cache
def bundled_model() -> MiniLM:
    """The one MiniLM of this process (its session is shared: loading it twice costs memory and time)."""
    return MiniLM()


class Closest(NamedTuple):
    """The paper nearest in meaning and its cosine similarity."""

    doc: int
    similarity: float


def default_cache_dir() -> Path:
    """Where paper vectors are kept between runs: $PAPERBOT_CACHE_DIR, else the user's cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    import platformdirs  # only when vectors are first needed

    return Path(platformdirs.user_cache_dir("paperbot", appauthor=False))


class VectorCache:
    """Paper vectors on disk, one file per (model, corpus texts): a restart or the next `paperbot ask`
    loads them in milliseconds instead of recomputing them (≈ 20 ms per paper).

    A cache that cannot be read or written is logged once and skipped — it only ever costs time.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @staticmethod
    def key(texts: Sequence[str]) -> str:
        digest = hashlib.sha256(MODEL_VERSION.encode())
        for text in texts:
            digest.update(hashlib.sha256(text.encode()).digest())
        return digest.hexdigest()[:32]

    def _path(self, key: str) -> Path:
        return (self._directory or default_cache_dir()) / f"vectors-{key}.npy"

    def load(self, key: str, rows: int) -> Vectors | None:
        path = self._path(key)
        try:
            vectors = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("Ignoring the unreadable vector cache %s (%s); recomputing it.", path, exc)
            return None
        # A truncated or foreign file must not answer questions: check its shape before trusting it.
        if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[0] != rows:
            log.warning("Ignoring the vector cache %s: it does not fit this corpus; recomputing it.", path)
            return None
        return np.asarray(vectors)

    def save(self, key: str, vectors: Vectors) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a file, even with two processes at once.
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
                np.save(out, vectors, allow_pickle=False)
            os.replace(out.name, path)
        except OSError as exc:
            log.warning(
                "Could not keep paper vectors in %s (%s): they will be recomputed next time. "
                "Set %s to a writable folder.",
                path.parent,
                exc,
                CACHE_ENV,
            )


class MeaningIndex:
    """Paper vectors (title + abstract), computed on first use, and the nearest-paper rule."""

    def __init__(
        self,
        texts: Sequence[str] | Callable[[], Sequence[str]],
        embedder: Embedder,
        cache: VectorCache | None = None,
    ) -> None:
        """`texts`: one per paper, or a function giving them when they are first needed (rendering a large
        corpus's abstracts up front would cost memory and start-up time for a fallback most never use)."""
        self._texts = texts
        self._embedder = embedder
        self._cache = cache
        self._lock = threading.Lock()
        self._vectors: Vectors | None = None
        self._broken = False

    def _paper_texts(self) -> Sequence[str]:
        if callable(self._texts):
            self._texts = list(self._texts())
        return self._texts

    def _paper_vectors(self) -> Vectors | None:
        with self._lock:
            if self._vectors is None and not self._broken:
                self._vectors = self._guarded(self._load_or_compute)
            return self._vectors

    def _guarded(self, compute: Callable[[], Vectors]) -> Vectors | None:
        """`compute()`, or None once the model has failed (the operator sees what to fix once; users keep
        getting word-based answers)."""
        if self._broken:
            return None
        try:
            return compute()
        except ModelError as exc:
            log.error("Search by meaning is off: %s", exc.message)
            self._broken = True
            return None

    def _load_or_compute(self) -> Vectors:
        texts = self._paper_texts()
        key = VectorCache.key(texts) if self._cache else ""
        if self._cache and (cached := self._cache.load(key, len(texts))) is not None:
            return cached
        vectors = self._embedder.embed(texts)
        if self._cache:
            self._cache.save(key, vectors)
        return vectors

    def warm(self) -> None:
        """Compute (or load) the paper vectors and start the model now, so the first paraphrased question
        costs what every other one does. The Discord bot does this off the event loop at start-up: with the
        vectors cached on disk, the model (≈ 0.5 s, 100 MB) would otherwise start inside someone's `/ask`,
        under Discord's 3-second deadline."""
        if self._paper_vectors() is not None:
            self._guarded(lambda: self._embedder.embed(["paper"]))

    def closest(
        self, text: str, allowed: Set[int] | None = None, by_words: int | None = None
    ) -> Closest | None:
        """The one paper (among `allowed`) clearly closest in meaning to `text`, or None. `by_words`: the
        paper sharing the most weighted words with `text`, if any (agreeing with it lowers the bar)."""
        vectors = self._paper_vectors()
        if vectors is None or not text.strip() or not len(vectors):
            return None
        candidates = np.arange(len(vectors)) if allowed is None else np.array(sorted(allowed), dtype=np.int64)
        if not candidates.size:
            return None
        asked = self._guarded(lambda: self._embedder.embed([text]))
        if asked is None:
            return None
        scores = vectors[candidates] @ asked[0]
        order = np.argsort(-scores, kind="stable")
        doc, best = int(candidates[order[0]]), float(scores[order[0]])
        runner_up = float(scores[order[1]]) if order.size > 1 else 0.0
        agreed = doc == by_words and best >= AGREED_SIMILARITY
        if not agreed and (best < MIN_SIMILARITY or best - runner_up < MIN_MARGIN):
            return None
        return Closest(doc, best)

    def rank_sentences(self, text: str, sentences: Sequence[str]) -> list[int]:
        """Positions of `sentences`, closest in meaning to `text` first."""
        if not sentences:
            return []
        vectors = self._guarded(lambda: self._embedder.embed([text, *sentences]))
        if vectors is None:
            return []
        scores = vectors[1:] @ vectors[0]
        return [int(i) for i in np.argsort(-scores, kind="stable")]
