"""`/corpus add | import | edit | remove` in Discord: who may, what the attachment must be, what to say.

The rules live in the core (`bot.additions.service`); this module translates. Who may change the papers:
members with Manage Server, and members with one of `discord.paper_editor_role_ids` (checked when the
command runs, whatever Discord's command visibility says). A refused member, a wrong attachment or a
paper arXiv doesn't know gets a private sentence; the operator log gets one line, with the source's own
detail when arXiv or Crossref failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import discord

from bot.additions.service import AddResult, ImportReport
from bot.corpus.model import Paper
from bot.discord_adapter.limits import CONTENT_MAX, clip
from bot.errors import PermissionDeniedError, SourceError, UserError

__all__ = [
    "BIB_MAX_BYTES",
    "actor",
    "added_text",
    "edited_text",
    "followed_text",
    "following_text",
    "import_text",
    "read_bib",
    "removed_text",
    "require_editor",
]

log = logging.getLogger("paperbot.discord.additions")

BIB_MAX_BYTES = 1024 * 1024
SHOWN = 10


def actor(user: discord.abc.User) -> str:
    """How the audit trail names a Discord user: by id, which never changes."""
    return f"discord:{user.id}"


def require_editor(interaction: discord.Interaction, editor_role_ids: Iterable[int]) -> None:
    """PermissionDeniedError unless the member has Manage Server or one of the editor roles."""
    member = interaction.user
    if isinstance(member, discord.Member):
        if member.guild_permissions.manage_guild:
            return
        if set(editor_role_ids) & {role.id for role in member.roles}:
            return
    roles = " or one of the paper editors' roles" if editor_role_ids else ""
    raise PermissionDeniedError(
        f"Adding and changing papers needs the **Manage Server** permission{roles}. Ask a server admin; "
        "nothing was changed."
    )


def log_source_failure(interaction: discord.Interaction, reference: str, error: SourceError) -> None:
    """One operator line for a failed lookup (the user gets `error.message`)."""
    level = logging.INFO if error.detail == error.message else logging.WARNING
    log.log(
        level,
        "paper lookup of %r by user %s in server %s failed: %s",
        reference,
        interaction.user.id,
        interaction.guild_id,
        error.detail,
    )


def _card(paper: Paper) -> str:
    when = paper.published_text() or "undated"
    return f"**{paper.title}** (`{paper.id}`) — {paper.short_authors()}, {when}"


def added_text(result: AddResult) -> str:
    """The reply to `/corpus add`."""
    if result.added:
        return clip(f"✅ Added {_card(result.paper)}. It's searchable now.", CONTENT_MAX)
    filled = f" I filled in what it lacked: {', '.join(result.filled)}." if result.filled else ""
    return clip(f"It's already there: {_card(result.paper)}.{filled}", CONTENT_MAX)


def import_text(report: ImportReport, filename: str) -> str:
    """The reply to `/corpus import`: what went in, what was there, which entries were skipped and why."""
    lines = [f"📚 {filename}: {len(report.added)} added, {len(report.already)} already there."]
    if report.added:
        lines.append(_ids("Added", [p.id for p in report.added]))
    if report.already:
        lines.append(_ids("Already there", [r.paper.id for r in report.already]))
    if report.problems:
        lines.append(f"⚠️ {len(report.problems)} entr{'y' if len(report.problems) == 1 else 'ies'} skipped:")
        lines += [f"• {problem}" for problem in report.problems[:SHOWN]]
        if len(report.problems) > SHOWN:
            lines.append(f"… and {len(report.problems) - SHOWN} more")
    return clip("\n".join(lines), CONTENT_MAX)


def _ids(label: str, ids: Sequence[str]) -> str:
    more = f" … and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return f"{label}: " + ", ".join(f"`{i}`" for i in ids[:SHOWN]) + more


def edited_text(paper: Paper) -> str:
    return clip(f"✅ Updated {_card(paper)}.", CONTENT_MAX)


def removed_text(paper: Paper) -> str:
    return clip(f"🗑️ Removed **{paper.title}** (`{paper.id}`). It no longer shows up in answers.", CONTENT_MAX)


async def read_bib(attachment: discord.Attachment) -> str:
    """The attachment's text, if it is a UTF-8 .bib file of at most BIB_MAX_BYTES."""
    name = attachment.filename
    if not name.lower().endswith((".bib", ".bibtex")):
        raise UserError(f"“{name}” isn't a .bib file. Attach a BibTeX file (refs.bib); nothing was imported.")
    if attachment.size > BIB_MAX_BYTES:
        raise UserError(
            f"“{name}” is {attachment.size // 1024} KiB; at most {BIB_MAX_BYTES // 1024} KiB, please. "
            "Split it, or import it from the terminal with `paperbot import`."
        )
    try:
        data = await attachment.read()
    except discord.HTTPException as exc:
        raise UserError(f"I couldn't download “{name}” from Discord; try again.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"“{name}” is not UTF-8 text; re-save it with UTF-8 encoding.") from exc


def followed_text(label: str, already: int, channel_id: int | None) -> str:
    """The reply to `/corpus follow`."""
    out = f" ({already} paper{'' if already == 1 else 's'} already out: not announced)" if already else ""
    where = (
        f"I'll announce their new papers in <#{channel_id}>, once a day."
        if channel_id is not None
        else "Choose where I announce them with `/corpus follow-channel`."
    )
    return clip(f"✅ Following {label}{out}. {where}", CONTENT_MAX)


def following_text(labels: Sequence[str], channel_id: int | None) -> str:
    """The reply to `/corpus following`."""
    if not labels:
        return "This server follows nobody on arXiv yet. Start with `/corpus follow`."
    where = f"New papers go to <#{channel_id}>." if channel_id is not None else "No announcement channel yet."
    lines = [f"Following ({len(labels)}):", *(f"• {label}" for label in labels), where]
    return clip("\n".join(lines), CONTENT_MAX)
