"""The terminal commands: the same core answers as Discord, printed for a person or a script.

What only one command needs (asyncio, the conversation engine, the digest) is imported inside that
command: `paperbot ask` starts in a fraction of a second, and every module it does not run counts.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.answer import answer_question
from bot.clock import SystemClock
from bot.corpus.loader import CorpusLoad, corpus_fingerprint, load_corpus, problem_lines
from bot.corpus.model import Paper
from bot.errors import QueryError, StorageError, UserError
from bot.search.index import Hit, PaperIndex
from bot.search.query import Query
from bot.search.ready import ReadyCache
from bot.search.store import INDEX_FOLDER, IndexStore
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from bot.corpus.stored import StoredPaper

log = logging.getLogger("paperbot.terminal")

BATCH_DEFAULT_LIMIT = 100


def load_index(args: argparse.Namespace, settings: Settings) -> PaperIndex:
    """Load the corpus named on the command line (or in settings), warn about bad records, build the index.

    What an earlier command loaded and analysed from the same files is taken from the cache folder
    (`bot/search/ready.py`): a one-shot command would otherwise parse, validate and analyse the same
    corpus every run."""
    path: Path | None = getattr(args, "corpus", None) or settings.corpus.path
    strict = bool(getattr(args, "strict", False)) or settings.corpus.strict
    ready = ReadyCache()
    loaded = _ready_corpus(path, strict, ready)
    _warn_problems(loaded)
    papers = loaded.papers
    if getattr(args, "corpus", None) is None:  # the configured corpus, so with the papers people added
        papers = with_added_papers(papers, settings)
    store = IndexStore(settings.storage.data_dir / INDEX_FOLDER)  # written only for the large-corpus engine
    return PaperIndex.build(papers, engine=settings.corpus.engine, store=store, ready=ready)


def _ready_corpus(path: Path | None, strict: bool, ready: ReadyCache) -> CorpusLoad:
    """`load_corpus(path, strict=strict)`, kept in `ready` under the files' names and bytes, the options
    and the day (yearless listing dates are read against it)."""
    today = SystemClock().now().date()
    try:
        parts = corpus_fingerprint(path)
    except OSError:  # missing or unreadable: load_corpus says what is wrong
        return load_corpus(path, strict=strict, today=today)
    name = ready.name("corpus", *parts, f"{strict}:{today.isoformat()}".encode())
    found = ready.load(name)
    if isinstance(found, CorpusLoad):
        return found
    loaded = load_corpus(path, strict=strict, today=today)
    ready.save(name, loaded)
    return loaded


def _warn_problems(loaded: CorpusLoad) -> None:
    for line in problem_lines(loaded.problems):
        print(f"warning: {line}", file=sys.stderr)


SQLITE_FILE = "paperbot.db"  # bot.storage.database.DB_FILENAME, named here to skip importing SQLAlchemy


def with_added_papers(papers: Sequence[Paper], settings: Settings) -> tuple[Paper, ...]:
    """The corpus files' papers with the bot's stored papers laid over them, as the bot serves them.

    Without a database (a newcomer trying `paperbot ask`) this costs one file check, and asyncio is not
    even imported; a database that can't be read is a warning, and the files' papers are answered from.
    """
    if settings.storage.url is None and not (settings.storage.data_dir / SQLITE_FILE).is_file():
        return tuple(papers)
    import asyncio

    from bot.corpus.stored import lay_over

    try:
        stored = asyncio.run(_read_stored(settings))
    except StorageError as exc:
        print(f"warning: answering without the added papers: {exc.message}", file=sys.stderr)
        return tuple(papers)
    served, problems = lay_over(papers, stored)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return served


async def _read_stored(settings: Settings) -> tuple[StoredPaper, ...]:
    from bot.storage.added_papers_repo import AddedPaperRepo
    from bot.storage.database import Database

    database = await Database.open_existing(settings.storage.database_url())
    try:
        return tuple(await AddedPaperRepo(database).stored())
    finally:
        await database.close()


def paper_json(paper: Paper) -> dict[str, Any]:
    """A paper as the JSON the CLI promises (`paperbot papers --json`)."""
    return paper.model_dump(mode="json", exclude={"source"})


def cmd_papers(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot papers`: every paper, as text or JSON."""
    index = load_index(args, settings)
    if args.json:
        _print_json([paper_json(p) for p in index.papers], out)
        return 0
    for paper in index.papers:
        out.write(f"{paper.id}  {paper.published or '----------'}  {paper.title}\n")
    out.write(f"{len(index.papers)} papers\n")
    return 0


def cmd_paper(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot paper REF`: one paper's card."""
    index = load_index(args, settings)
    paper = index.resolve(args.reference)
    if args.json:
        _print_json(paper_json(paper), out)
    else:
        out.write(render_paper(paper) + "\n")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot search`: one query, or a batch of BEIR-style queries as a TREC run."""
    fmt = args.format or ("json" if args.json else "text")
    if args.queries is not None and args.query:
        raise QueryError("Give either a QUERY or --queries FILE.jsonl, not both.")
    if args.queries is not None:
        return _batch_search(args, settings, out, fmt)
    if not args.query:
        raise QueryError(
            'Give a query, e.g. `paperbot search "state space models"`, or --queries FILE.jsonl.'
        )
    if fmt == "trec":
        raise QueryError('--format trec needs --queries FILE.jsonl (one {"_id", "text"} object per line).')
    limit = _check_limit(settings.search.default_limit if args.limit is None else args.limit)
    index = load_index(args, settings)
    results = index.search(args.query, limit=limit, by_meaning=True)
    if fmt == "json":
        _print_json([hit_json(h) for h in results.hits], out)
        return 0
    for note in results.notes:
        out.write(f"note: {note}\n")
    if not results.hits:
        out.write("No papers match that. Try fewer or different words.\n")
        return 0
    if results.hits[0].by_meaning:
        out.write("No paper uses those words; this is the closest in meaning.\n")
    for rank, hit in enumerate(results.hits, 1):
        out.write(render_hit(rank, hit) + "\n")
    if results.total > len(results.hits):
        out.write(f"… {results.total - len(results.hits)} more; use --limit to see more.\n")
    return 0


def _check_limit(limit: int) -> int:
    if limit < 1 or limit > 1000:
        raise QueryError("--limit must be between 1 and 1000.")
    return limit


def _batch_search(args: argparse.Namespace, settings: Settings, out: TextIO, fmt: str) -> int:
    limit = _check_limit(BATCH_DEFAULT_LIMIT if args.limit is None else args.limit)
    queries = read_queries(args.queries)
    index = load_index(args, settings)
    if fmt == "trec":
        _check_trec_ids([qid for qid, _ in queries], "query", args.queries)
        _check_trec_ids([p.id for p in index.papers], "paper", args.corpus or settings.corpus.path)
    for qid, text in queries:
        # Batch queries are evaluation claims, taken literally: "in 2010" or "recent" are words, not filters.
        literal = " ".join(text.split())
        if not literal:
            print(f"warning: query {qid} skipped: it is empty", file=sys.stderr)
            continue
        hits = index.search(Query(text=literal), limit=limit, rank_all=True).hits
        if fmt == "trec":
            for rank, hit in enumerate(hits, 1):
                out.write(f"{qid} Q0 {hit.paper.id} {rank} {hit.score:.6f} {args.tag}\n")
        elif fmt == "json":
            import json  # only for JSON output: see `_print_json`

            out.write(
                json.dumps({"qid": qid, "hits": [hit_json(h) for h in hits]}, ensure_ascii=False) + "\n"
            )
        else:
            out.write(f"# {qid}: {text}\n")
            for rank, hit in enumerate(hits, 1):
                out.write(render_hit(rank, hit) + "\n")
    return 0


def _check_trec_ids(ids: list[str], kind: str, source: Path | None) -> None:
    """A TREC run is whitespace-separated: an id with a space would shift every column after it."""
    bad = [i for i in ids if not i or any(c.isspace() for c in i)]
    if bad:
        shown = ", ".join(repr(i) for i in bad[:5]) + (" …" if len(bad) > 5 else "")
        raise QueryError(
            f"--format trec needs {kind} ids without spaces, but {source or 'the corpus'} has {shown}. "
            "Use --format json, or fix those ids."
        )


def read_queries(path: Path) -> list[tuple[str, str]]:
    """Read BEIR-style `{"_id", "text"}` lines; every bad line is reported at once."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"Cannot read queries file {path}: {exc}") from None
    queries: list[tuple[str, str]] = []
    bad: list[str] = []
    import json  # see `_print_json`

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            qid, text = str(obj["_id"]), str(obj["text"])
        except (json.JSONDecodeError, KeyError, TypeError):
            bad.append(f'{path}:{number}: expected a JSON object with "_id" and "text"')
            continue
        queries.append((qid, text))
    if bad:
        raise QueryError("Bad queries file:\n  " + "\n  ".join(bad[:20]))
    return queries


def hit_json(hit: Hit) -> dict[str, Any]:
    """A search hit as JSON: enough for a script to show or re-rank it."""
    return {
        "id": hit.paper.id,
        "title": hit.paper.title,
        "score": round(hit.score, 6),
        "snippet": hit.snippet,
        "authors": list(hit.paper.authors),
        "published": hit.paper.published.isoformat() if hit.paper.published else None,
        "matched_terms": list(hit.matched_terms),
        "by_meaning": hit.by_meaning,
    }


def render_hit(rank: int, hit: Hit) -> str:
    """One hit for the terminal: rank, title, who and when, and the matching sentence."""
    paper = hit.paper
    year = f", {paper.year}" if paper.year else ""
    return f"{rank}. {paper.title}\n   {paper.short_authors()}{year} · id: {paper.id}\n   {hit.snippet}"


def render_paper(paper: Paper) -> str:
    """A paper's card for the terminal."""
    from bot.corpus.text import readable_abstract

    authors = ", ".join(paper.authors) + (" et al." if paper.authors_truncated else "")
    lines = [
        paper.title,
        f"Authors: {authors or 'unknown'}",
        f"Published: {paper.published_text() or 'unknown'} · Categories: {', '.join(paper.categories) or '—'}"
        + (" · has code" if paper.has_code else ""),
    ]
    if paper.affiliations:
        lines.append(f"Affiliations: {', '.join(paper.affiliations)}")
    for link in paper.links:
        lines.append(f"Link: {link}")
    lines.append(f"id: {paper.id}")
    lines.append("")
    lines.append(readable_abstract(paper.abstract))
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot ask`: a short cited answer, or a plain "nothing matches well"."""
    index = load_index(args, settings)
    answer = answer_question(index, args.question, everything=args.all)
    if args.json:
        _print_json(answer.to_json(), out)
    else:
        out.write(answer.render_text() + "\n")
    return 0


CHAT_HELP = """Ask anything about the papers in plain words ("what did Lorenzo publish this year?",
"who wrote the random teachers paper?"), or use the query language:
  author:hofmann  year:2024  year:2022..2024  cat:CV  aff:harvard  title:fusion  has:code  sort:date
Then follow up as in a Discord thread: "more", "tell me about the second one", "similar to [2]",
"only ones with code". Also: /paper ID · /quit"""


def cmd_chat(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot chat`: the Discord thread conversation, in a terminal, until /quit or end of input."""
    from bot.conversation import reply_text, respond

    index = load_index(args, settings)
    interactive = stdin.isatty()
    out.write(f"paperbot chat — {len(index.papers)} papers loaded. {CHAT_HELP}\n")
    state: Conversation | None = None
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if text in {"/quit", "/exit", "quit", "exit"}:
            break
        try:
            if text.startswith("/paper "):
                out.write(render_paper(index.resolve(text.removeprefix("/paper ").strip())) + "\n")
            elif text:
                reply, state = respond(index, state, text)
                out.write(reply_text(reply).replace("**", "") + "\n")  # Discord bold means nothing here
        except UserError as exc:
            out.write(f"{exc.message}\n")
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot digest preview`: the next paper of the day, from a server's state or from scratch."""
    from bot.digest.preview import preview_pick

    today = SystemClock().now().date()
    on: date = today + args.date if isinstance(args.date, timedelta) else args.date or today
    if args.server is not None:
        import asyncio

        post = asyncio.run(_server_preview(args, settings, on))
    else:
        index = load_index(args, settings)
        post = preview_pick(index.papers, on=on, topic=args.topic, index=index, start=today)
    out.write(post.as_text() + "\n")
    return 0


async def _server_preview(args: argparse.Namespace, settings: Settings, on: date) -> Any:
    from bot.app import open_app

    app = await open_app(settings, existing_database=True)
    try:
        if args.topic:
            raise QueryError("--topic can't be combined with --server: the server's own topic applies.")
        return await app.digest.preview(args.server, on)
    finally:
        await app.close()


def cmd_rg(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot rg ics`: the reading group's calendar."""
    from bot.terminal_rg import cmd_rg_ics

    return cmd_rg_ics(args, settings, out, stdin)


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot run`: serve Discord until stopped (its shard flags over the settings')."""
    from bot.serve import run_bot
    from bot.settings import with_shards

    return run_bot(with_shards(settings, args.shard_count, args.shards))


def _print_json(data: Any, out: TextIO) -> None:
    """`data` as indented JSON; json is imported by the commands that write or read it (`paperbot ask`
    prints text unless asked for JSON, and importing json was 0.5 % of it)."""
    import json

    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
