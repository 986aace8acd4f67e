"""`paperbot add | import | export | edit | remove | changes | follow`: the group's added papers, from the
terminal.

The same rules as `/paper add` in Discord (`bot.additions.service`), writing to the bot's database under
`storage.data_dir` (created on first use; every command says which one it used, so a wrong folder is
noticed). A bot that is running serves papers added here after `/corpus reload` or a restart: it reads the
database again then. Every change is recorded as made by `terminal:<login name>` (or `--as NAME`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from bot.corpus.export import to_bibtex, to_jsonl
from bot.corpus.model import Paper
from bot.errors import PaperbotError, StorageError, UserError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app import App

T = TypeVar("T")
ACTOR_MAX = 60


def actor_of(args: argparse.Namespace) -> str:
    """Who the audit trail says made the change: `--as NAME`, else the login name."""
    given: str | None = getattr(args, "actor", None)
    if given:
        return f"terminal:{given.strip()[:ACTOR_MAX]}"
    try:
        return f"terminal:{getpass.getuser()[:ACTOR_MAX]}"
    except (KeyError, OSError):  # no login name in some containers
        return "terminal"


async def _with_app(settings: Settings, work: Callable[[App], Awaitable[T]], *, existing: bool = False) -> T:
    from bot.app import open_app

    app = await open_app(settings, existing_database=existing)
    try:
        return await work(app)
    finally:
        await app.close()


def _where(app: App) -> str:
    return f"(database: {app.database.url}; a running bot serves it after /corpus reload or a restart)"


def cmd_add(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Add each reference; one line per reference, errors on stderr (the others still go ahead)."""
    actor = actor_of(args)

    async def work(app: App) -> int:
        failed = 0
        for reference in args.references:
            try:
                result = await app.additions.add(reference, actor)
            except PaperbotError as exc:
                failed += 1
                print(f"paperbot: {reference}: {exc.message}", file=sys.stderr)
                continue
            paper = result.paper
            if result.added:
                out.write(
                    f"added {paper.id}: {paper.title} ({paper.short_authors()}, {paper.published_text()})\n"
                )
            elif result.filled:
                out.write(
                    f"already there as {paper.id}: {paper.title}; filled in {', '.join(result.filled)}\n"
                )
            else:
                out.write(f"already there as {paper.id}: {paper.title}\n")
        out.write(_where(app) + "\n")
        return 2 if failed else 0

    return asyncio.run(_with_app(settings, work))


def cmd_import(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Import a .bib file: the readable entries go in, each broken one is named with its line."""
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"Can't read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text; re-save it with UTF-8 encoding.") from exc
    actor = actor_of(args)

    async def work(app: App) -> int:
        report = await app.additions.import_bibtex(text, str(path), actor)
        for paper in report.added:
            out.write(f"added {paper.id}: {paper.title}\n")
        for result in report.already:
            filled = f"; filled in {', '.join(result.filled)}" if result.filled else ""
            out.write(f"already there as {result.paper.id}: {result.paper.title}{filled}\n")
        for problem in report.problems:
            print(f"warning: skipped {problem}", file=sys.stderr)
        skipped = f", {len(report.problems)} skipped" if report.problems else ""
        out.write(f"{len(report.added)} added, {len(report.already)} already there{skipped} {_where(app)}\n")
        return 0

    return asyncio.run(_with_app(settings, work))


def cmd_edit(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Fix a paper's title and/or add a code link."""
    actor = actor_of(args)

    async def work(app: App) -> int:
        paper = await app.additions.edit(args.paper_id, actor, title=args.title, code_link=args.code)
        out.write(f"edited {paper.id}: {paper.title} {_where(app)}\n")
        return 0

    return asyncio.run(_with_app(settings, work))


def cmd_remove(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Remove an added paper (papers of the corpus files are removed from their file)."""
    actor = actor_of(args)

    async def work(app: App) -> int:
        paper = await app.additions.remove(args.paper_id, actor)
        out.write(f"removed {paper.id}: {paper.title} {_where(app)}\n")
        return 0

    return asyncio.run(_with_app(settings, work, existing=True))


def cmd_export(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Write the served corpus (files + added papers) as BibTeX or JSON Lines, to --out or stdout.

    Without a database (nothing added yet, or run elsewhere) it exports the corpus files and says so.
    """

    async def papers_of(app: App) -> list[Paper]:
        return list(app.library.index.papers)

    try:
        papers = asyncio.run(_with_app(settings, papers_of, existing=True))
    except StorageError as exc:
        print(f"note: exporting the corpus files only: {exc.message}", file=sys.stderr)
        from bot.terminal import load_index

        papers = list(load_index(argparse.Namespace(), settings).papers)
    text = to_bibtex(papers) if args.format == "bibtex" else to_jsonl(papers)
    target: Path | None = args.out
    if target is None:
        out.write(text)
        return 0
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Couldn't write {target}: {exc.strerror or exc}.") from exc
    out.write(f"wrote {target} ({len(papers)} papers)\n")
    return 0


def cmd_changes(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """The audit trail of added papers, oldest first: when, what, which paper, who, and the detail."""

    async def work(app: App) -> int:
        changes = await app.additions.store.changes(args.paper_id)
        for change in changes:
            when = change.at.strftime("%Y-%m-%d %H:%M UTC")
            out.write(f"{when}  {change.action:<6}  {change.paper_id}  {change.actor}  {change.detail}\n")
        if not changes:
            what = f"to {args.paper_id}" if args.paper_id else "yet"
            out.write(f"no changes {what}\n")
        return 0

    return asyncio.run(_with_app(settings, work, existing=True))


def cmd_follow(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """`paperbot follow add|list|remove --server ID [WHO]`: a server's followed people (the bot announces
    their new papers in Discord; the channel is chosen there with /corpus follow-channel)."""
    guild_id = int(args.server)
    following_action: str = args.follow_command

    async def work(app: App) -> int:
        following = app.following
        if following_action == "add":
            follow, already = await following.follow(guild_id, args.who, actor_of(args))
            out.write(
                f"following {follow.label} ({follow.query}); {already} paper(s) already out, not announced\n"
            )
        elif following_action == "remove":
            follow = await following.unfollow(guild_id, args.who)
            out.write(f"no longer following {follow.label}\n")
        follows = await following.store.follows(guild_id)
        if following_action == "list":
            for follow in follows:
                out.write(
                    f"{follow.label}  ({follow.query}; by {follow.added_by}, {follow.added_at:%Y-%m-%d})\n"
                )
            channel = await following.store.channel(guild_id)
            where = f"channel {channel}" if channel is not None else "no channel yet (/corpus follow-channel)"
            out.write(f"{len(follows)} followed; announcements: {where}\n")
        return 0

    return asyncio.run(_with_app(settings, work, existing=following_action == "list"))
