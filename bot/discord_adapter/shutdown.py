"""A clean stop: stop taking new work, let the replies in flight finish (bounded), then close.

`InFlight` knows the handler tasks answering users right now. Every place where work from a user begins
admits its task: the free-text listener (`QuestionsCog.on_message`), the command tree for slash commands
and autocomplete (`PaperTree.interaction_check`), and buttons (`PaperView.interaction_check`,
`PaperButton`, the reading group's `guarded`) — the last three through `errors.admit`. Once a shutdown
has begun, `admit` still tracks the task but answers False: the caller replies `RESTARTING` instead of
starting the work, and that short reply is waited for as well.

Scheduled jobs (the paper of the day, reading-group reminders) are counted as they start and end
(`count_job`, fed by the scheduler's job events): a post already on its way is waited for the same way.

`PaperBot.shutdown` (SIGTERM or Ctrl-C in `paperbot run`) pauses the schedules, waits for the tracked
tasks and jobs for at most `SHUTDOWN_GRACE` seconds, cancels whatever still runs then (one WARNING line)
so nothing is cut off mid-request by the closing connection, and closes the connection.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

__all__ = ["RESTARTING", "SHUTDOWN_GRACE", "InFlight", "replies"]

SHUTDOWN_GRACE: Final = 8.0
"""Seconds a shutdown waits for the replies in flight before cancelling them: within `docker stop`'s
default 10 s before it kills the process, with room left to disconnect and close the database."""

JOB_POLL: Final = 0.05
"""Seconds between looks at whether the scheduled jobs have ended."""

RESTARTING: Final = "I'm restarting — please try again in a minute."
"""The answer to anything asked while the bot shuts down."""


def replies(count: int) -> str:
    """'1 reply', '3 replies' — for the shutdown log lines."""
    return f"{count} reply" if count == 1 else f"{count} replies"


class InFlight:
    """The handler tasks at work for users; after `stop_admitting()` new work is refused."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._jobs = 0
        self._admitting = True

    @property
    def admitting(self) -> bool:
        """False once a shutdown has begun."""
        return self._admitting

    def running(self) -> list[asyncio.Task[Any]]:
        """The tracked tasks still running (the caller's own task excluded)."""
        current = asyncio.current_task()
        return [task for task in self._tasks if task is not current and not task.done()]

    def admit(self) -> bool:
        """Track the current task until it ends; True to go ahead, False to answer `RESTARTING` only."""
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return self._admitting

    @property
    def jobs(self) -> int:
        """Scheduled jobs running now."""
        return self._jobs

    def count_job(self, delta: int) -> None:
        """A scheduled job started (+1) or ended (-1)."""
        self._jobs = max(0, self._jobs + delta)

    def stop_admitting(self) -> int:
        """Refuse new work from now on; returns how many tasks and jobs are still at work."""
        self._admitting = False
        return len(self.running()) + self._jobs

    async def wait(self, within: float) -> list[asyncio.Task[Any]]:
        """Wait until no tracked task (refusals admitted meanwhile included) and no job runs, at most
        `within` seconds; returns the tasks still running then (`jobs` tells the jobs)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            running = self.running()
            remaining = deadline - loop.time()
            if (not running and not self._jobs) or remaining <= 0:
                return running
            if self._jobs:  # no handle on a job's task: look again shortly
                remaining = min(remaining, JOB_POLL)
            if running:
                await asyncio.wait(running, timeout=remaining)
            else:
                await asyncio.sleep(remaining)

    @staticmethod
    async def cancel(tasks: list[asyncio.Task[Any]], *, within: float = 1.0) -> None:
        """Cancel `tasks` and give them `within` seconds to unwind."""
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=within)
