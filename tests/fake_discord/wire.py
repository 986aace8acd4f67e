"""What the fake speaks on the wire: intents, permission bits, channel types, message flags, Discord's
error codes, snowflakes and timestamps.

Plain ints and enums on purpose: the fake speaks the wire format, not discord.py's types (the package
never imports discord). See tests/README.md.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

JSON = dict[str, Any]

API_PREFIX: Final = "/api/v10"
DISCORD_EPOCH_MS: Final = 1420070400000
#: How long every wait of the fake (and of its helpers) lasts by default, in seconds.
DEFAULT_WAIT: Final = 5.0
ATTACHMENT_SIZE_LIMIT: Final = 10 * 1024 * 1024


# --------------------------------------------------------------------------------------------------------
# Constants (plain ints on purpose: the fake speaks the wire format, not discord.py's enums)
# --------------------------------------------------------------------------------------------------------


class Intent(enum.IntFlag):
    """Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16


PRIVILEGED_INTENTS: Final = Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT


class Perm(enum.IntFlag):
    """Permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    CREATE_EVENTS = 1 << 44
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51


ALL_PERMISSIONS: Final = (1 << 52) - 1

#: What @everyone gets in a freshly created server (roughly Discord's defaults).
DEFAULT_EVERYONE_PERMISSIONS: Final = int(
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.CREATE_PRIVATE_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.SEND_POLLS
    | Perm.USE_EXTERNAL_APPS
    | Perm.CREATE_EVENTS
)

#: What the bot's managed role gets: what an invite link for a paper bot would ask for.
DEFAULT_BOT_PERMISSIONS: Final = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.MANAGE_THREADS
    | Perm.MANAGE_MESSAGES
    | Perm.PIN_MESSAGES
    | Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
    | Perm.USE_APPLICATION_COMMANDS
)

#: Permissions Discord computes for interactions in a DM with the bot.
DM_PERMISSIONS: Final = int(
    Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.USE_APPLICATION_COMMANDS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_STAGE_VOICE = 13
    GUILD_FORUM = 15


THREAD_TYPES: Final = frozenset({10, 11, 12})

MESSAGE_FLAG_EPHEMERAL: Final = 1 << 6
MESSAGE_FLAG_LOADING: Final = 1 << 7


class ApiError(NamedTuple):
    """A Discord error: HTTP status, JSON error code, message. Used by :meth:`FakeDiscord.fail_next`."""

    status: int
    code: int
    message: str


MISSING_ACCESS: Final = ApiError(403, 50001, "Missing Access")
MISSING_PERMISSIONS: Final = ApiError(403, 50013, "Missing Permissions")
CANNOT_DM_USER: Final = ApiError(403, 50007, "Cannot send messages to this user")
CANNOT_EDIT_OTHERS: Final = ApiError(403, 50005, "Cannot edit a message authored by another user")
UNKNOWN_CHANNEL: Final = ApiError(404, 10003, "Unknown Channel")
UNKNOWN_GUILD: Final = ApiError(404, 10004, "Unknown Guild")
UNKNOWN_MEMBER: Final = ApiError(404, 10007, "Unknown Member")
UNKNOWN_MESSAGE: Final = ApiError(404, 10008, "Unknown Message")
UNKNOWN_USER: Final = ApiError(404, 10013, "Unknown User")
UNKNOWN_WEBHOOK: Final = ApiError(404, 10015, "Unknown Webhook")
UNKNOWN_EVENT: Final = ApiError(404, 10070, "Unknown Guild Scheduled Event")
UNKNOWN_INTERACTION: Final = ApiError(404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED: Final = ApiError(400, 40060, "Interaction has already been acknowledged.")
EMPTY_MESSAGE: Final = ApiError(400, 50006, "Cannot send an empty message")
WRONG_CHANNEL_TYPE: Final = ApiError(400, 50024, "Cannot execute action on this channel type")
THREAD_ALREADY_CREATED: Final = ApiError(400, 160004, "A thread has already been created for this message")
UNAUTHORIZED: Final = ApiError(401, 0, "401: Unauthorized")
SERVER_ERROR: Final = ApiError(500, 0, "500: Internal Server Error")
SERVICE_UNAVAILABLE: Final = ApiError(503, 0, "503: Service Unavailable")
"""What Discord answers during an outage or overload; discord.py's HTTP client does not retry it."""


class DiscordAPIError(Exception):
    """Raised inside a route handler to answer with a Discord-shaped error body."""

    def __init__(self, error: ApiError, errors: JSON | None = None) -> None:
        super().__init__(f"{error.status} {error.code} {error.message}")
        self.error = error
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.error.message, "code": self.error.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_form(errors: Mapping[str, str]) -> DiscordAPIError:
    """A 50035 'Invalid Form Body' error with Discord's nested ``_errors`` shape.

    ``errors`` maps a dotted path (``"embeds.0.description"``) to a message.
    """
    tree: JSON = {}
    for path, message in errors.items():
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": message})
    return DiscordAPIError(ApiError(400, 50035, "Invalid Form Body"), tree)


# --------------------------------------------------------------------------------------------------------
# Snowflakes and time
# --------------------------------------------------------------------------------------------------------

_last_snowflake = 0


def snowflake(at: datetime | None = None) -> int:
    """A real-time snowflake, strictly increasing within the process.

    Real time matters: discord.py derives ``created_at`` and interaction expiry from the id.
    """
    global _last_snowflake
    ms = int((at.timestamp() if at else time.time()) * 1000)
    value = (ms - DISCORD_EPOCH_MS) << 22
    if at is None:
        value = max(value, _last_snowflake + 1)
        _last_snowflake = value
    return value


def shard_snowflake(shard: tuple[int, int]) -> int:
    """A fresh snowflake for a guild on ``shard`` = (id, count): Discord's rule ``(id >> 22) % count``. The
    timestamp moves at most ``count - 1`` ms ahead, and later snowflakes stay above it."""
    global _last_snowflake
    shard_id, count = shard
    value = snowflake()
    while (value >> 22) % count != shard_id:
        value += 1 << 22
    _last_snowflake = value
    return value


def snowflake_time(value: int) -> datetime:
    return datetime.fromtimestamp(((value >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def _real_now() -> datetime:
    return datetime.now(UTC)


def iso_now() -> str:
    return _real_now().isoformat()


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
