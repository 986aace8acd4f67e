"""Reading a message in a conversation: `interpret(text, state)` → a `FollowUp` (see the package docs).

Closed word lists decide: a message is a follow-up only when all its words are follow-up words.
"""

from __future__ import annotations

import re

from bot.conversation.state import Conversation, FollowUp, Refinement
from bot.errors import QueryError
from bot.search.analysis import fold
from bot.search.index import PaperIndex, utc_today
from bot.search.periods import read_period
from bot.search.query import CATEGORY_ALIASES, Query, parse_query, year_span

__all__ = ["interpret"]


def _words(text: str) -> frozenset[str]:
    """A closed word list, written as one string for readability."""
    return frozenset(text.split())


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_CARDINALS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER_NOUNS = frozenset({"number", "no", "nr", "paper", "result", "source", "item", "entry"})
_LAST = -1

_COMMON = _words(
    "the a an please pls me us can could would will you i to of on about for and then ok okay so now just "
    "hey thanks thank one ones paper papers result results source sources item it this that those these "
    "them its is are was be do does did what whats which there here"
)
_DETAIL_WORDS = _COMMON | _words(
    "tell show open abstract details detail summary summarize summarise describe explain info information "
    "read see look at more give get view display expand full let lets want know who wrote authors when "
    "how say says number no nr entry"
)
_STRONG_DETAIL = _words("abstract details detail summary summarize summarise describe explain")
_THE_PAPER = _words("it its this that")
"""Words pointing at the paper in view ("who wrote it?", "when was that published?"): its card answers."""
_ABOUT_THE_PAPER = _DETAIL_WORDS | _words(
    "published publish came come out year written authored where code link else worked involved"
)
_SIMILAR_KEYS = frozenset({"similar", "related", "resembling", "resemble", "comparable", "alike"})
_LIKE_AFTER = _words("more papers paper ones one something anything stuff others other works any some")
_SIMILAR_WORDS = (
    _COMMON
    | _SIMILAR_KEYS
    | _words(
        "like more other others anything something any some find show give stuff work works closely close "
        "look looks looking get in spirit similarly"
    )
)
_MORE_KEYS = _words("more next else other others another again continue further additional remaining rest")
_MORE_WORDS = (
    _COMMON | _MORE_KEYS | _words("show give any some page go keep going anything have got let lets see tell")
)
_REFINE_WORDS = _words(
    "only just the ones one those them these that which show me give filter keep narrow among of please "
    "pls ok okay now what about how any are were is papers paper results published more and also too then"
)
_OTHER_PEOPLE = re.compile(r"^(?:and |ok |so )?(?:what|how) about\b")
"""'What about Hofmann?' after a list of someone's papers asks for that person's papers instead."""
_THANKS = _words(
    "thanks thank you ty thx ok okay great cool nice perfect awesome cheers got it very so much a lot"
)
_LISTING_NOUNS = _words("papers paper articles article publications publication works")
_NARROWING = _words("only just those ones them these which among any filter narrow keep")
_NEWER = re.compile(r"\b(?:newer|newest|latest|(?:more|most)\s+recent|recent|new)\b(?:\s+(?:ones|first))?")
_OLDER = re.compile(r"\b(?:older|oldest|earlier|earliest)\b(?:\s+(?:ones|first))?(?!\s+than\b)")
_CODE = re.compile(r"\b(?:that\s+|which\s+)?(?:have|has|having|come\s+with|with)\s+(?:source\s+)?code\b")
_NO_CODE = re.compile(r"\b(?:without|no|lacking)\s+code\b")
_BARE_CODE = re.compile(r"\bcode\b")
_YEAR_SPAN = re.compile(r"^((?:19|20)\d\d)(?:\s*(?:-|–|to|\.\.)\s*((?:19|20)\d\d))?$")
_TOKEN = re.compile(r"\[\s*\d+\s*\]|#\d+|[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text).replace("'", "").replace("’", ""))


def _reference(tokens: list[str]) -> tuple[int | None, list[str], int]:
    """The list number the words point at (None if none, _LAST for "last"), the other words, and how
    many references were found (two different ones make it a question: "compare [1] and [2]")."""
    found: list[int] = []
    rest: list[str] = []
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        number: int | None = None
        if tok.startswith(("[", "#")):
            number = int(tok.strip("[]# "))
        elif tok.isdigit() and len(tok) <= 2:
            number = int(tok)
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)", tok):
            number = int(tok[:-2])
        elif tok in _ORDINALS:
            number = _ORDINALS[tok]
        elif tok == "last" and (not nxt or nxt in {"one", "paper", "result", "source"}):
            number = _LAST
        elif tok in _NUMBER_NOUNS and nxt in _CARDINALS:
            number, skip = _CARDINALS[nxt], True
        if number is None:
            rest.append(tok)
        else:
            found.append(number)
    distinct = list(dict.fromkeys(found))
    return (distinct[0] if distinct else None), rest, len(distinct)


def _wants_similar(tokens: list[str]) -> bool:
    if _SIMILAR_KEYS.intersection(tokens):
        return True
    return any(t == "like" and (i == 0 or tokens[i - 1] in _LIKE_AFTER) for i, t in enumerate(tokens))


def _refinement(text: str, index: PaperIndex | None) -> Refinement | None:
    """The filters a message consists of, or None when it says anything else."""
    s = " ".join(fold(text).replace("’", "'").strip(" ?!.").split())
    switching = bool(_OTHER_PEOPLE.match(s))
    newest = bool(_NEWER.search(s))
    s = _NEWER.sub(" ", s)
    oldest = not newest and bool(_OLDER.search(s))  # "oldest first": the same list, the other way round
    s = _OLDER.sub(" ", s) if oldest else s
    code: bool | None = None
    if _NO_CODE.search(s):
        code, s = False, _NO_CODE.sub(" ", s)
    elif _CODE.search(s) or _BARE_CODE.search(s):
        code, s = True, _BARE_CODE.sub(" ", _CODE.sub(" ", s))
    words = [w.strip(",;!?.") for w in s.split()]
    s = " ".join(w for w in words if w and w not in _REFINE_WORDS)
    if not s:
        refinement = Refinement(has_code=code, newest_first=newest, oldest_first=oldest)
        return refinement or None
    span = _YEAR_SPAN.match(s)
    period = read_period(s.split(), 0, index.today() if index is not None else utc_today())
    try:
        if period is not None and period.used == len(s.split()):
            query = Query(date_from=period.start, date_to=period.end)
        elif span:
            low, high = int(span[1]), int(span[2] or span[1])
            start, end = year_span(min(low, high), max(low, high))
            query = Query(date_from=start, date_to=end)
        else:
            query = index.parse(s) if index is not None else parse_query(s)
    except QueryError:
        return None
    categories = query.categories
    if query.text:
        codes = {c.lower(): c for c, _ in index.categories()} if index is not None else {}
        key = fold(query.text)
        if key in CATEGORY_ALIASES:
            categories = CATEGORY_ALIASES[key]
        elif key in codes:
            categories = (codes[key],)
        else:
            return None
    refinement = Refinement(
        has_code=code if code is not None else query.has_code,
        date_from=query.date_from,
        date_to=query.date_to,
        categories=categories,
        authors=query.authors,
        newest_first=newest or query.sort == "date",
        oldest_first=oldest or query.sort == "oldest",
        other_people=bool(query.authors) and switching,
    )
    return refinement or None


_COUNT_WORDS = _words("are there is were of them those these total all altogether papers ones in that")


def _counted(rest: list[str], index: PaperIndex | None) -> Refinement | None:
    """After "how many": nothing but words that point at the list ("how many are there?", "how many of
    them?") and maybe a narrowing ("… have code", "… are from 2024") — a count of the current list; None
    for a question of its own ("how many papers on diffusion?")."""
    kept = [w for w in rest if w not in _COUNT_WORDS or w == "in"]
    if kept in ([], ["in"]):
        return Refinement()
    return _refinement(" ".join(kept), index)


def interpret(text: str, state: Conversation | None = None, *, index: PaperIndex | None = None) -> FollowUp:
    """Read `text` as a follow-up to `state` (see the module docstring for the forms understood).

    `index` lets "by <name>" and bare category codes ("only LG") be recognised; "the last one" is
    resolved against `state`. Without a state, refinements are still recognised (respond asks them as
    questions); more/detail/similar need a state to mean anything.
    """
    tokens = _tokens(text)
    if not tokens or tokens in (["help"], ["h"]):
        return FollowUp("help")
    if set(tokens) <= _THANKS:
        return FollowUp("thanks")
    number, rest, references = _reference(tokens)
    if references > 1:
        return FollowUp("question")
    if number == _LAST:
        number = len(state.shown) if state is not None and state.shown else None
    if _wants_similar(tokens) and set(rest) <= _SIMILAR_WORDS:
        return FollowUp("similar", number)
    if number is not None and set(rest) <= _DETAIL_WORDS:
        return FollowUp("detail", number)
    if number is None and _STRONG_DETAIL.intersection(rest) and set(rest) <= _DETAIL_WORDS:
        return FollowUp("detail", None)
    if number is None and _THE_PAPER.intersection(rest) and set(rest) <= _ABOUT_THE_PAPER:
        return FollowUp("detail", None)
    if number is None and _MORE_KEYS.intersection(rest) and set(rest) <= _MORE_WORDS:
        if state is not None and state.kind == "picked" and "tell" in rest:
            return FollowUp("detail")  # "tell me more" about the paper drawn, not another draw
        return FollowUp("more")
    if tokens[:2] == ["how", "many"] and state is not None:
        counted = _counted(tokens[2:], index)
        if counted is not None:
            return FollowUp("count", refinement=counted)
    refinement = _refinement(text, index)
    standalone = bool(_LISTING_NOUNS.intersection(tokens)) and not _NARROWING.intersection(tokens)
    if refinement is not None and not standalone:
        return FollowUp("refine", refinement=refinement)
    return FollowUp("question")
