"""Discord's own limits, enforced so a bot that would be rejected in production fails here too.

discord.py validates little of this locally: a 2,001-character message, a sixth
action row or a 46-character modal title all leave the client and come back as HTTP
400 with code 50035 ("Invalid Form Body") and an ``errors`` tree. Interview questions
and feedback are long texts, so these are exactly the failures worth catching early.
Only the limits a mock-interview bot can plausibly hit are checked.
"""

from __future__ import annotations

import re
from typing import Any

Json = dict[str, Any]

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}
MAX_CUSTOM_ID = 100
MAX_TOP_LEVEL_COMPONENTS = 5
MAX_ROW_CHILDREN = 5
MAX_BUTTON_LABEL = 80
MAX_MODAL_TITLE = 45
MAX_TEXT_INPUT_LENGTH = 4000
MAX_COMMANDS_PER_SCOPE = 100
MAX_OPTIONS = 25
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
COMPONENTS_V2_FLAG = 1 << 15


class ApiError(Exception):
    """An error response in Discord's shape; rest.py turns it into JSON."""

    def __init__(self, status: int, code: int, message: str, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        body: Json = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def invalid_form(path: str, code: str, message: str) -> ApiError:
    """A 50035 whose ``errors`` tree points at ``path`` (dot-separated, as Discord nests it)."""
    leaf: Json = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        leaf = {part: leaf}
    return ApiError(400, 50035, "Invalid Form Body", leaf)


def _too_long(path: str, limit: int) -> ApiError:
    return invalid_form(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def validate_message(payload: Json, *, file_count: int, is_edit: bool) -> None:
    content = payload.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        raise _too_long("content", MAX_CONTENT)
    embeds = payload.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise _too_long("embeds", MAX_EMBEDS)
    total = 0
    for index, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limit:
                raise _too_long(f"embeds.{index}.{key}", limit)
        for field_index, field in enumerate(embed.get("fields") or []):
            for key, limit in FIELD_LIMITS.items():
                text = field.get(key) or ""
                total += len(text)
                if len(text) > limit:
                    raise _too_long(f"embeds.{index}.fields.{field_index}.{key}", limit)
        total += len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or "")
    if total > MAX_EMBED_TOTAL:
        raise invalid_form("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    components = payload.get("components") or []
    v2 = bool(int(payload.get("flags") or 0) & COMPONENTS_V2_FLAG)
    if not v2 and len(components) > MAX_TOP_LEVEL_COMPONENTS:
        raise _too_long("components", MAX_TOP_LEVEL_COMPONENTS)
    validate_components(components, "components")
    if is_edit:
        return
    has_body = bool(content) or embeds or components or file_count or payload.get("sticker_ids") or payload.get("poll")
    if not has_body:
        raise ApiError(400, 50006, "Cannot send an empty message")


def validate_components(components: list[Json], path: str) -> None:
    seen: set[str] = set()

    def visit(items: list[Json], where: str) -> None:
        for index, component in enumerate(items):
            here = f"{where}.{index}"
            kind = component.get("type")
            children = component.get("components") or []
            if kind == 1 and len(children) > MAX_ROW_CHILDREN:
                raise _too_long(f"{here}.components", MAX_ROW_CHILDREN)
            custom_id = component.get("custom_id")
            if custom_id is not None:
                if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
                    raise _too_long(f"{here}.custom_id", MAX_CUSTOM_ID)
                if custom_id in seen:
                    raise invalid_form(
                        f"{here}.custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
                    )
                seen.add(custom_id)
            if kind == 2 and len(component.get("label") or "") > MAX_BUTTON_LABEL:
                raise _too_long(f"{here}.label", MAX_BUTTON_LABEL)
            if kind == 4 and int(component.get("max_length") or 0) > MAX_TEXT_INPUT_LENGTH:
                raise invalid_form(f"{here}.max_length", "NUMBER_TYPE_MAX", f"int value should be <= {MAX_TEXT_INPUT_LENGTH}.")
            visit(children, f"{here}.components")
            for single in ("accessory", "component"):
                if isinstance(component.get(single), dict):
                    visit([component[single]], f"{here}.{single}")

    visit(components, path)


def validate_modal(data: Json) -> None:
    title = data.get("title") or ""
    if not 1 <= len(title) <= MAX_MODAL_TITLE:
        raise _too_long("data.title", MAX_MODAL_TITLE)
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
        raise _too_long("data.custom_id", MAX_CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= MAX_TOP_LEVEL_COMPONENTS:
        raise invalid_form("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    validate_components(components, "data.components")


def validate_command_tree(commands: list[Json]) -> None:
    chat_input = [command for command in commands if command.get("type", 1) == 1]
    if len(chat_input) > MAX_COMMANDS_PER_SCOPE:
        raise _too_long("", MAX_COMMANDS_PER_SCOPE)
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        name = command.get("name") or ""
        if (kind, name) in names:
            raise invalid_form(
                f"{index}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", f"Application command names must be unique: {name}"
            )
        names.add((kind, name))
        if kind == 1:
            _validate_chat_input(command, str(index), depth=0)


def _validate_chat_input(node: Json, path: str, *, depth: int) -> None:
    name = node.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        raise invalid_form(f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
    description = node.get("description") or ""
    if not 1 <= len(description) <= 100:
        raise invalid_form(f"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    options = node.get("options") or []
    if len(options) > MAX_OPTIONS:
        raise _too_long(f"{path}.options", MAX_OPTIONS)
    seen: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        here = f"{path}.options.{index}"
        kind = int(option.get("type", 3))
        if option.get("name") in seen:
            raise invalid_form(f"{here}.name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
        seen.add(option.get("name") or "")
        if kind in (1, 2):
            if (kind == 2 and depth > 0) or (kind == 1 and depth > 1):
                raise invalid_form(f"{here}.type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Subcommands nested too deep")
            _validate_chat_input(option, here, depth=depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                raise invalid_form(
                    here,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        if len(option.get("choices") or []) > MAX_OPTIONS:
            raise _too_long(f"{here}.choices", MAX_OPTIONS)
        _validate_chat_input({**option, "options": []}, here, depth=depth + 1)
