"""All reading-group SQL, one module per part of the cycle; import this package, not its modules.

The core reaches it only through `SqlReadingGroupStore` (`store`), which implements the core's ports
(`bot.readinggroup.ports`): the AsyncSession stays in here. Underneath, functions take an AsyncSession (the
caller owns the transaction) and return frozen domain values from `bot.readinggroup.models`, never ORM
rows (`bot.storage.records.record_from_row` maps them). The reminder ledger is the exception: it takes a
transaction factory and commits on its own (see `reminder_ledger`).

    store            the core's ReadingGroupStore over these functions

    settings         /rg setup
    proposals        papers proposed, one live proposal per paper
    ballots          ballots and votes, one open ballot per server
    sessions         meetings: create, move, cancel, list
    rsvps, roster, notes
    past_sessions    what was discussed and presented, and the history
    reminder_ledger  exactly-once reminders
"""

from bot.storage.readinggroup_repo.ballots import (
    ballot_votes,
    cast_vote,
    close_ballot,
    create_ballot,
    get_ballot,
    get_open_ballot,
    latest_ballot,
    overdue_ballots,
    retract_vote,
    set_ballot_message,
)
from bot.storage.readinggroup_repo.notes import add_note, notes_for
from bot.storage.readinggroup_repo.past_sessions import (
    discussed_keys,
    discussed_on,
    discussed_papers,
    history,
    presenter_assignments,
)
from bot.storage.readinggroup_repo.proposals import (
    LIVE_STATUSES,
    add_proposal,
    find_live_proposal,
    get_proposal,
    list_proposals,
    proposals_by_id,
    set_proposal_status,
)
from bot.storage.readinggroup_repo.reminder_ledger import (
    ReminderKey,
    Transaction,
    claim_reminder,
    claimed_reminders,
    mark_reminder_sent,
    release_reminder,
)
from bot.storage.readinggroup_repo.roster import add_to_roster, list_roster, remove_from_roster
from bot.storage.readinggroup_repo.rsvps import rsvp_counts, rsvps, set_rsvp
from bot.storage.readinggroup_repo.sessions import (
    complete_finished_sessions,
    create_session,
    get_session,
    list_sessions,
    live_session_at,
    reschedule_session,
    set_session_links,
    set_session_paper,
    set_session_presenter,
    set_session_status,
)
from bot.storage.readinggroup_repo.settings import all_settings, get_settings, save_settings
from bot.storage.readinggroup_repo.store import SqlReadingGroupStore, SqlReadingGroupTx

__all__ = [
    "LIVE_STATUSES",
    "ReminderKey",
    "SqlReadingGroupStore",
    "SqlReadingGroupTx",
    "Transaction",
    "add_note",
    "add_proposal",
    "add_to_roster",
    "all_settings",
    "ballot_votes",
    "cast_vote",
    "claim_reminder",
    "claimed_reminders",
    "close_ballot",
    "complete_finished_sessions",
    "create_ballot",
    "create_session",
    "discussed_keys",
    "discussed_on",
    "discussed_papers",
    "find_live_proposal",
    "get_ballot",
    "get_open_ballot",
    "get_proposal",
    "get_session",
    "get_settings",
    "history",
    "latest_ballot",
    "list_proposals",
    "list_roster",
    "list_sessions",
    "live_session_at",
    "mark_reminder_sent",
    "notes_for",
    "overdue_ballots",
    "presenter_assignments",
    "proposals_by_id",
    "release_reminder",
    "remove_from_roster",
    "reschedule_session",
    "retract_vote",
    "rsvp_counts",
    "rsvps",
    "save_settings",
    "set_ballot_message",
    "set_proposal_status",
    "set_rsvp",
    "set_session_links",
    "set_session_paper",
    "set_session_presenter",
    "set_session_status",
]
