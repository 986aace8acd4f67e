"""Follow-ups in a conversation: how a message is read, what the reply shows, and what is remembered."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answer import answer_question
from bot.conversation import (
    FOLLOW_UPS,
    NO_CONVERSATION,
    PAGE_SIZE,
    THANKS,
    AnswerReply,
    Conversation,
    ConversationMemory,
    FollowUp,
    ListReply,
    NoticeReply,
    PaperReply,
    Refinement,
    interpret,
    reply_text,
    respond,
)
from bot.corpus.model import Paper
from bot.errors import QueryError
from bot.search.index import PaperIndex
from bot.search.query import year_span


def _years(start: int | None, end: int | None) -> dict[str, object]:
    low, high = year_span(start, end)
    return {"date_from": low, "date_to": high}


def _paper(pid: str, title: str, year: int, cat: str, code: bool, abstract: str, *authors: str) -> Paper:
    return Paper(
        id=pid,
        title=title,
        authors=authors or ("Ada Lovelace",),
        published=date(year, 3, 1),
        categories=(cat,),
        has_code=code,
        abstract=abstract,
    )


PAPERS = [
    _paper("teachers", "Random Teachers are Good Teachers", 2023, "LG", True,
           "We distil a student from a random teacher. Distillation from random teachers works.",
           "Felix Sarnthein"),
    _paper("noisy", "Distilling Students from Noisy Teachers", 2024, "CV", False,
           "Knowledge distillation from noisy teachers for image classification students."),
    _paper("labels", "Self-Distillation Without Labels", 2022, "LG", True,
           "Self-distillation of a student teacher pair without any labels."),
    _paper("scale", "Distillation at Scale", 2025, "CL", False,
           "Distillation of large language model teachers into small students at scale."),
    _paper("vision", "Teacher Student Distillation for Vision", 2024, "CV", True,
           "Teacher student distillation for vision transformers.", "Thomas Hofmann"),
    _paper("survey", "A Survey of Knowledge Distillation", 2021, "LG", False,
           "We survey knowledge distillation: teachers, students and losses."),
    _paper("diffusion", "Distillation of Diffusion Models", 2025, "CV", True,
           "Distillation of diffusion model teachers into fast one-step students.", "Thomas Hofmann"),
    _paper("ssm", "State Space Models for Language", 2024, "CL", True,
           "Selective state space models for language modelling."),
    _paper("cosmo", "Cosmological Simulations at Scale", 2022, "CO", False,
           "N-body simulations of the universe with particle meshes."),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> PaperIndex:
    return PaperIndex.build(PAPERS)


def state_with(index: PaperIndex, shown: tuple[str, ...], **kw: object) -> Conversation:
    return Conversation(question="distillation", query=index.parse("distillation"), shown=shown, **kw)  # type: ignore[arg-type]


THREE = ("teachers", "noisy", "labels")

# --- interpret ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "more",
        "More please",
        "next",
        "next page",
        "what else?",
        "show me more",
        "any more results?",
        "tell me more",
    ],
)
def test_asking_for_more_in_many_words(text: str) -> None:
    assert interpret(text) == FollowUp("more")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("tell me about the second one", 2),
        ("the first one", 1),
        ("what about 3?", 3),
        ("abstract of [1]", 1),
        ("[2]", 2),
        ("2", 2),
        ("#3", 3),
        ("number two", 2),
        ("more about 2", 2),
        ("show me the 3rd", 3),
        ("the last one", 3),
    ],
)
def test_pointing_at_a_listed_paper(text: str, number: int, index: PaperIndex) -> None:
    assert interpret(text, state_with(index, THREE)) == FollowUp("detail", number)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("similar to [2]", 2),
        ("papers like the first one", 1),
        ("anything similar to 3?", 3),
        ("related to [1]", 1),
        ("more like 2", 2),
        ("more like this", None),
        ("similar ones", None),
    ],
)
def test_asking_for_similar_papers(text: str, number: int | None) -> None:
    assert interpret(text) == FollowUp("similar", number)


@pytest.mark.parametrize(
    ("text", "refinement"),
    [
        ("only ones with code", Refinement(has_code=True)),
        ("which ones have code?", Refinement(has_code=True)),
        ("without code", Refinement(has_code=False)),
        ("newer ones", Refinement(newest_first=True)),
        ("more recent ones", Refinement(newest_first=True)),
        ("oldest first", Refinement(oldest_first=True)),
        ("older ones", Refinement(oldest_first=True)),
        ("from 2024", Refinement(**_years(2024, 2024))),
        ("only 2024", Refinement(**_years(2024, 2024))),
        ("what about 2024?", Refinement(**_years(2024, 2024))),
        ("since 2023", Refinement(**_years(2023, None))),
        ("2022-2024", Refinement(**_years(2022, 2024))),
        ("only computer vision", Refinement(categories=("CV",))),
        ("cat:CL", Refinement(categories=("CL",))),
        ("only vision ones with code", Refinement(has_code=True, categories=("CV",))),
    ],
)
def test_narrowing_the_list(text: str, refinement: Refinement) -> None:
    assert interpret(text) == FollowUp("refine", refinement=refinement)


def test_author_and_category_codes_are_recognised_with_the_index(index: PaperIndex) -> None:
    assert interpret("any by Hofmann?", index=index) == FollowUp(
        "refine", refinement=Refinement(authors=("hofmann",))
    )
    assert interpret("only LG", index=index) == FollowUp("refine", refinement=Refinement(categories=("LG",)))


@pytest.mark.parametrize(
    "text",
    [
        "what is self-distillation?",
        "what about diffusion models?",
        "tell me about attention",
        "papers on gpt 4",  # a number inside a question is not a reference
        "compare [1] and [2]",  # two references: not a single follow-up
        "I would like more detail on teachers",
        "latest papers by Hofmann",  # names papers without narrowing: a new request
    ],
)
def test_anything_else_is_a_new_question(text: str, index: PaperIndex) -> None:
    assert interpret(text, state_with(index, THREE), index=index).kind == "question"


@pytest.mark.parametrize("text", ["", "   ", "help", "?", "👍"])
def test_nothing_or_help_is_help(text: str) -> None:
    assert interpret(text) == FollowUp("help")


@pytest.mark.parametrize("text", ["thanks!", "Thank you very much", "ok great", "cool, thx"])
def test_thanks_is_not_searched_for(text: str, index: PaperIndex) -> None:
    state = state_with(index, THREE)
    assert respond(index, state, text) == (NoticeReply(THANKS), state)


# --- respond: new questions and details ----------------------------------------------------------------


def test_a_question_is_answered_and_its_sources_become_the_list(index: PaperIndex) -> None:
    reply, state = respond(index, None, "distillation from random teachers")
    assert isinstance(reply, AnswerReply)
    cited = [c.paper.id for c in reply.answer.citations]
    assert cited[0] == "teachers"
    assert state is not None
    assert state.shown == tuple(cited)
    assert state.question == "distillation from random teachers"


def test_the_second_one_opens_the_second_source(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation teachers students")
    assert state is not None
    assert len(state.shown) >= 2
    reply, after = respond(index, state, "tell me about the second one")
    assert reply == PaperReply(2, index.get(state.shown[1]))
    assert after is not None
    assert after.focus == state.shown[1]
    assert after.shown == state.shown  # a card doesn't change what the numbers mean


@pytest.mark.parametrize("follow_up", ["who wrote it?", "when was it published?", "who wrote that one"])
def test_asking_about_it_opens_the_paper_in_view(index: PaperIndex, follow_up: str) -> None:
    _, state = respond(index, None, "state space models for language")
    assert state is not None
    assert len(state.shown) == 1
    reply, _ = respond(index, state, follow_up)
    assert reply == PaperReply(1, index.get(state.shown[0]))


def test_asking_about_it_among_several_papers_asks_which(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation teachers students")
    assert state is not None
    assert len(state.shown) >= 2
    reply, after = respond(index, state, "who wrote it?")
    assert isinstance(reply, NoticeReply)
    assert "Which one?" in reply_text(reply)
    assert after == state


def test_a_number_beyond_the_list_says_which_exist(index: PaperIndex) -> None:
    state = state_with(index, THREE)
    reply, after = respond(index, state, "tell me about 7")
    assert reply == NoticeReply("There's no [7] — pick a number from 1 to 3.")
    assert after == state


def test_without_a_conversation_follow_ups_say_so(index: PaperIndex) -> None:
    for text in ("more", "the second one", "similar to [2]"):
        assert respond(index, None, text) == (NoticeReply(NO_CONVERSATION), None)


def test_without_a_conversation_a_filter_is_asked_as_a_question(index: PaperIndex) -> None:
    reply, state = respond(index, None, "with code")
    assert isinstance(reply, AnswerReply)
    with_code = [p.id for p in index.papers if p.has_code]
    assert [c.paper.id for c in reply.answer.citations] == sorted(
        with_code, key=lambda i: index.get(i).published or date.min, reverse=True
    )
    assert reply.answer.text.startswith(f"{len(with_code)} papers")
    assert state is not None


def test_help_keeps_the_conversation(index: PaperIndex) -> None:
    """ "help" says what can be asked and how to follow up, and the answer before it can still be followed
    up ("more" after "help")."""
    state = state_with(index, THREE)
    reply, after = respond(index, state, "help")
    assert after == state
    assert isinstance(reply, NoticeReply)
    assert FOLLOW_UPS in reply.text
    assert reply.text.startswith(answer_question(index, "help").text)


def test_a_malformed_query_is_a_query_error(index: PaperIndex) -> None:
    with pytest.raises(QueryError):
        respond(index, None, "teachers year:soon")


# --- respond: more ---------------------------------------------------------------------------------------


def test_more_lists_the_next_matches_without_the_cited_ones(index: PaperIndex) -> None:
    state = state_with(index, ("teachers",), exclude=("teachers",))
    reply, after = respond(index, state, "more")
    assert isinstance(reply, ListReply)
    ids = [h.paper.id for h in reply.results.hits]
    assert "teachers" not in ids
    assert len(ids) == PAGE_SIZE
    assert (reply.page, reply.pages, reply.first_number) == (1, 2, 1)
    assert reply.results.total == 6  # 7 papers mention distillation, one was cited
    assert reply.label == "more for “distillation”"
    assert after is not None
    assert after.shown == tuple(ids)
    assert after.kind == "search"


def test_more_again_continues_numbering_then_says_thats_all(index: PaperIndex) -> None:
    state = state_with(index, ("teachers",), exclude=("teachers",))
    first, state2 = respond(index, state, "more")
    second, state3 = respond(index, state2, "next")
    assert isinstance(first, ListReply)
    assert isinstance(second, ListReply)
    assert (second.page, second.first_number, len(second.results.hits)) == (2, 6, 1)
    assert state3 is not None
    assert len(state3.shown) == 6
    assert set(state3.shown) == {"noisy", "labels", "scale", "vision", "survey", "diffusion"}
    # "the sixth one" is the one shown on the second page
    card, _ = respond(index, state3, "the sixth one")
    assert card == PaperReply(6, index.get(state3.shown[5]))
    done, state4 = respond(index, state3, "more")
    assert done == NoticeReply("That's all — no more papers in “more for “distillation””.")
    assert state4 == state3


# --- respond: refine -------------------------------------------------------------------------------------


def test_only_ones_with_code_lists_matches_that_have_code(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation")
    reply, after = respond(index, state, "only ones with code")
    assert isinstance(reply, ListReply)
    assert sorted(h.paper.id for h in reply.results.hits) == ["diffusion", "labels", "teachers", "vision"]
    assert reply.label == "“distillation” · with code"
    assert after is not None
    assert after.filters == Refinement(has_code=True)


def test_filters_add_up_and_newer_ones_sorts_newest_first(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation")
    _, state = respond(index, state, "only ones with code")
    reply, state = respond(index, state, "newer ones")
    assert isinstance(reply, ListReply)
    assert [h.paper.id for h in reply.results.hits] == ["diffusion", "vision", "teachers", "labels"]
    reply, state = respond(index, state, "from 2024")
    assert isinstance(reply, ListReply)
    assert [h.paper.id for h in reply.results.hits] == ["vision"]
    assert reply.label == "“distillation” · with code · 2024 · newest first"


def test_oldest_first_turns_the_list_round_and_newest_first_back(index: PaperIndex) -> None:
    """ "Oldest first" after a topic answer orders that topic's papers, not every paper in the corpus."""
    _, state = respond(index, None, "distillation")
    on_topic = {h.paper.id for h in index.search("distillation", limit=50).hits}
    oldest, state = respond(index, state, "oldest first")
    assert isinstance(oldest, ListReply)
    dates = [h.paper.published for h in oldest.results.hits]
    assert {h.paper.id for h in oldest.results.hits} <= on_topic
    assert dates == sorted(d for d in dates if d is not None)
    assert oldest.label == "“distillation” · oldest first"
    newest, _ = respond(index, state, "newest first")
    assert isinstance(newest, ListReply)
    newer = [h.paper.published for h in newest.results.hits]
    assert newer == sorted(newer, reverse=True)
    assert newer[0] == max(p.published for p in PAPERS if p.id in on_topic)


def test_and_with_code_narrows_the_list_like_only_ones_with_code(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation")
    reply, _ = respond(index, state, "and with code?")
    assert isinstance(reply, ListReply)
    assert sorted(h.paper.id for h in reply.results.hits) == ["diffusion", "labels", "teachers", "vision"]


def test_what_about_someone_else_asks_for_their_papers_instead(index: PaperIndex) -> None:
    _, state = respond(index, None, "papers by felix sarnthein")
    reply, state = respond(index, state, "what about thomas hofmann?")
    assert isinstance(reply, ListReply)
    assert sorted(h.paper.id for h in reply.results.hits) == ["diffusion", "vision"]
    reply, _ = respond(index, state, "only with code")  # the switch stays: Hofmann's papers with code
    assert isinstance(reply, ListReply)
    assert sorted(h.paper.id for h in reply.results.hits) == ["diffusion", "vision"]


def test_a_filter_nothing_matches_gives_an_empty_list(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation")
    reply, _ = respond(index, state, "from 2019")
    assert isinstance(reply, ListReply)
    assert reply.results.hits == ()
    assert "No papers match that" in reply_text(reply)


# --- respond: similar ------------------------------------------------------------------------------------


def test_similar_to_a_number_lists_papers_like_it_without_itself(index: PaperIndex) -> None:
    state = state_with(index, THREE)
    reply, after = respond(index, state, "similar to [2]")
    assert isinstance(reply, ListReply)
    ids = [h.paper.id for h in reply.results.hits]
    assert ids == ["survey", "vision", "teachers", "scale", "diffusion"]  # itself and off-topic papers absent
    assert reply.label == "papers like “Distilling Students from Noisy Teachers”"
    assert after is not None
    assert after.kind == "similar"
    assert after.similar_to == "noisy"
    # the numbers now point into the similar list
    card, _ = respond(index, after, "the first one")
    assert card == PaperReply(1, index.get(ids[0]))


def test_more_like_this_uses_the_paper_last_opened(index: PaperIndex) -> None:
    state = state_with(index, THREE)
    _, state2 = respond(index, state, "abstract of [3]")
    reply, after = respond(index, state2, "more like this")
    assert isinstance(reply, ListReply)
    assert reply.label == "papers like “Self-Distillation Without Labels”"
    assert after is not None
    assert after.similar_to == "labels"


def test_similar_without_a_number_asks_which(index: PaperIndex) -> None:
    reply, _ = respond(index, state_with(index, THREE), "similar ones")
    assert reply == NoticeReply("Which one? Say e.g. **tell me about [2]** or **similar to [2]** (1–3).")


def test_a_similar_list_can_be_narrowed(index: PaperIndex) -> None:
    _, state = respond(index, state_with(index, THREE), "similar to 1")
    reply, _ = respond(index, state, "only ones with code")
    assert isinstance(reply, ListReply)
    assert {h.paper.id for h in reply.results.hits} <= {"labels", "vision", "diffusion", "ssm"}
    assert all(h.paper.has_code for h in reply.results.hits)
    assert reply.label == "papers like “Random Teachers are Good Teachers” · with code"


def test_a_new_question_in_a_conversation_starts_a_new_list(index: PaperIndex) -> None:
    state = state_with(index, THREE)
    reply, after = respond(index, state, "state space models for language")
    assert isinstance(reply, AnswerReply)
    assert after is not None
    assert after.shown == ("ssm",)
    assert after.question == "state space models for language"


# --- text and memory -------------------------------------------------------------------------------------


def test_reply_text_numbers_a_page_as_the_embed_does(index: PaperIndex) -> None:
    state = state_with(index, ("teachers",), exclude=("teachers",))
    _, state = respond(index, state, "more")
    reply, _ = respond(index, state, "more")
    assert isinstance(reply, ListReply)
    lines = reply_text(reply).splitlines()
    assert lines[0] == "more for “distillation” — page 2/2"
    assert lines[1].startswith("6. ")


def test_memory_forgets_the_least_recently_used() -> None:
    memory: ConversationMemory[int, str] = ConversationMemory(capacity=2)
    memory.put(1, "a")
    memory.put(2, "b")
    assert memory.get(1) == "a"  # 1 is now the most recent
    memory.put(3, "c")
    assert (memory.get(1), memory.get(2), memory.get(3)) == ("a", None, "c")
    assert len(memory) == 2
    with pytest.raises(ValueError, match="capacity"):
        ConversationMemory(capacity=0)


def test_how_many_counts_the_list_in_view_and_how_many_of_them_narrows_it(index: PaperIndex) -> None:
    reply, state = respond(index, None, "papers on distillation")
    assert isinstance(reply, AnswerReply)
    matching = reply.answer.matches
    assert len(matching) > 2
    counted, state = respond(index, state, "how many are there?")
    assert isinstance(counted, ListReply)
    assert counted.label.startswith(f"{len(matching)} papers")
    with_code = [p for p in matching if p.has_code]
    assert 0 < len(with_code) < len(matching)
    narrowed, _ = respond(index, state, "how many of them have code?")
    assert isinstance(narrowed, ListReply)
    assert narrowed.label.startswith(f"{len(with_code)} papers")
    assert {h.paper.id for h in narrowed.results.hits} <= {p.id for p in with_code}


def test_how_many_with_a_topic_of_its_own_is_a_new_question(index: PaperIndex) -> None:
    _, state = respond(index, None, "papers on distillation")
    assert interpret("how many papers on state space models?", state, index=index).kind == "question"


def test_more_after_a_breakdown_names_every_group() -> None:
    """ "How many authors are there?" names the 20 with the most papers; "more" names them all."""
    many = [
        Paper(
            id=f"p{n}", title=f"Paper {n}", authors=(f"Person {n}", f"Other {n}"), published=date(2024, 1, 1)
        )
        for n in range(15)
    ]
    crowded = PaperIndex.build([*PAPERS, *many])
    reply, state = respond(crowded, None, "how many authors are there?")
    assert isinstance(reply, AnswerReply)
    everyone = {a for p in crowded.papers for a in p.authors}
    assert reply.answer.unshown_groups > 0
    more, _ = respond(crowded, state, "more")
    assert isinstance(more, AnswerReply)
    assert more.answer.unshown_groups == 0
    assert all(f"{name} (" in more.answer.text for name in everyone)


# --- respond: another paper at random ------------------------------------------------------------------


@pytest.mark.parametrize("again", ["another one", "another", "again", "one more"])
def test_another_one_after_a_random_paper_draws_each_match_once_then_says_so(
    index: PaperIndex, again: str
) -> None:
    cv = {p.id for p in PAPERS if "CV" in p.categories}
    first, state = respond(index, None, "a random computer vision paper")
    assert isinstance(first, AnswerReply)
    drawn = [c.paper.id for c in first.answer.citations]
    for _ in range(len(cv) - 1):
        reply, state = respond(index, state, again)
        assert isinstance(reply, AnswerReply)
        drawn += [c.paper.id for c in reply.answer.citations]
    assert sorted(drawn) == sorted(cv)  # each computer vision paper once, nothing else
    last, after = respond(index, state, again)
    assert isinstance(last, AnswerReply)
    assert last.answer.citations == ()
    assert f"every one of the {len(cv)} papers" in last.answer.text
    assert after == state


def test_tell_me_more_after_a_random_paper_opens_it_and_follows_the_latest_draw(index: PaperIndex) -> None:
    first, state = respond(index, None, "surprise me")
    assert isinstance(first, AnswerReply)
    card, state = respond(index, state, "tell me more")
    assert card == PaperReply(1, first.answer.citations[0].paper)  # the paper drawn, not another draw
    again, state = respond(index, state, "another one")
    assert isinstance(again, AnswerReply)
    second, _ = respond(index, state, "tell me more")
    assert second == PaperReply(1, again.answer.citations[0].paper)


def test_who_else_worked_on_it_opens_the_paper_in_view(index: PaperIndex) -> None:
    _, state = respond(index, None, "distillation")
    _, state = respond(index, state, "the second one")
    assert state is not None
    reply, _ = respond(index, state, "who else worked on it?")
    assert reply == PaperReply(2, index.get(state.shown[1]))
