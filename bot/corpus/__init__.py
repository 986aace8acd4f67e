"""The corpus: the Paper model and the importers that turn files into papers.

Most callers need only `load_corpus` (file or folder → `CorpusLoad`) and `readable_abstract`.
"""

from bot.corpus.loader import SUPPORTED_FORMATS, CorpusLoad, bundled_seeds_dir, load_corpus
from bot.corpus.model import Paper
from bot.corpus.text import find_links, readable_abstract

__all__ = [
    "SUPPORTED_FORMATS",
    "CorpusLoad",
    "Paper",
    "bundled_seeds_dir",
    "find_links",
    "load_corpus",
    "readable_abstract",
]
