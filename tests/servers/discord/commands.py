"""The synced application-command tree, and turning "mock start" into interaction data.

Tests invoke commands the way a user types them (``"mock start"`` with
``{"round": "core"}``), and this module resolves that against what the bot actually
synced: it finds the command (guild scope first, then global, as Discord's client
does), walks subcommand groups and subcommands, checks option names, required
options, choices and ranges, and converts values to the wire types. A test therefore
cannot invoke a command or option the bot never registered: drift between the bot's
tree and the tests shows up as a clear ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import Channel, Guild, State, User
from .validation import validate_command_tree

Json = dict[str, Any]

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


@dataclass
class ResolvedCommand:
    """The interaction ``data`` for one invocation, plus which synced command it hit."""

    data: Json
    command: Json
    scope: int | None  # guild id, or None for a global command
    uploads: list[tuple[str, bytes]] = field(default_factory=list)


class CommandRegistry:
    """What the bot synced, per scope (``None`` = global). Ids stay stable across re-syncs."""

    def __init__(self, state: State) -> None:
        self._state = state
        self.scopes: dict[int | None, dict[tuple[int, str], Json]] = {}
        self.sync_history: list[tuple[int | None, list[Json]]] = []
        self._ids: dict[tuple[int | None, int, str], int] = {}

    def put(self, scope: int | None, payload: list[Json]) -> list[Json]:
        """Bulk overwrite (PUT): the scope's tree becomes exactly ``payload``."""
        validate_command_tree(payload)
        self.sync_history.append((scope, payload))
        stored: dict[tuple[int, str], Json] = {}
        for command in payload:
            stored[(int(command.get("type", 1)), command["name"])] = self._complete(scope, command)
        self.scopes[scope] = stored
        return list(stored.values())

    def upsert(self, scope: int | None, command: Json) -> Json:
        validate_command_tree([command])
        full = self._complete(scope, command)
        self.scopes.setdefault(scope, {})[(full["type"], full["name"])] = full
        return full

    def delete(self, scope: int | None, command_id: int) -> bool:
        commands = self.scopes.get(scope, {})
        for key, command in list(commands.items()):
            if int(command["id"]) == command_id:
                del commands[key]
                return True
        return False

    def in_scope(self, scope: int | None) -> list[Json]:
        return list(self.scopes.get(scope, {}).values())

    def names(self, scope: int | None = None) -> list[str]:
        return sorted(name for (_, name) in self.scopes.get(scope, {}))

    def find(self, name: str, guild_id: int | None, *, type: int = 1) -> tuple[Json, int | None] | None:
        if guild_id is not None:
            command = self.scopes.get(guild_id, {}).get((type, name))
            if command is not None:
                return command, guild_id
        command = self.scopes.get(None, {}).get((type, name))
        return (command, None) if command is not None else None

    def _complete(self, scope: int | None, command: Json) -> Json:
        kind = int(command.get("type", 1))
        key = (scope, kind, command["name"])
        if key not in self._ids:
            self._ids[key] = self._state.ids.next()
        full: Json = {
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": str(self._ids[key]),
            "application_id": str(self._state.application_id),
            "type": kind,
            "version": str(self._state.ids.next()),
        }
        if full["default_member_permissions"] is not None:  # clients send an int, Discord answers a string
            full["default_member_permissions"] = str(full["default_member_permissions"])
        if scope is not None:
            full["guild_id"] = str(scope)
        else:
            full.setdefault("contexts", [0, 1, 2])
            full.setdefault("integration_types", [0])
        return full

    # ---- invocation ----------------------------------------------------------------

    def resolve(self, path: str, options: dict[str, Any], *, guild: Guild | None) -> ResolvedCommand:
        words = path.split()
        if not words:
            raise ValueError("empty command path")
        found = self.find(words[0], guild.id if guild else None)
        if found is None:
            scopes = "guild or global" if guild else "global"
            raise ValueError(f"no synced {scopes} command named {words[0]!r}; synced: {self._all_names(guild)}")
        command, scope = found
        data: Json = {"id": command["id"], "name": command["name"], "type": 1}
        if scope is not None:
            data["guild_id"] = str(scope)
        resolved: Json = {}
        uploads: list[tuple[str, bytes]] = []
        node, container = command, data
        for word in words[1:]:
            child = next((o for o in node.get("options", []) if o["name"] == word and o.get("type") in (1, 2)), None)
            if child is None:
                subs = [o["name"] for o in node.get("options", []) if o.get("type") in (1, 2)]
                raise ValueError(f"{node['name']!r} has no subcommand or group {word!r}; it has {subs}")
            entry: Json = {"name": child["name"], "type": child["type"], "options": []}
            container.setdefault("options", []).append(entry)
            node, container = child, entry
        if any(o.get("type") in (1, 2) for o in node.get("options", [])):
            subs = [o["name"] for o in node.get("options", []) if o.get("type") in (1, 2)]
            raise ValueError(f"{path!r} is a group; pick one of {subs}")
        container["options"] = self._values(node, options, guild, resolved, uploads)
        if resolved:
            data["resolved"] = resolved
        return ResolvedCommand(data, command, scope, uploads)

    def _all_names(self, guild: Guild | None) -> list[str]:
        names = self.names(None)
        if guild is not None:
            names += self.names(guild.id)
        return sorted(set(names))

    def _values(
        self, node: Json, given: dict[str, Any], guild: Guild | None, resolved: Json, uploads: list[tuple[str, bytes]]
    ) -> list[Json]:
        defs = {o["name"]: o for o in node.get("options", [])}
        unknown = set(given) - set(defs)
        if unknown:
            raise ValueError(f"{node['name']!r} has no option(s) {sorted(unknown)}; it has {sorted(defs)}")
        values: list[Json] = []
        for name, definition in defs.items():
            if name not in given:
                if definition.get("required"):
                    raise ValueError(f"option {name!r} of {node['name']!r} is required")
                continue
            kind = int(definition["type"])
            value = self._convert(definition, given[name], guild, resolved, uploads)
            values.append({"name": name, "type": kind, "value": value})
        return values

    def _convert(
        self, definition: Json, value: Any, guild: Guild | None, resolved: Json, uploads: list[tuple[str, bytes]]
    ) -> Any:
        kind = int(definition["type"])
        name = definition["name"]
        if kind == STRING:
            if not isinstance(value, str):
                raise ValueError(f"option {name!r} is a string option, got {value!r}")
            lo, hi = definition.get("min_length"), definition.get("max_length")
            if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
                raise ValueError(f"option {name!r} must be {lo}..{hi} characters")
        elif kind in (INTEGER, NUMBER):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (kind == INTEGER and not float(value).is_integer())
            ):
                raise ValueError(f"option {name!r} needs a {'integer' if kind == INTEGER else 'number'}, got {value!r}")
            value = int(value) if kind == INTEGER else value
            lo, hi = definition.get("min_value"), definition.get("max_value")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ValueError(f"option {name!r} must be within {lo}..{hi}")
        elif kind == BOOLEAN:
            if not isinstance(value, bool):
                raise ValueError(f"option {name!r} is a boolean option, got {value!r}")
        elif kind in (USER, MENTIONABLE):
            return self._resolve_user(int(value.id if isinstance(value, User) else value), guild, resolved)
        elif kind == CHANNEL:
            return self._resolve_channel(int(value.id if isinstance(value, Channel) else value), resolved)
        elif kind == ROLE:
            if guild is None or int(value) not in guild.roles:
                raise ValueError(f"option {name!r}: unknown role {value!r}")
            resolved.setdefault("roles", {})[str(value)] = guild.roles[int(value)].payload()
            return str(value)
        elif kind == ATTACHMENT:
            filename, data = value
            uploads.append((filename, data))
            return f"upload:{len(uploads) - 1}"  # replaced with a real attachment id by the caller
        choices = definition.get("choices")
        if choices and value not in [choice["value"] for choice in choices]:
            raise ValueError(f"option {name!r} must be one of {[choice['value'] for choice in choices]}, got {value!r}")
        return value

    def _resolve_user(self, user_id: int, guild: Guild | None, resolved: Json) -> str:
        user = self._state.user(user_id)
        resolved.setdefault("users", {})[str(user_id)] = user.payload()
        member = guild.members.get(user_id) if guild else None
        if member is not None and guild is not None:
            data = member.payload(with_user=False, permissions=guild.permissions_of(user_id))
            resolved.setdefault("members", {})[str(user_id)] = data
        return str(user_id)

    def _resolve_channel(self, channel_id: int, resolved: Json) -> str:
        channel = self._state.channel(channel_id)
        data = self._state.channel_payload(channel)
        data["permissions"] = str(0)
        resolved.setdefault("channels", {})[str(channel_id)] = data
        return str(channel_id)
