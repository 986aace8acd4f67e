"""Following the group on arXiv: per server, the people (or arXiv queries) to watch; a daily run imports
their new papers and announces each once in a chosen channel.

`service.FollowService` holds the rules; it declares what it needs in `ports.py` (the store with its
exactly-once ledger, a search of arXiv, somewhere to announce, and adding papers), and `bot.app` wires it.
"""
