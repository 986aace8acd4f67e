"""REST: interaction callbacks and the interaction webhook (@original, followups).

Discord semantics kept: one callback per interaction within ``fake.interaction_deadline``; a DEFERRED
(type 5) answer is a loading message that ``PATCH @original`` or the first followup replaces.
"""

from __future__ import annotations

import time
from typing import Final

from ..messaging import Messaging
from ..replies import InteractionHandle
from ..routing import FakeRequest, route
from ..wire import (
    ALREADY_ACKNOWLEDGED,
    JSON,
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordAPIError,
    invalid_form,
)


class InteractionRoutes(Messaging):
    """``/interactions/{id}/{token}/callback`` and ``/webhooks/{application_id}/{token}…``."""

    _ALLOWED_CALLBACKS: Final = {1: {1}, 2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}

    @route("POST", "/interactions/{interaction_id}/{token:str}/callback", auth=False)
    async def route_interaction_callback(self, req: FakeRequest) -> JSON:
        handle = self.interactions.get(req.params["token"])
        if handle is None or handle.id != req.int_param("interaction_id"):
            raise DiscordAPIError(UNKNOWN_INTERACTION)
        if handle.callback is not None:
            raise DiscordAPIError(ALREADY_ACKNOWLEDGED)
        if (
            self.interaction_deadline is not None
            and time.monotonic() - handle.created > self.interaction_deadline
        ):
            raise DiscordAPIError(UNKNOWN_INTERACTION)
        body = req.body
        kind = int(body.get("type") or 0)
        if kind not in self._ALLOWED_CALLBACKS.get(handle.type, set()):
            raise invalid_form({"type": f"Interaction response type {kind} is invalid for this interaction"})
        data: JSON = body.get("data") or {}
        channel = handle.channel
        response_message: JSON | None = None
        if kind == 4:
            self._validate_message(data, req.files, creating=True)
            message = self._build_message(
                channel,
                self.bot_user,
                data,
                req.files,
                interaction=handle,
                message_type=20 if handle.type == 2 else 19,
            )
            handle.original_id = int(message["id"])
            handle.callback, handle.callback_files = body, req.files
            await self._store_and_announce(message, channel)
            response_message = message
        elif kind == 5:
            flags = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            message = self._build_message(
                channel,
                self.bot_user,
                {"content": ""},
                interaction=handle,
                message_type=20 if handle.type == 2 else 19,
                extra_flags=flags | MESSAGE_FLAG_LOADING,
            )
            handle.original_id = int(message["id"])
            handle.callback = body
            await self._store_and_announce(message, channel)
            response_message = message
        elif kind in (6, 7):
            target = handle.payload.get("message") or {}
            target_id = int(target.get("id") or 0)
            if target_id not in self.messages:
                raise DiscordAPIError(UNKNOWN_MESSAGE)
            handle.original_id = target_id
            handle.callback, handle.callback_files = body, req.files
            if kind == 7:
                message = self.messages[target_id]
                self._apply_edit(message, channel, data, req.files)
                handle.edits.append(data)
                if not message["flags"] & MESSAGE_FLAG_EPHEMERAL:
                    await self._dispatch_message_event("MESSAGE_UPDATE", message, channel)
                response_message = message
        else:  # 1 pong, 8 autocomplete result, 9 modal
            handle.callback = body
        result: JSON = {
            "interaction": {
                "id": str(handle.id),
                "type": handle.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(
                    response_message and response_message["flags"] & MESSAGE_FLAG_EPHEMERAL
                ),
            }
        }
        if response_message is not None:
            result["interaction"]["response_message_id"] = response_message["id"]
            result["resource"] = {"type": kind, "message": response_message}
        return result

    def _webhook_handle(self, req: FakeRequest) -> InteractionHandle:
        handle = self.interactions.get(req.params["token"])
        if handle is None or req.int_param("application_id") != self.application_id:
            raise DiscordAPIError(UNKNOWN_WEBHOOK)
        if handle.callback is None:
            raise DiscordAPIError(UNKNOWN_WEBHOOK)  # Discord: nothing to edit/follow up before the ack
        return handle

    def _handle_message(self, handle: InteractionHandle, message_id: int | None) -> JSON:
        target = handle.original_id if message_id is None else message_id
        allowed = {handle.original_id, *handle.followup_ids}
        if target is None or target not in allowed or target not in self.messages:
            raise DiscordAPIError(UNKNOWN_MESSAGE)
        return self.messages[target]

    @route("GET", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_get_original(self, req: FakeRequest) -> JSON:
        return self._handle_message(self._webhook_handle(req), None)

    @route("PATCH", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_edit_original(self, req: FakeRequest) -> JSON:
        handle = self._webhook_handle(req)
        return await self._edit_webhook_message(handle, self._handle_message(handle, None), req)

    @route("DELETE", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_delete_original(self, req: FakeRequest) -> None:
        handle = self._webhook_handle(req)
        await self._delete_message(self._handle_message(handle, None))
        handle.deleted_original = True

    @route("GET", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_get_followup(self, req: FakeRequest) -> JSON:
        return self._handle_message(self._webhook_handle(req), req.int_param("message_id"))

    @route("PATCH", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_edit_followup(self, req: FakeRequest) -> JSON:
        handle = self._webhook_handle(req)
        message = self._handle_message(handle, req.int_param("message_id"))
        return await self._edit_webhook_message(handle, message, req)

    @route("DELETE", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_delete_followup(self, req: FakeRequest) -> None:
        handle = self._webhook_handle(req)
        await self._delete_message(self._handle_message(handle, req.int_param("message_id")))

    async def _edit_webhook_message(self, handle: InteractionHandle, message: JSON, req: FakeRequest) -> JSON:
        self._apply_edit(message, handle.channel, req.body, req.files)
        if message["flags"] & MESSAGE_FLAG_LOADING:
            message["flags"] &= ~MESSAGE_FLAG_LOADING
            message["edited_timestamp"] = None  # resolving a defer is not shown as an edit
        if int(message["id"]) == handle.original_id:
            handle.edits.append(req.body)
        if not message["flags"] & MESSAGE_FLAG_EPHEMERAL:
            await self._dispatch_message_event("MESSAGE_UPDATE", message, handle.channel)
        return message

    @route("POST", "/webhooks/{application_id}/{token:str}", auth=False)
    async def route_create_followup(self, req: FakeRequest) -> JSON | None:
        handle = self._webhook_handle(req)
        body = req.body
        original = self.messages.get(handle.original_id or 0)
        if handle.callback_type == 5 and original is not None and original["flags"] & MESSAGE_FLAG_LOADING:
            # Discord: the first followup after a DEFERRED response edits the loading message instead,
            # and the defer's ephemeral flag wins over the followup's.
            message = await self._edit_webhook_message(handle, original, req)
        else:
            self._validate_message(body, req.files, creating=True)
            flags = int(body.get("flags") or 0)
            message = self._build_message(
                handle.channel,
                self.bot_user,
                {**body, "flags": flags},
                req.files,
                interaction=handle,
                message_type=19 if handle.type != 2 else 20,
            )
            handle.followup_ids.append(int(message["id"]))
            await self._store_and_announce(message, handle.channel)
        if req.query.get("wait") in ("1", "true", "True"):
            return message
        return None
