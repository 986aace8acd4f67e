"""Text analysis shared by documents and queries: one function, so both sides always agree.

`analyze` turns text into index terms:

1. LaTeX markup is stripped (`\\textit{x}` → x, `$k$` → k, other commands dropped).
2. Plural acronyms lose their `s` (`LLMs` → `LLM`), before case is lost.
3. Case and accents are folded (`Terzić` → `terzic`), so people can type names without accents.
4. Hyphenated compounds yield their parts *and* the joined word (`state-space` → state, space,
   statespace), so `state space`, `state-space` and `statespace` all meet.
5. British spellings are mapped to American ones by suffix rules (`-isation`, `-ise`, `-yse`,
   `-our`, `-lled`, `-tre`, `-ogue`, …), before stemming, because Snowball stems the two spellings
   apart (`tokenisation` → `tokenis` but `tokenization` → `token`).
6. Stopwords are dropped and the rest is stemmed with Snowball English (PyStemmer).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import Stemmer

from bot.corpus.text import readable_abstract

__all__ = [
    "STOPWORDS",
    "Word",
    "analyze",
    "analyze_words",
    "fold",
    "strip_markup",
    "terms_of",
    "word_terms",
    "words",
]

# --- LaTeX ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _unprintable() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Control characters, and zero-width and direction marks, which vanish (as in queries), so
    "atten\\u200btion" is one word. Compiled at the first text that is not printable: the second class is
    ~2.5 M instructions to compile, and a question or a snippet seldom needs it."""
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
    return control, re.compile(r"[\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def strip_markup(text: str) -> str:
    """Remove LaTeX markup but keep the words, case and punctuation (for snippets and for analysis)."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    # One LaTeX reader for the whole project: what people see (readable_abstract) is what is indexed.
    return readable_abstract(text)


# --- folding ----------------------------------------------------------------------------------

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l", "Ł": "l",
     "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "’": "'", "‘": "'"}
)  # fmt: skip


@lru_cache(maxsize=1)
def _accents() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The special letters (`_SPECIAL_LETTERS`), and Unicode's combining-mark blocks: what NFKD splits off a
    base letter (é → e + ◌́). Compiled at the first text that is not ASCII: each class is ~2.5–2.9 M
    instructions to compile, and `paperbot ask` with an ASCII question, answering from its ready index (the
    authors' names folded in it), folds none."""
    special = re.compile(f"[{''.join(chr(c) for c in _SPECIAL_LETTERS)}]")
    return special, re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case and strip accents: `Aurélien Terzić` → `aurelien terzic` (used for names and titles too)."""
    if text.isascii():
        return text.lower()
    special, combining = _accents()
    if special.search(text):  # str.translate with a dict costs ~50 ns a character: only when needed
        text = text.translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return combining.sub("", decomposed).casefold()


# --- British → American -----------------------------------------------------------------------

# Words ending like a British suffix that are spelled the same in American English. Mapping them would be
# harmless (both sides are mapped alike) but would make stems and debug output needlessly odd.
_KEEP = frozenset(
    {
        "advise", "advised", "advises", "advising", "arise", "arises", "arising", "comprise", "comprised",
        "comprises", "comprising", "compromise", "compromised", "compromises", "devise", "devised",
        "devises", "disguise", "enterprise", "enterprises", "excise", "exercise", "exercised", "exercises",
        "expertise", "franchise", "improvise", "merchandise", "otherwise", "premise", "premises", "promise",
        "promised", "promises", "promising", "revise", "revised", "revises", "revising", "supervise",
        "supervised", "supervises", "supervising", "surmise", "surprise", "surprised", "surprises",
        "surprising", "televise", "wise", "likewise", "clockwise", "concise", "precise", "paradise",
        "treatise", "demise", "raise", "raised", "raising", "praise", "praised", "noise", "poise", "cruise",
        "bruise", "chemise", "valise", "noises", "precisely", "concisely", "contour", "contours", "detour",
        "detours", "devour", "devoured", "glamour", "troubadour", "amour", "paramour", "flour", "flours",
        "scour", "scoured", "velour", "timbre", "notre", "spelled", "spelling", "called", "calling",
        "filled", "filling", "killed", "killing", "rolled", "rolling", "pulled", "pulling", "controlled",
        "controlling", "compelled", "compelling", "propelled", "propelling", "installed", "installing",
        "enrolled", "excelled", "excelling", "recalled", "recalling", "fulfilled", "fulfilling",
        "distilled", "distilling",
    }
)  # fmt: skip
_IRREGULAR = {
    "ageing": "aging", "artefact": "artifact", "artefacts": "artifacts", "grey": "gray",
    "programme": "program", "programmes": "programs", "judgement": "judgment", "judgements": "judgments",
    "acknowledgement": "acknowledgment", "learnt": "learned", "aluminium": "aluminum", "mould": "mold",
    "defence": "defense", "licence": "license", "offence": "offense", "sceptical": "skeptical",
    "catalogue": "catalog", "dialogue": "dialog", "analogue": "analog", "enrol": "enroll",
    "fulfil": "fulfill", "distil": "distill", "skilful": "skillful", "travelled": "traveled",
    "fuelled": "fueled", "fuelling": "fueling",
}  # fmt: skip
_BRITISH_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # organisation(s), tokenise(d/s/r/rs), generalising, normalisable → -iz-
    (re.compile(r"^([a-z]{3,})is(ation|ations|ational|e|ed|es|er|ers|ing|able|ability)$"), r"\1iz\2"),
    # analyse(d/s/r), catalysing → -yz-
    (re.compile(r"^([a-z]{2,})ys(e|ed|es|er|ers|ing)$"), r"\1yz\2"),
    # behaviour(s/al/ally), colourful, favourite → -or-; two letters before keep four/hour/your/tour out
    (re.compile(r"^([a-z]{2,})our(|s|ed|ing|al|ally|ful|able|ably|ite|ites|er|ers|less)$"), r"\1or\2"),
    # modelling, labelled, signaller: British doubles the l after an unstressed vowel. Requiring two vowel
    # groups in the stem keeps one-syllable words (filled, spelling) intact.
    (re.compile(r"^([a-z]*[aeiouy][^aeiouy]+[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2"),
    # centre, metre, fibre(s), centred → -er
    (re.compile(r"^([a-z]{2,})(t|b)re(s|d)?$"), r"\1\2er\3"),
)

# Cheap pre-check: most words end in none of the suffixes the rules above look at.
_BRITISH_ENDING = re.compile(
    r"(?:[iy]s(?:ation|ations|ational|e|ed|es|er|ers|ing|able|ability)|our[a-z]*"
    r"|ll(?:ed|ing|er|ers)|[tb]re[sd]?)$"
)


@lru_cache(maxsize=65536)
def americanize(word: str) -> str:
    """Map a folded British spelling to the American one (`memorisation` → `memorization`); else unchanged."""
    if len(word) < 5 or word in _KEEP:
        return word
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    if not _BRITISH_ENDING.search(word):
        return word
    for pattern, replacement in _BRITISH_RULES:
        mapped, count = pattern.subn(replacement, word)
        if count:
            return mapped
    return word


# --- stopwords and stemming -------------------------------------------------------------------

# A classic English list (close to Lucene's and NLTK's), plus question words: a question such as
# "what are random teachers?" must be judged on "random teachers", not on "what are".
STOPWORDS = frozenset(
    {
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as",
        "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
        "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
        "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
        "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
        "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
        "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
        "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "yourself", "yourselves", "s", "t", "d", "ll", "m", "re", "ve", "y", "also", "et", "al", "via",
        "thus", "hence", "whether", "shall", "may", "might", "must", "etc", "e", "g",
    }
)  # fmt: skip


_THREAD = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """One Snowball stemmer per thread: PyStemmer keeps a word cache inside and says an instance must not
    be used by two threads at once, and the Discord bot analyses questions in a pool (`bot.offload`)."""
    stemmer: Stemmer.Stemmer | None = getattr(_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _THREAD.stemmer = Stemmer.Stemmer("english")
    return stemmer


# --- tokenizing -------------------------------------------------------------------------------

_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,})s\b")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
# A word: letters/digits, optionally joined into a compound by hyphens or dashes; a decimal stays whole.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:(?:-{1,2}|[‐‑‒–])[^\W_]+)*")
_HYPHENS = re.compile(r"-{1,2}|[‐‑‒–]")


def words(text: str) -> list[str]:
    """Folded surface words (compounds kept whole, no stemming); what a person would call the words."""
    if not text.isprintable():  # printable text (most of it) has neither controls nor invisible marks
        control, invisible = _unprintable()
        text = invisible.sub("", control.sub(" ", text))
    text = strip_markup(text)
    text = _PLURAL_ACRONYM.sub(r"\1", text)
    if "'" in text:  # the possessive regex scans the whole text; most abstracts have no apostrophe
        text = _POSSESSIVE.sub("", text)
    return _TOKEN.findall(fold(text).replace("'", ""))


# Hyphenated idioms whose parts do not carry their own meaning: indexing "state" and "art" for every
# "state-of-the-art" would make half the corpus match a query about state-space models.
IDIOMS = frozenset(
    {
        "stateoftheart", "offtheshelf", "endtoend", "socalled", "wellknown", "upto", "uptodate",
        "stepbystep", "onthefly", "outofthebox", "outofdistribution", "inthewild",
    }
)  # fmt: skip


# "ten-fold", "2-fold": a multiplier, not the word "fold" ("protein folding" must not match "ten-fold").
_NUMBER_WORDS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "hundred",
        "thousand",
        "many",
        "multi",
        "several",
    ]
)


def _is_idiom(parts: list[str]) -> bool:
    joined = "".join(parts)
    multiplier = parts[-1] == "fold" and (parts[0].isdigit() or parts[0] in _NUMBER_WORDS)
    return joined in IDIOMS or multiplier


def _split(word: str) -> list[str]:
    """A word's parts: a compound yields its pieces (an idiom stays whole), a simple word itself."""
    parts = _HYPHENS.split(word)
    return ["".join(parts)] if len(parts) > 1 and _is_idiom(parts) else parts


# Snowball reduces "-ize" verbs to their root ("tokenization" → "token", "normalization" → "normal"),
# which makes a question about tokenization match every paper about tokens. The "-ize" family is one
# lexeme of its own: every form keeps the root plus "iz" ("tokenize", "tokenizers" → "tokeniz").
_IZE_FAMILY = re.compile(r"^([a-z]{4,})iz(?:e|es|ed|ing|er|ers|ation|ations|ational|able|ability)$")


# Words Snowball joins with unrelated ones: "continual" (learning) is not "continuous" (both → "continu").
_OWN_STEMS = {"continual": "continual", "continually": "continual"}


def _stem(word: str) -> str:
    """Snowball English, except that an "-ize" word keeps its "-iz" (see _IZE_FAMILY) and _OWN_STEMS."""
    own = _OWN_STEMS.get(word)
    if own is not None:
        return own
    ize = _IZE_FAMILY.match(word)
    return f"{ize.group(1)}iz" if ize else str(_stemmer().stemWord(word))


def _expand(word: str) -> list[str]:
    """A compound yields its parts then the joined form; a simple word (or an idiom) yields itself."""
    parts = _split(word)
    if len(parts) == 1:
        return parts
    return [*parts, "".join(parts)]


def _word_terms_uncached(word: str) -> tuple[str, ...]:
    terms = [americanize(t) for t in _expand(word)]
    return tuple(_stem(t) for t in terms if t not in STOPWORDS)


# A plain dict, not lru_cache: analysis looks a word up ~150 times per abstract, and a dict lookup is
# several times cheaper than an LRU's bookkeeping (the largest single cost of indexing a big corpus).
# Cleared when full, so memory stays bounded on a corpus with millions of distinct words.
_TERMS_CACHE: dict[str, tuple[str, ...]] = {}
_TERMS_CACHE_LIMIT = 1 << 20


def _word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one folded surface word (cached: a corpus has few distinct words)."""
    terms = _TERMS_CACHE.get(word)
    if terms is None:
        if len(_TERMS_CACHE) >= _TERMS_CACHE_LIMIT:
            _TERMS_CACHE.clear()
        terms = _TERMS_CACHE[word] = _word_terms_uncached(word)
    return terms


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one surface word as `words` gives it (what `analyze` emits for it)."""
    return _word_terms(word)


def analyze(text: str) -> list[str]:
    """Index terms of `text`, in order (duplicates kept: term frequency matters to BM25)."""
    return terms_of(words(text))


def terms_of(surface: Sequence[str]) -> list[str]:
    """`analyze` for text already split by `words` (indexing needs both, and splitting twice costs)."""
    try:  # the common case, every word seen before, at C speed
        return list(chain.from_iterable(map(_TERMS_CACHE.__getitem__, surface)))
    except KeyError:
        return [term for word in surface for term in _word_terms(word)]


class Word(NamedTuple):
    """One surface word of a query and its index terms: `parts` (stemmed) and, for a compound, `joined`."""

    text: str
    parts: tuple[str, ...]
    joined: str | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        """Every index term this word produces (as `analyze` would emit them)."""
        return (*self.parts, self.joined) if self.joined else self.parts


def analyze_words(text: str) -> list[Word]:
    """`analyze`, grouped by surface word: used to judge how much of a query a paper covers.

    Words with no index term (stopwords) are left out, and a repeated word appears once.
    """
    stem = _stem
    out: dict[tuple[str, ...], Word] = {}
    for surface in words(text):
        raw = _split(surface)
        pieces = [americanize(p) for p in raw]
        parts = tuple(stem(p) for p in pieces if p not in STOPWORDS)
        joined = None
        if len(raw) > 1:
            whole = americanize("".join(raw))
            joined = stem(whole) if whole not in STOPWORDS else None
        word = Word(surface, parts, joined)
        if word.terms:
            out.setdefault(word.terms, word)
    return list(out.values())
