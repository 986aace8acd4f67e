"""/corpus add | import | edit | remove end to end: the real bot against the fake Discord and the fake
arXiv/Crossref. An admin adds a paper, a member finds it with /ask at once, it survives a restart, adding it
again says it's there, and people without the right are refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_app
from bot.clock import ManualClock
from bot.library import Library
from bot.scheduling import STORED_PAPERS_JOB_ID
from bot.search.index import PaperIndex
from bot.settings import DiscordSettings, Settings, SourcesSettings, StorageSettings
from tests.fake_discord import BotRunner, FakeAttachment, FakeDiscord, FakeRole, Reply
from tests.fake_sources import FakeSources
from tests.fake_sources import Reply as SourceReply

SPARSE_TITLE = "Sparse Mixtures of Reading Groups: Routing Questions to the Right Paper"
SPARSE = "sparse-mixtures-of-reading-groups-routing-questions-to-the"
QUESTION = "how do you route questions with a sparse mixture of lexical experts?"


@pytest.fixture
def librarian(fake_discord: FakeDiscord) -> FakeRole:
    """A role named in discord.paper_editor_role_ids, held by `carol` (no Manage Server)."""
    role = fake_discord.guild.add_role("Librarian")
    fake_discord.guild.add_member(fake_discord.new_user("carol"), [role])
    return role


@pytest.fixture
def bot_settings(tmp_path: Path, fake_sources: FakeSources, librarian: FakeRole) -> Settings:
    return Settings(
        storage=StorageSettings(data_dir=tmp_path),
        discord=DiscordSettings(
            message_content=True,
            ask_cooldown_uses=1000,
            ask_cooldown_seconds=10,
            paper_editor_role_ids=[librarian.id],
        ),
        sources=SourcesSettings(arxiv_api=fake_sources.arxiv_api, crossref_api=fake_sources.crossref_api),
    )


async def run(fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any) -> Reply:
    handle = await fake.invoke_slash(command, options or {}, **kw)
    return await handle.reply()


def cites(reply: Reply, title: str) -> bool:
    return title in (reply.embed or {}).get("description", "")


async def test_an_admin_adds_a_paper_a_member_finds_it_and_it_survives_a_restart(
    paperbot: Any,
    fake_discord: FakeDiscord,
    fake_sources: FakeSources,
    bot_runner: BotRunner,
    bot_settings: Settings,
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    assert not cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)

    handle = await fake_discord.invoke_slash("corpus add", {"reference": "arXiv:2302.11563"}, user="bob")
    added = await handle.reply()

    assert handle.callback_type == 5  # deferred privately before asking arXiv
    assert added.ephemeral
    assert added.content == (
        f"✅ Added **{SPARSE_TITLE}** (`{SPARSE}`) — Ada Example, Bruno Muster, Chiara Prova et al., "
        "2023-02-22. It's searchable now."
    )
    assert cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)
    changes = await paperbot.app.additions.store.changes(SPARSE)
    assert [(c.action, c.actor) for c in changes] == [("add", f"discord:{fake_discord.user('bob').id}")]
    await bot_runner.stop(paperbot)

    second_app = await open_app(bot_settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        restarted = _client(second_app)
        await bot_runner.start(restarted)
        assert cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)
        again = await run(
            fake_discord, "corpus add", {"reference": "https://arxiv.org/abs/2302.11563v2"}, user="bob"
        )
        assert again.content == (
            f"It's already there: **{SPARSE_TITLE}** (`{SPARSE}`) — Ada Example, Bruno Muster, Chiara Prova "
            "et al., 2023-02-22."
        )
        assert len(fake_sources.requests_to("arxiv")) == 1
        assert len(second_app.library.index.papers) == len(bundled_index.papers) + 1
        await bot_runner.stop(restarted)
    finally:
        await second_app.close()


async def _add_from_the_terminal(settings: Settings, clock: ManualClock, bundled_index: PaperIndex) -> None:
    """What `paperbot add arXiv:2302.11563` does: another App, on the same database, stores the paper."""
    terminal = await open_app(settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        await terminal.additions.add("arXiv:2302.11563", "terminal:dana")
    finally:
        await terminal.close()


async def test_a_paper_added_from_the_terminal_is_found_after_the_bots_next_check(
    paperbot: Any,
    fake_discord: FakeDiscord,
    bot_settings: Settings,
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    """`paperbot add` is another process on the same database: the running bot serves what it stored at its
    next minute's check (`StoredPapersJob`), and a check with nothing new rebuilds nothing."""
    armed = paperbot.schedules.scheduler.get_job(STORED_PAPERS_JOB_ID)
    assert armed.trigger.interval == timedelta(minutes=1)
    job = paperbot.schedules.stored_papers
    served_before = paperbot.app.library.index
    await job.run()
    assert paperbot.app.library.index is served_before  # nothing changed: the same index serves

    await _add_from_the_terminal(bot_settings, clock, bundled_index)
    assert not cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)

    await job.run()
    assert cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)
    served_after = paperbot.app.library.index
    await job.run()
    assert paperbot.app.library.index is served_after


async def test_after_a_corpus_reload_the_minutes_check_rebuilds_nothing(
    paperbot: Any,
    fake_discord: FakeDiscord,
    bot_settings: Settings,
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    await _add_from_the_terminal(bot_settings, clock, bundled_index)
    handle = await fake_discord.invoke_slash("corpus reload", user="bob")
    reloaded = await handle.reply(within=60)  # re-reads and re-indexes the whole bundled corpus
    assert "(1 new, 0 gone)" in reloaded.content
    assert cites(await run(fake_discord, "ask", {"question": QUESTION}, user="alice"), SPARSE_TITLE)
    served = paperbot.app.library.index
    await paperbot.schedules.stored_papers.run()
    assert paperbot.app.library.index is served


def _client(app: Any) -> Any:
    from bot.serve import build_client

    return build_client(app, scheduler_paused=True)


async def test_a_member_with_the_editors_role_may_add(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(
        fake_discord, "corpus add", {"reference": "10.1145/3292500.3330701"}, user="carol", force=True
    )
    assert reply.content.startswith("✅ Added **Optuna-like Search for Reading Group Schedules**")


async def test_a_member_without_the_right_is_refused_and_nothing_changes(
    paperbot: Any, fake_discord: FakeDiscord, fake_sources: FakeSources
) -> None:
    reply = await run(fake_discord, "corpus add", {"reference": "2302.11563"}, user="alice", force=True)

    assert reply.ephemeral
    assert reply.content == (
        "Adding and changing papers needs the **Manage Server** permission or one of the paper editors' "
        "roles. Ask a server admin; nothing was changed."
    )
    assert fake_sources.requests == []
    assert await paperbot.app.additions.store.stored() == []


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("2302.99999", "arXiv has no paper arXiv:2302.99999. Check the id"),
        ("doi:10.1145", "“doi:10.1145” is not a valid DOI."),
        ("2313.00001", "13 is not a month"),
    ],
)
async def test_bad_references_get_a_clear_private_answer(
    paperbot: Any, fake_discord: FakeDiscord, reference: str, says: str
) -> None:
    reply = await run(fake_discord, "corpus add", {"reference": reference}, user="bob")
    assert reply.ephemeral
    assert says in reply.content
    assert await paperbot.app.additions.store.stored() == []


async def test_arxiv_down_says_try_later(
    paperbot: Any, fake_discord: FakeDiscord, fake_sources: FakeSources, caplog: pytest.LogCaptureFixture
) -> None:
    fake_sources.script("arxiv", SourceReply(503, "Service Unavailable", {"Retry-After": "1200"}))
    caplog.set_level("INFO", logger="paperbot.discord.additions")

    reply = await run(fake_discord, "corpus add", {"reference": "2302.11563"}, user="bob")

    assert reply.content == "arXiv is busy right now (HTTP 503); nothing was added. Try again in 20 minutes."
    (line,) = [r.getMessage() for r in caplog.records if r.name == "paperbot.discord.additions"]
    assert "arXiv answered HTTP 503 for arXiv:2302.11563" in line


async def test_import_a_bib_attachment(paperbot: Any, fake_discord: FakeDiscord) -> None:
    from tests.additions.test_importing import BIB

    reply = await run(
        fake_discord, "corpus import", {"file": FakeAttachment("refs.bib", BIB.encode())}, user="bob"
    )

    assert reply.content.startswith("📚 refs.bib: 1 added, 1 already there.\nAdded: `vorbild2024slots`")
    assert "• refs.bib:9: entry “broken2024” could not be parsed (check its braces)" in reply.content
    assert cites(
        await run(fake_discord, "ask", {"question": "slot filling for seminar calendars"}), "Slot Filling"
    )


async def test_an_attachment_that_is_not_bibtex_is_refused(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(
        fake_discord, "corpus import", {"file": FakeAttachment("paper.pdf", b"%PDF-1.7")}, user="bob"
    )
    assert (
        reply.content
        == "“paper.pdf” isn't a .bib file. Attach a BibTeX file (refs.bib); nothing was imported."
    )


async def test_edit_then_remove(paperbot: Any, fake_discord: FakeDiscord) -> None:
    await run(fake_discord, "corpus add", {"reference": "2302.11563"}, user="bob")

    edited = await run(
        fake_discord, "corpus edit", {"paper": SPARSE, "title": "Sparse Mixtures, Retitled"}, user="bob"
    )
    assert edited.content.startswith(f"✅ Updated **Sparse Mixtures, Retitled** (`{SPARSE}`)")
    removed = await run(fake_discord, "corpus remove", {"paper": SPARSE}, user="bob")
    assert removed.content == (
        f"🗑️ Removed **Sparse Mixtures, Retitled** (`{SPARSE}`). It no longer shows up in answers."
    )
    assert not cites(await run(fake_discord, "ask", {"question": QUESTION}), "Sparse Mixtures")
    seed = await run(
        fake_discord, "corpus remove", {"paper": "random-teachers-are-good-teachers"}, user="bob"
    )
    assert "comes from the corpus files" in seed.content
