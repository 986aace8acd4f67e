"""The `paperbot` command: argument parsing and dispatch to the terminal commands (`bot/terminal.py`).

The parts are wired in `bot/app.py` (the composition root), not here.

Terminal commands answer from the same core the Discord bot uses, so a newcomer without a token sees
exactly what the bot would say.

Start-up time matters here (`paperbot ask` is a whole process per question; benchmarks/startup.py): the
settings, and with them pydantic, are imported only once the arguments are read, and `lean_process`
tunes the libraries a one-question process loads (see there).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import re
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from bot import __version__
from bot.errors import PaperbotError
from bot.safetext import SafeFormatter

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("paperbot")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """A parser whose every command also takes the global options, so they work after the command too:
    people write `paperbot run --config config.toml` as often as `paperbot --config config.toml run`.

    Subparsers are built with the parent's class, so nested commands (`digest preview`) get them as well.
    Their default is SUPPRESS so that an option given before the command is not reset by the command's
    parser; `build_parser` sets the real defaults once, on the top level.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--config",
            type=Path,
            default=argparse.SUPPRESS,
            help="config file (default: $PAPERBOT_CONFIG or ./config.toml)",
        )
        self.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help="log debug details to stderr",
        )


def _add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, help="corpus file or folder (default: the bundled seeds/)")
    parser.add_argument("--strict", action="store_true", help="fail on any malformed corpus record")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; a function so tests can check every command has help.

    `only` names a one-shot command (`ONE_SHOT`) to build alone, for `run` to read a command line that
    starts with it: building every command's parser was ~10 ms of each `paperbot ask`. It parses that
    command line as the whole parser does (tests/test_cli.py); a help or an error naming every command
    comes from the whole parser, which `run` builds for any other command line."""
    parser = _Parser(
        prog="paperbot",
        description="paperbot: search, cited answers, paper of the day and reading groups for a lab.",
    )
    parser.set_defaults(config=None, verbose=False)
    parser.add_argument("--version", action="version", version=f"paperbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_one_shot_commands(sub, only)
    if only is not None:
        return parser

    p = sub.add_parser("chat", help="an interactive prompt over the same core (type /help inside)")
    _add_corpus_options(p)

    sub.add_parser("check-config", help="validate the settings and the corpus, report every problem")

    p = sub.add_parser("digest", help="paper of the day, without Discord")
    digest_sub = p.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    d = digest_sub.add_parser("preview", help="print the next paper of the day without recording it")
    d.add_argument(
        "--date",
        type=day_argument,
        help="the day to preview: today, tomorrow, +3d or YYYY-MM-DD (default: today)",
    )
    d.add_argument("--topic", help="narrow the pool with a query, e.g. 'diffusion has:code'")
    d.add_argument("--server", type=int, help="use this server's stored settings and history")
    _add_corpus_options(d)

    p = sub.add_parser("rg", help="reading group, without Discord")
    rg_sub = p.add_subparsers(dest="rg_command", metavar="ACTION", required=True)
    r = rg_sub.add_parser("ics", help="write a server's upcoming sessions as an .ics calendar")
    r.add_argument("--server", type=int, required=True, help="the Discord server (guild) id")
    r.add_argument("--out", type=Path, help="file to write (default: standard output)")

    _add_paper_commands(sub)

    p = sub.add_parser("run", help="serve Discord (needs PAPERBOT_DISCORD__TOKEN)")
    p.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="split the bot's servers over N shards, across all its processes (discord.shard_count)",
    )
    p.add_argument(
        "--shards",
        type=shard_ids_argument,
        metavar="IDS",
        help="the shards this process connects, e.g. 0,1 (discord.shard_ids; default: all)",
    )
    return parser


def _add_one_shot_commands(sub: Any, only: str | None) -> None:
    """`ask`, `search`, `papers`, `paper` (all of them, or `only` that one): see `build_parser`."""
    if only in (None, "ask"):
        p = sub.add_parser("ask", help="answer a question from the papers, with citations")
        p.add_argument("question", help="your question, in plain words")
        p.add_argument("--json", action="store_true", help="print {answer, citations} as JSON")
        p.add_argument(
            "--all", action="store_true", help="list every matching paper (a list answer shows the first 10)"
        )
        _add_corpus_options(p)
    if only in (None, "search"):
        p = sub.add_parser(
            "search", help="ranked search (query language: author:, year:, cat:, has:code, sort:date)"
        )
        p.add_argument("query", nargs="?", help="what to look for")
        p.add_argument("--queries", type=Path, help="a JSONL file of {_id, text} queries to run in batch")
        p.add_argument(
            "--limit", type=int, default=None, help="how many hits per query (default 5; 100 in batch)"
        )
        p.add_argument("--json", action="store_true", help="print hits as JSON")
        p.add_argument("--format", choices=["text", "json", "trec"], default=None, help="output format")
        p.add_argument("--tag", default="paperbot", help="run tag for --format trec")
        _add_corpus_options(p)
    if only in (None, "papers"):
        p = sub.add_parser("papers", help="list every paper in the corpus")
        p.add_argument("--json", action="store_true", help="print the papers as a JSON array")
        _add_corpus_options(p)
    if only in (None, "paper"):
        p = sub.add_parser("paper", help="show one paper by id or title")
        p.add_argument("reference", help="a paper id or its exact title")
        p.add_argument("--json", action="store_true", help="print the paper as JSON")
        _add_corpus_options(p)


def _add_paper_commands(sub: Any) -> None:
    """`add`, `import`, `export`, `edit`, `remove`, `changes`: the group's added papers
    (bot/terminal_papers.py)."""
    who = {"dest": "actor", "metavar": "NAME", "help": "who the change log names (default: your login)"}
    p = sub.add_parser("add", help="add papers from arXiv or a DOI to the bot's database")
    p.add_argument(
        "references",
        nargs="+",
        metavar="REF",
        help="arXiv id or link (2302.11563), DOI or doi.org link, or a full title in quotes",
    )
    p.add_argument("--as", **who)
    p = sub.add_parser("import", help="add the papers of a .bib file to the bot's database")
    p.add_argument("file", type=Path, help="a BibTeX file")
    p.add_argument("--as", **who)
    p = sub.add_parser("export", help="write the corpus and added papers as BibTeX or JSON Lines")
    p.add_argument("--format", choices=["bibtex", "jsonl"], default="bibtex", help="default: bibtex")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p = sub.add_parser("edit", help="fix an added or corpus paper's title, or add its code link")
    p.add_argument("paper_id", metavar="ID", help="the paper's id")
    p.add_argument("--title", help="the corrected title")
    p.add_argument("--code", metavar="URL", help="a link to the paper's code")
    p.add_argument("--as", **who)
    p = sub.add_parser("remove", help="remove an added paper from the bot's database")
    p.add_argument("paper_id", metavar="ID", help="the paper's id")
    p.add_argument("--as", **who)
    p = sub.add_parser("changes", help="who added, fixed or removed which paper, and when")
    p.add_argument("paper_id", metavar="ID", nargs="?", help="only this paper's changes")
    p = sub.add_parser(
        "follow", help="follow people on arXiv for a server (the bot announces their new papers)"
    )
    follow_sub = p.add_subparsers(dest="follow_command", metavar="ACTION", required=True)
    for action, text in (("add", "follow a name or an arXiv query"), ("remove", "stop following")):
        f = follow_sub.add_parser(action, help=text)
        f.add_argument("who", help='a name ("Thomas Hofmann") or an arXiv query (au:Hofmann_T AND cat:cs.LG)')
        f.add_argument("--server", type=int, required=True, help="the Discord server (guild) id")
        f.add_argument("--as", **who)
    f = follow_sub.add_parser("list", help="whom a server follows, and where news goes")
    f.add_argument("--server", type=int, required=True, help="the Discord server (guild) id")


def shard_ids_argument(text: str) -> list[int]:
    """`--shards 0,1`: shard ids separated by commas (their range is checked with the shard count)."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of shard ids; write them as 0,1") from None


_RELATIVE_DAYS = {"today": 0, "tomorrow": 1}


def day_argument(text: str) -> date | timedelta:
    """A `--date`: an ISO date, or days from today (`today`, `tomorrow`, `+3d`), resolved by the command
    against its clock. Relative days let README examples and scripts stay valid once a date has passed."""
    word = text.strip().lower()
    if word in _RELATIVE_DAYS:
        return timedelta(days=_RELATIVE_DAYS[word])
    if match := re.fullmatch(r"\+(\d{1,4})d", word):
        return timedelta(days=int(match[1]))
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day; use today, tomorrow, +3d (3 days from now) or YYYY-MM-DD"
        ) from None


LEAN_ENVIRONMENT = {
    # pydantic reads the entry points of every installed distribution at its first model, looking for
    # plugins: ~7 ms; paperbot uses none.
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
    # numpy's OpenBLAS starts a thread per core at import, and they spin: ~150 ms of CPU on 2 cores that
    # slows the process down. paperbot does no linear algebra, so BLAS threads have nothing to do.
    "OPENBLAS_NUM_THREADS": "1",
}
"""Library settings for a terminal command, unless the environment already sets them."""

LEAN_GC_THRESHOLDS = (100_000, 20, 20)
"""The garbage collector's thresholds for a terminal command. Python's default collects the youngest
objects every 700 allocations; importing pydantic and numpy and indexing the corpus allocate about a
million objects, almost none of them garbage, so ~10 % of `paperbot ask` went to collections that found
nothing. Cycles are still collected, just in larger batches: an ask over the bundled corpus keeps ~63,000
new objects from here on, so at 100,000 it collects none (at 20,000 three, 1.4 % of its instructions); a
large corpus loading is collected every 100,000 objects, at most a few megabytes of garbage waiting."""


def lean_process(command: str) -> None:
    """Tune pydantic, numpy and the garbage collector for a terminal command, before the libraries are
    imported (a fresh process only: `main` called in a process that has them loaded changes nothing).
    `paperbot run` is left as it is: a deployment may use a pydantic plugin, and start-up does not count
    for a process that runs for weeks."""
    if command == "run" or "pydantic" in sys.modules or "numpy" in sys.modules:
        return
    for name, value in LEAN_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    gc.set_threshold(*LEAN_GC_THRESHOLDS)


ONE_SHOT = frozenset({"ask", "search", "paper", "papers"})
"""Commands that print their answer and are done: `run` ends them without Python's teardown."""


def run() -> NoReturn:
    """The `paperbot` command and `python -m bot`: `main` on the process's arguments, then exit.

    A one-shot command (`ONE_SHOT`) has printed all it will print and holds nothing that needs closing
    (no database, no file it writes), so once its output and log are flushed it leaves through
    `os._exit`: Python's teardown, which frees every module and object one by one, was ~30 ms of
    `paperbot ask`. Every other command exits normally.
    """
    argv = sys.argv[1:]
    args = build_parser(argv[0] if argv and argv[0] in ONE_SHOT else None).parse_args(argv)
    code = _run(args, sys.stdout, sys.stdin)
    if args.command not in ONE_SHOT:
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a reader that went away (`| head`): nothing more to tell it
            stream.flush()
    os._exit(code)


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stdin: TextIO | None = None
) -> int:
    """Run the command line and return its exit code; errors are one line on stderr, never a traceback."""
    args = build_parser().parse_args(argv)
    return _run(args, stdout or sys.stdout, stdin or sys.stdin)


def _run(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Run the parsed command line (see `main`)."""
    lean_process(args.command)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, handlers=[handler])
    try:
        if args.command == "check-config":  # it reports invalid settings itself, with everything else
            from bot.terminal_check import cmd_check_config

            return cmd_check_config(args.config, out)
        from bot.settings import load_settings

        settings = load_settings(args.config)
        return _dispatch(args, settings, out, stdin)
    except PaperbotError as exc:
        print(f"paperbot: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        print(
            f"paperbot: unexpected error: {type(exc).__name__}: {exc}. Run with --verbose for details and "
            "please report it.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    from bot import terminal as term

    if args.command in {"add", "import", "export", "edit", "remove", "changes", "follow"}:
        from bot import terminal_papers

        command: int = getattr(terminal_papers, f"cmd_{args.command}")(args, settings, out, stdin)
        return command
    handlers: dict[str, Any] = {
        "ask": term.cmd_ask,
        "search": term.cmd_search,
        "papers": term.cmd_papers,
        "paper": term.cmd_paper,
        "chat": term.cmd_chat,
        "run": term.cmd_run,
        "digest": term.cmd_digest,
        "rg": term.cmd_rg,
    }
    result: int = handlers[args.command](args, settings, out, stdin)
    return result
