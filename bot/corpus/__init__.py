"""The corpus: the Paper model and the importers that turn files into papers.

Most callers need only `bot.corpus.loader.load_corpus` (file or folder → `CorpusLoad`) and
`bot.corpus.text.readable_abstract`. Nothing is imported here: a module of the package imports this
first, and `paperbot ask`, which answers from a corpus loaded before, needs no importer.
"""
