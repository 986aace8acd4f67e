"""Answers to questions, built only from the corpus, in the shape of the question.

One pass: the question is read once (`PaperIndex.understand` → intent, filters, topic words), its papers
are found once, and the answer is composed once, by intent:

    topic          the best-matching sentences, each with a citation (below)
    list           every matching paper, numbered (the first screenful cited, "and N more" after it)
    count          the number, and the list behind it
    who_wrote      the paper meant and its listed authors ("et al." when the listing cut them)
    who_works_on   the people with the most papers on the topic, with those papers cited
    breakdown      the matching papers grouped by person, category, year or institution, with their numbers
                   (people set side by side: each one's papers, and how many they share)
    when           the paper meant and the date the listing gives it (two papers: both, older first)
    similar        the paper meant, and the papers closest to it
    link           the paper meant, and its code and links in the listing
    abstract       the paper meant, and its abstract
    pick           one paper drawn at random from those matching ("surprise me", "a random paper by Noci",
                   "what should I read next?"), with its opening sentence
    latest/oldest  the newest/oldest *relevant* paper (or papers, newest first)
    help           what can be asked, with examples made from this corpus

A "no" is an answer too: "did Hofmann co-author random teachers?" names the paper and its listed authors,
and a count of exact filters that match nothing is "0 papers …".

No language model: the answer is extractive, so every claim in it is a sentence some cited paper wrote.
When the corpus does not cover the question, the answer says so and cites nothing — an unrelated paper
is never presented as an answer.

When is a paper "about" the question? BM25 scores are not comparable between questions, so the gate is
*coverage* (see `bot.search.relevance`): the idf-weighted share of the question's words found in the
paper. A paper must cover at least `MIN_COVERAGE` of the question to be cited; words no paper contains
weigh as much as the rarest word, so "best pizza in Naples" is not answered by a paper saying "best".
A cited paper must also score at least `MIN_RELATIVE_SCORE` of the best cited one, so the 2nd and 3rd
sources are close competitors, not stragglers.

A paper is a match only if it covers the question's distinctive words (`relevance.MIN_COVERAGE`), so
lists, counts and "N more" count only real matches. Corrected typos are said in the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.search.analysis import analyze
from bot.search.index import MAX_RESULTS, PaperIndex
from bot.search.periods import describe_dates, describe_day
from bot.search.query import category_label
from bot.search.relevance import MIN_COVERAGE
from bot.search.results import Hit, SearchResults
from bot.search.snippets import best_sentences, trim_around
from bot.search.understanding import Question

__all__ = [
    "MIN_COVERAGE",
    "MIN_RELATIVE_SCORE",
    "REFUSAL",
    "SCREENFUL",
    "SEE_ALL",
    "Answer",
    "Citation",
    "answer_question",
    "compose",
    "help_text",
    "pick",
]

MIN_RELATIVE_SCORE = 0.5
SCREENFUL = 10
"""A list answer cites this many papers at once; the rest are "N more" (a button, `--all`, `more`)."""
MAX_PEOPLE = 3
REFUSAL = "I couldn't find anything in the corpus that answers that well."
SEE_ALL = "`paperbot ask --all`, or say “more” in chat"
"""How a terminal user sees the papers or groups an answer leaves out (`Answer.render_text`)."""
HINT = "Try other or fewer words, or browse with `search` (e.g. `search author:hofmann`)."
CANDIDATES = 10
MAX_SENTENCE_CHARS = 300
_END = re.compile(r"([.!?…]+[\"'”’)\]]*)$")


class Citation(NamedTuple):
    """A numbered source: `[number]` in the answer text refers to `paper`."""

    number: int
    paper: Paper


class Answer(NamedTuple):
    """An answer: text with [n] markers, the cited papers, the hits it drew on, and whether it found any."""

    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    confident: bool
    question: Question | None = None
    total: int = 0
    """How many papers match in all (list answers may cite only the first screenful)."""
    matches: tuple[Paper, ...] = ()
    """Lists, counts and who-wrote-most answers: every matching paper, in the order shown (citations are
    the first of them)."""
    people: tuple[tuple[str, int], ...] = ()
    """who_works_on: (name, number of papers on the topic), most first."""
    unshown_groups: int = 0
    """A breakdown's groups its text leaves out (`paperbot ask --all`, "more" in a conversation, a button)."""
    groups: tuple[tuple[str, int], ...] = ()
    """breakdown: every group (label, number of papers), most first — those the text leaves out too."""

    @property
    def more(self) -> int:
        """How many matching papers the answer does not show."""
        return max(0, self.total - len(self.citations))

    def render_text(self, how: str = SEE_ALL) -> str:
        """The answer followed by its numbered source list, for a terminal; `how` says how to see what it
        leaves out (a front end with other ways says its own)."""
        if self.unshown_groups:
            return f"{self.text}\n… all {self.unshown_groups} more: {how}."
        if not self.citations:
            return self.text
        lines = [self.text, "", "Sources:"]
        for c in self.citations:
            year = f" ({c.paper.year})" if c.paper.year else ""
            lines.append(f"[{c.number}] {c.paper.title} — {c.paper.short_authors()}{year} · {c.paper.id}")
        if self.more:
            lines.append(f"… and {self.more} more ({how}).")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        """`{"answer": text, "citations": [{"id", "title"}, ...]}` for machine consumers."""
        return {
            "answer": self.text,
            "citations": [{"id": c.paper.id, "title": c.paper.title} for c in self.citations],
        }


def _refusal(question: Question | None, notes: Sequence[str] = (), hint: str = HINT) -> Answer:
    text = " ".join([*_corrections(question), REFUSAL, hint, *notes])
    return Answer(text=text, citations=(), hits=(), confident=False, question=question)


def _cite(sentence: str, number: int) -> str:
    """'We show X.' → 'We show X [1].' (the marker goes before the closing punctuation)."""
    sentence = sentence.strip()
    match = _END.search(sentence)
    if match:
        return f"{sentence[: match.start()]} [{number}]{match.group(1)}"
    return f"{sentence} [{number}]."


def _corrections(question: Question | None) -> list[str]:
    if question is None or not question.corrections:
        return []
    fixed = ", ".join(f"“{typed}” → “{to}”" for typed, to in question.corrections)
    return [f"Showing results for {fixed}."]


def _markers(numbers: Sequence[int]) -> str:
    marks = [f"[{n}]" for n in numbers]
    return marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + f" and {marks[-1]}"


def _when(start: date | None, end: date | None) -> str:
    """'in 2025', 'in March 2025', 'in 2022–2023', 'in the week of 23 November 2026', 'on 5 December
    2026', 'from 2 December 2025 to 2 December 2026', 'since 2024', 'until 2022'."""
    span = describe_dates(start, end)
    if not span or start is None or end is None:
        return span
    if start == end:
        return f"on {span}"
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months or span.startswith("the week of"):
        return f"in {span}"
    low, _, high = span.partition("–")
    return f"from {low} to {high}"


def _joined(names: Sequence[str], word: str) -> str:
    """'A', 'A and B', 'A, B and C' (or 'or')."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def describe(index: PaperIndex, question: Question) -> str:
    """The question's filters and topic in words: 'by Lorenzo Noci in 2025 on “diffusion”'."""
    q = question.query
    people = [index.display_author(a) for a in q.authors]
    parts = [f"by {_joined(people, 'or' if q.any_author else 'and')}" if people else ""]
    if q.first_author and q.authors:
        parts.append("as first author")
    if q.without_authors:
        parts.append(f"without {_joined([index.display_author(a) for a in q.without_authors], 'or')}")
    if q.affiliations:  # any of them (`aff:` documents it), so said with "or"
        parts.append(f"from {_joined([index.display_affiliation(a) for a in q.affiliations], 'or')}")
    if q.without_affiliations:
        places = [index.display_affiliation(a) for a in q.without_affiliations]
        parts.append(f"not from {_joined(places, 'or')}")
    if q.categories:
        parts.append("in " + "/".join(q.categories))
    parts.append(_when(q.date_from, q.date_to))
    if q.has_code is not None:
        parts.append("with code" if q.has_code else "without code")
    if q.title_text:
        parts.append(f"with “{q.title_text}” in the title")
    if q.text:
        parts.append(f"on “{q.text}”")
    if q.without_text:
        parts.append(f"not on “{q.without_text}”")
    return " ".join(p for p in parts if p)


def _numbered(hits: Sequence[Hit], everything: bool) -> tuple[Citation, ...]:
    shown = hits if everything else hits[:SCREENFUL]
    return tuple(Citation(n, h.paper) for n, h in enumerate(shown, start=1))


def _list_answer(index: PaperIndex, question: Question, everything: bool) -> Answer:
    """Every matching paper (newest first for filters alone, best first with a topic); the number comes
    first, so a count question is answered by the same text.

    "Which paper argues …?" is asked as a list but often describes one paper in other words than its
    abstract's: when no paper uses the words, a list question (never a count) gets the paper closest in
    meaning, answered like a topic question that says it was found by meaning.
    """
    whether = question.yes_no and bool(question.query.authors) and bool(question.topic)  # "is X on Y?"
    by_meaning = question.intent == "list" and not whether  # not another paper of X's instead of Y
    shown = MAX_RESULTS if everything else max(SCREENFUL, question.wanted or 0)
    results = index.search(question, limit=shown, by_meaning=by_meaning)
    if results.hits and results.hits[0].by_meaning:
        return _cited_answer(index, question, list(results.hits[:1]), results)
    what = describe(index, question)
    if not results.hits and not question.topic and what and not results.notes and not whether:
        # "how many of Noci's papers have code?", "what came out in November?": known filters alone are
        # exact, so none is an answer, not a miss (an unknown name or a topic may be one: those are
        # refused, with what was not found)
        none = f"0 papers {what}" if question.intent == "count" else f"No papers {what}"
        nearest = _nearest_outside(index, question)
        said = f"{none}; {nearest[0]} is from {_day(nearest[1])}." if nearest else f"{none}."
        counted = question.intent == "count"  # a number is an answer; a list of none looks like a miss
        return Answer(" ".join([*_corrections(question), said]), (), (), counted, question, 0)
    if not results.hits and whether:
        return _not_on_the_paper(index, question, results)
    if not results.hits:
        return _refusal(question, results.notes, hint=f"No papers {what}." if what else "No papers match.")
    citations = _numbered(results.hits, everything)
    total = results.total
    noun = "paper" if total == 1 else "papers"
    order = (
        ""
        if total == 1
        else (
            ", best match first"
            if question.query.text and question.query.sort == "relevance"
            else ", oldest first"
            if question.query.sort == "oldest"
            else ", newest first"
        )
    )
    head = f"{total} {noun}" + (f" {what}" if what else " in the corpus")
    if question.share and index.papers:
        head += f" ({round(100 * total / len(index.papers))} % of the {len(index.papers)} papers)"
    if question.wanted is not None and question.wanted < total and question.intent != "count":
        citations = _numbered(results.hits[: question.wanted], everything=True)
        sort = question.query.sort if question.query.text else "date"  # filters alone list newest first
        which = {"date": "newest", "oldest": "oldest"}.get(sort, "best matching")
        head = f"The {question.wanted} {which} of {head}"
        order = ""
    listed = _markers([c.number for c in citations])
    if question.wanted is not None and len(citations) == question.wanted < total:
        lead = f"{head}: {listed}."
    elif len(citations) < total:
        lead = f"{head}; the first {len(citations)}{order}: {listed}."
    else:
        lead = f"{head}{order}: {listed}."
    text = " ".join([*_corrections(question), lead, *results.notes])
    if total <= len(results.hits):  # the page holds every match: no second search for them
        matches = tuple(h.paper for h in results.hits)
    else:
        matches = index.every_match(question).papers
    return Answer(text, citations, results.hits[: len(citations)], True, question, total, matches)


def _nearest_outside(index: PaperIndex, question: Question) -> tuple[str, Paper] | None:
    """For a period with no paper ("what came out in November?"): the paper nearest to it that the other
    filters allow — the latest before it, else the first after it — with what to call it, so the answer
    can say how far the listing reaches (its date only: a paper cited for a question it does not answer
    would read as an answer). None when the question names no period or no paper is outside it."""
    q = question.query
    if q.date_from is None and q.date_to is None:
        return None
    undated = question._replace(query=q._replace(date_from=None, date_to=None, sort="date"))
    dated = [p for p in index.every_match(undated).papers if p.published is not None]
    before = [p for p in dated if q.date_from is not None and p.published and p.published < q.date_from]
    after = [p for p in dated if q.date_to is not None and p.published and p.published > q.date_to]
    if before:
        return "the latest before then", before[0]
    if after:
        return "the first", after[-1]
    return None


def _day(paper: Paper) -> str:
    """When a paper appeared, as precisely as the listing says: '3 May 2026', 'May 2026', '2026'."""
    return paper.published_text(describe_day) or "an unknown date"


_NAMED_PAPER = re.compile(r"\bthe (?:[\w'’-]+ ){1,6}(?:paper|preprint|article)\b")
"""One paper named by its title's words: "did Noci write the scaling MLPs paper?"."""


def _not_on_the_paper(index: PaperIndex, question: Question, results: SearchResults) -> Answer:
    """ "Did Hofmann co-author random teachers?" when he is not listed on it: no, and who is (saying when
    the listing cut the author list, so he may still be on it). The topic must name one paper: "has Noci
    written on diffusion?" (eight papers, none his) is answered as the refusal it is."""
    anyone = question._replace(query=question.query._replace(authors=(), any_author=False))
    found = index.search(anyone, limit=1)
    named = found.hits
    asked = [index.display_author(a) for a in question.query.authors]
    titled = bool(named) and set(question.terms) <= set(analyze(named[0].paper.title))
    if not (found.total == 1 or (titled and _NAMED_PAPER.search(question.text.lower()))):
        return _refusal(question, results.notes, hint=f"No papers {describe(index, question)}.")
    sources = list(named[:1])
    paper = sources[0].paper
    who = _joined(asked, "or")
    year = f" ({paper.year})" if paper.year else ""
    listed = f"“{paper.title}”{year} lists {', '.join(paper.authors)}, not {who}"
    if paper.authors_truncated:
        said = f"Not as far as the listing shows: {listed}; it names only the first authors [1]."
    else:
        said = f"No: {listed} [1]."
    text = " ".join([*_corrections(question), said, *results.notes])
    return Answer(text, (Citation(1, paper),), tuple(sources), True, question, 1, (paper,))


def _sources(index: PaperIndex, question: Question, max_sources: int) -> tuple[list[Hit], SearchResults]:
    """The hits good enough to cite, best first: they cover the question and score close to the best;
    and the search they came from (its total and notes)."""
    results = index.search(question, limit=max(CANDIDATES, max_sources), by_meaning=True)
    if not results.hits:
        return [], results
    floor = results.hits[0].score * MIN_RELATIVE_SCORE
    return [h for h in results.hits if h.score >= floor][:max_sources], results


def _statements(index: PaperIndex, hit: Hit, terms: set[str], question_text: str, count: int) -> list[str]:
    """The paper's sentences that best match the question (by its words, or by meaning when the paper
    was found by meaning), in abstract order.

    When no sentence does (the question matched the title or an author's name), the paper itself is the
    statement — title, authors, year — so the reader sees why it is cited.
    """
    if hit.by_meaning:
        chosen = index.closest_sentences(hit.paper.id, question_text, count)
    else:
        chosen = best_sentences(index.sentences(hit.paper.id), terms, index.term_weight, limit=count)
    if not chosen:
        return [f"{_named(hit.paper)}."]
    chosen.sort(key=lambda s: s.position)
    return [trim_around(s.text, terms, MAX_SENTENCE_CHARS) for s in chosen]


def _by_meaning(sources: Sequence[Hit]) -> list[str]:
    """Say so when the paper was found by meaning: the reader should know no paper used their words."""
    if sources and sources[0].by_meaning:
        return ["No paper uses those words; this is the closest in meaning."]
    return []


def _topic_answer(index: PaperIndex, question: Question, max_sources: int) -> Answer:
    sources, results = _sources(index, question, max_sources)
    sources = _each_side(index, question, sources) or sources
    if not sources:
        return _refusal(question, results.notes)
    return _cited_answer(index, question, sources, results)


def _each_side(index: PaperIndex, question: Question, sources: list[Hit]) -> list[Hit]:
    """A comparison ("difference between GIDD and Latent-DARM") is answered by a paper on each side: the
    best paper on each, unless the question's own sources already cover both sides (a paper that compares
    them itself). Empty when that is so, or when a side has no paper."""
    sides = [question.with_topic(side) for side in question.sides]
    if not sides or any(
        all(index.coverage(side.words, hit.paper.id) >= MIN_COVERAGE for side in sides) for hit in sources
    ):
        return []
    best: list[Hit] = []
    for side in sides:
        found, _ = _sources(index, side, 1)
        if not found or found[0].by_meaning or found[0].paper.id in {h.paper.id for h in best}:
            return []
        best.append(found[0])
    return best


def _cited_answer(
    index: PaperIndex, question: Question, sources: Sequence[Hit], results: SearchResults
) -> Answer:
    """What the sources say about the question, each statement cited."""
    terms = set(question.terms)
    parts: list[str] = []
    citations: list[Citation] = []
    for number, hit in enumerate(sources, start=1):
        # The best source may speak twice; the others once, so the answer stays short.
        statements = _statements(index, hit, terms, question.query.text, 2 if number == 1 else 1)
        parts.extend(_cite(s, number) for s in statements)
        citations.append(Citation(number, hit.paper))
    text = " ".join([*_corrections(question), *_by_meaning(sources), *parts, *results.notes])
    return Answer(text, tuple(citations), tuple(sources), True, question, results.total)


def _one_named(index: PaperIndex, question: Question) -> bool:
    """Do a question's filters alone name one paper: the only one they allow ("who wrote the paper with
    languini in the title?"), or the newest or oldest of those ("abstract of Noci's latest paper")?"""
    total = index.search(question, limit=1).total
    return total == 1 or (total > 1 and question.query.sort != "relevance")


def _about_the_paper(index: PaperIndex, question: Question, say: Callable[[Paper], str]) -> Answer:
    """A question about one paper it names (who wrote it, when it appeared, where its code is): the paper
    is the best source for the question's words, and the answer is one statement about it, citing it."""
    sources, results = _sources(index, question, 1)
    if not sources:
        return _refusal(question, results.notes, hint=NAME_THE_PAPER)
    paper = sources[0].paper
    text = " ".join([*_corrections(question), *_by_meaning(sources), say(paper), *results.notes])
    return Answer(text, (Citation(1, paper),), tuple(sources), True, question, 1, (paper,))


def _which_came_first(index: PaperIndex, question: Question) -> Answer:
    """ "Which is older, GIDD or random teachers?": the paper meant on each side, each with its date,
    older first, both cited."""
    found = _each_side(index, question, [])
    if len(found) != 2 or any(h.paper.published is None for h in found):
        return _refusal(question, hint="Name each paper by a few words of its title.")
    first, second = sorted(found, key=lambda h: h.paper.published or date.min)
    a, b = first.paper, second.paper
    same = a.published == b.published
    order = "appeared on the same day as" if same else "came out before"
    text = " ".join([
        *_corrections(question),
        f"“{a.title}” ({a.published:%B %Y}) [1] {order} “{b.title}” ({b.published:%B %Y}) [2].",
    ])  # fmt: skip
    return Answer(text, (Citation(1, a), Citation(2, b)), (first, second), True, question, 2, (a, b))


def _authors_of(paper: Paper) -> str:
    year = f" ({paper.year})" if paper.year else ""
    names = ", ".join(paper.authors) or "unknown authors"
    cut = " et al. (the listing names only the first authors)" if paper.authors_truncated else ""
    return f"“{paper.title}”{year} is by {names}{cut} [1]."


def _date_of(paper: Paper) -> str:
    when = f"was published in {paper.published:%B %Y}" if paper.published else "has no date in the listing"
    return f"“{paper.title}” ({paper.short_authors()}) {when} [1]."


def _named(paper: Paper) -> str:
    """'“Title” (First Author, Second Author et al., 2023)': a paper as an answer names it."""
    return f"“{paper.title}” ({paper.short_authors()}{f', {paper.year}' if paper.year else ''})"


def _links_of(paper: Paper) -> str:
    named = _named(paper)
    if paper.links:
        return f"{named}: {', '.join(paper.links)} [1]."
    return f"The listing gives no code or link for {named} [1]."


def _abstract_of(paper: Paper) -> str:
    named = _named(paper)
    if not paper.abstract.strip():
        return f"The listing gives no abstract for {named} [1]."
    return f"The abstract of {named} [1]: {readable_abstract(paper.abstract)}"


SIMILAR = 5
"""How many papers a "papers like X" question lists (unless it asks for another number)."""


def _similar_papers(index: PaperIndex, question: Question) -> Answer:
    """ "Papers similar to random teachers": the paper meant, and the papers closest to it (its own title
    and abstract as the query, as /similar does), best first, each cited."""
    sources, results = _sources(index, question, 1)
    if not sources:
        return _refusal(question, results.notes, hint=NAME_THE_PAPER)
    paper = sources[0].paper
    hits = index.similar(paper.id, limit=question.wanted or SIMILAR)
    about = _named(paper)
    if not hits:
        return _refusal(question, hint=f"No other paper is close to {about}.")
    citations = _numbered(hits, everything=True)
    lead = f"The papers most like {about}, closest first: {_markers([c.number for c in citations])}."
    text = " ".join([*_corrections(question), *_by_meaning(sources), lead, *results.notes])
    return Answer(text, citations, hits, True, question, len(hits), tuple(h.paper for h in hits))


def _people_asked(index: PaperIndex, question: Question) -> set[str]:
    """The identity keys of the people the question names ("Noci" → Lorenzo Noci's)."""
    return {key for author in question.query.authors for key in index.people_named(author)}


def _who_works_on(index: PaperIndex, question: Question) -> Answer:
    """The people with the most matching papers. "X and Y" counts the papers covering both when there are
    any (the literal reading), else the papers on either."""
    papers = _topic_papers(index, question)
    if not papers:
        return _refusal(question, hint="Nobody in the corpus has written on that.")
    # "who has worked with Noci?": the people on Noci's papers, Noci aside
    named = _people_asked(index, question)
    listed = 1 if question.query.first_author else None  # "who has the most first-author papers?"
    keyed = [index.author_keys(p) for p in papers]
    counts: Counter[str] = Counter(a for keys in keyed for a in keys[:listed] if a not in named)
    if not counts:
        return _refusal(question, hint="Nobody else is listed on those papers.")
    # Ties go to whoever came earliest in an author list (first authors did the work), then by name:
    # looked up for the people who can be shown only (a large corpus lists a great many).
    least = counts.most_common(MAX_PEOPLE)[-1][1]
    shown = {key for key, n in counts.items() if n >= least}
    position: dict[str, int] = {}
    for keys in keyed:
        for place, key in enumerate(keys):
            if key in shown and place < position.get(key, len(keys)):
                position[key] = place
    ranked = sorted(shown, key=lambda key: (-counts[key], position[key], key))[:MAX_PEOPLE]
    people = tuple((index.display_author(key), counts[key]) for key in ranked)
    citations = tuple(Citation(n, p) for n, p in enumerate(papers[:SCREENFUL], start=1))
    first, *rest = people
    what = describe(index, question._replace(query=question.query._replace(authors=())))
    if question.query.first_author and not question.query.authors:
        what = f"as first author {what}".strip()
    together = [index.display_author(a) for a in question.query.authors]
    joined = f" with {_joined(together, 'or' if question.query.any_author else 'and')}" if together else ""
    lead = f"{first[0]} has written the most{joined}{f' {what}' if what else ''} ({_papers(first[1])})"
    if rest:
        lead += ", then " + " and ".join(f"{name} ({_papers(n)})" for name, n in rest)
    lead += f". The papers: {_markers([c.number for c in citations])}."
    text = " ".join([*_corrections(question), lead])
    return Answer(text, citations, (), True, question, len(papers), tuple(papers), people)


def _topic_papers(index: PaperIndex, question: Question) -> list[Paper]:
    """Every paper on the question's topic (all of them, however many: they are counted); for "X and Y",
    those on both X and Y if any paper is, else the papers on X or Y (each part searched on its own: "state
    space models and diffusion" as one text is matched by the state-space papers alone, its rarer words
    outweighing "diffusion")."""
    whole = list(index.every_match(question).papers)
    parts = re.split(r"\s+(?:and|&)\s+", question.topic)
    if len(parts) < 2:
        return whole
    each = [index.every_match(question.with_topic(part)).papers for part in parts]
    on_all = set.intersection(*({p.id for p in papers} for papers in each))
    if on_all:
        return [p for p in each[0] if p.id in on_all]
    return list({p.id: p for p in [*whole, *(p for papers in each for p in papers)]}.values())


def _papers(n: int) -> str:
    return "1 paper" if n == 1 else f"{n} papers"


def _dated_answer(index: PaperIndex, question: Question, everything: bool) -> Answer:
    """The newest (or oldest) relevant paper, with what it says; plural questions get the list."""
    if not question.singular:
        return _list_answer(index, question, everything)
    results = index.search(question, limit=1)
    what = describe(index, question)
    if not results.hits:
        return _refusal(question, results.notes, hint=f"No papers {what}." if what else "No papers match.")
    hit = results.hits[0]
    paper = hit.paper
    which = "newest" if question.query.sort == "date" else "oldest"
    when = paper.published.strftime("%B %Y") if paper.published else "undated"
    about = f" {what}" if what else ""
    lead = f"The {which} paper{about} is “{paper.title}” ({paper.short_authors()}, {when}) [1]."
    statements = (
        _statements(index, hit, set(question.terms), question.query.text, 1) if question.terms else []
    )
    said = [_cite(s, 1) for s in statements if not s.startswith("“")]
    text = " ".join([*_corrections(question), lead, *said, *results.notes])
    return Answer(text, (Citation(1, paper),), (hit,), True, question, results.total)


def pick(index: PaperIndex, question: Question, exclude: frozenset[str] = frozenset()) -> Answer:
    """Papers drawn at random from those the question matches (every paper when it names nothing): one,
    with the sentence its abstract opens with, or as many as asked ("3 random papers"); none of `exclude`
    (those a conversation already drew: "another one"). Asked again, most likely others."""
    drawn = index.draw(question, question.wanted or 1, exclude)
    total = drawn.total
    what = describe(index, question)
    if not total:
        return _refusal(question, drawn.notes, hint=f"No papers {what}." if what else "No papers match.")
    matching = _papers(total) + (f" {what}" if what else "")
    hits = drawn.hits
    if not hits:
        return Answer(f"That was every one of the {matching}.", (), (), False, question)
    citations = _numbered(hits, everything=True)
    markers = _markers([c.number for c in citations])
    left = total - len(hits) - len(exclude)
    again = [f"Ask again for {'others' if len(hits) > 1 else 'another'}."] if left > 0 else []
    said: list[str] = []
    if len(hits) > 1:
        picked = f"{len(hits)} papers picked at random from the {matching}"
        every = f"All {matching}, in no particular order"
        lead = f"{picked if len(hits) < total else every}: {markers}."
    else:
        paper = hits[0].paper
        lead = f"The only paper {what}".rstrip() if total == 1 else f"Picked at random from the {matching}"
        lead = f"{lead}: {_named(paper)} [1]."
        said = [_cite(trim_around(s.text, (), MAX_SENTENCE_CHARS), 1) for s in index.sentences(paper.id)[:1]]
    text = " ".join([*_corrections(question), lead, *said, *again])
    return Answer(text, citations, tuple(hits), True, question, len(hits), tuple(h.paper for h in hits))


NAME_THE_PAPER = "Name the paper by a few words of its title or topic."
MAX_GROUPS = 20
"""A breakdown names this many groups, most papers first (all of them with `everything`)."""


def _groups(index: PaperIndex, question: Question, papers: Sequence[Paper]) -> list[tuple[str, int]]:
    """The papers grouped by the question's facet, most papers first (ties: newest year, then by name).
    People named in the question are its subject, not a group ("who has Noci written with")."""
    keys: Counter[str] = Counter()
    if question.by == "author":
        # "Noci vs Hofmann": those people are the groups; "who has Noci written with": the others
        named = _people_asked(index, question)
        # "top first authors": each paper's first author only
        first = 1 if question.query.first_author and not question.query.authors else None
        keys.update(
            k for p in papers for k in index.author_keys(p)[:first] if (k in named) == question.compared
        )
        counted = [(index.display_author(k), n) for k, n in keys.items()]
    elif question.by == "category":
        asked = set(question.query.categories)
        keys.update(c for p in papers for c in p.categories if not asked or c in asked)
        counted = [(category_label(c), n) for c, n in keys.items()]
    elif question.by == "affiliation":
        keys.update(k for p in papers for k in index.affiliation_keys(p))
        counted = [(index.display_affiliation(k), n) for k, n in keys.items()]
    else:  # counted by year number first: a str per paper was most of "papers per year" at 100k papers
        years = Counter(p.published.year if p.published else 0 for p in papers)
        counted = [(str(year) if year else "undated", n) for year, n in years.items()]
    newest_first = question.by == "year"
    counted.sort(key=lambda g: g[0], reverse=newest_first)
    return sorted(counted, key=lambda g: -g[1])


def _breakdown(index: PaperIndex, question: Question, everything: bool) -> Answer:
    """ "How many authors are there?", "papers per category", "which year had the most papers", "which
    institutions do we work with": the matching papers grouped by person, category, year or listed
    institution, each group with its number of papers. The groups are the answer; no paper is cited."""
    papers = _topic_papers(index, question)
    q = question.query
    subject = q._replace(authors=()) if question.by == "author" and not question.compared else q
    subject = subject._replace(categories=()) if question.by == "category" else subject
    what = describe(index, question._replace(query=subject))
    if not papers:
        return _refusal(question, hint=f"No papers {describe(index, question) or 'match'}.")
    groups = _groups(index, question, papers)
    shown = groups if everything else groups[:MAX_GROUPS]
    listed = [f"{label} ({n})" for label, n in shown]
    if len(shown) < len(groups):
        listed.append(f"{len(groups) - len(shown)} more")
    of_papers = f"{_papers(len(papers))} {what or 'in the corpus'}"
    one = len(papers) == 1  # "1 paper names …", "2 papers name …"
    note = ""
    if question.by == "author" and question.compared:
        head = of_papers
        named = _people_asked(index, question)
        both = sum(len(named.intersection(index.author_keys(p))) > 1 for p in papers)
        together = "both" if len(q.authors) == 2 else "more than one of them"
        note = f"{both} of these {'is' if both == 1 else 'are'} by {together}." if both else ""
    elif question.by == "author":
        if q.authors:  # "how many people has Noci written with"
            whose = _joined([index.display_author(a) for a in q.authors], "and")
            rest = f" {what}" if what else ""
            others = _count(len(groups), "other person", "other people")
            head = f"{whose}’s {_papers(len(papers))}{rest} name{'s' * one} {others}"
        else:
            verb = "is" if len(groups) == 1 else "are"
            named_as = "first authors of" if q.first_author else "named on"
            head = f"{_count(len(groups), 'person', 'people')} {verb} {named_as} the {of_papers}"
        cut = sum(p.authors_truncated for p in papers)
        if cut:
            note = f"The listing cuts the author lists of {cut} of these papers; there are more people."
    elif question.by == "category":
        head = f"{of_papers} in {_count(len(groups), 'category', 'categories')}"
    elif question.by == "affiliation":
        head = f"{of_papers} list{'s' * one} {_count(len(groups), 'institution', 'institutions')}"
        unlisted = sum(not p.affiliations for p in papers)
        if unlisted:
            note = f"{unlisted} of these papers list{'s' * (unlisted == 1)} no affiliation."
    else:
        head = f"{of_papers} over {_count(len(groups), 'year', 'years')}"
    lead = f"{head}: {_joined(listed, 'and')}." if listed else f"{head}."  # "… name 0 other people."
    text = " ".join(t for t in [*_corrections(question), lead, note] if t)
    return Answer(text, (), (), True, question, len(papers),
                  unshown_groups=len(groups) - len(shown), groups=tuple(groups))  # fmt: skip


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


_ABOUT_THE_PAPER: dict[str, Callable[[Paper], str]] = {
    "who_wrote": _authors_of,
    "when": _date_of,
    "link": _links_of,
    "abstract": _abstract_of,
}
"""What a question about one paper says of it, by intent."""


def help_text(index: PaperIndex) -> str:
    """What the reader understands, each kind with an example made from this corpus (its most prolific
    author, its newest paper), so every example works here and none names a paper another lab lacks."""
    if not index.papers:
        return "I answer questions about the lab's papers, but there are none yet."
    newest = max(index.papers, key=lambda p: (p.published is not None, p.published or date.min))
    words = newest.title.split(":")[0].split()
    title = " ".join(words[:6])
    examples = [f"topics (“anything on {title}?”)"]
    people = Counter(k for p in index.papers for k in index.author_keys(p))
    if people:
        surname = index.display_author(people.most_common(1)[0][0]).split()[-1]
        examples.append(f"people (“what has {surname} published?”, “{surname}’s newest paper”)")
    examples.append(f"one paper (“who wrote {title}?”, “abstract of {title}”)")
    if newest.year:
        examples.append(f"counts (“how many papers in {newest.year}?”)")
    examples += ["the newest (“what's new?”)", "breakdowns (“papers per year”)", "chance (“surprise me”)"]
    return (
        f"I answer questions about the lab's {_papers(len(index.papers))}, citing them: "
        f"{_joined(examples, 'and')}. "
        "Filters work too: `author:` `year:` `cat:` `title:` `has:code` `sort:date`."
    )


def compose(
    index: PaperIndex, question: Question, *, max_sources: int = 3, everything: bool = False
) -> Answer:
    """The answer to an understood question, in the shape it asked for (see the module docstring).

    A question about one paper it does not name ("who wrote it?") is asked to name it; any other question
    with neither topic words nor filters ("what's new?", "list everything") lists what matches.
    """
    if question.off_topic:  # no search was made: there is nothing found or corrected to speak of
        return Answer(text=question.off_topic, citations=(), hits=(), confident=False, question=question)
    if question.intent == "help":
        return Answer(text=help_text(index), citations=(), hits=(), confident=False, question=question)
    if question.unnamed:
        return _refusal(question, (), hint=NAME_THE_PAPER)
    if question.intent in {"latest", "oldest"}:
        return _dated_answer(index, question, everything)
    if question.intent == "pick":
        return pick(index, question)
    if question.intent == "who_works_on":
        return _who_works_on(index, question)
    if question.intent == "breakdown":
        return _breakdown(index, question, everything)
    one_paper = question.intent in _ABOUT_THE_PAPER or question.intent == "similar"
    if one_paper and not question.topic and _one_named(index, question):
        if question.intent == "similar":  # "papers similar to Noci's latest paper"
            return _similar_papers(index, question)
        return _about_the_paper(index, question, _ABOUT_THE_PAPER[question.intent])
    if question.intent in {"list", "count"} or not question.topic:
        return _list_answer(index, question, everything)
    if question.intent == "when" and question.sides:
        return _which_came_first(index, question)
    if question.intent in _ABOUT_THE_PAPER:
        return _about_the_paper(index, question, _ABOUT_THE_PAPER[question.intent])
    if question.intent == "similar":
        return _similar_papers(index, question)
    return _topic_answer(index, question, max(1, max_sources))


def answer_question(
    index: PaperIndex, question: str, *, max_sources: int = 3, everything: bool = False
) -> Answer:
    """Answer from the corpus with numbered citations, or say plainly that the corpus has no good answer.

    `everything` cites every matching paper of a list answer instead of the first screenful. Raises
    QueryError for an empty question (the same rules as search).
    """
    return compose(index, index.understand(question), max_sources=max_sources, everything=everything)
