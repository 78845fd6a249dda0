"""Turning what the bot sends (JSON or multipart) into stored messages, and edits into updates.

discord.py sends a plain JSON body when there are no files, and otherwise a multipart
form with a ``payload_json`` field plus one ``files[n]`` field per file, where the
JSON's ``attachments`` list refers to files by their index ``n``. On edits the same
list also names existing attachments (by their snowflake) that should be kept; any
attachment not listed is removed. This module implements those rules once for channel
messages, interaction responses and webhook follow-ups alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .ids import ATTACHMENT_SIZE_LIMIT, FLAG_LOADING, FLAG_SUPPRESS_EMBEDS, iso_now
from .state import Attachment, State, StoredMessage, User
from .validation import ApiError, validate_message

Json = dict[str, Any]
AttachmentUrl = Callable[[int, int, str], str]  # (channel id, attachment id, filename) -> URL

_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")


@dataclass
class UploadedFile:
    index: int
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class RequestBody:
    """A request body as discord.py sent it: the JSON part and any uploaded files by index."""

    payload: Json = field(default_factory=dict)
    files: dict[int, UploadedFile] = field(default_factory=dict)
    multipart: bool = False


async def read_body(request: web.Request) -> RequestBody:
    if request.content_type.startswith("multipart/"):
        body = RequestBody(multipart=True)
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue  # nested multipart: discord.py never sends one
            name = part.name or ""
            raw = await part.read()
            if name == "payload_json":
                body.payload = json.loads(raw)
                continue
            match = _FILE_FIELD.match(name)
            if match is not None:
                index = int(match.group(1))
                content_type = part.headers.get("Content-Type")
                body.files[index] = UploadedFile(index, part.filename or f"file{index}", bytes(raw), content_type)
        return body
    raw = await request.read()
    if not raw:
        return RequestBody()
    try:
        payload = json.loads(raw)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
    return RequestBody(payload=payload if isinstance(payload, dict) else {"_list": payload})


def _resolve_attachments(
    state: State, message: StoredMessage, body: RequestBody, attachment_url: AttachmentUrl, *, keep_unlisted: bool
) -> list[Attachment]:
    existing = {attachment.id: attachment for attachment in message.attachments}
    listed = body.payload.get("attachments")
    used_files: set[int] = set()
    result: list[Attachment] = []
    if listed is None:
        result = list(message.attachments) if keep_unlisted else []
    else:
        for entry in listed:
            ref = int(entry.get("id", -1))
            upload = body.files.get(ref)
            if upload is not None and ref not in used_files:
                used_files.add(ref)
                result.append(
                    _new_attachment(state, message, upload, attachment_url, entry.get("filename"), entry.get("description"))
                )
            elif ref in existing:
                result.append(existing[ref])
            else:
                raise ApiError(400, 50035, "Invalid Form Body", {"attachments": {"_errors": [{"code": "ATTACHMENT_NOT_FOUND"}]}})
    for index, upload in sorted(body.files.items()):
        if index not in used_files:  # files sent without an attachments entry are still attached
            result.append(_new_attachment(state, message, upload, attachment_url, None, None))
    return result


def _new_attachment(
    state: State,
    message: StoredMessage,
    upload: UploadedFile,
    attachment_url: AttachmentUrl,
    filename: str | None,
    description: str | None,
) -> Attachment:
    if len(upload.data) > ATTACHMENT_SIZE_LIMIT:
        raise ApiError(413, 40005, "Request entity too large")
    attachment_id = state.ids.next()
    name = filename or upload.filename
    content_type = upload.content_type if upload.content_type != "application/octet-stream" else None
    attachment = Attachment(
        attachment_id, name, upload.data, attachment_url(message.channel_id, attachment_id, name), content_type, description
    )
    state.attachments[attachment_id] = attachment
    return attachment


def build_message(
    state: State,
    *,
    channel_id: int,
    guild_id: int | None,
    author: User,
    body: RequestBody,
    attachment_url: AttachmentUrl,
    extra_flags: int = 0,
    **fields: Any,
) -> StoredMessage:
    """Validate a create request and build (but not yet store) the message it describes."""
    payload = body.payload
    validate_message(payload, file_count=len(body.files), is_edit=False)
    message = StoredMessage(
        id=state.ids.next(),
        channel_id=channel_id,
        guild_id=guild_id,
        author=author,
        content=payload.get("content") or "",
        embeds=list(payload.get("embeds") or []),
        components=list(payload.get("components") or []),
        flags=int(payload.get("flags") or 0) | extra_flags,
        allowed_mentions=payload.get("allowed_mentions"),
        message_reference=payload.get("message_reference"),
        tts=bool(payload.get("tts", False)),
        nonce=payload.get("nonce"),
        payloads=[payload],
        **fields,
    )
    if message.message_reference is not None:
        # Clients send ids as ints; Discord answers with strings, and marks the message a REPLY.
        reference = message.message_reference
        message.message_reference = {k: str(v) if k.endswith("_id") and v is not None else v for k, v in reference.items()}
        if message.type == 0:
            message.type = 19
    message.attachments = _resolve_attachments(state, message, body, attachment_url, keep_unlisted=False)
    return message


def apply_edit(state: State, message: StoredMessage, body: RequestBody, attachment_url: AttachmentUrl) -> None:
    """Apply an edit: only the keys present change, as with Discord's PATCH semantics."""
    payload = body.payload
    validate_message(payload, file_count=len(body.files), is_edit=True)
    if "content" in payload:
        message.content = payload["content"] or ""
    if "embeds" in payload:
        message.embeds = list(payload["embeds"] or [])
    if "components" in payload:
        message.components = list(payload["components"] or [])
    if "flags" in payload and payload["flags"] is not None:
        # Only SUPPRESS_EMBEDS (and components v2) can change on edit; ephemeral is fixed.
        changeable = FLAG_SUPPRESS_EMBEDS | (1 << 15)
        message.flags = (message.flags & ~changeable) | (int(payload["flags"]) & changeable)
    if "allowed_mentions" in payload:
        message.allowed_mentions = payload["allowed_mentions"]
    if "attachments" in payload or body.files:
        message.attachments = _resolve_attachments(state, message, body, attachment_url, keep_unlisted=True)
    message.flags &= ~FLAG_LOADING  # the first edit of a deferred response replaces "is thinking..."
    message.payloads.append(payload)
    message.version += 1
    message.edited_timestamp = iso_now()
