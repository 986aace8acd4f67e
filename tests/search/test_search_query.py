"""parse_query (the explicit syntax and bad input) and plain-question phrases read by the index."""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.model import Paper
from bot.errors import QueryError
from bot.search.index import PaperIndex
from bot.search.periods import describe_dates
from bot.search.query import MAX_QUERY_CHARS, Query, parse_query, year_span

TODAY = date(2026, 6, 15)


def _years(start: int | None, end: int | None) -> dict[str, date | None]:
    low, high = year_span(start, end)
    return {"date_from": low, "date_to": high}


def _between(start: date, end: date) -> dict[str, date | None]:
    return {"date_from": start, "date_to": end}


@pytest.fixture(scope="module")
def small_index() -> PaperIndex:
    """Three people and some topics, so plain questions have names and words to recognise."""
    papers = [
        Paper(id="a", title="Diffusion models", abstract="Pruning and fusion of transformers.",
              authors=("Thomas Hofmann", "Robert van der Klis"), published=date(2024, 3, 1)),
        Paper(id="b", title="Continual learning", abstract="Language models with code.",
              authors=("Aurélien Lucchi",), published=date(2023, 5, 1), categories=("CV",)),
    ]  # fmt: skip
    return PaperIndex.build(papers, today=lambda: TODAY)


def understood(index: PaperIndex, text: str) -> Query:
    return index.understand(text).query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:hofmann", Query(authors=("hofmann",))),
        ('author:"van der Klis"', Query(authors=("van der klis",))),
        ("au:Lucchi transformers", Query(text="transformers", authors=("lucchi",))),
        ("year:2024", Query(**_years(2024, 2024))),
        ("year:2022..2024", Query(**_years(2022, 2024))),
        ("year:2024..2022", Query(**_years(2022, 2024))),
        ("year:2023..", Query(**_years(2023, None))),
        ("year:..2022", Query(**_years(None, 2022))),
        ("cat:CV", Query(categories=("CV",))),
        ("cat:cv", Query(categories=("CV",))),
        ('cat:"computer vision"', Query(categories=("CV",))),
        ("cat:computer vision diffusion", Query(text="diffusion", categories=("CV",))),
        ("cat:nlp", Query(categories=("CL",))),
        ("cat:language", Query(categories=("CL",))),
        ("cat:machine learning", Query(categories=("LG", "ML"))),
        ("cat:AI", Query(categories=("AI",))),
        ("has:code", Query(has_code=True)),
        ("sort:date", Query(sort="date")),
        ("sort:oldest", Query(sort="oldest")),
        ('title:"state space" noci', Query(text="noci", title_text="state space")),
        ("ti:fusion title:transformer", Query(title_text="fusion transformer")),
        ("aff:harvard", Query(affiliations=("harvard",))),
        ('aff:"ETH Zurich"', Query(affiliations=("eth zurich",))),
        ("sort:relevance", Query(sort="relevance")),
        (
            "state-space models author:hofmann year:2025 cat:LG has:code sort:date",
            Query(
                "state-space models",
                ("hofmann",),
                date(2025, 1, 1),
                date(2025, 12, 31),
                ("LG",),
                has_code=True,
                sort="date",
            ),
        ),
    ],
)
def test_explicit_syntax(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latest papers by Hofmann", Query(authors=("hofmann",), sort="date")),
        ("newest papers by aurelien lucchi", Query(authors=("aurelien lucchi",), sort="date")),
        ("most recent work by van der Klis", Query(authors=("van der klis",), sort="date")),
        ("recent diffusion papers", Query(text="diffusion", sort="date")),
        ("show me papers on continual learning", Query(text="continual learning")),
        ("transformers in 2025", Query(text="transformers", **_years(2025, 2025))),
        ("pruning since 2023", Query(text="pruning", **_years(2023, None))),
        ("pruning after 2023", Query(text="pruning", **_years(2024, None))),
        ("pruning before 2024", Query(text="pruning", **_years(None, 2023))),
        ("fusion between 2022 and 2024", Query(text="fusion", **_years(2022, 2024))),
        ("fusion from 2022 to 2024", Query(text="fusion", **_years(2022, 2024))),
        ("fusion this year", Query(text="fusion", **_years(2026, 2026))),
        ("fusion last year", Query(text="fusion", **_years(2025, 2025))),
        ("fusion in March", Query(text="fusion", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))),
        ("fusion last month", Query(text="fusion", date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))),
        ("what did Lucchi publish", Query(authors=("lucchi",))),
        ("Hofmann's papers", Query(authors=("hofmann",))),
        ("anything by Thomas", Query(authors=("thomas",))),
        ("papers by Hofmann and Lucchi", Query(authors=("hofmann", "lucchi"))),
        ("oldest papers by Hofmann", Query(authors=("hofmann",), sort="oldest")),
        ("diffusion with code", Query(text="diffusion", has_code=True)),
        ("diffusion without code", Query(text="diffusion", has_code=False)),
        ("diffusion work where the code is public", Query(text="diffusion", has_code=True)),
        ("papers whose code is online", Query(has_code=True)),
        ("how big is the collection overall, like total papers", Query()),
        ("what's the size of the collection", Query()),
        ("how many large language model papers", Query(text="large language model")),
        ("thomas's papers", Query(authors=("thomas",))),  # a possessive makes a lower-case first name a name
        ("thomas papers", Query(text="thomas")),  # … while alone it stays an ordinary word
        ("what's thomas up to", Query(authors=("thomas",))),  # … and before what people do, a person
        ("what is thomas doing these days", Query(authors=("thomas",), sort="date")),
        ("fusion in june of 2025", Query(text="fusion", **_between(date(2025, 6, 1), date(2025, 6, 30)))),
        ("fusion dec through feb", Query(text="fusion", **_between(date(2025, 12, 1), date(2026, 2, 28)))),
        ("fusion from oct to nov", Query(text="fusion", **_between(date(2025, 10, 1), date(2025, 11, 30)))),
        ("fusion winter of 23/24", Query(text="fusion", **_between(date(2023, 12, 1), date(2024, 2, 29)))),
        ("how much did we publish in 2024", Query(**_years(2024, 2024))),
        ("lucchi stuff tagged cs.CV", Query(authors=("lucchi",), categories=("CV",))),
        ("how many papers on fusion, i.e. merging several models", Query(text="fusion")),
        ("pruning-ish fusion", Query(text="pruning fusion")),
        # months without a year go into the year the question names elsewhere, before or after them
        (
            "fusion from last year in march",
            Query(text="fusion", **_between(date(2025, 3, 1), date(2025, 3, 31))),
        ),
        (
            "fusion in march of last year",
            Query(text="fusion", **_between(date(2025, 3, 1), date(2025, 3, 31))),
        ),
        (
            "fusion in 2024 between march and may",
            Query(text="fusion", **_between(date(2024, 3, 1), date(2024, 5, 31))),
        ),
        (
            "fusion in the winter of 23/24, dec through feb",
            Query(text="fusion", **_between(date(2023, 12, 1), date(2024, 2, 29))),
        ),
        ("fusion since last christmas", Query(text="fusion", date_from=date(2025, 12, 25))),
        ("fusion before christmas 2024", Query(text="fusion", date_to=date(2024, 12, 24))),
        ("fusion since new year", Query(text="fusion", date_from=date(2026, 1, 1))),
        # "around": the period and one like it on each side (two weeks for a day)
        (
            "fusion from around christmas",
            Query(text="fusion", **_between(date(2025, 12, 11), date(2026, 1, 8))),
        ),
        ("fusion around march 2025", Query(text="fusion", **_between(date(2025, 2, 1), date(2025, 4, 30)))),
        ("fusion around dec 2025", Query(text="fusion", **_between(date(2025, 11, 1), date(2026, 1, 31)))),
        ("fusion circa 2020", Query(text="fusion", **_years(2019, 2021))),
        ("fusion around the corner", Query(text="fusion around the corner")),
        ("fusion papers whose authors include Lucchi", Query(text="fusion", authors=("lucchi",))),
        ("papers whose abstract mentions fusion", Query(text="fusion")),
        ("what does fusion stand for", Query(text="fusion")),
        ("explain fusion like i'm five", Query(text="fusion")),
        ("hey all, I'm preparing a talk on fusion. Do we have papers on it?", Query(text="fusion")),
        ("which papers would be relevant for someone doing fusion", Query(text="fusion")),
        ("we need a paper on fusion for reading group, suggestions?", Query(text="fusion")),
        # which end of a year: the cue words are no topic
        ("what was our final paper of 2024", Query(sort="date", **_years(2024, 2024))),
        ("which paper closed out 2024", Query(sort="date", **_years(2024, 2024))),
        ("what did we kick off 2025 with", Query(sort="oldest", **_years(2025, 2025))),
        ("the final layer of transformers", Query(text="final layer of transformers")),
        ("what dropped this past may", Query(**_between(date(2026, 5, 1), date(2026, 5, 31)))),
        (
            "fusion papers from last may",
            Query(text="fusion", **_between(date(2026, 5, 1), date(2026, 5, 31))),
        ),
        ("fusion paper count by now?", Query(text="fusion")),
        ("earliest fusion paper we have on record", Query(text="fusion", sort="oldest")),
        ("what did hofmann publish first", Query(authors=("hofmann",), sort="oldest")),
        ("fusion papers that have a repo", Query(text="fusion", has_code=True)),
        ("count the fusion papers (merging several trained models)", Query(text="fusion")),
        ("which fusion papers does thomas appear on", Query(text="fusion", authors=("thomas",))),
        ("who would be the right person to chat with about fusion", Query(text="fusion")),
        ("computer vision category, 2024 only", Query(categories=("CV",), **_years(2024, 2024))),
        ("ML theory papers", Query(categories=("ML",))),
        ("computer vision by lucchi", Query(authors=("lucchi",), categories=("CV",))),
        ("deep learning theory papers", Query(text="deep learning theory")),
        # words a title must hold: a filter, named before or after its cue
        ("papers with fusion in the title", Query(title_text="fusion")),
        ("how many papers have the word pruning in their title", Query(title_text="pruning")),
        (
            "titles mentioning diffusion models since 2024",
            Query(title_text="diffusion models", **_years(2024, None)),
        ),
        (
            "papers whose title contains 'continual learning' by Lucchi",
            Query(authors=("lucchi",), title_text="continual learning"),
        ),
        ("fusion papers with transformers in the title", Query(text="fusion", title_text="transformers")),
        ("the title of the fusion paper", Query(text="fusion")),
        # a comparison not typed to its end: no search for "vs"
        ("fusion vs", Query(text="fusion")),
        ("hwo many papers did lucchi write", Query(authors=("lucchi",))),  # a typo in a question word
        # the titles or links of papers are the papers (listed with both)
        ("list the titles of lucchi's papers", Query(authors=("lucchi",))),
        ("links to all of lucchi's papers", Query(authors=("lucchi",))),
        ("a list of our 2024 papers", Query(**_years(2024, 2024))),
        ("code for the fusion papers", Query(text="fusion", has_code=True)),
        ("github repos of lucchi's papers", Query(authors=("lucchi",), has_code=True)),
        ("lucchi vs", Query(authors=("lucchi",))),
    ],
)
def test_plain_question_phrases(small_index: PaperIndex, text: str, expected: Query) -> None:
    assert understood(small_index, text) == expected


def test_by_something_that_is_no_name_stays_free_text(small_index: PaperIndex) -> None:
    assert understood(small_index, "attention by design") == Query(text="attention by design")


def test_the_explicit_syntax_reads_plain_words_literally() -> None:
    assert parse_query("latest papers by Hofmann") == Query(text="latest papers by Hofmann")


def test_words_that_only_look_like_syntax_are_kept_as_text() -> None:
    assert parse_query("ratio 3:1 foo:bar in 3D") == Query(text="ratio 3:1 foo:bar in 3D")


def test_a_query_of_filters_only_is_valid() -> None:
    query = parse_query("author:hofmann sort:date")
    assert query.text == ""
    assert query.has_filters


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x07\u200b"])
def test_empty_query_asks_what_to_look_for(text: str) -> None:
    with pytest.raises(QueryError, match=r"^Type what you're looking for, e\.g\. "):
        parse_query(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year:abc", "`year:` expects a year like 2024 or a range like 2022..2024, not “abc”."),
        ("year:24", "`year:` expects a year like 2024 or a range like 2022..2024, not “24”."),
        (
            "sort:stars",
            "`sort:` is `sort:date` (newest first), `sort:oldest` or `sort:relevance`, not “sort:stars”.",
        ),
        ("has:pdf", "`has:` understands only `has:code`, not “has:pdf”."),
        (
            "author:",
            "`author:` needs a name (mentions are not names), "
            'e.g. `author:hofmann` or `author:"van der Klis"`.',
        ),
        ("cat:", '`cat:` needs a category, e.g. `cat:CV`, `cat:nlp` or `cat:"machine learning"`.'),
        ('title:""', '`title:` needs words of a title: `title:transformer` or `title:"state space"`.'),
    ],
)
def test_malformed_filters_explain_the_syntax(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.message == message


def test_control_characters_are_stripped() -> None:
    assert parse_query("sparse\x00 atten\u200btion\r\nmodels").text == "sparse attention models"


def test_a_huge_query_is_cut_with_a_note() -> None:
    query = parse_query("transformers " * 800)  # 10,400 characters
    assert len(query.text) <= MAX_QUERY_CHARS
    assert query.text.startswith("transformers transformers")
    assert query.notes == ("Your query was cut to its first 512 characters.",)


def test_a_huge_query_without_spaces_is_cut_too() -> None:
    query = parse_query("x" * 10_000)
    assert query.text == "x" * MAX_QUERY_CHARS
    assert query.notes == ("Your query was cut to its first 512 characters.",)


@pytest.mark.parametrize(
    ("text", "categories", "free"),
    [
        ("recent computer vision papers with code", ("CV",), ""),
        ("papers in machine learning", ("LG", "ML"), ""),
        ("papers in computer vision about diffusion", ("CV",), "diffusion"),
        ("nlp papers", ("CL",), ""),
        ("computer vision in 2024", ("CV",), ""),
        ("machine learning with code", ("LG", "ML"), ""),
        ("language models with code", (), "language models"),  # a topic, not the CL category
        ("computer vision", (), "computer vision"),  # no listing noun, no "in": plain words
    ],
)
def test_field_names_in_plain_questions_become_category_filters(
    small_index: PaperIndex, text: str, categories: tuple[str, ...], free: str
) -> None:
    query = understood(small_index, text)
    assert query.categories == categories
    assert query.text == free


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # TODAY is 2026-06-15
        ("fusion from jan to june 2025", {"date_from": date(2025, 1, 1), "date_to": date(2025, 6, 30)}),
        ("fusion between march and may", {"date_from": date(2026, 3, 1), "date_to": date(2026, 5, 31)}),
        ("fusion three years ago", {"date_from": date(2023, 1, 1), "date_to": date(2023, 12, 31)}),
        ("fusion two months ago", {"date_from": date(2026, 4, 1), "date_to": date(2026, 4, 30)}),
        ("pre-2026 fusion", {"date_from": None, "date_to": date(2025, 12, 31)}),
        ("post-2023 fusion", {"date_from": date(2024, 1, 1), "date_to": None}),
        ("fusion up to 2023", {"date_from": None, "date_to": date(2023, 12, 31)}),
        ("fusion through 2023", {"date_from": None, "date_to": date(2023, 12, 31)}),
        ("fusion newer than 2024", {"date_from": date(2025, 1, 1), "date_to": None}),
        ("fusion older than 2024", {"date_from": None, "date_to": date(2023, 12, 31)}),
        ("fusion from early 2025", {"date_from": date(2025, 1, 1), "date_to": date(2025, 4, 30)}),
        ("fusion in mid 2024", {"date_from": date(2024, 5, 1), "date_to": date(2024, 8, 31)}),
        ("late 2023 fusion", {"date_from": date(2023, 9, 1), "date_to": date(2023, 12, 31)}),
        ("fusion h2 2025", {"date_from": date(2025, 7, 1), "date_to": date(2025, 12, 31)}),
        ("fusion from the 2010s", {"date_from": date(2010, 1, 1), "date_to": date(2019, 12, 31)}),
        ("fusion since the 2010s", {"date_from": date(2010, 1, 1), "date_to": None}),
        ("fusion this decade", {"date_from": date(2020, 1, 1), "date_to": date(2029, 12, 31)}),
        ("fusion ytd", {"date_from": date(2026, 1, 1), "date_to": TODAY}),
        ("fusion from earlier this year", {"date_from": date(2026, 1, 1), "date_to": TODAY}),
        ("fusion over the last couple of months", {"date_from": date(2026, 4, 15), "date_to": TODAY}),
        ("fusion a couple years back", {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}),
        ("fusion 2023-2025", {"date_from": date(2023, 1, 1), "date_to": date(2025, 12, 31)}),
        ("fusion 2023–2025", {"date_from": date(2023, 1, 1), "date_to": date(2025, 12, 31)}),
        ("fusion from 2024 to now", {"date_from": date(2024, 1, 1), "date_to": None}),
        ("fusion since 2024 till today", {"date_from": date(2024, 1, 1), "date_to": None}),
        ("fusion older than 3 years", {"date_from": None, "date_to": date(2023, 6, 14)}),
        ("fusion newer than 6 months", {"date_from": date(2025, 12, 15), "date_to": TODAY}),
        ("fusion less than a year old", {"date_from": date(2025, 6, 15), "date_to": TODAY}),
        ("fusion since the start of the year", {"date_from": date(2026, 1, 1), "date_to": None}),
        ("fusion this quarter", {"date_from": date(2026, 4, 1), "date_to": date(2026, 6, 30)}),
        ("fusion last quarter", {"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)}),
        ("fusion this semester", {"date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30)}),
        ("fusion last semester", {"date_from": date(2025, 7, 1), "date_to": date(2025, 12, 31)}),
        ("fusion back in 2023", {"date_from": date(2023, 1, 1), "date_to": date(2023, 12, 31)}),
    ],
)
def test_chat_shorthand_for_periods(
    small_index: PaperIndex, text: str, expected: dict[str, date | None]
) -> None:
    query = understood(small_index, text)
    assert (query.date_from, query.date_to) == (expected["date_from"], expected["date_to"])
    assert query.text == "fusion"


@pytest.mark.parametrize(
    ("text", "intent", "singular"),
    [
        ("who looked at fusion of transformers", "who_wrote", True),
        ("names on the fusion paper?", "who_wrote", True),
        ("when did lucchi start publishing", "oldest", True),  # "when": one paper, its date
        ("oldest of our fusion papers", "oldest", True),  # one paper, though it says "papers"
        ("oldest fusion papers", "oldest", False),
        ("who found that fusion needs care, i.e. the pruning one", "who_wrote", True),
    ],
)
def test_what_a_question_asks_for(small_index: PaperIndex, text: str, intent: str, singular: bool) -> None:
    question = small_index.understand(text)
    assert question.intent == intent
    if intent == "oldest":
        assert question.singular is singular
    if text.endswith("the pruning one"):  # a question about one paper keeps its restatement
        assert "pruning" in question.query.text.split()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the many ways people ask the same things: the kind of answer, and only the topic left to search
        ("who's responsible for the fusion paper", "who_wrote"),
        ("who are the people on the fusion paper?", "who_wrote"),
        ("who should i cite for fusion", "who_wrote"),
        ("the fusion paper, by whom?", "who_wrote"),
        ("which of us does fusion", "who_works_on"),
        ("who's big on fusion", "who_works_on"),
        ("anyone here familiar with fusion?", "who_works_on"),
        ("who could help me with fusion", "who_works_on"),
        ("which researchers study fusion", "who_works_on"),
        ("who has published on fusion", "who_works_on"),
        ("who wrote the most papers on fusion", "who_works_on"),
        ("anything fresh on fusion", "latest"),
        ("what has come out lately on fusion", "latest"),
        ("when did we first write about fusion", "oldest"),
        ("is it more than 5 papers on fusion", "count"),
        ("do we have a lot of papers on fusion", "count"),
        ("show me everything on fusion", "list"),
        ("when was our last fusion paper", "latest"),
        ("when did we start working on fusion", "oldest"),
    ],
)
def test_other_words_ask_the_same(small_index: PaperIndex, text: str, intent: str) -> None:
    question = small_index.understand(text)
    assert (question.intent, question.query.text) == (intent, "fusion")


def test_plus_joins_people_and_a_colon_followed_by_prose_is_no_filter(small_index: PaperIndex) -> None:
    assert set(understood(small_index, "hofmann+lucchi papers").authors) == {"hofmann", "lucchi"}
    question = small_index.understand("fusion: how many papers")  # not `fusion:` with an empty value
    assert (question.intent, question.query.text) == ("count", "fusion")


@pytest.mark.parametrize(
    "text",
    [
        "what came out last",  # a message may end on a word that starts a period: "last", "this"
        "fusion this",
        "fusion from the summer of",
        "papers since",
        "fusion between 2023 and",
        "fusion from march to",
    ],
)
def test_a_question_ending_where_a_period_would_begin_is_still_understood(
    small_index: PaperIndex, text: str
) -> None:
    question = small_index.understand(text)
    assert question.query.date_from is None or question.query.date_from <= TODAY


def test_every_beginning_of_a_question_is_understood_or_explained(small_index: PaperIndex) -> None:
    """A message cut off anywhere (sent too early, typed in pieces) never fails: it is read as what it is."""
    message = "what did hofmann publish in the summer of 2024 or last spring between march and may 2025"
    words = message.split(" ")
    for cut in range(1, len(words) + 1):
        small_index.understand(" ".join(words[:cut]))


@pytest.mark.parametrize("text", ["late fusion", "early stopping", "mid training", "walk me through fusion"])
def test_parts_of_a_year_without_a_year_are_topic_words(small_index: PaperIndex, text: str) -> None:
    query = understood(small_index, text)
    assert (query.date_from, query.date_to) == (None, None)
    assert set(text.split()) - {"walk", "me", "through"} <= set(query.text.split())


@pytest.mark.parametrize(
    "text",
    [
        "reading recommendations on fusion",
        "pointers to fusion papers?",
        "any good reads about fusion?",
        "i'm curious about fusion",
        "has anyone looked into fusion",
        "is there a paper that covers fusion",
        "smth on fusion",
        "refs on fusion pls",
        "is fusion on arxiv",
        "recomend a paper on fusion",  # misspelt, the words still only ask
        "what's the deal with fusion",
        "what's the gist of fusion",
    ],
)
def test_words_that_only_ask_for_a_topic_are_not_searched(small_index: PaperIndex, text: str) -> None:
    assert understood(small_index, text).text == "fusion"


@pytest.mark.parametrize("text", ["reading comprehension", "point clouds", "good initialisation"])
def test_a_topic_that_starts_like_a_request_is_kept(small_index: PaperIndex, text: str) -> None:
    assert understood(small_index, text).text == text


def test_lead_in_words_let_a_question_find_every_paper_on_its_topic(small_index: PaperIndex) -> None:
    plain = {h.paper.id for h in small_index.search("fusion").hits}
    asked = small_index.understand("reading recommendations on fusion")
    assert plain
    assert {h.paper.id for h in small_index.search(asked).hits} == plain


@pytest.mark.parametrize(
    "text",
    [
        "papers on *fusion*",
        "papers on `fusion`",
        "fusion papers 🙏",
        "@paperbot fusion?",
        "yo, fusion",
        "hey bot, fusion",
    ],
)
def test_chat_markup_greetings_and_emoji_are_not_searched(small_index: PaperIndex, text: str) -> None:
    assert understood(small_index, text).text == "fusion"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("which papers use fusion", "fusion"),
        ("papers that mention fusion", "fusion"),
        ("how many papers deal with fusion", "fusion"),
        ("use cases of fusion", "use cases of fusion"),  # a topic that starts like a relation keeps it
        ("study design for fusion", "study design for fusion"),
    ],
)
def test_how_a_set_of_papers_relates_to_its_topic_is_no_topic_word(
    small_index: PaperIndex, text: str, topic: str
) -> None:
    assert understood(small_index, text).text == topic


@pytest.mark.parametrize(
    "text",
    [
        "which lab member is the fusion person",
        "whom should i contact about fusion",
        "who has experience with fusion",
        "who can i bother about fusion",
        "is there a fusion expert here",
        "which authors work on fusion",
        "who are the authors working on fusion",
        "most active author on fusion",
        "who could explain fusion to me",
    ],
)
def test_asking_for_the_person_to_talk_to(small_index: PaperIndex, text: str) -> None:
    question = small_index.understand(text)
    assert (question.intent, question.query.text) == ("who_works_on", "fusion")


@pytest.mark.parametrize("text", ["mixture of experts", "person detection", "person re-identification"])
def test_words_that_ask_for_people_are_topic_words_in_a_topic(small_index: PaperIndex, text: str) -> None:
    assert understood(small_index, text).text == text


def test_a_number_of_years_is_a_period_not_a_number_of_papers(small_index: PaperIndex) -> None:
    question = small_index.understand("the last two years of fusion papers")
    assert question.wanted is None
    assert (question.query.date_from, question.query.date_to) == (date(2024, 6, 15), TODAY)
    assert question.query.text == "fusion"


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        (date(2026, 10, 1), date(2026, 12, 31), "October 2026–December 2026"),
        (date(2025, 3, 1), date(2025, 3, 31), "March 2025"),
        (date(2022, 1, 1), date(2024, 12, 31), "2022–2024"),
        (date(2025, 12, 2), date(2026, 12, 2), "2 December 2025–2 December 2026"),
        (date(2026, 11, 23), date(2026, 11, 29), "the week of 23 November 2026"),  # Monday to Sunday
        (date(2026, 11, 24), date(2026, 11, 30), "24 November 2026–30 November 2026"),
        (date(2026, 12, 5), date(2026, 12, 5), "5 December 2026"),
        (date(2025, 12, 25), None, "since 25 December 2025"),
    ],
)
def test_a_period_is_said_in_whole_years_whole_months_or_days(
    start: date, end: date | None, said: str
) -> None:
    assert describe_dates(start, end) == said


@pytest.mark.parametrize(
    ("today", "text", "start", "end"),
    [
        # a month back from the 31st lands on the last day of a shorter month, not in the wrong one
        (date(2026, 5, 31), "fusion in the last 3 months", date(2026, 2, 28), date(2026, 5, 31)),
        (date(2024, 3, 31), "fusion in the past month", date(2024, 2, 29), date(2024, 3, 31)),
        (date(2025, 1, 10), "fusion last month", date(2024, 12, 1), date(2024, 12, 31)),
        (date(2025, 1, 10), "fusion previous year", date(2024, 1, 1), date(2024, 12, 31)),
        # weeks run Monday to Sunday, whichever day it is today
        (date(2026, 6, 15), "fusion last week", date(2026, 6, 8), date(2026, 6, 14)),
        (date(2026, 6, 21), "fusion this week", date(2026, 6, 15), date(2026, 6, 21)),
        (date(2026, 3, 1), "fusion from yesterday", date(2026, 2, 28), date(2026, 2, 28)),
        # a month named alone is the latest one begun: this month's own, or last year's
        (date(2026, 3, 1), "fusion in march", date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 3, 1), "fusion in april", date(2025, 4, 1), date(2025, 4, 30)),
        (date(2028, 2, 29), "fusion older than 1 year", None, date(2027, 2, 27)),
    ],
)
def test_relative_dates_follow_the_calendar(
    today: date, text: str, start: date | None, end: date | None
) -> None:
    papers = [Paper(id="a", title="Fusion", abstract="Fusion.", authors=("A B",), published=date(2024, 3, 1))]
    query = PaperIndex.build(papers, today=lambda: today).understand(text).query
    assert (query.text, query.date_from, query.date_to) == ("fusion", start, end)
