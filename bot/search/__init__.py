"""Search over the corpus: text analysis, the query language, BM25 ranking, snippets.

analysis.py   analyze(text) → index terms (LaTeX, accents, hyphens, British spelling, stemming)
query.py      parse_query(text) → Query: the explicit `key:value` syntax (author/year/cat/aff/code/sort)
understanding.py  Reader.read(question) → Question: intent, filters and topic words of a plain question
periods.py    time phrases ("this year", "since 2024", "in March") → date ranges (arithmetic by dateutil)
spelling.py   typo correction against the corpus's words and names, via symspellpy
engine.py     ScoringEngine protocol; BM25Engine (rank-bm25 underneath, traps guarded)
relevance.py  coverage: how much of a query a paper covers (date-sorted matches, answer gate)
snippets.py   the sentences of an abstract that best match a query
authors.py    one person per accent-folded name; name matching and autocomplete
index.py      PaperIndex: build once from papers; search, similar, resolve, autocomplete, browse
results.py    Hit, SearchResults
"""

from bot.search.index import PaperIndex
from bot.search.query import Query, parse_query
from bot.search.results import Hit, SearchResults
from bot.search.understanding import Question

__all__ = ["Hit", "PaperIndex", "Query", "Question", "SearchResults", "parse_query"]
