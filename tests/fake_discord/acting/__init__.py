"""What a test does as a Discord user: post, DM, react, change the guild, run commands, click, submit.

Each helper builds the payload real Discord would send and dispatches it over the gateway; they need a
client that has identified (``RuntimeError`` otherwise).
"""

from .commands import CommandInput, CommandNotAvailable
from .interactions import DEFAULT, UserInteractions
from .messages import UserMessages

__all__ = ["DEFAULT", "CommandInput", "CommandNotAvailable", "UserInteractions", "UserMessages"]
