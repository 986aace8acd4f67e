"""Time phrases in plain questions: "this year", "since 2024", "in March", "last month" → a date range.

The split of work: this module reads a closed grammar of time phrases, word by word — *where* a phrase
is, what its preposition means (in, since, after, before, until, between … and …) and which period it
names ("last month", "this year", "March 2025", "two years ago") — and turns it into dates relative to
the injected `today`; the calendar arithmetic ("three months before 31 May") is python-dateutil's
`relativedelta`. The range is the whole period named: "in March 2025" is 2025-03-01..2025-03-31.

Why not dateparser, which the first versions used for the date expression: by the time an expression
reached it, this grammar had already split it into known words, so dateparser only did the arithmetic —
and its first parse in a process compiles a regex for every time zone on earth (≈0.5 s), which was most
of `paperbot ask "what did Lorenzo publish this year?"`.

A bare month name is a date only after a preposition or before a year, so "papers that may help" and
"a march towards" stay words. A bare year ("Hofmann 2025") is a date on its own.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from bot.corpus.model import MONTH_NAMES

__all__ = ["Period", "describe_dates", "describe_day", "read_period", "within"]

_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ],
        start=1,
    )
    for name in names.split()
}
"""Month names as people type them (not `calendar.month_name`, which follows the machine's locale)."""
_MONTHS = frozenset(_MONTH_NUMBER)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_UNITS = frozenset({"year", "month", "week"})
_RELATIVE = frozenset({"this", "last", "past", "previous"})
_INCLUSIVE = frozenset({"in", "from", "during", "of", "for"})
_OPEN = frozenset({"since", "after", "before", "until", "till", "through", "thru", "by"})
_SOLO = frozenset({"today", "yesterday"})


class Period(NamedTuple):
    """A time phrase found at some word: the inclusive date range it means and how many words it used."""

    start: date | None
    end: date | None
    used: int
    yearless: bool = False
    """Months named without a year ("in March", "dec through feb", "in the spring"): placed relative to
    today alone, but inside a year the question names elsewhere ("in 2024, march to may") — `within`."""


def _before(today: date, count: int, unit: str) -> date:
    """The day `count` units before today ("3 months" before 31 May is 28 February)."""
    unit = unit.removesuffix("s")
    if unit in {"year", "month"}:  # calendar units: 31 May less a month is 30 April (relativedelta)
        back: date = today - (relativedelta(years=count) if unit == "year" else relativedelta(months=count))
        return back
    return today - timedelta(days=count * (7 if unit == "week" else 1))


def _span(expression: str, today: date) -> tuple[date, date] | None:
    """The whole period an expression found by `_expression_at` names ("March 2025" → all of March
    2025, "last week" → Monday to Sunday of last week), or None."""
    words = expression.split()
    if _YEAR.match(expression):
        year = int(expression)
        return date(year, 1, 1), date(year, 12, 31)
    if holiday := _holiday(expression, today):
        return holiday, holiday
    if named_month := _relative_month(expression, today):
        return named_month
    if words[0] in _SOLO:
        day = _before(today, words[0] == "yesterday", "days")
        return day, day
    if len(words) == 2 and words[0] in _RELATIVE and words[1] in _UNITS:  # "this year", "last week"
        day = _before(today, words[0] != "this", words[1])
        if words[1] == "year":
            return date(day.year, 1, 1), date(day.year, 12, 31)
        if words[1] == "month":
            return _months(day.year, day.month, day.month)
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if words[0] in _MONTHS:  # "march 2025", "june of 2025", or "march" alone: the latest March begun
        month = _MONTH_NUMBER[words[0]]
        year = int(words[-1]) if _YEAR.match(words[-1]) else today.year - (month > today.month)
        return _months(year, month, month)
    return None


def _precision(expression: str) -> str:
    """How precise an expression is: year, month, week or day."""
    words = expression.split()
    if words[-1] in {"year", "years"} or (len(words) == 1 and _YEAR.match(words[0])):
        return "year"
    if words[-1] in {"month", "months"} or words[0] in _MONTHS:
        return "month"
    if words[-1] in {"week", "weeks"}:
        return "week"
    return "day"


def _expression_at(words: list[str], i: int, after_preposition: bool) -> int:
    """How many words from i form a date expression (0 if none)."""
    w = words[i : i + 2]
    if not w:
        return 0
    if w[0] in _RELATIVE and len(w) == 2 and (w[1] in _UNITS or w[1] in _MONTHS):
        return 2  # "last year", "last may"
    if w[0] in _MONTHS and len(w) == 2 and _YEAR.match(w[1]):
        return 2
    if w[0] in _MONTHS and words[i + 1 : i + 3][:1] == ["of"] and _YEAR.match("".join(words[i + 2 : i + 3])):
        return 3  # "june of 2025"
    if _YEAR.match(w[0]) or w[0] in _SOLO:
        return 1
    if holiday := _holiday_words(words, i):
        return holiday
    if w[0] in _MONTHS and after_preposition:
        return 1
    return 0


_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new year": (1, 1), "new years": (1, 1)}
"""Days people date things by ("since last christmas", "before new year")."""


def _holiday_words(words: list[str], i: int) -> int:
    """How many words from i name a holiday: [last|this] <holiday> [year] (0 if none)."""
    j = i + (words[i : i + 1] in (["last"], ["this"]))
    for name in _HOLIDAYS:
        n = len(name.split())
        if " ".join(words[j : j + n]) == name:
            return j - i + n + bool(_YEAR.match("".join(words[j + n : j + n + 1])))
    return 0


def _holiday(expression: str, today: date) -> date | None:
    """The day a holiday expression names: with a year, that year's; "this christmas", this year's;
    otherwise ("last christmas", "since christmas") the latest one up to today."""
    words = expression.split()
    year = int(words[-1]) if _YEAR.match(words[-1]) else None
    name = " ".join(words[words[0] in {"last", "this"} : len(words) - (year is not None)])
    if name not in _HOLIDAYS:
        return None
    month, day = _HOLIDAYS[name]
    if year is not None:
        return date(year, month, day)
    this_year = date(today.year, month, day)
    if words[0] == "this" or this_year <= today:
        return this_year
    return date(today.year - 1, month, day)


def _relative_month(expression: str, today: date) -> tuple[date, date] | None:
    """ "last may" → the latest May before this month; "this may" → this year's May."""
    words = expression.split()
    if len(words) != 2 or words[0] not in _RELATIVE or words[1] not in _MONTHS:
        return None
    month = _MONTH_NUMBER[words[1]]
    year = today.year if words[0] == "this" or month < today.month else today.year - 1
    return _months(year, month, month)


def within(months: tuple[date, date], named: tuple[date, date]) -> tuple[date, date]:
    """A yearless period (`Period.yearless`) moved into the year(s) a question names elsewhere: "in 2024 …
    march to may" → March–May 2024, "the winter of 23/24, dec through feb" → December 2023–February 2024.
    When it fits in neither the first nor the last named year, the named period stands alone."""
    for year in (named[0].year, named[1].year):
        start, end = _months(year, months[0].month, months[1].month)
        if named[0] <= start <= named[1]:
            return start, end
    return named


def _bounded(prep: str, span: tuple[date, date]) -> tuple[date | None, date | None]:
    start, end = span
    if prep == "since":
        return start, None
    if prep == "after":
        return end + timedelta(days=1), None
    if prep == "before":
        return None, start - timedelta(days=1)
    if prep in {"until", "till", "through", "thru", "by"}:
        return None, end
    return start, end


_COUNTS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3,
}  # fmt: skip
_SPAN_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years"})
_PART_OF = {"start": "start", "beginning": "start", "end": "end", "first": "first", "second": "second"}


def _recent_span(words: list[str], i: int, today: date) -> Period | None:
    """ "(in) the last 12 months", "past two years", "over the last few weeks" → since that long ago."""
    j = i + (words[i : i + 1] in (["in"], ["over"], ["during"], ["within"]))
    j += words[j : j + 1] == ["the"]
    if words[j + 1 : j + 3] in (["couple", "of"], ["few", "of"]):  # "the last couple of months"
        words = [*words[: j + 2], *words[j + 3 :]]
        shorter = _recent_span(words, i, today)
        return Period(shorter.start, shorter.end, shorter.used + 1) if shorter else None
    w = words[j : j + 3]
    if w[:1] == ["past"] and w[1:2] and w[1] in {"year", "month", "week"}:  # "last year" is the calendar one
        w, j = [w[0], "1", w[1]], j - 1  # "the past year": the last twelve months
    if len(w) < 3 or w[0] not in {"last", "past", "previous"} or w[2] not in _SPAN_UNITS:
        return None
    count = int(w[1]) if w[1].isdigit() else _COUNTS.get(w[1])
    if not count:
        return None
    return Period(_before(today, count, w[2]), today, j - i + 3)


def _age(words: list[str], i: int, today: date) -> Period | None:
    """ "older than 3 years" → before three years ago; "newer than 6 months", "less than a year old" →
    since then."""
    w = words[i : i + 5]
    older = w[:2] in (["older", "than"], ["more", "than"])
    newer = w[:2] in (["newer", "than"], ["younger", "than"], ["less", "than"], ["under"])
    k = 1 if w[:1] == ["under"] else 2
    if not (older or newer) or len(w) < k + 2 or w[k + 1] not in _SPAN_UNITS:
        return None
    count = int(w[k]) if w[k].isdigit() else _COUNTS.get(w[k])
    loose = w[:2] in (["more", "than"], ["less", "than"]) or w[:1] == ["under"]
    if not count or (loose and w[k + 2 : k + 3] != ["old"]):
        return None  # "more than 3 papers", "under 2 years" of something else
    used = k + 2 + (w[k + 2 : k + 3] == ["old"])
    cutoff = _before(today, count, w[k + 1])
    return Period(None, cutoff - timedelta(days=1), used) if older else Period(cutoff, today, used)


def _part_of(words: list[str], i: int, today: date) -> Period | None:
    """ "(since) the start of 2025", "the end of 2023", "the first/second half of 2024"."""
    j = i + (words[i : i + 1] in (["since"], ["in"], ["from"], ["before"], ["until"], ["after"], ["by"]))
    j += words[j : j + 1] == ["the"]
    w = words[j : j + 4]
    if not w or w[0] not in _PART_OF:
        return None
    half = w[0] in {"first", "second"}
    if w[1:3] != ["half", "of"] if half else w[1:2] != ["of"]:
        return None
    k = j + (3 if half else 2)
    span: tuple[date, date] | None
    if words[k : k + 2] in (["the", "year"], ["this", "year"]):  # "since the start of the year"
        n, span = 2, (date(today.year, 1, 1), date(today.year, 12, 31))
    else:
        n = _expression_at(words, k, after_preposition=True)
        span = _span(" ".join(words[k : k + n]), today) if n else None
    if span is None:
        return None
    start, end = span
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    middle = date(start.year, 6, 30) if whole_year else start + (end - start) // 2
    part = {"start": (start, start), "end": (end, end), "first": (start, middle),
            "second": (middle + timedelta(days=1), end)}[_PART_OF[w[0]]]  # fmt: skip
    prep = words[i] if j > i and words[i] != "the" else "in"
    bounded = _bounded(prep, part) if prep in _OPEN else part
    return Period(bounded[0], bounded[1], k + n - i)


_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_QUARTERS = {"q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12), "h1": (1, 6), "h2": (7, 12)}
_THIRDS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
"""'early 2025', 'mid 2024', 'late 2023': a third of that year. Only before a year: "early stopping" and
"late fusion" are topics."""

_EQUIVALENT = {("up", "to"): "until", ("newer", "than"): "after", ("later", "than"): "after",
               ("older", "than"): "before", ("earlier", "than"): "before"}  # fmt: skip
"""Two words that say what one preposition says: "up to 2023" is "until 2023", "newer than 2024" is
"after 2024"."""


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    """From the first day of month `first` to the last of `last` (a winter runs into the next year)."""
    end_year = year + 1 if last < first else year
    return date(year, first, 1), date(end_year, last, calendar.monthrange(end_year, last)[1])


def _named_span(words: list[str], i: int, today: date) -> Period | None:
    """Seasons and quarters ("this spring", "last summer", "q1 2024", "in the fall of 2025"), "this/last
    semester" (a half of the calendar year: universities' terms differ) and "the year before last".
    Northern-hemisphere seasons: the lab's own."""
    j = i + (words[i : i + 1] in (["in"], ["during"], ["from"]))
    j += words[j : j + 1] == ["the"]
    w = words[j : j + 4]
    if w[:3] == ["year", "before", "last"]:
        year = today.year - 2
        return Period(date(year, 1, 1), date(year, 12, 31), j - i + 3)
    which = w[0] if w[1:] and w[0] in {"this", "last"} else None  # a message may end on "last"
    name = w[1] if which else (w[0] if w else None)
    if name in {"quarter", "semester"} and which:  # "this quarter", "last semester": of the calendar year
        length = 3 if name == "quarter" else 6
        number = today.year * (12 // length) + (today.month - 1) // length - (which == "last")
        year, part = divmod(number, 12 // length)
        return Period(*_months(year, length * part + 1, length * part + length), j - i + 2)
    months = _SEASONS.get(name or "") or _QUARTERS.get(name or "")
    if months is None:
        return None
    used = j - i + (2 if which else 1)
    rest = words[i + used : i + used + 2]
    year, named = today.year, None
    if rest[:1] and rest[0] != "of" and (named := _season_year(rest[0])):
        year, used = named, used + 1
    elif rest[1:] and rest[0] == "of" and (named := _season_year(rest[1])):
        year, used = named, used + 2
    start, end = _months(year, *months)
    if which == "last" or (which is None and start > today and not named):
        start, end = _months(year - 1, *months)
    return Period(start, end, used, yearless=which is None and named is None)


_SEASON_YEARS = re.compile(r"^(\d{2}|\d{4})/(\d{2}|\d{4})$")


def _season_year(word: str) -> int | None:
    """The year a season starts in: "2025", or "23/24" and "2023/24" for a winter."""
    if _YEAR.match(word):
        return int(word)
    both = _SEASON_YEARS.match(word)
    if both is None:
        return None
    first = int(both.group(1))
    return first + 2000 if first < 100 else first


def _open_year(words: list[str], i: int) -> Period | None:
    """ "2022 and earlier", "2024 or later", "2023 onwards"."""
    w = words[i : i + 3]
    if not w or not _YEAR.match(w[0]):
        return None
    year = int(w[0])
    if w[1:3] in (["and", "earlier"], ["or", "earlier"], ["and", "before"], ["or", "before"]):
        return Period(None, date(year, 12, 31), 3)
    if w[1:3] in (["and", "later"], ["or", "later"], ["and", "after"], ["or", "after"]):
        return Period(date(year, 1, 1), None, 3)
    if w[1:2] in (["onwards"], ["onward"]):
        return Period(date(year, 1, 1), None, 2)
    return None


def _month_range(words: list[str], i: int, today: date) -> Period | None:
    """ "jan to june 2025", "from march through may 2024", "between feb and april", "dec through feb" (the
    latest such stretch that has begun)."""
    j = i + (words[i : i + 1] in (["from"], ["between"]))
    w = words[j : j + 4]
    if (
        len(w) < 3
        or w[0] not in _MONTHS
        or w[1] not in {"to", "through", "till", "until", "and"}
        or w[2] not in _MONTHS
    ):
        return None
    if w[1] == "and" and j == i:  # "march and april" alone is two words, not a range
        return None
    year, used = today.year, j - i + 3
    first, last = _MONTH_NUMBER[w[0]], _MONTH_NUMBER[w[2]]
    if w[3:4] and _YEAR.match(w[3]):
        year, used = int(w[3]), used + 1
        if last < first:  # "dec through feb 2024" ends in that year
            year -= 1
    elif date(year, first, 1) > today:  # without a year, the latest such stretch that has begun
        year -= 1
    return Period(*_months(year, first, last), used, yearless=not _YEAR.match("".join(w[3:4])))


def _ago(words: list[str], i: int, today: date) -> Period | None:
    """ "three years ago" → that calendar year; "two months ago" → that month (not a point in time)."""
    w = words[i : i + 3]
    if (
        len(w) < 3
        or w[2] not in {"ago", "back"}
        or w[1] not in _SPAN_UNITS - {"day", "days", "week", "weeks"}
    ):
        return None
    count = int(w[0]) if w[0].isdigit() else _COUNTS.get(w[0])
    if not count:
        return None
    if w[1].startswith("year"):
        year = today.year - count
        return Period(date(year, 1, 1), date(year, 12, 31), 3)
    month_index = today.year * 12 + today.month - 1 - count
    year, month = divmod(month_index, 12)
    return Period(*_months(year, month + 1, month + 1), 3)


def _third_of_year(words: list[str], i: int) -> Period | None:
    """ "early 2025", "(in) mid 2024", "late 2023" (`_THIRDS`)."""
    j = i + (words[i : i + 1] in (["in"], ["from"], ["during"]))
    w = words[j : j + 2]
    if len(w) < 2 or w[0] not in _THIRDS or not _YEAR.match(w[1]):
        return None
    return Period(*_months(int(w[1]), *_THIRDS[w[0]]), j - i + 2)


_DECADE = re.compile(r"^((?:19|20)\d)0s$")


def _decade(words: list[str], i: int, today: date) -> Period | None:
    """ "(in|from) the 2010s", "this decade"; "since the 2010s" from its start, "before the 2020s" up to
    its start."""
    prep = words[i] if words[i : i + 1] and (words[i] in _INCLUSIVE or words[i] in _OPEN) else None
    j = i + (prep is not None)
    j += words[j : j + 1] == ["the"]
    w = words[j : j + 2]
    if w == ["this", "decade"]:
        first, used = today.year // 10 * 10, j - i + 2
    elif w and (decade := _DECADE.match(w[0])):
        first, used = int(decade.group(1)) * 10, j - i + 1
    else:
        return None
    span = (date(first, 1, 1), date(first + 9, 12, 31))
    start, end = _bounded(prep, span) if prep in _OPEN else span
    return Period(start, end, used)


def _year_to_date(words: list[str], i: int, today: date) -> Period | None:
    """ "ytd", "year to date", "earlier this year" / "earlier this month": from its start to today."""
    j = i + (words[i : i + 1] in (["from"], ["in"]))
    if words[j : j + 1] == ["ytd"]:
        return Period(date(today.year, 1, 1), today, j - i + 1)
    if words[j : j + 3] == ["year", "to", "date"]:
        return Period(date(today.year, 1, 1), today, j - i + 3)
    if words[j : j + 2] == ["earlier", "this"] and words[j + 2 : j + 3] in (["year"], ["month"]):
        start = date(today.year, 1, 1) if words[j + 2] == "year" else today.replace(day=1)
        return Period(start, today, j - i + 3)
    return None


_AROUND = frozenset({"around", "circa", "ca", "approximately", "roughly"})


def _around(words: list[str], i: int, today: date) -> Period | None:
    """ "around christmas", "around march 2025", "circa 2020": the period named and one like it on either
    side (two weeks around a day, a month around a month, a year around a year): said loosely, so the
    range is loose."""
    if words[i : i + 1] == [] or words[i] not in _AROUND:
        return None
    n = _expression_at(words, i + 1, after_preposition=True)
    expression = " ".join(words[i + 1 : i + 1 + n])
    span = _span(expression, today) if n else None
    if span is None:
        return None
    start, end = span
    precision = "day" if start == end else _precision(expression)
    if precision == "year":
        start, end = date(start.year - 1, 1, 1), date(end.year + 1, 12, 31)
    elif precision == "month":
        start = (start - timedelta(days=1)).replace(day=1)
        year, month = divmod(end.year * 12 + end.month, 12)  # the month after `end`, counted from 0
        end = _months(year, month + 1, month + 1)[1]
    else:
        start, end = start - timedelta(days=14), end + timedelta(days=14)
    return Period(start, end, n + 1)


def read_period(words: list[str], i: int, today: date) -> Period | None:
    """A time phrase starting at words[i] (folded words, punctuation stripped), or None.

    Understands: [in|from|during|of|since|after|before|until] <expression>, a bare expression,
    "between <year> and <year>", "from <year> to <year>", "in/from <year> and <year>" (both years),
    "the last 12 months" / "past two years" (until today), "since the start of 2025", "the first half
    of 2024".
    """
    w = words[i : i + 5]
    two_years = len(w) >= 4 and _YEAR.match(w[1]) and _YEAR.match(w[3])
    pairs = {("between", "and"), ("from", "to"), ("from", "until"), ("in", "and"), ("from", "and")}
    if two_years and (w[0], w[2]) in pairs:
        low, high = sorted((int(w[1]), int(w[3])))
        return Period(date(low, 1, 1), date(high, 12, 31), 4)
    pair = tuple(words[i : i + 2])
    if pair in _EQUIVALENT and (found := read_period([_EQUIVALENT[pair], *words[i + 2 :]], 0, today)):
        return Period(found.start, found.end, found.used + 1)
    found = (
        _age(words, i, today)
        or _around(words, i, today)
        or _recent_span(words, i, today)
        or _third_of_year(words, i)
        or _decade(words, i, today)
        or _year_to_date(words, i, today)
        or _part_of(words, i, today)
        or _named_span(words, i, today)
        or _month_range(words, i, today)
        or _ago(words, i, today)
    )
    if found:
        return found
    if w and w[0] in _INCLUSIVE | {"since"} and (open_year := _open_year(words, i + 1)):
        return Period(open_year.start, open_year.end, open_year.used + 1)
    if open_year := _open_year(words, i):
        return open_year
    if w and (w[0] in _INCLUSIVE or w[0] in _OPEN):
        n = _expression_at(words, i + 1, after_preposition=True)
        if n and w[0] != "by" and (span := _span(" ".join(words[i + 1 : i + 1 + n]), today)):
            start, end = _bounded(w[0], span)
            return Period(start, end, n + 1, yearless=n == 1 and words[i + 1] in _MONTHS)
        return None
    n = _expression_at(words, i, after_preposition=False)
    if n and (span := _span(" ".join(words[i : i + n]), today)):
        return Period(span[0], span[1], n)
    return None


def describe_day(d: date) -> str:
    """'5 December 2026' (not `%d`, which pads; not the locale's month names)."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def _month(d: date) -> str:
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def describe_dates(start: date | None, end: date | None) -> str:
    """'2024', '2022–2024', 'since 2023', 'until 2024', 'March 2025', 'the week of 23 November 2026',
    '5 December 2026', or exact days ('2 December 2025–2 December 2026') when not whole months."""

    def label(d: date, first: bool) -> str:
        if (d.month, d.day) == ((1, 1) if first else (12, 31)):
            return str(d.year)
        if (d.day == 1) if first else (d + timedelta(days=1)).day == 1:
            return _month(d)
        return describe_day(d)

    if start is not None and end is not None:
        years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        months = start.day == 1 and (end + timedelta(days=1)).day == 1
        if years:
            low, high = str(start.year), str(end.year)
        elif months:  # "October 2026–December 2026", not "October 2026–2026"
            low, high = _month(start), _month(end)
        elif start.weekday() == 0 and end == start + timedelta(days=6):  # "last week"
            return f"the week of {describe_day(start)}"
        else:
            low, high = describe_day(start), describe_day(end)
        return low if low == high else f"{low}–{high}"
    if start is not None:
        return f"since {label(start, True)}"
    if end is not None:
        return f"until {label(end, False)}"
    return ""
