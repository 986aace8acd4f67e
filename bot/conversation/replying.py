"""Replying in a conversation: `respond(index, state, text)` → (reply, new state), and `reply_text`."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from bot.answer import answer_question, help_text, pick
from bot.conversation.reading import interpret
from bot.conversation.state import (
    PAGE_SIZE,
    AnswerReply,
    Conversation,
    ListKind,
    ListReply,
    NoticeReply,
    PaperReply,
    Refinement,
    Reply,
)
from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.search.index import MAX_LIMIT, PaperIndex
from bot.search.results import Hit, SearchResults
from bot.search.understanding import THANKS

__all__ = ["FOLLOW_UPS", "NO_CONVERSATION", "THANKS", "help_reply", "reply_text", "respond"]

FOLLOW_UPS = (
    "After an answer you can say **more**, **tell me about the second one**, **similar to [2]**, "
    "**only ones with code**, **from 2024** or **newer ones**."
)


def help_reply(index: PaperIndex) -> str:
    """What can be asked (examples made from this corpus: `help_text`), then how to follow an answer up."""
    return f"{help_text(index)} {FOLLOW_UPS}"


NO_CONVERSATION = (
    "I have no earlier answer to follow up on here (I forget conversations after a restart or after a "
    "while). Ask your question again, then say **more**, **the second one** or **similar to [2]**."
)


def respond(index: PaperIndex, state: Conversation | None, text: str) -> tuple[Reply, Conversation | None]:
    """The reply to `text` in the conversation `state`, and the conversation's new state.

    A new question starts a new conversation; a notice leaves the state as it was. Raises QueryError
    (a UserError) for a malformed query, UnknownPaperError if a listed paper left the corpus.
    """
    follow = interpret(text, state, index=index)
    if follow.kind == "help":
        return NoticeReply(help_reply(index)), state
    if follow.kind == "thanks":
        return NoticeReply(THANKS), state
    if follow.kind == "question" or (state is None and follow.kind == "refine"):
        return _ask(index, text)
    if state is None:
        return NoticeReply(NO_CONVERSATION), None
    if follow.kind == "more":
        return _more(index, state)
    if follow.kind == "refine":
        return _refine(index, state, follow.refinement)
    if follow.kind == "count":
        return _count(index, state, follow.refinement)
    target = _pick(state, follow.number)
    if isinstance(target, NoticeReply):
        return target, state
    number, paper_id = target
    if follow.kind == "similar":
        return _similar(index, state, paper_id)
    return PaperReply(number, index.get(paper_id)), replace(state, focus=paper_id)


def _ask(index: PaperIndex, question: str) -> tuple[Reply, Conversation]:
    answer = answer_question(index, question)
    cited = tuple(c.paper.id for c in answer.citations)
    # The question was read once, by the answer; the conversation keeps that reading for "more".
    query = answer.question.query if answer.question is not None else index.parse(question)
    picked = answer.question is not None and answer.question.intent == "pick"
    kind: ListKind = "groups" if answer.unshown_groups else "picked" if picked else "sources"
    state = Conversation(question=question, query=query, kind=kind, shown=cited, exclude=cited)
    return AnswerReply(question, answer), state


def _pick(state: Conversation, number: int | None) -> tuple[int, str] | NoticeReply:
    """The (number, paper id) a follow-up points at, or a notice saying which numbers exist."""
    if number is None:
        if state.focus is not None:
            return (state.shown.index(state.focus) + 1 if state.focus in state.shown else 0), state.focus
        if len(state.shown) == 1:
            return 1, state.shown[0]
        if not state.shown:
            return NoticeReply(
                "There's no paper in the current list to pick — ask a question or say **more**."
            )
        return NoticeReply(
            f"Which one? Say e.g. **tell me about [2]** or **similar to [2]** (1–{len(state.shown)})."
        )
    if not state.shown:
        return NoticeReply("There's no paper in the current list to pick — ask a question or say **more**.")
    if not 1 <= number <= len(state.shown):
        return NoticeReply(f"There's no [{number}] — pick a number from 1 to {len(state.shown)}.")
    return number, state.shown[number - 1]


def _page_hits(
    index: PaperIndex, state: Conversation, start: int
) -> tuple[tuple[Hit, ...], int, SearchResults | None]:
    """The hits of the current list from `start` (one page), how many the list has, and the search
    results behind it (None for a similar list). A plain search pages natively; a list that skips cited
    papers, or a similar list, is ranked whole (up to MAX_LIMIT papers) and cut."""
    if state.kind == "similar" and state.similar_to is not None:
        hits = _filter_hits(index, index.similar(state.similar_to, limit=MAX_LIMIT), state.filters)
        return hits[start : start + PAGE_SIZE], len(hits), None
    query = state.filters.apply_to(state.query)
    if not state.exclude:
        results = index.search(query, limit=PAGE_SIZE, offset=start)
        return results.hits, results.total, results
    first = index.search(query, limit=MAX_LIMIT)
    skipped = set(state.exclude)
    kept = tuple(h for h in first.hits if h.paper.id not in skipped)
    return kept[start : start + PAGE_SIZE], len(kept), first


def _filter_hits(index: PaperIndex, hits: tuple[Hit, ...], f: Refinement) -> tuple[Hit, ...]:
    """Similar papers narrowed by filters (the search index filters its own results)."""
    by_author: set[str] | None = None
    for name in f.authors:
        ids = {p.id for p in index.papers_by_author(name)}
        by_author = ids if by_author is None else by_author & ids
    kept = [
        h
        for h in hits
        if (f.has_code is None or h.paper.has_code == f.has_code)
        and (f.date_from is None or (h.paper.published or date.min) >= f.date_from)
        and (f.date_to is None or (h.paper.published or date.max) <= f.date_to)
        and (not f.categories or set(f.categories) & set(h.paper.categories))
        and (by_author is None or h.paper.id in by_author)
    ]
    if f.newest_first or f.oldest_first:  # undated papers last either way
        sign = -1 if f.newest_first else 1
        kept.sort(
            key=lambda h: (h.paper.published is None, sign * (h.paper.published or date.min).toordinal())
        )
    return tuple(kept)


def _page(index: PaperIndex, state: Conversation, page: int, label: str) -> tuple[Reply, Conversation]:
    """Page `page` of the current list (state.kind is search or similar)."""
    start = (page - 1) * PAGE_SIZE
    chunk, total, results = _page_hits(index, state, start)
    notes = results.notes if results is not None else ()
    query = results.query if results is not None else state.query
    if not chunk and (page > 1 or state.exclude):
        return NoticeReply(f"That's all — no more papers in “{label}”."), state
    shown = state.shown[:start] + tuple(h.paper.id for h in chunk)
    reply = ListReply(
        label, SearchResults(chunk, total, query, notes), page, max(1, math.ceil(total / PAGE_SIZE))
    )
    return reply, replace(state, shown=shown, offset=start + len(chunk))


def _label(state: Conversation, index: PaperIndex) -> str:
    extra = state.filters.describe()
    if state.kind == "similar" and state.similar_to is not None:
        base = f"papers like “{index.get(state.similar_to).title}”"
    elif state.exclude:
        base = f"more for “{state.question}”"
    else:
        base = f"“{state.question}”"
    return f"{base} · {extra}" if extra else base


def _more(index: PaperIndex, state: Conversation) -> tuple[Reply, Conversation]:
    if state.kind == "picked":  # "another one" after "surprise me": another draw, never one already drawn
        again = pick(index, index.understand(state.question), exclude=frozenset(state.exclude))
        drawn = tuple(c.paper.id for c in again.citations)
        return AnswerReply(state.question, again), replace(
            state,
            shown=drawn or state.shown,
            exclude=(*state.exclude, *drawn),
            focus=None if drawn else state.focus,
        )
    if state.kind == "groups":  # a breakdown that named its first groups: now all of them
        everything = answer_question(index, state.question, everything=True)
        return AnswerReply(state.question, everything), replace(state, kind="sources")
    if state.kind == "sources":
        listing = replace(state, kind="search", shown=(), offset=0, filters=Refinement())
        return _page(index, listing, 1, _label(listing, index))
    page = math.ceil(state.offset / PAGE_SIZE) + 1
    return _page(index, state, page, _label(state, index))


def _refine(index: PaperIndex, state: Conversation, refinement: Refinement) -> tuple[Reply, Conversation]:
    kind: ListKind = "similar" if state.kind == "similar" else "search"
    listing = replace(
        state, kind=kind, shown=(), offset=0, exclude=(), filters=state.filters.merged(refinement)
    )
    return _page(index, listing, 1, _label(listing, index))


def _count(index: PaperIndex, state: Conversation, refinement: Refinement) -> tuple[Reply, Conversation]:
    """ "How many are there?", "how many of them have code?": the current list (narrowed), its number of
    papers first."""
    reply, counted = _refine(index, state, refinement)
    if isinstance(reply, ListReply):
        total = reply.results.total
        reply = replace(reply, label=f"{total} {'paper' if total == 1 else 'papers'}: {reply.label}")
    return reply, counted


def _similar(index: PaperIndex, state: Conversation, paper_id: str) -> tuple[Reply, Conversation]:
    listing = replace(
        state,
        kind="similar",
        similar_to=paper_id,
        shown=(),
        offset=0,
        exclude=(),
        filters=Refinement(),
        focus=paper_id,
    )
    return _page(index, listing, 1, _label(listing, index))


# --- plain text ----------------------------------------------------------------------------------------


def reply_text(reply: Reply) -> str:
    """The reply as plain text (terminal, or a channel where the bot may not embed)."""
    if isinstance(reply, AnswerReply):
        return reply.answer.render_text()
    if isinstance(reply, NoticeReply):
        return reply.text
    if isinstance(reply, PaperReply):
        p = reply.paper
        year = f" ({p.year})" if p.year else ""
        code = " · has code" if p.has_code else ""
        head = f"[{reply.number}] {p.title}\n{p.short_authors()}{year}{code} · id: {p.id}"
        return f"{head}\n\n{readable_abstract(p.abstract)}".rstrip()
    lines = [f"{reply.label} — page {reply.page}/{reply.pages}"]
    lines += [
        f"{n}. {reply.results.hits[i].paper.title} — {_byline(reply.results.hits[i].paper)}"
        for i, n in enumerate(range(reply.first_number, reply.first_number + len(reply.results.hits)))
    ]
    if not reply.results.hits:
        lines.append("No papers match that. Try fewer filters.")
    lines += [f"note: {n}" for n in reply.results.notes]
    return "\n".join(lines)


def _byline(paper: Paper) -> str:
    year = f" ({paper.year})" if paper.year else ""
    return f"{paper.short_authors()}{year} · {paper.id}"
