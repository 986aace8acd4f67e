"""Plain questions → what is asked: `Reader.read(text)` → `Question(intent, query, topic words, corrections)`.

This is the one step between what people type in chat and the index. `ask`, `search`, free-text messages,
thread follow-ups and `chat` all read a message here, once; the analysed topic words travel with the
`Question`, so nothing downstream analyses the text again.

What it understands (README, "Plain questions", has the table):

    intent     "how many …" → count · "who wrote …", "authors of …" → who_wrote ·
               "who works on …", "who should I talk to about …" → who_works_on ·
               "latest/newest/most recent …", "what's new", "the final paper of 2024" → latest ·
               "when was X published", "what year is X from", "how old is X" → when ·
               "papers similar to X", "anything like the languini paper" → similar ·
               "link to the languini code", "github for openfilter", "the pdf of X" → link ·
               "oldest/earliest …", "X's first paper", "what did we kick off 2025 with" → oldest ·
               "how many authors", "papers per year", "what categories are there", "NLP vs CV" →
               breakdown (by person, year or category) ·
               "surprise me", "a random paper by Noci", "what should I read next?" → pick ·
               a filter or "papers" → list · anything else → topic (a cited answer)
    people     "by Noci", "Noci's papers", "what did Lorenzo publish", "anything by X", "X and Y";
               full names, surnames, particles ("van der Klis"), first names; accents and case ignored;
               a misspelt name is corrected against the author list ("Nocci" → Noci)
    time       "this year", "last year", "since 2024", "before 2023", "in March", "last month",
               "between 2022 and 2023", "since last christmas", a bare year (`bot.search.periods`, a closed
               grammar, no date parser); months without a year go into a year named elsewhere in the question
               ("last year in March")
    filters    "from Princeton", "Harvard papers", "ETH Zurich" (affiliations in the corpus);
               "NLP", "computer vision papers", "cs.AI" (categories); "with code"; "with transformer in
               the title", "titles mentioning diffusion" (words the title must hold)
    filler     "is there anything on", "tell me about", "summarize", "show me", "find", "pls" — the
               words that frame a question are dropped, so they never make a matchable question fail
    typos      a topic word the corpus doesn't know, and that is not an English word, is corrected
               against the corpus's own words (`bot.search.spelling`), and the answer says so

Explicit syntax (`author:`, `year:`, `cat:`, `aff:`, `has:code`, `sort:`, `title:`) is applied first
(`bot.search.query`), and always wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal, NamedTuple

from bot.errors import QueryError
from bot.search.analysis import STOPWORDS, Word, analyze, analyze_words, fold
from bot.search.authors import AuthorDirectory
from bot.search.periods import read_period, within
from bot.search.query import (
    CATEGORY_ALIASES,
    EXAMPLE,
    Query,
    QueryBuilder,
    clean_text,
    extract_fields,
)
from bot.search.spelling import Speller, english_words

__all__ = ["QUESTION_WORDS", "THANKS", "Facet", "Intent", "Question", "Reader"]

Intent = Literal[
    "topic",
    "list",
    "count",
    "who_wrote",
    "who_works_on",
    "latest",
    "oldest",
    "breakdown",
    "when",
    "similar",
    "link",
    "abstract",
    "pick",
    "help",
]
Facet = Literal["author", "category", "year", "affiliation"]


class Question(NamedTuple):
    """A message, understood: what is asked (`intent`), the query to run, and its analysed topic words."""

    text: str
    intent: Intent
    query: Query
    words: tuple[Word, ...] = ()
    terms: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    singular: bool = False
    wanted: int | None = None
    """How many papers the question asks to see ("the 3 most recent papers", "top 5 on diffusion")."""
    share: bool = False
    """A count asked as a share of the corpus ("what percentage of papers have code?")."""
    by: Facet | None = None
    """A breakdown's grouping: "how many authors are there", "papers per category", "which year had the most
    papers" group the matching papers by person, category or year."""
    off_topic: str = ""
    """Why the message is no question about the papers, for the reply ("how many GPUs do we have?",
    "where is the kitchen?"); empty for a question about them."""
    sides: tuple[str, ...] = ()
    """What a comparison sets side by side ("difference between GIDD and Latent-DARM", "random teachers vs
    benign memorization"; "which is older, GIDD or random teachers?" for a "when"): each side's topic, for
    an answer that cites a paper on each."""
    unnamed: bool = False
    """Asks about one paper without naming it ("who wrote it?", "when was that published?"): only a
    conversation knows which (`bot.conversation`); alone, there is nothing to search."""
    compared: bool = False
    """People set side by side ("Noci vs Hofmann", "who has more papers, Noci or Hofmann?"): a breakdown
    of their papers by those people."""
    yes_no: bool = False
    """Asks whether ("did Hofmann co-author random teachers?", "does the languini paper have code?"): a
    "no" is an answer, worth its reason."""

    def with_topic(self, text: str) -> Question:
        """The same question about other topic words (same filters)."""
        return self._replace(
            query=self.query._replace(text=text), words=tuple(analyze_words(text)), terms=tuple(analyze(text))
        )

    @property
    def topic(self) -> str:
        """The topic words (corrected), '' when the question is only filters."""
        return self.query.text


# --- intent ------------------------------------------------------------------------------------------


class _Cued:
    """A regular expression tried only on text that holds one of its cues, and compiled at its first try.

    `re` compiles a pattern in Python code, ~10,000 instructions per pattern character: the patterns cued
    here were ~0.065 G instructions of every `paperbot ask` (a whole process per question), and most
    questions match none of them. Every match of the pattern contains one of `cues`
    (tests/search/test_understanding_cues.py proves it from the pattern's parse), so text holding none of
    them cannot match: the answer is the same, and a question without any of a pattern's cues never
    compiles it. A pattern matching case-insensitively has lower-case cues, looked for in the folded text:
    `fold` turns every character such a pattern matches for a letter (`K`, `ſ`, `ı`, `İ` too) into it.
    """

    __slots__ = ("_compiled", "_folded", "cues", "flags", "source")

    def __init__(self, cues: tuple[str, ...], source: str, flags: int = 0) -> None:
        self.cues = cues
        self.source = source
        self.flags = flags
        self._folded = bool(flags & re.IGNORECASE)
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern (compiled on first use)."""
        if self._compiled is None:
            self._compiled = re.compile(self.source, self.flags)
        return self._compiled

    def _may_match(self, text: str) -> bool:
        """False when `text` holds no cue; once compiled, always True (searching is then as fast)."""
        if self._compiled is not None:
            return True
        if self._folded:
            text = fold(text)
        return any(cue in text for cue in self.cues)

    def search(self, text: str) -> re.Match[str] | None:
        """`re.search(source, text, flags)`, without compiling when no cue is in `text`."""
        return self.pattern.search(text) if self._may_match(text) else None

    def sub(self, replace: Callable[[re.Match[str]], str], text: str) -> str:
        """`re.sub(source, replace, text, flags=flags)`, without compiling when no cue is in `text`."""
        return self.pattern.sub(replace, text) if self._may_match(text) else text


_SIZE_CUE = _Cued(
    ("how big", "how large", "size of", " than "),
    r"\bhow (?:big|large)\b|\bsize of\b|\b(?:more|fewer|less) than \d+(?= (?:papers|publications)\b)",
)
"""A count asked as a size ("how big is the collection") or against a number ("more than 5 papers on
diffusion?"); its words are no topic (`_without_size_cue`)."""

_SHARE = _Cued(
    ("fraction", "percent", "proportion", "share"),
    r"\b(?:what|which) (?:fraction|percentage|proportion|share|percent) of\b|\bwhat percent\b",
)
"""A count asked as a share of the corpus ("what fraction of our papers have code?")."""

_PERIOD_WORDS = (
    r"(?:year|years|month|months|week|weeks|time|couple|few|\d+|semester|quarter|decade|spring|summer|autumn"
    r"|fall|winter|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b"
)
"""What may follow "last" in a time phrase ("last year's papers"), not in "our last diffusion paper"."""

_SUGGESTED = _Cued(
    ("suggest", "recommend", "read"),
    r"\b(?:suggest|recommend)(?: me| us)? (?:a|an|one|some|any|something|anything)"
    r"(?: good| nice| interesting| cool| fun)?(?: (?:paper|read|reading|one|thing))?\b(?! systems?\b)"
    r"|\bwhat (?:should|could|can|shall) (?:i|we) read\b|\bwhat to read\b"
    r"|\b(?:something|anything) (?:good |nice |interesting |fun )?to read\b|\bgood read\b",
)
"""Asks for something to read without saying what ("suggest a paper", "what should I read next?"): one
paper at random. With a topic ("recommend something on diffusion") it is a topic question."""

_AT_RANDOM = _Cued(
    ("random", "surprise", "dealer"), r"\brandom(?:ly)?\b|\bsurprise (?:me|us)\b|\bdealer'?s choice\b"
)
"""Chance asked for in so many words: a topic then only narrows the draw ("a random diffusion paper")."""

_INTENTS: tuple[tuple[Intent, _Cued], ...] = (
    (
        "count",
        _Cued(
            ("many", "number of", "count", "tally", "how big", "how large", "how much", "size of", " than ",
             "lot", "fraction", "percent", "proportion", "share"),
            r"\bh(?:o)?w many\b|\bnumber of\b|\bcount\b|\b(?:paper|publication) count\b|\btally\b"
            rf"|{_SIZE_CUE.source}|\bhow much (?:did|have|has|do)\b"
            # "do we have many papers on SSMs?"
            r"|\b(?:have|got|are there) (?:many|lots of|a lot of) (?:papers|publications)\b"
            rf"|{_SHARE.source}"
        ),
    ),
    (
        "similar",
        _Cued(
            ("similar", "like", "related to", "resembling", "along the lines", "close to", "in the spirit"),
            # "papers similar to random teachers", "anything like the languini paper", "what else is like X"
            r"\b(?:papers?|anything|something|stuff|work|others?|ones?|else)\b(?: \w+){0,2}?"
            r" (?:similar to|(?<!look )(?<!looks )(?<!seem )(?<!seems )(?<!sound )(?<!sounds )like"
            r"|related to(?=.*\b(?:paper|article|preprint|one)\b)"  # "related to X" alone is about a topic
            r"|resembling|along the lines of|close to|in the spirit of)\b"
            r"|\bsimilar (?:papers?|work|ones) (?:to|as)\b|\bmore like\b"
        ),
    ),
    (
        "link",
        _Cued(
            ("link", "url", "github", "repo", "pdf", "implementation", "code"),
            # "link to the languini code", "github for openfilter", "is the code for random teachers
            # public", "the pdf of X" (papers with code are a filter: "papers with a github link")
            r"^(?!.*\b(?:papers|publications|articles)\b).*"
            r"(?:\b(?:links?|urls?|github|repo|repository|pdf|implementation)\b|\bthe code\b"
            r"|\bcode (?:for|of)\b|\bsource code\b|\bcode (?:i|we|you) (?:can|could) (?:run|use|try)\b"
            # "does the languini paper have code?": one paper, and whether its code is out
            r"|\b(?:does|did|has) (?:the |that |this )?(?:[\w-]+ ){1,6}(?:paper|one|work)"
            r" (?:have|has|come with|release|ship)\w* (?:any |public |its )?code\b)"
        ),
    ),
    (
        "abstract",
        _Cued(
            ("abstract",),
            # "abstract of the random teachers paper", "show me the languini abstract", "paste its abstract"
            # ("papers whose abstract says X" is a search: no single abstract is asked for)
            r"^(?!.*\b(?:papers|publications|articles|ones|abstracts)\b).*(?:"
            r"\b(?:full |whole )?abstract (?:of|for|from)\b"
            r"|\b(?:show|give|read|paste|print|send|post|see|want|need)(?: me| us)?"
            r"(?: the| its| their| that)?(?: full| whole)?(?: [\w-]+){0,3} abstract\b"
            r"|\b(?:its|the|that) (?:full |whole )?abstract\W*$)"
        ),
    ),
    (
        "pick",
        _Cued(
            ("random", "surprise", "dealer", "pick", "suggest", "recommend", "read", "something"),
            # "give me a random paper", "a random one by Noci", "pick one at random", "surprise me"
            # ("the random teachers paper" is a title: only "a/any/one/some random … paper" picks)
            r"\b(?:a|any|one|some|\d+) random (?:[\w.-]+ ){0,3}?(?:papers?|ones?|publications?|articles?"
            r"|preprints?|picks?)\b|\brandom (?:papers?|picks?)\b|\bat random\b"
            r"|\brandomly (?:pick|choose|select)\w*\b|\bsurprise (?:me|us)\b|\bdealer'?s choice\b"
            r"|\bpick (?:me |us )?(?:a|one|any|something)(?: paper| one)?(?: for (?:me|us))?\W*$"
            r"|\b(?:tell|show) (?:me|us) something (?:interesting|cool|fun|surprising)\W*$"
            # "suggest a paper to read", "what should I read next?" (with a topic: a topic question)
            rf"|{_SUGGESTED.source}"
        ),
    ),
    (
        "who_wrote",
        _Cued(
            ("who", "author", "name", "credit", "people", "person"),
            r"\bwho\b.*\b(?:wrote|write|writes|written|authored|behind|made|came up with|invented|proposed"
            r"|introduced|developed|was on|were on|credit)\b(?! (?:the )?most\b| with\b)"
            r"|(?<!active )(?<!prolific )(?<!top )(?<!main )\bauthors? (?:of|on|for)\b"
            r"|\bwho are the authors\b(?! (?:working|who work|writing))"
            r"|\bauthor list\b|\bnames? of (?:the )?authors\b|\bwho(?:s| is| are)? on (?:the|that)\b(?! most)"
            r"|\bwhose\b(?! (?:abstracts?|titles?|summary|summaries|code|authors?|first author)\b)"
            r"|\bwho did (?:the|that)\b|\bnames on (?:the|that)\b"
            r"|\bwho (?:looked at|studied|showed|found|proved)\b"
            r"|\b(?:which|what) (?:people|persons?|authors?) (?:did|wrote|made|came up with|proposed)\b"
            # "who's responsible for the random teachers paper", "who should I cite for it", "by whom?"
            r"|\bwho\b.*\b(?:responsible for|involved (?:in|with)|contributed to|co-?wrote|co-?authored"
            r"|put out|credited)\b(?! (?:the )?most\b)"
            r"|\bwho (?:do|should|would|can|must) (?:i|we) (?:cite|credit|thank)\b|\bby whom\b"
            r"|\bwho(?:s| is| was)?\b.*\bby\W*$|\b(?:which|what) authors (?:are|were) on\b"
            r"|\bcredits? (?:for|on)\b|(?:[,:?]|\bpaper)\W*authors\W*$"
            # "who worked on the random teachers paper": one paper named, so its authors
            r"|\bwho\b.*\bworked on (?:the|that|this)\b(?! most\b).*\b(?:paper|article|preprint|one)\b"
            r"|\bwho are the (?:people|folks|names|persons) (?:on|behind) (?:the|that|this)\b"
        ),
    ),
    (
        "who_works_on",
        _Cued(
            ("who", "expert", "author", "person", "people", "guy", "member", "researcher", "most ", "top ",
             "someone", "somebody", "anyone", "anybody", "of us", "of you", "familiar", "go-to",
             "goto", "collaborat"),
            r"\bwho(?:s| is| are)? into\b"
            r"|\bwho(?:s| is)?\b.*\b(?:works?|working|worked|research(?:es|ing)?|knows?|experts?"
            r"|speciali[sz]\w*|focus(?:es|ing)? on|talk|ask|contact|most|go to|goto|person|people|guy"
            r"|ping|dm|message)\b"
            r"|\bexperts? (?:on|in)\b|\b(?:which|what) (?:author|person|people)\b|\bwho does\b"
            # "who was most active last year", "most prolific person", "top author in cs.LG"
            r"|\bmost (?:active|prolific|productive)\b|\btop (?:author|person|contributor|writer)s?\b"
            r"|\bby a single (?:person|author)\b"
            # "need someone to explain mamba to me", "anyone who knows optimal transport?"
            r"|\b(?:someone|somebody|anyone|anybody)"
            r" (?:to (?:explain|talk|ask)|who (?:knows|works|understands))\b"
            # "has anyone here worked with Lucchi?", "did anybody write with Noci?": the people with them
            r"|\b(?:has|have|did) (?:someone|somebody|anyone|anybody)"
            r"(?: here| else| in (?:the|our) (?:lab|group))? (?:ever )?"
            r"(?:worked|work|written|write|wrote|published|publish|collaborated|co-?authored) with\b"
            # "which of us does diffusion", "who's big on SSMs", "who in the lab does X", "anyone familiar
            # with X?", "who could help me with X", "which researchers study X", "who has published on X"
            r"|\b(?:which|what) of (?:us|you)\b|\bwho(?:s| is| are)? (?:big|strong|good) (?:on|at|in)\b"
            r"|\bwho in (?:the|our|this) (?:lab|group|team)\b|\bfamiliar with\b|\bwho (?:can|could) help\b"
            r"|\b(?:which|what) researchers\b"
            r"|\bwho (?:has|have|had)\b.*\b(?:published|written) (?:on|about)\b"
            # "who has done stuff on SSMs", "who here has touched model merging", "the go-to person for X"
            r"|\bwho(?: here| in the (?:lab|group))? (?:has|have|had)"
            r" (?:done|touched|dabbled|played with|tried)\b"
            r"|\bgo-?to\b"
            # "whom should I contact about X", "who has experience with X", "who can I bother about X",
            # "which authors work on X", "the diffusion person", "who could explain X to me"
            r"|\bwhom\b|\bwho\b.*\b(?:experience|expertise|bother|bug|pester|reach out)\b"
            r"|\b(?:which|what) (?:authors|researchers|(?:lab |group |team )?members?)\b"
            r"|\b(?:a|an|the|our|any) (?:[\w-]+ ){1,3}(?:expert|person|guy|people)\b"
            r"|\bwho (?:can|could|would) explain\b|\bwho are the authors (?:working|who work|writing)\b"
            # "Noci's coauthors", "who does Noci collaborate with", "who has Noci written with?"
            r"|\bco-?authors\b|\bcollaborat(?:ors?|es?|ed|ing)\b"
            r"|\bwho\b.*\b(?:written|write|wrote|published|publish) with\b"
        ),
    ),
    (
        "who_wrote",
        _Cued(("who",), r"\bwho\b.*\b(?:did|published|publish)\b"),
    ),
    (
        "oldest",
        _Cued(
            ("oldest", "earliest", "first", "start", "kick", "open"),
            r"\b(?:oldest|earliest)\b|\bfirst (?:paper|publication|article|work|thing)\b"
            # "the first computer vision paper", "which stat.ML paper came first"
            r"|\bfirst\b(?! (?:half|quarter|author|time|question))"
            r"(?: [a-z][a-z.]*){0,3} (?:paper|article|preprint)s?\b"
            r"|\bcame (?:out )?first\b|\bstart(?:ed)? (?:with|out|publishing)\b"
            r"|\bstart(?:ed)? (?:working|writing|publishing) (?:on|about)\b"
            # "what did we kick off 2025 with", "which paper opened 2024"
            r"|\b(?:kick(?:ed)? off|open(?:ed)?|start(?:ed)?) (?:19|20)\d\d\b"
            r"|\bkick(?:ed)? (?:19|20)\d\d off\b"
            r"|\bfirst (?:show(?:ed)? up|appear\w*)\b"
            r"|\b(?:publish\w*|put out|release\w*|wr[io]te) first\b"
            # "when did we first write about continual learning"
            r"|\bfirst (?:wr[io]te|written|publish\w*|worked|looked (?:at|into)|studied|touched)\b"
        ),
    ),
    (
        "latest",
        _Cued(
            ("latest", "new", "recent", "lately", "fresh", "these days", "nowadays", "right now", "currently",
             "at the moment", "hot off", "last", "final", "closed", "wrapped", "rounded", "end", "still"),
            r"\b(?:latest|newest|most recent(?:ly)?|recent(?:ly)?|lately|fresh(?:est)?|whats? new"
            r"|anything new|these days|nowadays)\b"
            r"|\bright now\b|\bcurrently\b|\bat the moment\b"
            # "is Bachmann still publishing?": his newest paper says when he last did
            r"|\bstill (?:publishing|active|writing|around|working)\b"
            r"|\bhot off the press\b|\b(?:came out|published|released|put out) last\W*$"
            r"|\b(?:last|final) (?:paper|publication|article|thing|one)s?\b"
            # "when was our last diffusion paper", "when did noci last publish", "any news?"
            rf"|\b(?:last|final) (?!{_PERIOD_WORDS})(?:[\w-]+ ){{1,2}}"
            r"(?:paper|publication|article|preprint)s?\b"
            r"|\blast (?:publish\w*|wrote|put out|released|posted)\b|\bany news\b|\bwhats the news\b"
            # "which paper closed out 2024", "what did we end 2024 with", "which one wrapped the year up"
            r"|\b(?:closed|wrapped|rounded) (?:\w+ ){0,2}(?:out|up|off)\b"
            r"|\bend(?:ed)? (?:the year|(?:19|20)\d\d) with\b"
        ),
    ),
    (
        "when",
        _Cued(
            ("when was", "when were", "when did", "when is", "when ha", "year", "month", "date", "how old",
             "published when"),
            # "when was the random teachers paper published", "what year is the shaped transformer from",
            # "how old is the languini paper", "date of the gidd paper"
            # "when is there no loss barrier …" asks for a condition, not a date: "when is/has" must be
            # about publishing ("when is the gidd paper from", "when has it come out")
            r"\bwhen (?:was|were|did)\b"
            r"|\bwhen (?:is|has|have|had)\b"
            r"(?=.*\b(?:out|published|released|written|posted|appeared)\b|.*\bfrom\W*$)"
            r"|\b(?:what|which) (?:year|month|date)\b"
            r"|\bhow old is\b|\b(?:date of|publication date|release date)\b|\bpublished when\b"
        ),
    ),
)  # fmt: skip

_ENDS = dict(_INTENTS)
"""The patterns by intent: a question about one paper may also say which end of a list it means."""

# --- breakdowns --------------------------------------------------------------------------------------

_PEOPLE = r"(?:authors|people|persons|researchers|co-?authors|contributors|writers|names|scientists|folks)"
_NOT_ONE_PAPER = r"(?! (?:of|on|behind|for)\b)"
"""'the authors of the random teachers paper' names one paper: its authors (who_wrote), not a breakdown."""
_FACETS: tuple[tuple[Facet, _Cued], ...] = (
    (
        "author",
        _Cued(
            ("author", "people", "person", "researcher", "contributor", "writer", "name", "scientist", "folk",
             "every", "of us"),
            rf"\bh(?:o)?w many (?:different |distinct |unique |individual |other )?{_PEOPLE}\b"
            rf"|\bnumber of (?:different |distinct |unique )?{_PEOPLE}\b"
            rf"|\b(?:list|show|name|give)(?: me| us)?(?: all| every)?(?: of)?(?: the| our)? {_PEOPLE}\b"
            rf"{_NOT_ONE_PAPER}"
            rf"|\bwho are all (?:the |our )?{_PEOPLE}\b{_NOT_ONE_PAPER}"
            rf"|\bwho are (?:the |our )?{_PEOPLE}"
            r" (?:here|in (?:the|this|our) (?:corpus|collection|lab|group|listing))\W*$"
            rf"|\ball (?:the |our )?{_PEOPLE}\b{_NOT_ONE_PAPER}"
            r"|\b(?:per|each|every|by) (?:author|person|researcher)\b"
            # "list everyone who published in 2025", "how many of us are there", "count the authors"
            r"|\b(?:(?:list|show|name) )?every(?:one|body) who\b|\bhow many of us\b"
            rf"|\bcount (?:the |all (?:the )?|our )?{_PEOPLE}\b"
            # "top 5 authors", "our most prolific authors": the people, most papers first
            r"|\b(?:top|most prolific|most active|leading)(?: \d+| three| five| ten| twenty)?"
            rf"(?: first| lead)? {_PEOPLE}\b{_NOT_ONE_PAPER}"
            # "all the authors on diffusion papers": the people of many papers
            rf"|\b(?:all |the )?{_PEOPLE}\b"
            r"(?= (?:on|of|behind) (?:the |our |all )?(?:[\w-]+ ){0,3}papers\b)"
        ),
    ),
    (
        "category",
        _Cued(
            ("categor", "field", "area", "subject", "topic", "theme", "what do", "summar", "overview"),
            r"\b(?:what|which|how many) (?:arxiv )?(?:categories|fields|areas|subjects|subfields)\b"
            # the lab's topics in general: the listing's categories are what it says of them ("what
            # topics do we cover", "what does the lab work on", "summarize our research")
            r"|\b(?:what|which) (?:research |main |kinds? of )?(?:topics|themes)\b"
            r"|\bwhat (?:does|do) (?:the |our |this )?(?:lab|group|team|we) (?:work on|do|research|study)\W*$"
            r"|\b(?:summar(?:y|ise|ize)|overview) of (?:our|the lab'?s?|the group'?s?|the)"
            r" (?:research|work|papers)\b"
            r"|\bsummari[sz]e (?:our|the lab'?s?|the group'?s?) (?:research|work|papers)\b"
            r"|\b(?:per|each|every|by|across) (?:arxiv )?(?:category|categories|field|area|subject)\b"
            r"|\b(?:category|field|subject) (?:breakdown|split|distribution|counts?|mix)\b"
            r"|\b(?:which|what) (?:arxiv )?(?:category|field|area)\b(?=.*\b(?:most|least|fewest)\b)"
            r"|\b(?:most common|biggest|largest|main|top) (?:arxiv )?(?:category|field|area)\b"
        ),
    ),
    (
        "year",
        _Cued(
            ("year", "annual", "time"),
            r"(?<!sorted )(?<!ordered )(?<!sort )\b(?:per|each|every|by) year\b"
            r"|\b(?:papers|publications) a year\b"
            r"|\byear(?: by |-by-)year\b|\byearly\b|\bannual(?:ly)?\b"
            r"|\b(?:which|what) years?\b(?=.*\b(?:most|least|fewest|busiest|more|fewer)\b)"
            r"|\b(?:busiest|most productive|biggest|best|strongest|quietest) year\b"
            r"|\bover (?:the years|time)\b"
        ),
    ),
    (
        "affiliation",
        _Cued(
            ("institut", "affiliation", "universit", "organi"),
            r"\b(?:what|which|how many) (?:different |other )?(?:institutions|affiliations|universities"
            r"|organi[sz]ations|institutes)\b"
            r"|\b(?:per|each|every|by) (?:affiliation|institution|university|organi[sz]ation|institute)\b"
            r"|\b(?:list|show|name)(?: me)?(?: all)?(?: the| our)?"
            r" (?:institutions|affiliations|universities)\b"
            r"|\ball (?:the |our )?(?:institutions|affiliations|universities)\b"
            r"|\b(?:affiliation|institution) (?:breakdown|split|distribution|counts?|mix)\b"
        ),
    ),
)  # fmt: skip
"""What asks for the matching papers grouped, and by what: "how many authors are there", "list all the
authors", "papers per author" (people); "what categories are there", "papers per category" (categories);
"papers per year", "which year had the most papers", "our busiest year" (years); "which institutions do we
work with", "papers per affiliation" (the institutions the listing gives). The matched words are
no topic; whatever else the question says (a person, a period, a topic) chooses the papers. Each pattern is
compiled only for a question holding one of its cues (most questions hold none: `_Cued`)."""
_COUNTED = _Cued(("w many",), r"\bh(?:o)?w many (?:different |distinct |more |other )?([^\W\d][\w-]*)")
_PAPER_NOUNS = frozenset({"paper", "papers", "publication", "publications", "article", "articles", "preprint",
                          "preprints", "ones", "works", "pubs", "titles", "entries", "results", "hits",
                          "things", "times"})  # fmt: skip
"""What a count of papers may call them ("how many diffusion ones", "how many times has Noci published")."""
_NOT_A_NOUN = frozenset({"did", "does", "do", "have", "has", "had", "are", "is", "were", "was", "we", "you",
                         "they", "of", "total", "overall", "so", "far", "went", "came", "come", "got",
                         "get", "appeared", "dropped", "made", "make", "use", "used", "mention", "mentioned",
                         "cover", "covered", "deal", "talk", "discuss", "published", "wrote"})  # fmt: skip
_NOT_IN_THE_LISTING = frozenset({"citations", "cites", "pages", "figures", "tables", "parameters", "params",
                                 "layers", "references", "equations", "downloads", "stars", "views", "likes",
                                 "reviews", "reviewers", "words", "characters"})  # fmt: skip
"""What a paper has that the listing does not say ("how many citations does the random teachers paper
have")."""
_WHERE = _Cued(
    ("where",),
    r"^(?:(?:so|hey|ok|okay|quick q|quick question|sorry|does anyone know|anyone know)\W* )*"
    r"where(?:s| is| are| can (?:i|we) (?:find|get)| do (?:i|we) (?:find|get)| did)\b",
)
_STATUS = _Cued(
    ("down", "offline", "unreachable", "acting up", "again", "just me", "only me"),
    r"\b(?:is|are) (?:the |our |my )?[\w-]+(?: [\w-]+)? (?:down|offline|unreachable|acting up"
    r"|(?:broken|dead) again)\b|\bis it (?:just|only) me\b",
)
"""Whether some service is working: "is the cluster down again or is it just me"."""
_PAPER_THINGS = frozenset({"code", "repo", "repository", "github", "link", "links", "pdf", "paper", "papers",
                           "dataset", "datasets", "data", "slides", "abstract", "arxiv", "implementation",
                           "checkpoint", "checkpoints", "weights", "published", "publication", "preprint",
                           "benchmark", "appendix", "proof", "results"})  # fmt: skip


_VENUES = frozenset({
    "neurips", "nips", "iclr", "icml", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "eacl", "coling",
    "aaai", "ijcai", "colt", "aistats", "uai", "tmlr", "jmlr", "kdd", "sigir", "icassp", "interspeech",
    "miccai", "corl", "icra", "iros", "wacv", "bmvc", "tpami", "ijcv",
})  # fmt: skip
"""Conferences and journals: the listing does not say where a paper appeared."""
_ANY_VENUE = frozenset({"venue", "venues", "conference", "conferences", "journal", "journals"})
"""Venues named in general ("what venues do we publish in?", "which conferences did we go to?")."""
_VENUE_NAMES = {"neurips": "NeurIPS", "nips": "NeurIPS", "interspeech": "Interspeech", "corl": "CoRL"}


def _words_of(folded: str) -> frozenset[str]:
    """The words of a folded question, punctuation aside ("neurips?" → "neurips")."""
    return frozenset(re.findall(r"[\w'-]+", folded))


THANKS = "You're welcome! Ask me anything else about the papers."
_SMALL_TALK = (
    (
        _Cued(
            ("thank", "thx", "ty", "cheers", "good bot", "nice one"),
            r"^(?:(?:many |thanks? (?:a lot|so much) )?thanks?(?: (?:you|a lot|so much|again|mate|bot))*"
            r"|thank you(?: (?:so much|very much|again))?|thx|ty|tysm|cheers|good bot|nice one"
            r"|(?:great|perfect|got it|awesome),? thanks?)\W*$",
        ),
        THANKS,
    ),
    (
        _Cued(
            (
                "hi",
                "hello",
                "hey",
                "yo",
                "howdy",
                "good ",
                "morning",
                "sup",
                "whats up",
                "how are you",
                "how r u",
            ),
            r"^(?:hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening)|morning|sup|whats up"
            r"|how are you(?: doing)?|how r u|hey there|hi there|hello there)"
            r"(?: (?:bot|paperbot|there|all))?\W*$",
        ),
        "Hi! Ask me about the lab's papers in plain words, or say “help” for examples.",
    ),
)
"""Chat that asks nothing of the papers (thanks, greetings), and the reply each gets: searching "good bot"
would cite “Random Teachers are Good Teachers”."""
_ELSEWHERE = (
    (
        _Cued(
            (
                "reading group",
                "journal club",
                "rg",
                "present",
                "reading",
                "propose",
                "suggest",
                "nominate",
                "vote",
                "what did we",
                "what have we",
                "session",
            ),
            r"\b(?:next|upcoming|this week'?s?|today'?s?|tomorrow'?s?) (?:reading group|journal club|rg)\b"
            r"|\b(?:reading group|journal club)\b.*\b(?:when|where|who|next|today|tomorrow|week|time)\b"
            r"|\bwho(?:'?s| is| will be)? present(?:ing|s)?\b|\bwhat (?:paper )?are we reading\b"
            r"|\b(?:can|could|how do) (?:i|we) (?:propose|suggest|nominate|vote)\b|\bvote for\b"
            # what the group read before: "what did we read last session", "what have we read so far"
            r"|\bwhat (?:did|have) we (?:read|discuss(?:ed)?)\b"
            r"(?=.*\b(?:last|session|sessions|so far|before|previously|reading group|journal club)\b)"
            r"|\b(?:past|previous|last|earlier) (?:reading groups?|journal clubs?)\b"
            r"|\b(?:the|our|the group'?s) reading list\b",  # the group's ("my reading list" is one's own)
        ),
        "That's for the reading group: `/rg next` and `/rg upcoming` show the sessions (paper, presenter, "
        "time), `/rg history` the past ones, `/rg propose` and `/rg vote` choose the papers, `/rg roster "
        "list` the presenters.",
    ),
    (
        _Cued(
            ("of the day", "paper", "digest"),
            r"\bpapers? of the day\b|\b(?:today'?s|daily) paper\b|\bdigest\b",
        ),
        "The paper of the day is posted by the digest: `/digest status` shows when and where, "
        "`paperbot digest preview` which paper comes next.",
    ),
    (
        _Cued(
            ("most ", "hindex", "h-index", "award", "citation count", "impact factor", "cit"),
            r"\bmost (?:important|influential|cited|impactful|famous|popular|significant|read|downloaded)\b"
            r"|\bh-?index\b|\bawards?\b|\bcitation counts?\b|\bimpact factor\b"
            # "which papers cite random teachers?", "who cites the languini paper", "cited by"
            r"|\b(?:which|what|any|other) (?:papers?|work|works) (?:cite|cites|citing)\b|\bwho cites\b"
            r"|\bcited by\b",
        ),
        "The listing doesn't say how papers were received (citations, awards, influence): ask by topic, "
        "person or date instead (“papers similar to …” finds the work closest to a paper).",
    ),
    (
        _Cued(
            ("author", "people", "solo"),
            r"\b(?:more|fewer|less) than \d+ (?:authors|people)\b|\bsingle[- ]authors?\b"
            r"|\bsolo (?:papers?|authors?)\b|\bmost (?:authors|people)\b(?= (?:on|in)\b|\W*$)"
            r"|\b(?:longest|shortest|biggest) author lists?\b",
        ),
        "I can't sort or filter papers by how many authors they have (listings often cut author lists with "
        "“et al.”): ask “who wrote X?” for a paper's authors.",
    ),
)
"""Questions about the bot's other features, answered with where to look instead of a search; and about
what the reader cannot sort or filter by: how papers were received ("our most important paper" would
otherwise cite a paper about "important neurons"), how many authors a paper has ("a paper with more than
10 authors" would cite one that says "10^4")."""
_HELP = _Cued(
    (
        "help",
        "?",
        "what can you",
        "what do you",
        "what are you",
        "who are you",
        "how does this",
        "how do i use",
        "commands",
        "usage",
        "what can i",
        "examples",
    ),
    r"^(?:help|help me|\?+|what can you do|what do you do|what are you|who are you|how does this work"
    r"|how do i use (?:you|this|this bot|paperbot)|commands|usage|what can i ask(?: you)?|examples)\W*$",
)
"""A message asking what the bot can do: the answer shows examples made from the corpus (`intent="help"`)."""


def _off_topic(folded: str, counts_papers: Callable[[str], bool], known: Callable[[str], bool]) -> str:
    """Why a message is not about the papers, or "" (thanks, greetings and other features first):
    - chat: thanks, a greeting (`_SMALL_TALK`), answered in kind;
    - the reading group or the paper of the day (`_ELSEWHERE`): where to look;
    - a count of something else: of what the listing does not hold ("how many citations does the
      random teachers paper have?"), or of one thing where no word names papers ("how many GPUs do we
      have?"; "how many diffusion papers", "how many by Noci", "how many NLP" count papers);
    - a question about a place ("where is the kitchen?"), unless it asks where a paper's code, PDF or data
      is, or about whether something works ("is the cluster down again?");
    - a question about venues ("what did we publish at NeurIPS?"), which the listing does not record."""
    for pattern, reply in _SMALL_TALK:
        if pattern.search(folded.strip()):
            return reply
    for pattern, reply in _ELSEWHERE:
        if pattern.search(folded):
            return reply
    words = _words_of(folded)
    venues = sorted(w for w in words & _VENUES if not known(w))
    if venues or any(not known(w) for w in words & _ANY_VENUE):  # a corpus may study conferences
        venue = f" ({_VENUE_NAMES.get(venues[0], venues[0].upper())} or any other venue)" if venues else ""
        return f"The listing doesn't say where papers appeared{venue}: ask by topic, person or date instead."
    counted = _COUNTED.search(folded)
    if counted:
        noun = counted.group(1)
        phrase = []  # what is counted: "diffusion papers", "citations", "gpus"
        for word in folded[counted.start(1) :].split():
            if word in STOPWORDS or word in _NOT_A_NOUN:
                break
            phrase.append(word)
        unlisted = noun in _NOT_IN_THE_LISTING
        alone = len(phrase) == 1 and not words & _PAPER_NOUNS  # "how many GPUs do we have"
        if unlisted:
            return (
                f"The listing doesn't say how many {noun} a paper has. I count papers (and the people, "
                "categories and years behind them)."
            )
        if alone and not counts_papers(noun):
            return (
                f"I count papers (and the people, categories and years behind them), not “{noun}”. "
                f"Try “how many papers mention {noun}”."
            )
    if (_WHERE.search(folded) and not words & _PAPER_THINGS) or _STATUS.search(folded):
        return (
            "That doesn't look like a question about the papers; ask me about a paper, a topic or a person."
        )
    return ""


_COMPARISON_WORDS = frozenset({
    "vs", "versus", "split", "breakdown", "compare", "compared", "comparison", "ratio", "against", "between",
    "difference", "differences", "differ", "contrast", "relate",
})  # fmt: skip
_COMPARING = _Cued(tuple(sorted(_COMPARISON_WORDS)), rf"\b(?:{'|'.join(sorted(_COMPARISON_WORDS))})\b")
"""Two things set side by side: two categories ("NLP vs CV", "the split between cv and nlp") ask for a
breakdown of those; two topics ("difference between GIDD and Latent-DARM") for a paper on each
(`Question.sides`)."""
_SIDE_CUES = _COMPARISON_WORDS | {
    "how",
    "older",
    "newer",
    "earlier",
    "later",
    "first",
    "recent",
    "more",
    "came",
    "which",
    "one",
    "out",
    "published",
    "appeared",
    "last",
}
_PEOPLE_COMPARED = _Cued(
    (*_COMPARING.cues, "more", "most", "fewer", "which of"),
    rf"{_COMPARING.source}|\bwho(?:s| has| have|d| had)? (?:more|most|fewer|the most)\b"
    r"|\bmore (?:papers )?than\b|\bhow many more\b|\bwhich of (?:them|the two)\b",
)
"""Two or more people set side by side: "Noci vs Hofmann", "who has more papers, Noci or Hofmann?", "how
many more papers does Hofmann have than Noci"."""
_MORE_OR_FEWER = frozenset({"more", "fewer", "less", "than", "who", "whod", "which", "them", "two"})
_SIDE_SPLIT = re.compile(r"\s+(?:and|vs\.?|versus|or|to|with|from|than)\s+", re.IGNORECASE)
_AGE_COMPARED = _Cued(
    ("older", "newer", "earlier", "later", "first", "recent", "last"),
    r"\bwhich (?:one |paper |of (?:the|these|them|those) \w+ )?(?:is|was|came|appeared)\b"
    r".*\b(?:older|newer|earlier|later|first|recent|last)\b"
    r"|\b(?:older|newer|earlier|later|more recent) than\b",
)
"""Two papers' dates set side by side: "which is older, GIDD or random teachers?", "is the GIDD paper newer
than the languini one?" (`Question.sides` of a "when" question)."""


def _sides(topic: str) -> tuple[str, ...]:
    """ "difference between gidd and latent-darm" → ("gidd", "latent-darm"): the topics compared, without
    the words that ask for the comparison; none unless there are exactly two."""
    parts = [
        " ".join(w for w in part.split() if fold(w) not in _SIDE_CUES) for part in _SIDE_SPLIT.split(topic)
    ]
    sides = [part.strip(" ,;:") for part in parts if analyze(part)]
    return tuple(sides) if len(sides) == 2 else ()


_BREAKDOWN_CUES = _COMPARISON_WORDS | {
    "had", "have", "has", "most", "least", "fewest", "busiest", "more", "fewer", "distribution", "mix",
    "counts", "output", "over", "time", "years", "total", "saw", "average", "common", "per", "collaborate",
    "collaborated", "collaborates", "collaborating", "partner", "partnered", "topics", "themes", "main",
    "kinds", "kind", "cover", "covered", "covers", "work", "research", "study", "summary", "summarise",
    "summarize", "overview", "lab", "group", "team", "do", "does",
}  # fmt: skip
"""Words around a breakdown's cue that only say how the groups are wanted ("which year had the most",
"year by year breakdown of our output")."""


def _facet(folded: str) -> Facet | None:
    for facet, pattern in _FACETS:
        if pattern.search(folded):
            return facet
    return None


def _without_facet_cue(tokens: list[_Token], facet: Facet | None) -> list[_Token]:
    """The words without what asked for the breakdown (`_FACETS`)."""
    if facet is None:
        return tokens
    before, after, _ = _cut(tokens, dict(_FACETS)[facet])
    return [*before, *after]


_INTENT_CUES: dict[Intent, frozenset[str]] = {
    # which end of the list was asked for
    "oldest": frozenset({"first", "up", "appear", "appeared", "showed", "kick", "kicked", "off", "opened",
                         "start", "started", "working", "writing", "publishing"}),
    "latest": frozenset({"right", "now", "currently", "moment", "last", "final", "closed", "wrapped", "still",
                         "active", "around", "publishing",
                         "rounded", "off", "end", "ended", "lately", "days", "fresh", "freshest", "hot",
                         "press", "news", "additions", "arrivals"}),
    # "who's responsible for …", "by whom?" (elsewhere such words may be topic words: "responsible AI")
    "who_wrote": frozenset({"responsible", "involved", "contributed", "cite", "thank", "credits", "whom",
                            "person", "persons"}),
    "when": frozenset({"published", "publish", "come", "came", "out", "released", "release", "appear",
                       "appeared", "year", "month", "date", "old", "from", "written", "wrote", "posted",
                       "publication"}),
    "link": frozenset({"link", "links", "url", "urls", "github", "repo", "repository", "pdf", "code",
                       "implementation", "source", "public", "available", "released", "release", "get",
                       "find", "online", "download"}),
    "abstract": frozenset({"abstract", "full", "whole", "show", "give", "read", "paste", "print", "send",
                           "post", "see", "want", "need", "say", "says"}),
    "similar": frozenset({"similar", "like", "related", "resembling", "along", "lines", "close", "spirit",
                          "else", "more", "others", "other", "ones", "one"}),
    "pick": frozenset({"random", "randomly", "surprise", "dealer's", "dealers", "choice", "pick", "choose",
                       "select", "suggest", "recommend", "read", "reading", "next", "good", "nice",
                       "interesting", "cool", "fun", "should", "could", "shall", "i", "we", "me", "us",
                       "one", "ones", "weekend", "tonight", "later", "now", "tell", "show", "something",
                       "surprising"}),
    "count": frozenset({"lots", "lot", "times", "went", "fraction", "percentage", "proportion", "share",
                        "percent"}),
    "breakdown": _BREAKDOWN_CUES,
    "who_works_on": frozenset({"made", "make", "makes", "familiar", "big", "strong", "good", "researchers",
                               "experience", "expertise", "bother", "bug", "pester", "reach", "leads", "lead",
                               "leading", "member", "members", "whom", "explain", "expert", "experts",
                               "person", "coauthors", "co-authors", "collaborators", "collaborator",
                               "collaborate", "collaborates", "collaborated", "collaborating",
                               "study", "studies", "of", "go-to", "goto", "around", "done", "touched",
                               "dabbled", "played", "tried", "stuff", "here", "anybody", "somebody",
                               "someone", "coauthor", "co-author", "frequent", "frequently", "often"}),
}  # fmt: skip
"""Words that only said what kind of answer is wanted, for one intent: no topic words then."""

_WHETHER = _Cued(
    ("does", "did", "has", "have", "is", "was"), r"^(?:\W*\w+\W+){0,2}?(?:does|did|has|have|is|was)\b"
)
"""A yes/no question ("does the languini paper have code?", "ok so did X release code?")."""
_SINGULAR = re.compile(r"\b(?:paper|publication|article|thing|one|work)\b|\bwhats? new\b")
_ONE_OF = _Cued(
    ("oldest", "newest", "latest", "earliest", "first", "most recent", "still"),
    r"\b(?:oldest|newest|latest|earliest|first|most recent) (?:one )?of\b"
    r"|\b(?:latest|newest|oldest|earliest|most recent(?:ly)?)\W*$|\bstill (?:publishing|active|writing)\b",
)
"""'the oldest of our diffusion papers' asks for one paper, though it says "papers"; so does a question
ending on the word ("summarize Noci's latest", "what did they do together most recently"); so does "is
Noci still publishing?" (the newest says when he last did)."""
_PLURAL_LISTING = frozenset({"papers", "publications", "articles", "preprints"})
_ONE_PAPER = frozenset({"who_wrote", "when", "similar", "link", "abstract"})
"""Intents that ask about one paper: named by its words, or, with "latest"/"first", the newest or oldest of
those the question names ("who are the authors of Hofmann's newest paper?")."""
_UNFINISHED = _Cued(("vs", "versus"), r"\s*\b(?:vs|versus)\.?$", re.IGNORECASE)
"""A comparison not typed to its end ("noci vs"): no search for "vs"."""
_WHICH_END = frozenset(
    {"first", "earliest", "oldest", "latest", "newest", "last", "recent", "most", "recently"}
)
"""The words that said which end of the list such a question means: no topic words then."""
_THE_PAPER = frozenset({"it", "this", "that"})
"""Words pointing at one paper the question does not name ("who wrote it?")."""
_LISTING_VERBS = _Cued(
    ("publish", "wrote", "written", "put out", "came out", "release", "dropped", "everything", "all"),
    r"\b(?:publish\w*|wrote|written|put out|came out|released?|dropped)\b|\beverything (?:on|about|in|with)\b"
    r"|\b(?:list|show)(?: me)? (?:everything|all)\b",
)

# --- filler ------------------------------------------------------------------------------------------

_FILLER = frozenset(
    [
        "paper",
        "papers",
        "article",
        "articles",
        "publication",
        "publications",
        "preprint",
        "preprints",
        "work",
        "works",
        "research",
        "stuff",
        "thing",
        "things",
        "anything",
        "something",
        "everything",
        "publish",
        "published",
        "publishes",
        "publishing",
        "write",
        "wrote",
        "written",
        "writing",
        "put",
        "out",
        "came",
        "come",
        "released",
        "release",
        "dropped",
        "drop",
        "drops",
        "only",
        "now",
        "main",
        "ping",
        "category",
        "categories",
        "group",
        "lab",
        "team",
        "our",
        "we",
        "us",
        "you",
        "your",
        "have",
        "has",
        "got",
        "get",
        "there",
        "any",
        "tell",
        "show",
        "find",
        "give",
        "list",
        "explain",
        "summarize",
        "summarise",
        "summary",
        "describe",
        "overview",
        "know",
        "want",
        "looking",
        "look",
        "interested",
        "please",
        "pls",
        "id",  # "i'd like …" (apostrophes are folded away)
        "ive",
        "tldr",
        "tl;dr",
        "eli5",
        "plz",
        "hey",
        "hi",
        "hello",
        "quick",
        "q",
        "thanks",
        "thank",
        "new",
        "latest",
        "newest",
        "recent",
        "recently",
        "oldest",
        "earliest",
        "most",
        "who",
        "authors",
        "author",
        "authored",
        "behind",
        "many",
        "talk",
        "ask",
        "working",
        "worked",
        "knows",
        "together",
        "can",
        "could",
        "would",
        "i",
        "me",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "whats",
        "what",
        "which",
        "one",
        "ones",
        "kind",
        "help",
        "need",
        "should",
        "search",
        "see",
        "read",
        "available",
        "exist",
        "exists",
        "done",
        "doing",
        "ever",
        "all",
        "total",
        "overall",
        "far",
        "here",
        "anyone",
        "someone",
        "somebody",
        "remember",
        "folks",
        "guys",
        "number",
        "count",
        "tally",
        "hw",
        "people",
        "batch",
        "listing",
        "listings",
        "collection",
        "joint",
        "active",
        "prolific",
        "productive",
        "top",
        "single",
        "names",
        "name",
        "started",
        "start",
        "carry",
        "carries",
        "carrying",
        "go",
        "goto",
        "whos",
        "ok",
        "okay",
        "so",
        "question",
        "credit",
        "literature",
        "best",
        "appears",
        "appear",
        "link",
        "co-authored",
        "co-author",
        "co-authors",
        "coauthored",
        "co-wrote",
        "guy",
        "yet",
        "else",
        "whose",
        "contact",
        "like",
        "whatever",
        "output",
        "tagged",
        "labelled",
        "labeled",
        "think",
        "thinks",
        "much",
        "affiliation",
        "affiliations",
        "carried",
        "names",
        "arxiv",
        "pdf",
        "url",
        "prof",
        "professor",
        "dr",
        "nowadays",
        "corpus",
        "w/",
        "yo",
        "sup",
        "hiya",
        "heya",
        "bot",
        "paperbot",
        "title",
        "titled",
        "entitled",
        "called",
        "collaboration",
        "collaborations",
        "collab",
        "collabs",
        "thx",
        "ty",
        "tia",
        "cheers",
        "sorry",
        "bother",
        "remind",
        "forgot",
        "again",
    ]
)

_PREPOSITION_CUES = frozenset({"by", "from", "of", "with", "at"})
_AUTHOR_VERBS = frozenset({"appear", "appears", "appeared", "publish", "published", "publishes", "wrote",
                           "write", "coauthored", "co-authored", "put", "released", "posted", "submitted",
                           "worked", "working", "been", "up", "doing"})  # fmt: skip
"""A first name before one of these is a person ("does thomas appear on", "what did giulia publish", "what
did lorenzo put out", "what has thomas been working on", "what's thomas up to", "what is gregor doing")."""
_AND = frozenset({"and", "&", "or", "nor"})
_WITHOUT = frozenset({"without", "excluding", "except", "not", "minus", "w/o", "sans"})
"""Before a name: papers that must not list that person ("by Hofmann but not Noci", "without Noci")."""
_AFTER_FIELD = frozenset({"", "about", "on", "with", "from", "since", "by", "in", "papers", "paper"})
_PLAIN_CATEGORY_NAMES = {
    name: codes for name, codes in CATEGORY_ALIASES.items() if " " in name or name == "nlp"
}
# The field's common abbreviations, spelled out when the corpus itself never uses the short form
# ("LMs" in a question, "language models" in the abstracts).
_ABBREVIATIONS = {
    "lm": "language model", "llm": "large language model", "nn": "neural network",
    "rl": "reinforcement learning", "gan": "generative adversarial network", "ssm": "state space model",
    "vit": "vision transformer", "bnn": "bayesian neural network", "cnn": "convolutional neural network",
    "rnn": "recurrent neural network", "gnn": "graph neural network", "nlp": "natural language processing",
    "ot": "optimal transport", "sde": "stochastic differential equation", "icl": "in-context learning",
    "vlm": "vision language model", "mllm": "multimodal large language model", "moe": "mixture of experts",
    "ssl": "self-supervised learning", "kd": "knowledge distillation", "t2i": "text to image",
    "ntk": "neural tangent kernel", "lmc": "linear mode connectivity", "dit": "diffusion transformer",
}  # fmt: skip


def _spelled_out(term: str) -> str | None:
    """A field abbreviation the corpus never uses, spelled out, singular or plural ("VLM", "VLMs")."""
    return _ABBREVIATIONS.get(term) or _ABBREVIATIONS.get(term.removesuffix("s"))


_CATEGORY_NOUNS = frozenset({"paper", "stuff", "work", "research", "preprint", "category", "categories"})
_ARXIV_CODE = re.compile(r"^(?:cs|stat|math|eess|q-bio|astro-ph|physics)\.([a-z-]+)$")
_PUNCT = ".,;:!?()[]\"'“”‘’*_`~"
"""Stripped from a word's ends: punctuation, and chat markup around a word ("*diffusion*", "`ssm`")."""


class _Token(NamedTuple):
    """One word of the message: as typed, and folded (punctuation and possessive removed)."""

    typed: str
    folded: str

    @property
    def possessive(self) -> bool:
        """Written with a possessive ("thomas's", "Noci’s"): a name, even a lower-case first name."""
        return self.typed.lower().replace("’", "'").endswith(("'s", "s'"))

    @property
    def capitalized(self) -> bool:
        """Written like a name ("Marco"), not like an acronym ("MARCO", "MS")."""
        return self.typed[:1].isupper() and not self.typed.isupper()


_SHORTHAND = {"yr": "year", "yrs": "years", "wat": "what", "wut": "what", "abt": "about", "b4": "before",
              "teh": "the", "gimme": "give me", "suprise": "surprise", "hwo": "how"}  # fmt: skip
"""Chat spellings of question words ("wat did hofmann publish last yr")."""
_SPELLED_OUT = (
    (_Cued(("pre-", "post-"), r"\b(pre|post)-((?:19|20)\d\d)\b", re.IGNORECASE),
     lambda m: f"{'before' if m[1].lower() == 'pre' else 'after'} {m[2]}"),
    (_Cued(("-affiliated", "-based"), r"(?<=\w)-(affiliated|based)\b", re.IGNORECASE), lambda m: f" {m[1]}"),
    (_Cued(("+",), r"(?<=[^\W\d])\+(?=[^\W\d])"), lambda m: " and "),
    (_Cued(("-ish", "-esque", "-related"), r"(?<=[^\W\d])-(?:ish|esque|related)\b", re.IGNORECASE),
     lambda m: ""),
    (_Cued(("this past",),
           r"\bthis past (?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
           r"|spring\b|summer\b|autumn\b|fall\b|winter\b)", re.IGNORECASE), lambda m: "last "),
    (_Cued(("on record",), r"\bon record\b", re.IGNORECASE), lambda m: ""),
    # "I'm preparing a talk on X. Do we have papers on it?": what it is for is no topic (X is)
    (_Cued(("preparing", "writing", "giving", "doing", "working on", "putting together", "planning"),
           r"\b(?:i'?m|i am|we'?re|we are) (?:preparing|writing|giving|doing|working on"
           r"|putting together|planning) (?:a|an|my|our) (?:talk|presentation|survey"
           r"|lit(?:erature)? review|thesis|project|report|seminar|lecture|tutorial|blog post)\b",
           re.IGNORECASE), lambda m: ""),
    (_Cued(("suggestions", "pointers", "ideas", "recommendations", "recs", "thoughts", "tips"),
           r",\s*(?:any )?(?:suggestions|pointers|ideas|recommendations|recs|thoughts|tips)\W*$",
           re.IGNORECASE), lambda m: ""),
    (_Cued(("yr", "wat", "wut", "abt", "b4", "teh", "gimme", "suprise", "hwo"),
           r"\b(?:yrs?|wat|wut|abt|b4|teh|gimme|suprise|hwo)\b", re.IGNORECASE),
     lambda m: _SHORTHAND[m[0].lower()]),
    (_Cued(("back",), r"\b(?:way )?back (?=(?:in|during|around|before|when)\b)", re.IGNORECASE),
     lambda m: ""),
    # "code for the ssm papers", "github repos of Noci's papers": those papers that have code
    (_Cued(("code", "repo", "github", "implementation"),
           r"\b(?:the )?(?:github |source )?(?:code|repos?|repositories|github|implementations?) (?:for|of) "
           r"((?:all )?(?:of )?(?:the |our |his |her |their )?(?:[\w'’-]+ ){0,3}(?:papers|publications))\b",
           re.IGNORECASE),
     lambda m: f"{m[1]} with code"),
    # "the titles of Noci's papers", "links to all of Hofmann's papers", "a list of our 2024 papers": the
    # papers themselves (each listed with its title and link)
    (_Cued(("title", "link", "url", "pdf", "list"),
           r"\b(?:the |a )?(?:titles?|links?|urls?|pdfs?|list) (?:to|for|of) (?=(?:all )?(?:of )?"
           r"(?:the |our |his |her |their )?(?:[\w'’-]+ ){0,3}(?:papers|publications)\b)", re.IGNORECASE),
     lambda m: ""),
    (_Cued(("stand for", "short for", "mean"),
           r"\b(?:what|wh?at?s)(?: does| do| is|'s)? (\S+(?: \S+)?) (?:stand for|short for|mean)\b",
           re.IGNORECASE), lambda m: f"what is {m[1]}"),
    (_Cued(("five", "5", "child", "kid", "beginner", "newbie"),
           r"\b(?:like|as if) (?:i'?m|i am|to) (?:five|5|a (?:child|kid|beginner|newbie))\b", re.IGNORECASE),
     lambda m: ""),
    (_Cued(("abstract",), r"\b(?:in|from) (?:the|their|its) abstracts?\b", re.IGNORECASE), lambda m: ""),
    (_Cued(("whose",),
           r"\bwhose (?:abstracts?|summary|summaries) (?:mention|say|contain|include|use|talk about)s?\b",
           re.IGNORECASE), lambda m: "mentioning"),
    (_Cued(("author",),
           r"\b(?:whose|with|where the) (?:authors?|author list)"
           r" (?:includ(?:e|es|ing)|contain|list|name|ha[sv]e?)s?\b", re.IGNORECASE), lambda m: "by"),
    (_Cued(("author",), r"\b(?:last|senior|corresponding) author\b", re.IGNORECASE), lambda m: "author"),
    (_Cued(("not", "never"),
           r"\b(?:did|does|has|have) (\S+(?: \S+)?) (?:not|never) (?:write|wr[io]te|written|author\w*"
           r"|publish\w*|co-?author\w*)\b", re.IGNORECASE), lambda m: f"not by {m[1]}"),
    # a name of one or two words before the verb, not a word that only points at papers ("papers noci
    # didn't write", "papers thomas hofmann hasn't written")
    (_Cued(("didn", "hasn", "haven", "not", "never"),
           r"\b((?:(?!(?:papers?|which|what|the|ones?|that|those|stuff|things?|works?|articles?|all|any"
           r"|publications?|everything|anything)\b)\S+ )?\S+)"
           r" (?:didn[’']?t|did not|hasn[’']?t|has not|haven[’']?t|have not|never)"
           r" (?:write|wr[io]te|written|author\w*|publish\w*|co-?author\w*)\b", re.IGNORECASE),
     lambda m: f"not by {m[1]}"),
    (_Cued(("by year", "by date"), r"\b(?:sorted|ordered|sort|order) by (?:year|date)\b", re.IGNORECASE),
     lambda m: ""),
    (_Cued(("for ",),
           r"\bfor (?:my|our|a|the|his|her|their) (?:lit(?:erature)? review|thesis|talk|presentation"
           r"|project|reading group|class|course|seminar|report|proposal|grant|slides|survey|intro"
           r"|related work|background)\b|\bfor (?:the )?(?:next )?(?:reading group|journal club)\b",
           re.IGNORECASE), lambda m: ""),
    (_Cued(("19", "20"), r"\b((?:19|20)\d\d) ?[-–—] ?((?:19|20)\d\d)\b"), lambda m: f"from {m[1]} to {m[2]}"),
    (_Cued(("now", "today", "date", "present"),
           r"\b(?:to|till|until|through|up to) (?:now|today|date|the present|present)\b", re.IGNORECASE),
     lambda m: "onwards"),
)  # fmt: skip
"""Chat shorthand spelled out before reading: "last yr" → "last year" (`_SHORTHAND`), "pre-2026" → "before
2026", "2024-2025" → "from 2024 to 2025", "since 2023 till now" → "since 2023 onwards", "eth-affiliated" →
"eth affiliated", "gregor+sotiris" → "gregor and sotiris", "mamba-ish" → "mamba", "papers whose abstract
mentions X" → "papers mentioning X", "X in the abstract" → "X", "back in 2022" → "in 2022", "what does X
stand for" → "what is X", "explain X like I'm five" → "explain X", "papers whose authors include X" →
"papers by X", "this past may" → "last may", "the earliest we have on record" → "the earliest we have",
"I'm preparing a talk on X." → "on X.", "…, suggestions?" → "…", "which papers did Hofmann not write" and
"papers Noci didn't write" → "… not by Hofmann", "… not by Noci", "… for my lit review" → "…" (what the
papers are for is no topic)."""
_GLOSS = frozenset({"i.e", "ie", "aka", "a.k.a"})
"""Where a restatement starts: "continual learning, i.e. not forgetting old tasks"."""


def _gerund(token: _Token) -> bool:
    """An English word in -ing written in lower case: "by adding a vector" is a means, not a person (a
    name after "by" may be corrected even when it is an English word: "by hoffman")."""
    return not token.capitalized and token.folded.endswith("ing") and token.folded in english_words()


def _tokens(text: str) -> list[_Token]:
    for pattern, spelled in _SPELLED_OUT:
        text = pattern.sub(spelled, text)
    out = []
    for raw in text.split():
        typed = raw.strip(_PUNCT)
        if typed.startswith("@") or not any(ch.isalnum() for ch in typed):
            continue  # "@paperbot" typed as text, an emoji, a lone "-": nothing to read
        folded = fold(typed).replace("’", "'")
        folded = re.sub(r"'s$|'$", "", folded).replace("'", "")
        if folded:
            out.append(_Token(typed, folded))
    return out


_NOT_ABOUT = _Cued(
    ("not ", "unrelated to", "other than", "apart from", "besides", "excluding"),
    r"\b(?:not (?:about|on|related to|regarding|involving|using)|unrelated to|other than|apart from|besides"
    r"|excluding)\b",
)
"""What leads a topic the papers must not match: "papers not about diffusion", "anything other than LLMs"."""


def _cut(
    tokens: list[_Token], pattern: _Cued | re.Pattern[str], group: int = 0
) -> tuple[list[_Token], list[_Token], re.Match[str] | None]:
    """The words before and after the first match of `pattern` in the words' folded text (the matched
    words, or those of `group`, left out), and the match; all the words and none without a match."""
    folded = " ".join(t.folded for t in tokens)
    found = pattern.search(folded)
    if found is None:
        return tokens, [], None
    first = folded[: found.start(group)].count(" ")
    return tokens[:first], tokens[first + found.group(group).count(" ") + 1 :], found


_TITLE_SAYS = _Cued(
    ("title",),
    r"\b(?:(?:whose|where (?:the|its|their)|with(?: an?)?|having|that ha(?:s|ve)|(?:has|have)(?: an?)?) )?"
    r"(?:titles?|titled)(?: that| which)?"
    r"(?: (?:mention\w*|contain\w*|includ\w*|says?|saying|ha(?:s|ve|ving)|with|featur\w*|us(?:e|es|ing)))?"
    r"(?: (?:the |a )?(?:word|words|term|terms|phrase))?\b",
)
"""A title's words named after the cue: "titles mentioning diffusion", "papers whose title contains state
space", "a paper titled random teachers"."""
_IN_THE_TITLE = _Cued(("title",), r"\bin (?:the|its|their|a|his|her) titles?\b")
"""A title's words named before the cue: "papers with transformer in the title"."""
_TITLE_ENDS = frozenset({
    "from", "by", "since", "before", "after", "in", "during", "published", "and", "or", "with", "without",
    "that", "which", "written", "released", "between", "until", "this", "last", "of",
})  # fmt: skip
"""Words that end a title's words named after their cue ("titles mentioning diffusion from 2024")."""
_TITLE_STARTS = frozenset({
    "with", "having", "have", "has", "had", "contain", "contains", "containing", "mention", "mentions",
    "mentioning", "word", "words", "term", "terms", "phrase",
})  # fmt: skip
"""Words before the title's words named before "in the title" ("papers with the word fusion in the title")."""


def _split_off_title(tokens: list[_Token]) -> tuple[list[_Token], str]:
    """The words without the words a title must hold ("… with transformer in the title", "titles
    mentioning diffusion"), and those words ("" when the question names none)."""
    before, after, found = _cut(tokens, _IN_THE_TITLE)
    if found is not None:
        starts = [i + 1 for i, t in enumerate(before) if t.folded in _TITLE_STARTS]
        start = max(starts, default=max(len(before) - 1, 0))
        cue = start  # "… with the word": the words that only lead to the title's words go too
        while cue and before[cue - 1].folded in _TITLE_STARTS | {"the", "a", "an"}:
            cue -= 1
        named, rest = before[start:], [*before[:cue], *after]
    else:
        before, after, found = _cut(tokens, _TITLE_SAYS)
        if found is None:
            return tokens, ""
        end = next((i for i, t in enumerate(after) if t.folded in _TITLE_ENDS), len(after))
        named, rest = after[:end], [*before, *after[end:]]
    words = " ".join(t.typed.strip("\"'“”‘’`") for t in named).strip()
    return (rest, words) if analyze(words) else (tokens, "")


def _split_off_not_about(tokens: list[_Token]) -> tuple[list[_Token], list[_Token]]:
    """The words before "not about …" (the question) and after it (the topic to leave out), or all the
    words and none when the question excludes no topic."""
    before, after, _ = _cut(tokens, _NOT_ABOUT)
    return before, after


_FIRST_AUTHOR = _Cued(("author",), r"\b(?:first|lead)[- ]author(?:s|ed)?\b|\bfirst-authored\b")
"""Asks for papers a person leads: "papers where Noci is first author", "Noci's first-author papers"."""


def _without_first_author_cue(tokens: list[_Token]) -> tuple[list[_Token], bool]:
    """The words without "first author" (and whether it was there): a filter, not a topic."""
    before, after, found = _cut(tokens, _FIRST_AUTHOR)
    return [*before, *after], found is not None


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twenty": 20, "few": 3, "couple": 2}  # fmt: skip
_WANTED = re.compile(
    r"(?:^|\b(?:last|latest|newest|top|first|oldest|earliest|best|the|me|show|list|recent) )"
    rf"(\d{{1,2}}|{'|'.join(_NUMBER_WORDS)})\b(?! (?:of )?(?:years?|months?|weeks?|days?)\b)"
    r"(?=(?: [\w-]+){0,3}? (?:papers|publications|articles|ones|preprints)\b)"
)
"""A number of papers asked for ("the 3 most recent papers", "top 5 diffusion papers", "give me 3 papers
on continual learning"): how many to show, not a topic word."""


def _without_wanted(tokens: list[_Token]) -> tuple[list[_Token], int | None]:
    """The words without the number of papers asked for (`_WANTED`), and that number."""
    before, after, found = _cut(tokens, _WANTED, group=1)
    if found is None:
        return tokens, None
    number = found.group(1)
    wanted = int(number) if number.isdigit() else _NUMBER_WORDS[number]
    return [*before, *after], wanted or None


_THANKS = frozenset({"thanks", "thank", "thx", "ty", "tia", "cheers"})
_ACKNOWLEDGED = frozenset({
    "helped", "helps", "helpful", "useful", "great", "perfect", "awesome", "nice", "cool", "appreciated",
    "appreciate", "lot", "worked", "works", "brilliant", "amazing", "really",
})  # fmt: skip
"""After a thanks, words that only say how it went ("cheers bot, that helped"): no topic."""


def _without_acknowledgement(tokens: list[_Token]) -> list[_Token]:
    """A message that thanks: its words of acknowledgement (`_ACKNOWLEDGED`) are no topic."""
    if not _THANKS.intersection(t.folded for t in tokens):
        return tokens
    return [t for t in tokens if t.folded not in _ACKNOWLEDGED]


def _detect_intent(folded: str) -> Intent | None:
    for intent, pattern in _INTENTS:
        if pattern.search(folded):
            return intent
    return None


def _without_size_cue(tokens: list[_Token]) -> list[_Token]:
    """ "how big is the collection", "the size of the corpus": a count, and "big", "size" are not topic
    words (while "large" in "how many large language model papers" is)."""
    before, after, _ = _cut(tokens, _SIZE_CUE)
    return [*before, *after]


def _without_gloss(tokens: list[_Token]) -> list[_Token]:
    """A set of papers is named by its topic, not by a restatement of it: "how many papers on continual
    learning, i.e. not forgetting old tasks" counts the continual-learning papers. (A question about one
    paper keeps the restatement: its words may be what tells that paper apart.)"""
    for place, token in enumerate(tokens):
        if place and token.folded in _GLOSS:
            return tokens[:place]
    return tokens


_SET_INTENTS = frozenset({"count", "list", "who_works_on", "breakdown"})
_PARENTHETICAL = re.compile(r"\([^()]*\s[^()]*\)")
"""A restatement in brackets ("count the model merging papers (combining independently trained nets)"):
like a gloss after "i.e.", no part of a set's topic. One bracketed word ("(cs.CV)", "(GANs)") is kept."""


_LEAD_IN = frozenset({"curious", "pointers", "pointer", "point", "refs", "ref", "references", "reference",
                      "reading", "reads", "recommendations", "recommendation", "recommend", "recs", "good",
                      "looked", "looking", "dig", "digging", "dug", "covers", "cover", "covering",
                      "regarding", "re", "smth", "sth", "w/", "pdf", "arxiv", "link", "links", "url",
                      "what's", "whats", "there", "stuff", "material", "resources", "out", "i'm",
                      "im", "deal", "story", "scoop", "lowdown", "gist",
                      # what is wanted of a paper: "the main idea of X", "key takeaways from X"
                      "main", "key", "core", "central", "big", "idea", "ideas", "takeaway", "takeaways",
                      "insight", "insights", "contribution", "contributions", "finding", "findings",
                      "result", "results", "highlight", "highlights", "summary", "overview", "recap",
                      "essence", "synopsis",
                      # which paper to read or cite: "a good intro paper for SSMs", "a survey on diffusion",
                      # "which paper should I cite for X", "what should I read first about X"
                      "cite", "citing", "read", "start", "starting", "first", "intro", "introduction",
                      "introductory", "primer", "survey", "surveys", "review", "tutorial", "beginner",
                      "beginners", "best", "important", "must-read", "seminal", "canonical",
                      "classic",
                      # who the papers are for: "papers relevant for someone doing continual learning"
                      "relevant", "useful", "helpful", "someone", "somebody", "doing",
                      "studying"})  # fmt: skip
"""Words that, before the topic, only ask for it: "reading recommendations on X", "pointers to X", "any
good reads about X?", "has anyone looked into X", "is there a paper that covers X", "smth on X", "what's
the deal with X"."""
_RELATION_VERBS = frozenset({
    "use", "uses", "using", "used", "mention", "mentions", "mentioning", "study", "studies", "studying",
    "involve", "involves", "involving", "tackle", "tackles", "tackling", "apply", "applies", "applying",
    "address", "addresses", "addressing", "discuss", "discusses", "investigate", "investigates", "explore",
    "explores", "examine", "examines", "concern", "concerns", "employ", "employs", "leverage", "leverages",
    "deal", "deals", "dealing", "touch", "touches", "touching", "related", "relate", "relates", "focus",
    "focuses", "focused", "focusing", "look", "looks", "rely", "relies", "build", "builds", "talk", "talks",
})  # fmt: skip
"""How a question ties papers to their topic ("how many papers deal with diffusion", "papers that use
SSMs", "which papers mention transformers"): the topic is what follows."""
_LEAD_IN_END = frozenset({
    "on", "about", "to", "into", "for", "of", "with", "at", "regarding", "re", "covers", "covering", "cover",
    "smth", "sth", "w/", "from", "behind", "in", "doing", "studying",
})  # fmt: skip
"""What ends a lead-in: without one, the words are the topic ("reading comprehension", "point clouds")."""


QUESTION_WORDS = _FILLER | _LEAD_IN
"""The words questions are made of besides their topic: the spelling corrector knows them too."""


def _without_lead_in(r: _Reading, papers: bool) -> None:
    """Drop the words that only ask for the topic, when they lead up to it (`_LEAD_IN`, `_LEAD_IN_END`),
    and, when the question asks for `papers`, how they relate to it (`_RELATION_VERBS`: "papers that use
    X"; a question about a topic may start with such a word: "use cases of transformers")."""
    relations = _RELATION_VERBS if papers else frozenset()
    ends = _LEAD_IN_END | relations  # a relation ends a lead-in too: "how many papers use X"
    folded = [fold(word) for word in r.topic]
    end = 0
    for place, word in enumerate(folded):
        if word not in _LEAD_IN and word not in relations and word not in STOPWORDS:
            break
        if word in ends:
            end = place + 1
    if end < len(folded):
        r.topic = r.topic[end:]


def _keep_after_about(r: _Reading) -> None:
    """ "who would be the right person to chat with about catastrophic forgetting": the people are asked
    about what follows "about"; what comes before it only frames the question."""
    folded = [fold(word) for word in r.topic]
    for cue in ("about", "regarding"):
        if cue in folded[:-1]:
            r.topic = r.topic[len(folded) - folded[::-1].index(cue) :]
            return


class _Reading:
    """The state of one read: the query being built, topic words, corrections, names (a plain class, like
    `QueryBuilder`)."""

    def __init__(self, builder: QueryBuilder) -> None:
        self.builder = builder
        self.topic: list[str] = []
        self.corrections: list[tuple[str, str]] = []
        self.period: tuple[tuple[date, date], bool] | None = None
        """The last closed time phrase read and whether it was yearless, for one that follows it
        (`periods.within`)."""


class Reader:
    """Reads questions against one corpus: its authors, affiliations, categories and vocabulary."""

    def __init__(
        self,
        authors: AuthorDirectory,
        affiliations: Sequence[str],
        categories: Sequence[str],
        vocabulary: Speller,
        known_term: Callable[[str], bool],
        today: Callable[[], date],
    ) -> None:
        self._authors = authors
        keys = [" ".join(fold(a).replace("-", " ").split()) for a in affiliations]
        self._affiliations = {key: key for key in keys}
        """How an institution may be named → its key ("eth" → "eth zurich" when only one starts so)."""
        firsts = Counter(key.split()[0] for key in keys if key)  # one pass: a big corpus has many
        for key in keys:
            first = key.split()[0]
            if len(key.split()) > 1 and firsts[first] == 1:
                self._affiliations.setdefault(first, key)
        self._category_codes = {fold(c): c for c in categories}
        """The listing's category codes as people type them ("cv" → "CV")."""
        self._vocabulary = vocabulary
        self._names = Speller((w, 1) for w in authors.words)
        self._places = Speller((w, 1) for key in self._affiliations for w in key.split())
        """The institutions' words, for a misspelt one ("princton")."""
        self._known_term = known_term
        self._today = today

    # --- the one entry point --------------------------------------------------------------------

    def read(self, text: str) -> Question:
        """Understand a message. QueryError for an empty or malformed one (bad `key:value`)."""
        cleaned, notes = clean_text(text)
        if not cleaned:
            raise QueryError(f"Type what you're looking for, {EXAMPLE}.")
        reading = _Reading(QueryBuilder(notes=list(notes)))
        rest = extract_fields(cleaned, reading.builder)
        explicit = reading.builder.freeze("").has_filters
        folded_text = fold(rest)
        if not explicit and _HELP.search(folded_text.strip()):
            return Question(text=cleaned, intent="help", query=reading.builder.freeze(""))
        by = _facet(folded_text)
        asked = "breakdown" if by else _detect_intent(folded_text)  # read again below, cue words out
        if asked in _SET_INTENTS:
            rest = _PARENTHETICAL.sub(" ", rest)
        tokens = _without_facet_cue(_tokens(rest), by)
        if asked != "who_wrote":  # "who is the first author of …" asks for names
            tokens, cued = _without_first_author_cue(tokens)
            # "top first authors": the breakdown's cue took the words, and people count as first authors
            listed_first = by == "author" and bool(_FIRST_AUTHOR.search(folded_text))
            reading.builder.first_author = cued or listed_first
        tokens, wanted = _without_wanted(_without_acknowledgement(tokens))
        tokens = self._without_topic(self._corrected_names(tokens, reading), reading)
        folded = " ".join(t.folded for t in tokens)
        intent: Intent | None = "breakdown" if by else _detect_intent(folded)
        tokens = _without_size_cue(tokens)
        if intent in _SET_INTENTS:
            tokens = _without_gloss(tokens)
        self._read_words(tokens, reading, intent)
        if by is None and intent in {None, "count", "list"} and _COMPARING.search(folded):
            by = self._compared_categories(reading)
            intent = "breakdown" if by else intent
        compared = by is None and len(reading.builder.authors) > 1 and bool(_PEOPLE_COMPARED.search(folded))
        if compared:  # "Noci vs Hofmann": each one's papers, and how many are by both
            by, intent, reading.builder.any_author = "author", "breakdown", True
            reading.topic = [w for w in reading.topic if fold(w) not in _BREAKDOWN_CUES | _MORE_OR_FEWER]
        if intent == "who_works_on":
            _keep_after_about(reading)
        else:
            dated_or_counted = intent in {"count", "latest", "oldest", "breakdown"}
            papers = dated_or_counted or bool(_PLURAL_LISTING & set(folded.split()))
            _without_lead_in(reading, papers)
        topic = self._corrected_topic(reading)
        b = reading.builder
        if intent is None:
            has_filter = b.freeze("").has_filters
            listing = bool(_PLURAL_LISTING.intersection(folded.split()) or _LISTING_VERBS.search(folded))
            intent = "list" if has_filter or listing or explicit else "topic"
            if not topic and intent == "topic":
                topic = rest  # only common words ("what is the"): the search says so
        unfinished = _UNFINISHED.sub(lambda m: "", topic)
        if unfinished != topic and (unfinished or b.freeze("").has_filters):
            topic = unfinished  # "noci vs", "diffusion vs" (the other side not typed yet): no search for "vs"
        if intent == "pick" and topic and _SUGGESTED.search(folded) and not _AT_RANDOM.search(folded):
            intent = "topic"  # "recommend something on diffusion": the papers on it, not one drawn blind
        if b.sort == "relevance" and intent in {"latest", "oldest"}:
            b.sort = "date" if intent == "latest" else "oldest"
        elif b.sort == "relevance" and intent in _ONE_PAPER:  # "who wrote the latest paper on diffusion?"
            if _ENDS["latest"].search(folded):
                b.sort = "date"
            elif _ENDS["oldest"].search(folded):
                b.sort = "oldest"
            if b.sort != "relevance":  # "link to Noci's first paper": "first" said which one, it is no topic
                topic = " ".join(w for w in topic.split() if fold(w) not in _WHICH_END)
        yes_no = bool(_WHETHER.search(folded))
        if intent == "link" and topic and yes_no:
            b.has_code = None  # "does the languini paper have code?" asks whether it has: no filter
        sides = _sides(topic) if intent == "topic" and _COMPARING.search(folded) else ()
        if _AGE_COMPARED.search(folded) and intent in {"topic", "list", "latest", "oldest", "when"}:
            sides = _sides(topic)  # "which came first, GIDD or random teachers?": each one's date
            if sides:
                intent, b.sort = "when", "relevance"
        one_paper = intent in _ONE_PAPER
        pointing = one_paper or bool(_THE_PAPER & set(folded.split()))
        named_by_end = b.sort != "relevance"  # "who wrote our newest paper?" names one: the newest
        unnamed = pointing and intent != "pick" and not (topic or b.freeze("").has_filters or named_by_end)
        query = b.freeze(topic)
        return Question(
            text=cleaned,
            intent=intent,
            query=query,
            words=tuple(analyze_words(topic)),
            terms=tuple(analyze(topic)),
            corrections=tuple(reading.corrections),
            singular=wanted is None
            and (
                bool(_ONE_OF.search(folded))
                or folded.startswith("when ")  # "when did noci last publish": one paper, its date
                or (bool(_SINGULAR.search(folded)) and not _PLURAL_LISTING.intersection(folded.split()))
            ),
            wanted=wanted,
            share=intent == "count" and bool(_SHARE.search(folded)),
            sides=sides,
            off_topic=""
            if explicit or by
            else _off_topic(folded_text, self._counts_papers, self._known_term),
            by=by,
            compared=compared,
            unnamed=unnamed,
            yes_no=yes_no,
        )

    def _without_topic(self, tokens: list[_Token], r: _Reading) -> list[_Token]:
        """The question's words without the words its papers' titles must hold ("… with transformer in
        the title": the query's `title_text`) and without a topic it leaves out ("… not about diffusion"),
        which becomes the query's `without_text`; a person left out ("not about Noci") is left to
        `_people`."""
        tokens, titled = _split_off_title(tokens)  # before "not about": "… title, not about X"
        if titled:
            r.builder.title_text = " ".join([r.builder.title_text, titled]).strip()
        kept, left_out = _split_off_not_about(tokens)
        if not left_out:
            return tokens
        if self._name_at(left_out, [t.folded for t in left_out], 0, cued=True):
            return [*kept, _Token("excluding", "excluding"), *left_out]
        other = _Reading(r.builder)  # the same query: a date or a name after the topic still applies
        self._read_words(left_out, other, None)
        words = [w for w in other.topic if fold(w) not in _FILLER and fold(w) not in {"one", "ones"}]
        while words and fold(words[0]) in STOPWORDS:
            words.pop(0)
        r.builder.without_text = " ".join(words) if analyze(" ".join(words)) else ""
        return kept

    def _counts_papers(self, word: str) -> bool:
        """After "how many": a word that still counts papers ("how many Noci papers", "how many cv", "how
        many nlp") rather than other things."""
        return bool(
            self._authors.name_length([word])
            or word in self._category_codes
            or word in _PLAIN_CATEGORY_NAMES
            or _ARXIV_CODE.match(word)
        )

    def _compared_categories(self, r: _Reading) -> Facet | None:
        """ "NLP vs CV papers", "the split between cv and nlp": two or more categories named side by side
        (`_COMPARING`) ask for a breakdown by category of those. A category's code or name left among the
        topic words ("cv" before "and", not read as the category alone) counts here, and leaves the topic."""
        named = list(r.builder.categories)
        kept = []
        for word in r.topic:
            folded = fold(word)
            codes = _PLAIN_CATEGORY_NAMES.get(folded) or (
                [self._category_codes[folded]] if folded in self._category_codes else None
            )
            if codes:
                named.extend(codes)
            elif folded not in _BREAKDOWN_CUES:
                kept.append(word)
        if len(set(named)) < 2:
            return None
        r.builder.categories[:] = list(dict.fromkeys(named))
        r.topic = kept
        return "category"

    # --- words ----------------------------------------------------------------------------------

    def _read_words(self, tokens: list[_Token], r: _Reading, intent: Intent | None) -> None:
        words = [t.folded for t in tokens]
        i = 0
        while i < len(tokens):
            used = (
                self._period(words, i, r)
                or _code_phrase(words, i, r.builder)
                or self._category(tokens, words, i, r)
                or self._affiliation(words, i, r)
                or self._people(tokens, words, i, r)
            )
            if used:
                i += used
                continue
            word = words[i]
            dropped = word in _FILLER or (intent is not None and word in _INTENT_CUES.get(intent, ()))
            if not dropped:
                r.topic.append(tokens[i].typed)
            i += 1

    def _period(self, words: list[str], i: int, r: _Reading) -> int:
        period = read_period(words, i, self._today())
        if period is None:
            return 0
        b = r.builder
        if period.start is not None and period.end is not None:
            span = (period.start, period.end)
            earlier, r.period = r.period, (span, period.yearless)
            if earlier is not None and earlier[1] != period.yearless:
                # "last year in march", "in march of last year": the months, in the named year
                months, named = (span, earlier[0]) if period.yearless else (earlier[0], span)
                span = within(months, named)
                r.period = (span, False)
            b.set_dates(*span)
        else:  # an open bound ("since 2024") keeps the other side of an earlier one ("before 2026")
            b.set_dates(period.start or b.date_from, period.end or b.date_to)
        return period.used

    def _category(self, tokens: list[_Token], words: list[str], i: int, r: _Reading) -> int:
        code = _ARXIV_CODE.match(words[i])
        if code:
            r.builder.categories.append(code.group(1).upper())
            return 1
        if words[i] in self._category_codes:
            following = words[i + 1] if i + 1 < len(words) else ""
            # "cv papers", "latest LG paper", "cat cv": a code followed by a listing noun is the category;
            # alone it may be a topic's abbreviation ("AI art", "CL" for continual learning)
            if following in _PLURAL_LISTING | _CATEGORY_NOUNS or (i > 0 and words[i - 1] == "cat"):
                r.builder.categories.append(self._category_codes[words[i]])
                return 1
        for n in (3, 2, 1):
            name = " ".join(words[i : i + n])
            codes = _PLAIN_CATEGORY_NAMES.get(name)
            if codes is None or len(words[i : i + n]) < n:
                continue
            following = words[i + n] if i + n < len(words) else ""
            after_in = i > 0 and words[i - 1] in {"in", "on"} and following in _AFTER_FIELD
            if (
                name == "nlp"
                or following in _PLURAL_LISTING | _CATEGORY_NOUNS
                or after_in
                or _ARXIV_CODE.match(following)  # "oldest computer vision (cs.CV) paper"
                or following in {"in", "since", "from", "with", "before", "after", "this", "last", "by"}
            ):
                if after_in and r.topic and fold(r.topic[-1]) in {"in", "on"}:
                    r.topic.pop()
                r.builder.categories.extend(codes)
                return n
        return 0

    def _affiliation(self, words: list[str], i: int, r: _Reading) -> int:
        """An institution ("from Princeton", "Harvard papers", "affiliated with ETH"), or one the papers
        must not list ("not from ETH", "outside DeepMind", "non-ETH papers", "without ETH authors")."""
        negated = words[i] in _WITHOUT or words[i] == "outside"
        if words[i].startswith("non-") and words[i][4:] in self._affiliations:
            r.builder.without_affiliations.append(self._affiliations[words[i][4:]])
            return 1
        start = i + 1 if words[i] in {"from", "at", "with"} or negated else i
        if words[i] == "affiliated" and i + 1 < len(words) and words[i + 1] == "with":
            start = i + 2
        if negated and start < len(words) and words[start] in {"from", "at", "with", "by"}:
            start += 1
        for n in (3, 2, 1):
            name = " ".join(words[start : start + n])
            if len(words[start : start + n]) == n and name in self._affiliations:
                wanted = r.builder.without_affiliations if negated else r.builder.affiliations
                wanted.append(self._affiliations[name])
                glued = start == i and i and r.topic and fold(r.topic[-1]) == words[i - 1]
                if glued and self._unknown(r.topic[-1]):
                    r.topic.pop()  # "google deepmind" for the listing's "DeepMind": part of its name
                # "ETH affiliated", "the ETH affiliation", "ETH-based": the word after the name is part of it
                tail = words[start + n : start + n + 1] in (
                    ["affiliated"],
                    ["affiliation"],
                    ["based"],
                    ["authors"],
                    ["people"],
                    ["researchers"],
                )
                return start - i + n + tail
        return 0

    def _people(self, tokens: list[_Token], words: list[str], i: int, r: _Reading) -> int:
        """A name (after "by", "from", … or on its own), and any "and/or <name>" after it; a name after
        "without", "not", "excluding" … is one the papers must not list."""
        if words[i] in _WITHOUT:  # "without Noci", "not by Noci", "excluding Hofmann or Noci"
            start = i + 2 if i + 1 < len(words) and words[i + 1] in {"by", "from", "with"} else i + 1
            n = self._name_at(tokens, words, start, cued=True)
            if not n:
                return 0
            end = self._add_person(tokens, start, n, r, excluded=True)
            while end + 1 < len(words) and words[end] in _AND:
                more = self._name_at(tokens, words, end + 1, cued=True)
                if not more:
                    break
                end = self._add_person(tokens, end + 1, more, r, excluded=True)
            return end - i
        cue = words[i] in _PREPOSITION_CUES
        start = i + 1 if cue else i
        n = self._name_at(tokens, words, start, cued=cue) or self._named_with_others(tokens, words, start)
        if not n:
            if words[i] == "by" and start < len(tokens) and tokens[start].capitalized:
                return self._unknown_person(tokens, start, r) + 1
            return 0
        end = self._add_person(tokens, start, n, r)
        while end + 1 < len(words) and words[end] in _AND:
            more = self._name_at(tokens, words, end + 1, cued=True)
            if not more:
                break
            r.builder.any_author |= words[end] in {"or", "nor"}
            end = self._add_person(tokens, end + 1, more, r)
        return end - i

    def _named_with_others(self, tokens: list[_Token], words: list[str], i: int) -> int:
        """A bare first name that is also an English word is a person when a clear name joins it: "lorenzo
        and gregor's papers" (alone, "lorenzo" needs a cue or a capital)."""
        n = self._authors.name_length(words[i : i + AuthorDirectory.MAX_NAME_WORDS])
        joined = i + n + 1 < len(words) and words[i + n] in _AND
        return n if n and joined and self._name_at(tokens, words, i + n + 1, cued=False) else 0

    def _add_person(
        self, tokens: list[_Token], start: int, n: int, r: _Reading, *, excluded: bool = False
    ) -> int:
        name = " ".join(t.folded for t in tokens[start : start + n])
        (r.builder.without_authors if excluded else r.builder.authors).append(name)
        return start + n

    def _name_at(self, tokens: list[_Token], words: list[str], i: int, *, cued: bool) -> int:
        """How many words at i name a known author; a bare name that is also a topic word needs a cue
        (or a capital letter mid-sentence), so "song" or "bill" in a question stay words."""
        n = self._authors.name_length(words[i : i + AuthorDirectory.MAX_NAME_WORDS])
        if not n:
            return 0
        if cued or n > 1 or tokens[i].possessive or (i + 1 < len(words) and words[i + 1] in _AUTHOR_VERBS):
            return n
        word = words[i]
        if word in STOPWORDS or (word in _FILLER):
            return 0
        ordinary = self._vocabulary.knows(word) or word in english_words()
        return n if not ordinary or (tokens[i].capitalized and i > 0) else 0

    def _unknown_person(self, tokens: list[_Token], start: int, r: _Reading) -> int:
        """ "by Yann LeCun": a capitalised name the corpus doesn't know — a filter that matches nothing."""
        n = 0
        while start + n < len(tokens) and n < 3 and tokens[start + n].capitalized:
            n += 1
        r.builder.authors.append(" ".join(t.folded for t in tokens[start : start + n]))
        return n

    # --- typos ----------------------------------------------------------------------------------

    def _corrected_names(self, tokens: list[_Token], r: _Reading) -> list[_Token]:
        """Misspelt names ("Nocci", "Bachman", "Princton") → the author's or institution's spelling, and
        misspelt question words ("paprs") → the word, before anything else reads them."""
        out: list[_Token] = []
        for token in tokens:
            word = token.folded
            fixed = None
            common = word in STOPWORDS or word in _FILLER
            if not common and word not in self._authors.words and not self._vocabulary.knows(word):
                named = token.possessive or (bool(out and out[-1].folded == "by") and not _gerund(token))
                fixed = self._names.correct(word, named=named) or self._places.correct(word)
                topic_fix = self._vocabulary.correct(word)
                if fixed and topic_fix and topic_fix != fixed and not token.capitalized:
                    fixed = None
                if not fixed and topic_fix in QUESTION_WORDS:
                    out.append(_Token(topic_fix, topic_fix))  # a question word, not a topic: nothing to say
                    continue
            if fixed:  # a person's or an institution's name
                r.corrections.append((token.typed, fixed))
                out.append(_Token(fixed.capitalize(), fixed))
            else:
                out.append(token)
        return out

    def _joined(self, typed: list[str]) -> list[str]:
        """Two typed words the corpus writes as one ("MS MARCO" → "MSMarco", "data set" → "dataset")."""
        out: list[str] = []
        for word in typed:
            stop = fold(word) in STOPWORDS or (bool(out) and fold(out[-1]) in STOPWORDS)
            if out and not stop and self._unknown(out[-1]) | self._unknown(word):
                joined = analyze(out[-1] + word)
                if len(joined) == 1 and self._known_term(joined[0]):
                    out[-1] = out[-1] + word
                    continue
            out.append(word)
        return out

    def _unknown(self, typed: str) -> bool:
        terms = analyze(typed)
        return bool(terms) and not all(self._known_term(t) for t in terms)

    def _corrected_topic(self, r: _Reading) -> str:
        words = []
        for typed in self._joined(r.topic):
            word = fold(typed)
            terms = analyze(typed)
            known = all(self._known_term(t) for t in terms) if terms else True
            singular_known = bool(terms) and self._known_term(terms[0].removesuffix("s"))
            spelled_out = _spelled_out(terms[0]) if terms and not known and not singular_known else None
            if spelled_out:
                words.append(spelled_out)
                continue
            fixed = None if known else self._vocabulary.correct(word)
            if fixed:
                if fixed != word.removesuffix("s"):  # "SSMs" → "ssm" is no typo: nothing to say
                    r.corrections.append((typed, fixed))
                words.append(fixed)
            else:
                words.append(typed)
        while words and fold(words[0]) in STOPWORDS:
            words.pop(0)
        while words and fold(words[-1]) in STOPWORDS:
            words.pop()
        topic = " ".join(words).strip(" ,;:-")
        return topic if analyze(topic) else ""


_CODE_LEAD = frozenset({"with", "have", "has", "having", "released", "release", "releases", "releasing",
                        "shared", "share", "published", "public", "open", "available", "came",
                        "shipped", "ship", "ships", "shipping", "where", "whose"})  # fmt: skip
_CODE_WORDS = frozenset({"code", "repo", "repository", "github"})
"""What "has code" is called: "with a repo", "that has a github"."""
_CODE_FILL = frozenset({"any", "a", "the", "its", "their", "source", "public", "open", "some", "that"})
_CODE_NEGATION = frozenset({"no", "without", "didnt", "didn't", "not", "never", "lacking", "doesnt", "dont"})
_CODE_TAIL = frozenset({"link", "links", "available", "released", "repo", "repository", "out", "is", "was",
                        "are", "public", "online", "open", "sourced"})  # fmt: skip


def _code_phrase(words: list[str], i: int, b: QueryBuilder) -> int:
    """ "with code", "that have code", "released code", "have no code link", "didn't release code",
    "without code", "where the code is public" → the code filter; return words used (0 if no code phrase
    starts at i)."""
    j = i
    negated = False
    while j < len(words) and j - i < 4 and words[j] not in _CODE_WORDS:
        if words[j] in _CODE_NEGATION:
            negated = True
        elif words[j] not in _CODE_LEAD | _CODE_FILL:
            return 0
        j += 1
    starts_right = words[i] in _CODE_LEAD | _CODE_NEGATION
    if j >= len(words) or words[j] not in _CODE_WORDS or not starts_right:
        return 0
    j += 1
    while j < len(words) and words[j] in _CODE_TAIL:
        j += 1
    b.has_code = not negated
    return j - i
