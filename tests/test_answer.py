"""answer_question: answers in the shape of the question, every claim quoted from the paper it cites.

Properties, not copied strings: each quoted sentence comes from the cited paper's abstract, a list cites
exactly the papers that match (in the order shown), a count says how many match, "who wrote" names the
paper's listed authors, and a question the corpus can't answer cites nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from bot import answer as answer_module
from bot.answer import MIN_COVERAGE, REFUSAL, SCREENFUL, Answer, answer_question
from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.errors import QueryError
from bot.search.analysis import analyze, fold
from bot.search.index import PaperIndex
from bot.search.query import category_label

TODAY = date(2026, 12, 2)
_CITED = re.compile(r"([^.!?]*?)\s*\[(\d+)\]([.!?]?)")

RANDOM_TEACHERS = "random-teachers-are-good-teachers"
SUPER_CONSISTENCY = "super-consistency-of-neural-network-landscapes-and-learning"
SHAPED_TRANSFORMER = "the-shaped-transformer-attention-models-in-the-infinite"
LANGUINI = "the-languini-kitchen-enabling-language-modelling-research-at"
"""Bundled papers many questions here are about."""


@pytest.fixture(scope="module")
def index() -> PaperIndex:
    """The bundled lab corpus, read on TODAY (yearless listing dates and "this year" resolve against it)."""
    return PaperIndex.build(load_corpus(today=TODAY, strict=True).papers, today=lambda: TODAY)


def cited_sentences(answer: Answer) -> list[tuple[str, Paper]]:
    """(sentence without its marker, cited paper) for every "… [n]." in an extractive answer."""
    papers = {c.number: c.paper for c in answer.citations}
    return [(m.group(1).strip(), papers[int(m.group(2))]) for m in _CITED.finditer(answer.text)]


def normalised(text: str) -> str:
    return " ".join(fold(text).split())


@pytest.mark.parametrize(
    "question",
    [
        "what is the best pizza in Naples?",
        "how do I bake sourdough bread?",
        "quantum chromodynamics lattice gauge",
        "how does the weather affect neural networks?",
        "who won the world cup in 2022?",
        "protein folding",
        "papers by Yann LeCun",
        "what did Lorenzo publish this year?",
        "cheers bot, that helped",  # a thank-you
        "thanks, that was really useful",
        "ty!",
    ],
)
def test_questions_the_corpus_cannot_answer_cite_nothing(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert (answer.citations, answer.confident) == ((), False)
    assert "[1]" not in answer.text
    assert answer.to_json() == {"answer": answer.text, "citations": []}
    assert answer.render_text() == answer.text


@pytest.mark.parametrize(
    ("question", "first_source"),
    [
        ("what are random teachers in self-distillation?", RANDOM_TEACHERS),
        ("how do state space models track state?", "structured-sparse-transition-matrices-to-enable-state"),
        (
            "does sparsity help the curse of depth in LLMs?",
            "when-does-sparsity-mitigate-the-curse-of-depth-in-llms",
        ),
        ("tokenisation bias", "causal-estimation-of-tokenisation-bias"),
        ("what is benign memorisation?", "the-curious-case-of-benign-memorization"),
        ("is there anything on state space models?", None),
        ("anything about optimal transport?", None),
    ],
)
def test_topic_answers_quote_the_papers_they_cite(
    index: PaperIndex, question: str, first_source: str | None
) -> None:
    answer = answer_question(index, question)
    assert answer.confident
    if first_source is not None:
        assert answer.citations[0].paper.id == first_source
    quoted = cited_sentences(answer)
    assert {paper.id for _, paper in quoted} == {c.paper.id for c in answer.citations}
    for sentence, paper in quoted:
        source = normalised(f"“{paper.title}” {readable_abstract(paper.abstract)}")
        assert normalised(sentence.rstrip(" .…").lstrip("…")) in source


def test_a_source_must_score_close_to_the_best_to_be_cited() -> None:
    """MIN_RELATIVE_SCORE: a paper that covers the question but scores far below the best isn't cited."""
    strong = Paper(id="strong", title="Sparse attention routing", abstract="Sparse attention routing. " * 5)
    weak = Paper(id="weak", title="A long survey", abstract="Routing. " + "Unrelated filler words here. " * 60
                 + "Sparse attention.")  # fmt: skip
    small = PaperIndex.build([strong, weak, Paper(id="other", title="Other", abstract="Something else.")])
    assert {h.paper.id for h in small.search("sparse attention routing").hits} == {"strong", "weak"}
    cited = [c.paper.id for c in answer_question(small, "sparse attention routing").citations]
    assert cited == ["strong"]
    assert answer_module.MIN_RELATIVE_SCORE >= 0.5


def test_a_list_question_cites_every_match_in_the_order_shown(index: PaperIndex) -> None:
    answer = answer_question(index, "papers by Noci", everything=True)
    noci = [p for p in index.papers if any("Noci" in a for a in p.authors)]
    assert len(noci) == 7
    shown = [c.paper for c in answer.citations]
    assert {p.id for p in shown} == {p.id for p in noci}
    assert [c.number for c in answer.citations] == list(range(1, 8))
    dates = [p.published for p in shown]
    assert dates == sorted(dates, reverse=True)  # newest first, as the answer says
    assert answer.to_json()["citations"] == [{"id": p.id, "title": p.title} for p in shown]


def test_a_long_list_shows_a_screenful_and_says_how_many_more(index: PaperIndex) -> None:
    answer = answer_question(index, "papers by Hofmann")
    hofmann = [p for p in index.papers if "Thomas Hofmann" in p.authors]
    assert len(answer.citations) == SCREENFUL < len(hofmann) == answer.total
    assert answer.more == len(hofmann) - SCREENFUL
    assert f"and {answer.more} more" in answer.render_text()
    everything = answer_question(index, "papers by Hofmann", everything=True)
    assert {c.paper.id for c in everything.citations} == {p.id for p in hofmann}


def test_a_count_says_the_number_of_matching_papers_first(index: PaperIndex) -> None:
    answer = answer_question(index, "how many papers did the group publish in 2023?")
    in_2023 = [p for p in index.papers if p.year == 2023]
    assert answer.total == len(in_2023)
    assert re.findall(r"\d+", answer.text)[0] == str(len(in_2023))
    assert {p.id for p in answer.matches} == {p.id for p in in_2023}


LANGUINI = LANGUINI


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        ("who wrote the paper on random teachers?", RANDOM_TEACHERS),
        ("authors of the languini kitchen paper?", LANGUINI),
        # the other ways people ask for a paper's authors
        ("who's responsible for the random teachers paper", RANDOM_TEACHERS),
        ("who should I cite for random teachers?", RANDOM_TEACHERS),
        ("who worked on the random teachers paper", RANDOM_TEACHERS),
        ("the random teachers paper, by whom?", RANDOM_TEACHERS),
        ("random teachers paper authors?", RANDOM_TEACHERS),
        ("who was involved in the languini kitchen", LANGUINI),
        ("credits for the languini kitchen?", LANGUINI),
    ],
)
def test_who_wrote_names_the_listed_authors_and_says_when_the_list_is_cut(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    answer = answer_question(index, question)
    paper = index.get(paper_id)
    assert answer.citations[0].paper == paper
    for name in paper.authors:
        assert name in answer.text
    assert ("et al." in answer.text) == paper.authors_truncated


@pytest.mark.parametrize(
    "question", ["who works on state space models?", "who wrote the most papers on state space models?"]
)
def test_who_works_on_names_the_person_with_most_papers_on_the_topic(
    index: PaperIndex, question: str
) -> None:
    answer = answer_question(index, question)
    assert answer.people[0][0] == "Aleksandar Terzić"
    assert answer.people[0][1] == sum("Aleksandar Terzić" in c.paper.authors for c in answer.citations)


@pytest.mark.parametrize(
    "text",
    [
        "need someone to explain state space models to me, who?",
        "anyone who knows state space models?",
        "who has done stuff on state space models",
        "who's the go-to person for state space models",
        "any experts on state space models around?",
    ],
)
def test_asking_for_someone_who_knows_a_topic_names_people(index: PaperIndex, text: str) -> None:
    answer = answer_question(index, text)
    assert answer.people
    assert answer.people[0][0] == "Aleksandar Terzić"


def test_who_works_on_x_and_y_names_people_on_both_when_a_paper_covers_both(index: PaperIndex) -> None:
    both = answer_question(index, "who works on state space models and length generalization")
    ssm = {h.paper.id for h in index.search("state space models", limit=50).hits}
    length = {h.paper.id for h in index.search("length generalization", limit=50).hits}
    assert both.citations
    assert {c.paper.id for c in both.citations} == ssm & length


def test_who_works_on_x_and_y_names_people_on_either_when_no_paper_covers_both(index: PaperIndex) -> None:
    either = answer_question(index, "who works on state space models and diffusion")
    cited = {c.paper.id for c in either.citations}
    ssm = {h.paper.id for h in index.search("state space models", limit=50).hits}
    diffusion = {h.paper.id for h in index.search("diffusion", limit=50).hits}
    assert not ssm & diffusion
    assert cited & ssm
    assert cited & diffusion
    diffusion_authors = {a for c in either.citations if c.paper.id in diffusion for a in c.paper.authors}
    assert {name for name, _ in either.people} & diffusion_authors  # diffusion people are named too


def test_an_institution_named_with_a_word_the_listing_leaves_out_is_still_found(index: PaperIndex) -> None:
    answer = answer_question(index, "did we ever write something together with google deepmind")
    deepmind = {p.id for p in index.papers if "deepmind" in p.affiliations}
    assert deepmind
    assert {c.paper.id for c in answer.citations} == deepmind


def test_which_people_did_a_paper_names_its_authors(index: PaperIndex) -> None:
    answer = answer_question(index, "which people did neuron interpolation fusion")
    assert answer.question.intent == "who_wrote"
    assert all(name in answer.text for name in answer.citations[0].paper.authors)


def test_latest_on_a_topic_is_the_newest_relevant_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "summarize the latest paper on tokenization")
    assert answer.citations[0].paper.id == "causal-estimation-of-tokenisation-bias"


def test_a_typo_is_corrected_and_the_answer_says_so(index: PaperIndex) -> None:
    answer = answer_question(index, "transfomer fusion")
    assert answer.citations[0].paper.id == "transformer-fusion-with-optimal-transport"
    assert "“transfomer” → “transformer”" in answer.text


def test_filters_that_match_nothing_say_what_was_asked(index: PaperIndex) -> None:
    answer = answer_question(index, "author:nobody")
    assert (answer.citations, answer.confident) == ((), False)
    assert "I don't know an author called “nobody”." in answer.text


def test_empty_question_is_a_query_error(index: PaperIndex) -> None:
    with pytest.raises(QueryError, match="Type what you're looking for"):
        answer_question(index, "   ")


def test_an_empty_corpus_refuses() -> None:
    answer = answer_question(PaperIndex.build([]), "what are random teachers?")
    assert (answer.citations, answer.confident) == ((), False)


def test_a_bare_name_lists_that_persons_papers(index: PaperIndex) -> None:
    answer = answer_question(index, "Aurelien Lucchi")
    assert answer.citations
    assert all("lucchi" in fold(" ".join(c.paper.authors)) for c in answer.citations)
    assert answer.total == sum("lucchi" in fold(" ".join(p.authors)) for p in index.papers)


def _listing(index: PaperIndex, *names: str) -> list[set[str]]:
    """For each name, the ids of the papers listing that person."""
    return [{p.id for p in index.papers if any(name in a for a in p.authors)} for name in names]


def test_papers_by_one_person_or_another_lists_both_peoples_papers(index: PaperIndex) -> None:
    hofmann, noci = _listing(index, "Hofmann", "Noci")
    answer = answer_question(index, "papers by hofmann or noci", everything=True)
    assert {p.id for p in answer.matches} == hofmann | noci
    assert answer.total == len(hofmann | noci)
    assert "Thomas Hofmann or Lorenzo Noci" in answer.text


@pytest.mark.parametrize(
    "question", ["papers by hofmann without noci", "hofmann but not noci", "hofmann's papers excluding noci"]
)
def test_papers_by_one_person_without_another_leave_the_other_out(index: PaperIndex, question: str) -> None:
    hofmann, noci = _listing(index, "Hofmann", "Noci")
    answer = answer_question(index, question, everything=True)
    assert hofmann & noci  # the question leaves some of Hofmann's papers out
    assert {p.id for p in answer.matches} == hofmann - noci
    assert "without Lorenzo Noci" in answer.text


@pytest.mark.parametrize("question", ["lorenzo and gregor's joint papers", "lorenzo and gregor papers"])
def test_two_first_names_joined_by_and_are_two_people(index: PaperIndex, question: str) -> None:
    noci, bachmann = _listing(index, "Lorenzo Noci", "Gregor Bachmann")
    answer = answer_question(index, question, everything=True)
    assert noci & bachmann
    assert {p.id for p in answer.matches} == noci & bachmann


@pytest.mark.parametrize(
    "question",
    ["papers not about diffusion", "anything other than diffusion", "list papers besides the diffusion ones"],
)
def test_papers_not_about_a_topic_are_the_rest_of_the_corpus(index: PaperIndex, question: str) -> None:
    about = {h.paper.id for h in index.search("diffusion", limit=50).hits}
    answer = answer_question(index, question, everything=True)
    assert about
    assert {p.id for p in answer.matches} == {p.id for p in index.papers} - about


def test_a_topic_left_out_keeps_the_questions_other_filters(index: PaperIndex) -> None:
    about = {h.paper.id for h in index.search("diffusion", limit=50).hits}
    answer = answer_question(index, "how many of hofmann's papers are not about diffusion", everything=True)
    hofmann = {p.id for p in index.papers if "Thomas Hofmann" in p.authors}
    assert hofmann & about
    assert answer.total == len(hofmann - about)
    assert {p.id for p in answer.matches} == hofmann - about


@pytest.mark.parametrize(
    "question", ["papers where noci is first author", "noci's first-author papers", "noci as lead author"]
)
def test_first_author_papers_are_those_the_person_leads(index: PaperIndex, question: str) -> None:
    led = {p.id for p in index.papers if p.authors and "Noci" in p.authors[0]}
    listed = {p.id for p in index.papers if any("Noci" in a for a in p.authors)}
    answer = answer_question(index, question, everything=True)
    assert led
    assert led < listed  # the filter leaves out papers Noci is on but does not lead
    assert {p.id for p in answer.matches} == led


def test_who_is_the_first_author_of_a_paper_names_its_authors_first_one_first(index: PaperIndex) -> None:
    answer = answer_question(index, "who is the first author of the random teachers paper?")
    paper = index.get(RANDOM_TEACHERS)
    assert answer.citations[0].paper == paper
    assert paper.authors[0] in answer.text


@pytest.mark.parametrize("question", ["the paper with kitchen in the title", "the paper called languini"])
def test_naming_a_paper_by_its_title_finds_it(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert answer.citations[0].paper.id == LANGUINI


@pytest.mark.parametrize("question", ["noci's last 3 papers", "the three most recent papers by noci"])
def test_asking_for_a_number_of_papers_shows_that_many_newest_first(index: PaperIndex, question: str) -> None:
    theirs = sorted(
        (p for p in index.papers if "Lorenzo Noci" in p.authors),
        key=lambda p: p.published or TODAY,
        reverse=True,
    )
    answer = answer_question(index, question)
    assert len(theirs) > 3
    assert [c.paper.published for c in answer.citations] == [p.published for p in theirs[:3]]
    assert f"of {len(theirs)} papers" in answer.text


def test_top_n_on_a_topic_shows_the_n_best_matches(index: PaperIndex) -> None:
    best = [h.paper.id for h in index.search("diffusion", limit=50).hits]
    answer = answer_question(index, "top 5 diffusion papers")
    assert len(best) > 5
    assert [c.paper.id for c in answer.citations] == best[:5]


def test_a_number_that_is_part_of_a_word_is_no_count_of_papers(index: PaperIndex) -> None:
    question = index.understand("the 3d galaxy papers")
    assert question.wanted is None
    assert "3d" in question.query.text


def test_leaving_out_a_topic_no_paper_is_on_lists_nothing(index: PaperIndex) -> None:
    """ "anything not on my reading list" is chat, not a request for the whole corpus."""
    answer = answer_question(index, "anything not on my reading list")
    assert answer.citations == ()
    assert "nothing to leave out" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "how many papers deal with diffusion",
        "how many papers are related to diffusion",
        "how many diffusion-related papers",
        "count the papers that touch on diffusion",
        "how many of our papers use diffusion",
    ],
)
def test_how_papers_relate_to_a_topic_changes_no_count(index: PaperIndex, question: str) -> None:
    plain = answer_question(index, "how many papers on diffusion")
    answer = answer_question(index, question)
    assert plain.total > 1
    assert answer.total == plain.total
    assert {p.id for p in answer.matches} == {p.id for p in plain.matches}


def test_a_collaboration_with_an_institution_lists_its_papers(index: PaperIndex) -> None:
    answer = answer_question(index, "what came out of the collaboration with princeton?", everything=True)
    princeton = {p.id for p in index.papers if any("princeton" in a.lower() for a in p.affiliations)}
    assert princeton
    assert {p.id for p in answer.matches} == princeton


@pytest.mark.parametrize("question", ["who wrote it?", "when was this published?", "who wrote?"])
def test_a_question_about_a_paper_it_does_not_name_asks_for_the_name(
    index: PaperIndex, question: str
) -> None:
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert "Name the paper" in answer.text


def test_list_everything_lists_the_corpus(index: PaperIndex) -> None:
    answer = answer_question(index, "list everything", everything=True)
    assert answer.total == len(index.papers)


@pytest.mark.parametrize(
    "question",
    [
        "hey, sorry to bother — is there a paper on random teachers? cheers",
        "i need papers on random teachers for my lit review",
        "for my thesis i'm looking for work on random teachers",
    ],
)
def test_politeness_and_purpose_do_not_hide_the_topic(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert answer.citations[0].paper.id == RANDOM_TEACHERS


@pytest.mark.parametrize(
    "question",
    [
        "remind me what the random teachers paper was about",
        "i forgot the name of the paper about random teachers",
    ],
)
def test_asking_to_be_reminded_finds_the_paper(index: PaperIndex, question: str) -> None:
    assert answer_question(index, question).citations[0].paper.id == RANDOM_TEACHERS


@pytest.mark.parametrize(
    "question",
    ["who has worked with noci?", "noci's coauthors", "who does noci collaborate with",
     "has anyone here worked with Noci?", "did anybody in the lab ever write with noci",
     "who has Noci written with?", "who did noci publish with", "who wrote with Noci?"],
)
def test_who_works_with_someone_names_their_coauthors_most_first(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    expected = index.coauthors("Lorenzo Noci")
    assert answer.people
    assert "Lorenzo Noci" not in {name for name, _ in answer.people}
    assert answer.people[0][1] == expected[0][1]
    assert answer.people[0][0] in {name for name, n in expected if n == expected[0][1]}


def test_who_has_written_the_most_reads_as_a_sentence(index: PaperIndex) -> None:
    answer = answer_question(index, "who has the most papers?")
    assert "  " not in answer.text


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        (
            "what's the main idea of the shaped transformer paper",
            SHAPED_TRANSFORMER,
        ),
        (
            "key takeaways from the languini paper",
            LANGUINI,
        ),
        ("tl;dr super consistency", SUPER_CONSISTENCY),
        ("eli5 random teachers", RANDOM_TEACHERS),
    ],
)
def test_asking_for_a_papers_gist_finds_that_paper_by_its_words(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    """ "The main idea of", "key takeaways from", "tl;dr" only say what is wanted of the paper: the paper
    is found by the words that name it, not by meaning (the answer does not say it matched by meaning)."""
    answer = answer_question(index, question)
    assert answer.citations[0].paper.id == paper_id
    assert "closest in meaning" not in answer.text


def test_authors_for_a_paper_names_its_authors(index: PaperIndex) -> None:
    answer = answer_question(index, "authors for the super consistency paper?")
    paper = answer.citations[0].paper
    assert paper.id == SUPER_CONSISTENCY
    assert all(name in answer.text for name in paper.authors)


@pytest.mark.parametrize(
    "question", ["what fraction of our papers have code?", "what percentage of papers have code"]
)
def test_a_share_of_the_corpus_is_counted_and_given_as_a_percentage(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question, everything=True)
    with_code = [p for p in index.papers if p.has_code]
    percent = round(100 * len(with_code) / len(index.papers))
    assert answer.text.startswith(f"{len(with_code)} papers")
    assert f"{percent} % of the {len(index.papers)} papers" in answer.text
    assert {c.paper.id for c in answer.citations} == {p.id for p in with_code}


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        ("when was the random teachers paper published?", RANDOM_TEACHERS),
        (
            "what year is the shaped transformer from",
            SHAPED_TRANSFORMER,
        ),
        (
            "how old is the languini kitchen paper",
            LANGUINI,
        ),
        (
            "date of the super consistency paper",
            SUPER_CONSISTENCY,
        ),
    ],
)
def test_when_a_paper_was_published_is_its_listed_date(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [paper_id]
    published = index.get(paper_id).published
    assert published is not None
    assert published.strftime("%B %Y") in answer.text


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        ("abstract of the random teachers paper", RANDOM_TEACHERS),
        ("show me the languini abstract", LANGUINI),
        ("what does the abstract of the shaped transformer say?", SHAPED_TRANSFORMER),
    ],
)
def test_asking_for_a_papers_abstract_gives_the_whole_abstract(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [paper_id]
    assert readable_abstract(index.get(paper_id).abstract) in answer.text


@pytest.mark.parametrize(
    "question", ["papers whose abstract mentions diffusion", "papers with diffusion in the abstract"]
)
def test_where_a_word_should_appear_is_no_topic_word(index: PaperIndex, question: str) -> None:
    """ "Papers whose abstract mentions diffusion" lists the diffusion papers: "abstract" is where to look,
    not something the papers must be about, and no single abstract is shown."""
    answer = answer_question(index, question, everything=True)
    expected = answer_question(index, "papers on diffusion", everything=True)
    assert len(expected.matches) > 1
    assert [p.id for p in answer.matches] == [p.id for p in expected.matches]


def test_when_a_condition_holds_is_a_topic_question_not_a_publication_date(index: PaperIndex) -> None:
    """ "When is distilling from a random teacher useful?" asks for findings: the answer quotes the paper,
    it does not tell when the paper came out."""
    answer = answer_question(index, "when is distilling from a random teacher useful?")
    assert [c.paper.id for c in answer.citations][:1] == [RANDOM_TEACHERS]
    assert "published in" not in answer.text
    sentences = {s.text for s in index.sentences(RANDOM_TEACHERS)}
    assert any(s.rstrip(".") in answer.text for s in sentences)


@pytest.mark.parametrize(
    "question",
    [
        "which is older, random teachers or the languini paper?",
        "is the languini paper newer than random teachers?",
        "which came first, languini or random teachers?",
    ],
)
def test_two_papers_dates_set_side_by_side_cite_both_older_first(index: PaperIndex, question: str) -> None:
    teachers, languini = index.get(RANDOM_TEACHERS), index.get(LANGUINI)
    assert teachers.published is not None
    assert languini.published is not None
    older, newer = sorted([teachers, languini], key=lambda p: p.published or date.min)
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [older.id, newer.id]
    for paper in (older, newer):
        assert f"{paper.published:%B %Y}" in answer.text


def test_when_someone_last_published_is_their_newest_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "when did noci last publish?")
    newest = max(index.papers_by_author("Lorenzo Noci"), key=lambda p: p.published or date.min)
    assert [c.paper.id for c in answer.citations] == [newest.id]


@pytest.mark.parametrize(
    "question",
    [
        "papers not by noci",
        "which papers did noci not write",
        "papers noci didn't write",
        "papers lorenzo noci hasn't written",
        "papers without noci",
    ],
)
def test_a_person_asked_away_is_left_out_not_listed(index: PaperIndex, question: str) -> None:
    """A negated person is a filter the other way round: "papers Noci didn't write" used to list his."""
    (noci,) = _listing(index, "Noci")
    answer = answer_question(index, question, everything=True)
    assert {p.id for p in answer.matches} == {p.id for p in index.papers} - noci


@pytest.mark.parametrize(
    "question", ["papers not from eth", "non-ETH papers", "papers outside eth", "papers without eth authors"]
)
def test_an_institution_asked_away_is_left_out_not_listed(index: PaperIndex, question: str) -> None:
    eth = {p.id for p in index.papers if "eth-zurich" in p.affiliations}
    answer = answer_question(index, question, everything=True)
    assert eth
    assert {p.id for p in answer.matches} == {p.id for p in index.papers} - eth
    assert "not from ETH Zurich" in answer.text


@pytest.mark.parametrize(
    ("question", "papers"),
    [
        (
            "difference between gidd and latent-darm",
            {
                "generalized-interpolating-discrete-diffusion",
                "latent-darm-bridging-discrete-diffusion-and-autoregressive",
            },
        ),
        (
            "how does random teachers compare to benign memorization",
            {RANDOM_TEACHERS, "the-curious-case-of-benign-memorization"},
        ),
    ],
)
def test_a_comparison_cites_a_paper_on_each_side(index: PaperIndex, question: str, papers: set[str]) -> None:
    """No one paper covers both sides, so each side's best paper speaks, each quoted and cited."""
    answer = answer_question(index, question)
    assert {c.paper.id for c in answer.citations} == papers
    for citation in answer.citations:
        assert f"[{citation.number}]" in answer.text


def test_a_comparison_one_paper_makes_itself_keeps_that_paper(index: PaperIndex) -> None:
    """ "State space models vs transformers": a paper that discusses both is the best answer, and stays."""
    answer = answer_question(index, "difference between state space models and transformers")
    first = answer.citations[0].paper.id
    question = index.understand("state space models")
    assert index.coverage(question.words, first) >= MIN_COVERAGE
    assert index.coverage(index.understand("transformers").words, first) >= MIN_COVERAGE


@pytest.mark.parametrize(
    "question",
    [
        "how many gpus do we have?",
        "how many citations does the random teachers paper have?",
        "where is the kitchen?",
        "so is the cluster down again or is it just me",
        "our most important paper?",
        "what's Hofmann's h-index",
        "is there a paper with more than 10 authors?",
        "any single-author papers?",
    ],
)
def test_questions_about_other_things_than_papers_cite_nothing_and_say_why(
    index: PaperIndex, question: str
) -> None:
    """Counting GPUs or asking for the kitchen is no question about the papers: no paper that happens to say
    "GPU" or "kitchen" is offered, and the reply says what the bot can do instead."""
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert "paper" in answer.text
    assert REFUSAL not in answer.text  # nothing was searched for, so nothing was "not found"


@pytest.mark.parametrize(
    "message", ["thanks!", "thank you so much", "good bot", "hi", "hey paperbot", "help"]
)
def test_chat_that_asks_nothing_gets_a_reply_in_kind_and_cites_nothing(
    index: PaperIndex, message: str
) -> None:
    """ "good bot" is no search for good: it used to cite “Random Teachers are Good Teachers”."""
    answer = answer_question(index, message)
    assert answer.citations == ()
    assert REFUSAL not in answer.text


@pytest.mark.parametrize("message", ["help", "what can you do?", "?"])
def test_asking_for_help_gives_examples_that_work(index: PaperIndex, message: str) -> None:
    """The reply to "help" quotes example questions made from this corpus; each of them, asked, is answered
    (with citations, or a breakdown's groups)."""
    answer = answer_question(index, message)
    assert answer.citations == ()
    examples = re.findall(r"“([^”]+)”", answer.text)
    assert len(examples) >= 5
    for example in examples:
        asked = answer_question(index, example)
        assert asked.confident, example
        assert asked.citations or asked.groups, example


def test_work_related_to_a_topic_is_the_topic_not_papers_like_its_best_match(index: PaperIndex) -> None:
    """ "related to in-context learning" names a topic: its papers, not the papers resembling the best
    one ("related to the random teachers paper" names a paper, and gets those)."""
    topic = answer_question(index, "papers related to in-context learning", everything=True)
    plain = answer_question(index, "papers on in-context learning", everything=True)
    assert plain.matches
    assert topic.matches == plain.matches
    like = answer_question(index, "papers related to the random teachers paper")
    assert f"most like “{index.get(RANDOM_TEACHERS).title}”" in like.text
    assert len(like.citations) > 1


def test_chat_spellings_read_as_the_words_they_stand_for(index: PaperIndex) -> None:
    spelled = answer_question(index, "wat did hofmann publish last yr", everything=True)
    plain = answer_question(index, "what did hofmann publish last year", everything=True)
    assert plain.matches
    assert spelled.matches == plain.matches


def test_a_count_of_filters_that_match_nothing_is_zero_not_a_refusal(index: PaperIndex) -> None:
    """ "How many papers from 2031?": people, years and code are exact, so the answer is the number 0."""
    answer = answer_question(index, "how many papers from 2031?")
    assert answer.text.startswith("0 papers")
    assert answer.confident
    assert answer.citations == ()
    unknown = answer_question(index, "how many papers by Geoffrey Hinton?")  # perhaps a typo: said so
    assert not unknown.confident


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("when is the next reading group?", "/rg next"),
        ("who is presenting next week?", "/rg next"),
        ("can I propose a paper?", "/rg propose"),
        ("what's the paper of the day?", "/digest"),
        ("what did we read last session?", "/rg history"),
        ("add the languini paper to the reading list", "/rg propose"),
    ],
)
def test_questions_about_the_reading_group_or_digest_point_to_their_commands(
    index: PaperIndex, question: str, command: str
) -> None:
    """The corpus cannot say who presents next week; the reply names the command that can, citing nothing
    ("propose" is in many abstracts: no paper "proposing" something is offered)."""
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert command in answer.text


@pytest.mark.parametrize(
    ("question", "paper_id", "person"),
    [
        ("did hofmann co-author random teachers?", RANDOM_TEACHERS, "Hofmann"),
        ("is noci on the languini paper?", LANGUINI, "Noci"),
        ("did noci write the scaling mlps paper?", "scaling-mlps-a-tale-of-inductive-bias", "Noci"),
    ],
)
def test_whether_someone_is_on_a_paper_they_are_not_on_is_answered_with_its_authors(
    index: PaperIndex, question: str, paper_id: str, person: str
) -> None:
    """A "no" is an answer: the paper named, cited, with its listed authors (the person not among them),
    hedged when the listing cut its author list; never another paper of that person's found by meaning."""
    paper = index.get(paper_id)
    assert not any(person in author for author in paper.authors)
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [paper_id]
    assert all(author in answer.text for author in paper.authors)
    assert answer.text.startswith("Not as far as the listing shows" if paper.authors_truncated else "No:")


def test_whether_someone_wrote_on_a_topic_of_many_papers_is_a_plain_no(index: PaperIndex) -> None:
    """ "Has Noci written on diffusion?" names no one paper: none of his, so nothing is cited."""
    answer = answer_question(index, "has noci written on diffusion?")
    assert answer.citations == ()
    assert "Noci" in answer.text


def test_counting_times_someone_published_counts_their_papers(index: PaperIndex) -> None:
    (noci,) = _listing(index, "Noci")
    answer = answer_question(index, "how many times has noci published?", everything=True)
    assert answer.text.startswith(f"{len(noci)} papers")


def test_asking_where_a_papers_code_is_finds_the_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "where is the code for random teachers?")
    assert answer.citations[0].paper.id == RANDOM_TEACHERS


def test_a_plural_abbreviation_the_corpus_never_uses_is_spelled_out(index: PaperIndex) -> None:
    short = answer_question(index, "papers on VLMs", everything=True)
    spelled = answer_question(index, "papers on vision language models", everything=True)
    assert short.matches
    assert [p.id for p in short.matches] == [p.id for p in spelled.matches]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("papers similar to random teachers", RANDOM_TEACHERS),
        (
            "anything like the languini kitchen paper?",
            LANGUINI,
        ),
        (
            "more like the super consistency paper",
            SUPER_CONSISTENCY,
        ),
    ],
)
def test_papers_like_a_named_paper_are_its_closest_papers(
    index: PaperIndex, question: str, named: str
) -> None:
    """The same papers, in the same order, as /similar on the paper named; the paper itself is not listed."""
    answer = answer_question(index, question)
    expected = [h.paper.id for h in index.similar(named)]
    assert expected
    assert [c.paper.id for c in answer.citations] == expected
    assert index.get(named).title in answer.text


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        (
            "which paper should I cite for learning rate transfer",
            SUPER_CONSISTENCY,
        ),
        ("is there a survey on random teachers?", RANDOM_TEACHERS),
        (
            "what's a good intro paper for shaped transformers",
            SHAPED_TRANSFORMER,
        ),
    ],
)
def test_asking_which_paper_to_read_or_cite_finds_it_by_its_topic(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    answer = answer_question(index, question)
    assert answer.citations[0].paper.id == paper_id
    assert "closest in meaning" not in answer.text


@pytest.mark.parametrize(
    "question",
    ["what did we publish at NeurIPS?", "iclr papers", "papers accepted at ICML 2024",
     "what venues do we publish in?", "which conferences did we publish at in 2024?"],
)  # fmt: skip
def test_venues_the_listing_does_not_record_are_said_so_not_searched(
    index: PaperIndex, question: str
) -> None:
    """ "ICLR" is not misread as a typo of "ICL" and answered with in-context-learning papers."""
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert "doesn't say where papers appeared" in answer.text


@pytest.mark.parametrize("question", ["papers by hoffman", "hoffman's papers"])
def test_a_name_misspelt_after_by_or_with_a_possessive_is_corrected(index: PaperIndex, question: str) -> None:
    """ "Hoffman" is an English-dictionary name, two edits from "Hofmann": after "by" or with "'s" it is
    a person, so it is corrected (and the answer says so)."""
    (hofmann,) = _listing(index, "Hofmann")
    answer = answer_question(index, question, everything=True)
    assert {p.id for p in answer.matches} == hofmann
    assert "Showing results for" in answer.text


def test_a_verb_after_by_is_not_corrected_into_a_name(index: PaperIndex) -> None:
    """ "by adding a vector" says how, not who: "adding" is not "corrected" to the author Ding, whose two
    papers would otherwise be the only ones searched."""
    answer = answer_question(index, "steering a language model by adding a vector to its activations")
    assert "Showing results for" not in answer.text
    assert answer.question is not None
    assert answer.question.query.authors == ()


def test_a_first_name_before_what_they_did_is_that_person(index: PaperIndex) -> None:
    (noci,) = _listing(index, "Lorenzo Noci")
    answer = answer_question(index, "what's lorenzo been working on?", everything=True)
    assert {p.id for p in answer.matches} == noci


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        ("is the code for random teachers public?", RANDOM_TEACHERS),
        ("github for random teachers", RANDOM_TEACHERS),
        ("link to the shaped transformer paper", SHAPED_TRANSFORMER),
        ("does the languini paper have code?", LANGUINI),
        ("did the random teachers paper release code", RANDOM_TEACHERS),
        ("any code I can run for the random teachers paper?", RANDOM_TEACHERS),
    ],
)
def test_asking_for_a_papers_code_or_link_gives_the_listed_links(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    """The paper meant, cited, with every link the listing has for it, or a plain "no code or link"."""
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [paper_id]
    paper = index.get(paper_id)
    if paper.links:
        assert all(link in answer.text for link in paper.links)
    else:
        assert "no code or link" in answer.text


def test_papers_with_a_github_link_stay_a_list_of_papers_with_code(index: PaperIndex) -> None:
    answer = answer_question(index, "which papers have a github link?", everything=True)
    assert {p.id for p in answer.matches} == {p.id for p in index.papers if p.has_code}


@pytest.mark.parametrize(
    ("typed", "meant"), [("papers from princton", "princeton"), ("harvrd papers", "harvard")]
)
def test_a_misspelt_institution_is_corrected_and_the_answer_says_so(
    index: PaperIndex, typed: str, meant: str
) -> None:
    answer = answer_question(index, typed, everything=True)
    theirs = {p.id for p in index.papers if meant in p.affiliations}
    assert theirs
    assert {p.id for p in answer.matches} == theirs
    assert "Showing results for" in answer.text


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("summarize noci's latest", "Lorenzo Noci"),
        ("what did sotiris and gregor do together most recently", "Sotiris Anagnostidis"),
        ("what is enis working on right now?", "Enis Simsar"),
    ],
)
def test_what_someone_did_last_leads_with_their_newest_paper(
    index: PaperIndex, question: str, person: str
) -> None:
    answer = answer_question(index, question)
    theirs = [p for p in index.papers if person in p.authors]
    newest = max(theirs, key=lambda p: p.published or date.min)
    assert answer.citations[0].paper.id == newest.id


# --- a paper at random ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["surprise me", "give me a random paper", "suggest a paper to read", "what should I read next?",
     "pick a paper for me", "suggest something to read this weekend"],
)  # fmt: skip
def test_asking_for_something_to_read_draws_one_paper_of_the_corpus(index: PaperIndex, question: str) -> None:
    drawn = {answer_question(index, question).citations[0].paper.id for _ in range(60)}
    assert len(drawn) > 1  # asked again, another paper (all 60 draws alike: ~50^-59)
    answer = answer_question(index, question)
    (citation,) = answer.citations
    assert citation.paper in index.papers
    assert citation.paper.title in answer.text
    sentences = cited_sentences(answer)
    opening = readable_abstract(citation.paper.abstract)
    assert any(s and normalised(s.strip("“”")) in normalised(opening) for s, _ in sentences[1:])


def test_a_random_paper_with_filters_is_drawn_among_the_matches_alone(index: PaperIndex) -> None:
    noci_2023 = {p.id for p in index.papers if p.year == 2023 and any("Noci" in a for a in p.authors)}
    assert len(noci_2023) > 1
    drawn = {
        answer_question(index, "a random paper by Noci from 2023").citations[0].paper.id for _ in range(80)
    }
    assert drawn == noci_2023  # every match can come up, and nothing else does


def test_several_random_papers_are_distinct_and_all_match(index: PaperIndex) -> None:
    answer = answer_question(index, "3 random papers on diffusion")
    on_diffusion = {h.paper.id for h in index.search("diffusion", limit=50).hits}
    cited = [c.paper.id for c in answer.citations]
    assert len(cited) == len(set(cited)) == 3
    assert set(cited) <= on_diffusion
    assert answer.text.startswith(f"3 papers picked at random from the {len(on_diffusion)} papers")


def test_a_random_paper_on_what_the_corpus_lacks_cites_nothing(index: PaperIndex) -> None:
    answer = answer_question(index, "a random paper on sourdough baking")
    assert answer.citations == ()
    assert REFUSAL in answer.text


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [("who wrote the random teachers paper?", RANDOM_TEACHERS), ("random teachers", RANDOM_TEACHERS)],
)
def test_a_title_with_random_in_it_is_no_request_for_chance(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    for _ in range(5):
        assert answer_question(index, question).citations[0].paper.id == paper_id


def test_a_suggestion_on_a_topic_answers_the_topic(index: PaperIndex) -> None:
    answer = answer_question(index, "can you recommend a good paper on state space models")
    assert answer.citations
    for sentence, paper in cited_sentences(answer):
        assert normalised(sentence.strip("“”")) in normalised(readable_abstract(paper.abstract))
    assert {c.paper.id for c in answer.citations} <= {
        h.paper.id for h in index.search("state space models").hits
    }


# --- a period with no paper; the lab's topics; still publishing ----------------------------------------


@pytest.mark.parametrize(
    ("question", "person", "after"),
    [("what came out in December?", None, False), ("any papers this month?", None, False),
     ("papers by Noci in 2019", "Lorenzo Noci", True), ("how many papers did Hofmann put out in 2019?",
     "Thomas Hofmann", True)],
)  # fmt: skip
def test_a_period_without_papers_says_so_and_how_near_the_nearest_is(
    index: PaperIndex, question: str, person: str | None, after: bool
) -> None:
    """An empty period is an answer, not a miss: it cites nothing (no paper answers it) and says when the
    nearest paper the other filters allow appeared, so the reader learns how far the listing reaches."""
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert REFUSAL not in answer.text
    theirs = [p for p in index.papers if p.published and (person is None or person in p.authors)]
    nearest = min(theirs, key=lambda p: p.published or date.max) if after else max(
        theirs, key=lambda p: p.published or date.min
    )
    assert nearest.published is not None
    assert f"{nearest.published.day} {nearest.published:%B %Y}" in answer.text


@pytest.mark.parametrize(
    "question", ["what topics do we cover?", "what does the lab work on", "summarize our research"]
)
def test_the_labs_topics_in_general_are_its_papers_by_category(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    categories = Counter(category_label(c) for p in index.papers for c in p.categories)
    assert dict(answer.groups) == dict(categories)
    assert "computer vision · CV" in categories  # the listing's codes, with what they mean
    assert answer.text.startswith(f"{len(index.papers)} papers in the corpus in {len(categories)} categories")


def test_tell_me_something_interesting_is_a_paper_at_random(index: PaperIndex) -> None:
    asked = "tell me something interesting"
    drawn = {c.paper.id for _ in range(40) for c in answer_question(index, asked).citations}
    assert len(drawn) > 1
    assert drawn <= {p.id for p in index.papers}


def test_whether_someone_is_still_publishing_is_answered_by_their_newest_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "is Bachmann still publishing?")
    theirs = [p for p in index.papers if "Gregor Bachmann" in p.authors]
    (citation,) = answer.citations
    assert citation.paper == max(theirs, key=lambda p: p.published or date.min)


# --- words in the title ----------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["transformer", "diffusion", "continual", "models"])
def test_papers_with_a_word_in_the_title_are_exactly_those_whose_title_has_it(
    index: PaperIndex, word: str
) -> None:
    titled = {p.id for p in index.papers if set(analyze(word)) <= set(analyze(p.title))}
    assert titled
    answer = answer_question(index, f"papers with {word} in the title", everything=True)
    assert {p.id for p in answer.matches} == titled  # a paper saying it only in its abstract is not one
    assert [c.paper for c in answer.citations] == list(answer.matches)
    counted = answer_question(index, f"how many titles mention {word}?")
    assert counted.text.startswith(f"{len(titled)} paper")


def test_who_wrote_the_paper_with_a_word_in_its_title_names_its_authors(index: PaperIndex) -> None:
    answer = answer_question(index, "who wrote the paper with languini in the title?")
    (citation,) = answer.citations
    assert citation.paper.id == LANGUINI
    assert all(name in answer.text for name in citation.paper.authors)


def test_who_has_the_most_first_author_papers_counts_first_authors_only(index: PaperIndex) -> None:
    answer = answer_question(index, "who has the most first-author papers?")
    firsts = Counter(p.authors[0] for p in index.papers if p.authors)
    top = max(firsts.values())
    assert answer.people[0] == (answer.people[0][0], top)
    assert firsts[answer.people[0][0]] == top
    assert "as first author" in answer.text


@pytest.mark.parametrize("question", ["gimme a random paper", "suprise me"])
def test_chat_spellings_of_asking_for_a_random_paper(index: PaperIndex, question: str) -> None:
    (citation,) = answer_question(index, question).citations
    assert citation.paper in index.papers


@pytest.mark.parametrize(
    ("question", "person", "newest"),
    [("who are the authors of Hofmann's newest paper?", "Thomas Hofmann", True),
     ("who wrote our newest paper?", "", True), ("what's the abstract of the oldest paper?", "", False),
     ("abstract of Noci's latest paper", "Lorenzo Noci", True),
     ("link to Noci's first paper", "Lorenzo Noci", False)],
)  # fmt: skip
def test_a_question_about_someones_newest_or_first_paper_is_about_that_paper(
    index: PaperIndex, question: str, person: str, newest: bool
) -> None:
    theirs = [p for p in index.papers if (not person or person in p.authors) and p.published]
    meant = (max if newest else min)(theirs, key=lambda p: p.published or date.min)
    (citation,) = answer_question(index, question).citations
    assert citation.paper == meant


def test_who_wrote_the_latest_paper_on_a_topic_names_the_newest_paper_on_it(index: PaperIndex) -> None:
    on_topic = [h.paper for h in index.search("diffusion", limit=50).hits]
    newest = max(on_topic, key=lambda p: p.published or date.min)
    answer = answer_question(index, "who wrote the latest paper on diffusion?")
    assert [c.paper for c in answer.citations] == [newest]
    assert all(name in answer.text for name in newest.authors)


def test_two_short_alternatives_list_the_papers_on_either(index: PaperIndex) -> None:
    diffusion = {h.paper.id for h in index.search("diffusion", limit=50).hits}
    ssm = {h.paper.id for h in index.search("state space models", limit=50).hits}
    assert diffusion
    assert ssm
    answer = answer_question(index, "papers on diffusion or state space models", everything=True)
    assert {p.id for p in answer.matches} == diffusion | ssm
    assert answer.text.startswith(f"{len(diffusion | ssm)} papers")


@pytest.mark.parametrize("question", ["which papers cite random teachers?", "who cites the languini paper?"])
def test_who_cites_a_paper_is_said_to_be_outside_the_listing(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert answer.citations == ()
    assert "doesn't say how papers were received" in answer.text


def test_the_most_frequent_coauthor_is_the_person_with_the_most_joint_papers(index: PaperIndex) -> None:
    answer = answer_question(index, "who is the most frequent coauthor of Hofmann?")
    most = index.coauthors("Thomas Hofmann")[0][1]
    assert answer.people[0][1] == most
