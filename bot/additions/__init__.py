"""Papers people add: from arXiv or a DOI, from a .bib file, and their fixes and removals.

`service.AdditionService` is the one place these rules live, for the terminal and Discord alike: a paper
already served is recognised (same arXiv id, DOI or title) and merged, not duplicated; ids are stable;
every change is written with who made it; the live index is rebuilt off the event loop afterwards. It
declares what it needs in `ports.py`; `bot.storage` and `bot.sources` provide it, `bot.app` wires it.
"""
