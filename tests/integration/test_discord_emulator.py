"""The Discord emulator, driven by the real, unmodified discord.py client.

A tiny bot defined here (not the product's bot) logs in, syncs an app-command tree,
answers slash commands, defers and follows up, uses a DynamicItem button, opens and
receives a modal, creates a private thread, reads messages and attachments, and
survives 429s, dropped connections, RECONNECT and INVALID_SESSION. If a discord.py
upgrade changes what it sends or expects on the wire, these tests say so before the
bot adapter does. Every wait is bounded, and every test closes its client.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.servers.discord import DiscordEmulator, InteractionHandle, running_client, running_discord
from tests.servers.discord import bounded as bounded_by

T = TypeVar("T")
TEST_TIMEOUT = 20.0


bounded = bounded_by(TEST_TIMEOUT)


# ---- the tiny bot under test -----------------------------------------------------------------


class ScoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"score:(?P<points>\d+)"):
    """A persistent button: its state lives in the custom_id, so it survives restarts."""

    def __init__(self, points: int) -> None:
        super().__init__(
            discord.ui.Button(label=f"{points} points", style=discord.ButtonStyle.primary, custom_id=f"score:{points}")
        )
        self.points = points

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ScoreButton:
        return cls(int(match["points"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"scored {self.points}", view=None)


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Answer", custom_id="answer", style=discord.TextStyle.paragraph, max_length=4000
    )
    confidence: discord.ui.Label[Any] = discord.ui.Label(
        text="Confidence", component=discord.ui.TextInput(custom_id="confidence", required=False)
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = interaction.client
        assert isinstance(bot, EmuBot)
        text_input = self.confidence.component
        assert isinstance(text_input, discord.ui.TextInput)
        bot.modal_values.append({"answer": self.answer.value, "confidence": text_input.value})
        await interaction.response.send_message(f"got {len(self.answer.value)} chars", ephemeral=True)


class QuizView(discord.ui.View):
    """A regular (non-persistent) view next to a DynamicItem: found via response_message_id."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.add_item(ScoreButton(5))

    @discord.ui.button(label="Skip", custom_id="skip")
    async def skip(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="skipped", view=None)

    @discord.ui.select(
        custom_id="level",
        options=[discord.SelectOption(label="Junior", value="junior"), discord.SelectOption(label="Senior", value="senior")],
    )
    async def level(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"level {select.values[0]}", ephemeral=True)


def build_tree(tree: app_commands.CommandTree[Any]) -> None:
    mock = app_commands.Group(name="mock", description="Mock interviews")
    question = app_commands.Group(name="question", description="Questions", parent=mock)
    admin = app_commands.Group(
        name="admin", description="Admin tools", default_permissions=discord.Permissions(manage_guild=True)
    )

    @mock.command(name="start", description="Start a mock interview")
    @app_commands.choices(
        round=[app_commands.Choice(name="Core", value="core"), app_commands.Choice(name="Advanced", value="advanced")]
    )
    async def mock_start(
        interaction: discord.Interaction,
        round: app_commands.Choice[str],
        level: str,
        minutes: app_commands.Range[int, 5, 90] = 30,
    ) -> None:
        await interaction.response.send_message(f"starting {round.value} {level} {minutes}")

    @question.command(name="next", description="Next question")
    async def question_next(interaction: discord.Interaction, hint: bool = False) -> None:
        await interaction.response.send_message(f"next question (hint={hint})", ephemeral=True)

    @admin.command(name="reset", description="Reset everything")
    async def admin_reset(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("reset done", ephemeral=True)

    @app_commands.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @app_commands.command(name="slow", description="Deferred answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("part 1")
        await interaction.edit_original_response(content="final answer")
        await interaction.followup.send("part 2", file=discord.File(io.BytesIO(b"report"), filename="report.txt"))
        temporary = await interaction.followup.send("temporary", wait=True)
        await temporary.delete()
        original = await interaction.original_response()
        assert original.content == "final answer"

    @app_commands.command(name="report", description="Answer with a file")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "your report", file=discord.File(io.BytesIO(b"score: 7/10"), filename="report.md")
        )

    @app_commands.command(name="quiz", description="Scored question")
    async def quiz(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("How many points?", view=QuizView())

    @app_commands.command(name="answer", description="Answer in a modal")
    async def answer(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AnswerModal())

    @app_commands.command(name="thread", description="Open a private interview thread")
    async def thread(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel)
        created = await channel.create_thread(name=f"interview-{interaction.user.name}", type=discord.ChannelType.private_thread)
        await created.add_user(interaction.user)
        await created.send(f"Welcome {interaction.user.mention}", allowed_mentions=discord.AllowedMentions.none())
        await interaction.followup.send(f"thread {created.id}", ephemeral=True)

    @app_commands.command(name="sleepy", description="Acknowledges too late")
    async def sleepy(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.5)
        await interaction.response.send_message("too late")

    commands_to_add: list[app_commands.Command[Any, Any, Any] | app_commands.Group] = [
        mock,
        admin,
        ping,
        slow,
        report,
        quiz,
        answer,
        thread,
        sleepy,
    ]
    for command in commands_to_add:
        tree.add_command(command)


class EmuBot(commands.Bot):
    def __init__(self, *, message_content: bool = True, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1, heartbeat_timeout=10.0, **options)
        self.seen_messages: list[discord.Message] = []
        self.modal_values: list[dict[str, Any]] = []
        self.tree_errors: list[BaseException] = []
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]

    async def _on_tree_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        self.tree_errors.append(error)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before every non-initial IDENTIFY by default

    async def setup_hook(self) -> None:
        build_tree(self.tree)
        self.add_dynamic_items(ScoreButton)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen_messages.append(message)
        if message.attachments:
            data = await message.attachments[0].read()
            summary = f"read {len(data)} bytes from {message.attachments[0].filename}: {data.decode()}"
            await message.channel.send(summary, file=discord.File(io.BytesIO(data[::-1]), filename="reversed.txt"))
        elif message.content == "dm me":
            try:
                await message.author.send("private hello")
            except discord.Forbidden:
                await message.channel.send("your DMs are closed")
        elif message.content.startswith("hello"):
            await message.reply(f"hi {message.author.name}: {message.content}", mention_author=False)


class EmuShardedBot(commands.AutoShardedBot):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def setup_hook(self) -> None:
        build_tree(self.tree)


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with running_discord(heartbeat_interval_ms=500) as emu:
        yield emu


@pytest.fixture
async def bot(emulator: DiscordEmulator) -> AsyncIterator[EmuBot]:
    async with running_client(emulator, EmuBot()) as client:
        guild = discord.Object(emulator.default_guild_id or 0)
        client.tree.copy_global_to(guild=guild)
        await client.tree.sync(guild=guild)
        yield client


@pytest.fixture
def user(emulator: DiscordEmulator) -> int:
    return emulator.add_user("alice")


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


# ---- login, READY and command sync ------------------------------------------------------------


@bounded
async def test_login_ready_and_guild_create(emulator: DiscordEmulator, bot: EmuBot) -> None:
    assert bot.user is not None and bot.user.id == emulator.state.bot.id and bot.user.bot
    assert bot.application_id == emulator.state.application_id
    guild = bot.get_guild(emulator.default_guild_id or 0)
    assert guild is not None and guild.name == "Emulated Guild"
    assert guild.me is not None and guild.default_role.id == guild.id
    channel = bot.get_channel(emulator.default_channel_id or 0)
    assert isinstance(channel, discord.TextChannel) and channel.name == "general"
    assert emulator.identify_count == 1
    identify = emulator.gateway.stats.identifies[0]
    assert identify["intents"] & (1 << 15)  # message content was requested
    assert "token" not in identify
    assert emulator.gateway.stats.compression == ["zlib-stream"]  # asked for, and served, compressed
    assert bot.latency < 5  # heartbeats are ACKed
    assert not emulator.unknown_routes


@bounded
async def test_guild_and_global_command_sync(emulator: DiscordEmulator, bot: EmuBot) -> None:
    synced = emulator.synced_commands(emulator.default_guild_id)
    assert {c["name"] for c in synced} == {"mock", "admin", "ping", "slow", "report", "quiz", "answer", "thread", "sleepy"}
    mock = next(c for c in synced if c["name"] == "mock")
    start = next(o for o in mock["options"] if o["name"] == "start")
    assert start["type"] == 1 and [o["name"] for o in start["options"]] == ["round", "level", "minutes"]
    question = next(o for o in mock["options"] if o["name"] == "question")
    assert question["type"] == 2 and question["options"][0]["name"] == "next"
    admin = next(c for c in synced if c["name"] == "admin")
    assert admin["default_member_permissions"] == str(1 << 5)

    global_commands = await bot.tree.sync()
    assert {c.name for c in global_commands} == {c["name"] for c in emulator.synced_commands(None)}
    fetched = await bot.tree.fetch_commands()
    assert {c.id for c in fetched} == {c.id for c in global_commands}


# ---- interactions ----------------------------------------------------------------------------


@bounded
async def test_slash_command_answered_and_ack_recorded(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    handle = await emulator.slash(user, "mock start", options={"round": "core", "level": "mid", "minutes": 45})
    callback = await handle.acked()
    assert callback.type == 4 and callback.data is not None
    assert callback.data["content"] == "starting core mid 45"
    assert callback.with_response  # discord.py 2.7 always asks for ?with_response=1
    assert handle.ack_latency is not None and handle.ack_latency < 3
    original = await handle.wait_original()
    assert original.content == "starting core mid 45" and original.interaction_id == handle.id
    emulator.assert_acks_within(3.0)

    nested = await emulator.slash(user, "mock question next", options={"hint": True})
    reply = await nested.wait_original()
    assert reply.content == "next question (hint=True)" and reply.ephemeral
    assert reply not in emulator.messages()  # ephemeral: not in channel history

    with_file = await emulator.slash(user, "report")
    assert (await with_file.acked()).file_names == ["report.md"]  # multipart callback: payload_json + files[0]
    assert (await with_file.wait_original()).attachment_files == {"report.md": b"score: 7/10"}

    with pytest.raises(ValueError, match="must be one of"):
        await emulator.slash(user, "mock start", options={"round": "expert", "level": "mid"})
    with pytest.raises(ValueError, match=r"within 5\.\.90"):
        await emulator.slash(user, "mock start", options={"round": "core", "level": "mid", "minutes": 500})
    with pytest.raises(ValueError, match="no synced"):
        await emulator.slash(user, "nope")
    with pytest.raises(PermissionError):
        await emulator.slash(user, "admin reset")
    manager = emulator.add_user("mia", manage_guild=True)
    admin = await emulator.slash(manager, "admin reset")
    assert (await admin.wait_original()).content == "reset done"


@bounded
async def test_defer_followup_and_edit_original(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    handle = await emulator.slash(user, "slow")
    callback = await handle.acked()
    assert callback.type == 5
    part2 = await handle.wait_followup(lambda m: m.content == "part 2")
    original = await handle.wait_original(lambda m: m.content == "final answer")
    assert handle.followups[0] is original  # the first follow-up filled the "thinking..." message
    assert part2.attachment_files == {"report.txt": b"report"}
    await eventually(lambda: len(handle.followup_ids) == 3 and handle.followups[-1].deleted)
    assert [m.content for m in handle.responses] == ["final answer", "part 2", "temporary"]
    assert [m.content for m in emulator.messages()] == ["final answer", "part 2"]  # deleted ones are hidden
    assert [p.get("content") for p in original.payloads] == [None, "part 1", "final answer"]
    callback_requests = [r for r in emulator.requests if r.path.startswith("/interactions/")]
    assert callback_requests[-1].query == {"with_response": "1"}
    assert any(r.method == "PATCH" and r.path.endswith("/messages/@original") for r in emulator.requests)


@bounded
async def test_dynamic_item_button_click(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    handle = await emulator.slash(user, "quiz")
    question = await handle.wait_original()
    assert question.custom_ids() == ["skip", "score:5", "level"]
    click = await emulator.click(user, question, "score:5")
    callback = await click.acked()
    assert callback.type == 7  # UPDATE_MESSAGE on the message carrying the button
    edited = await emulator.wait_for_edit(question, lambda m: m.content == "scored 5")
    assert edited.components == []
    with pytest.raises(ValueError, match="no component"):
        await emulator.click(user, question, "score:5")

    second = await (await emulator.slash(user, "quiz")).wait_original()
    chosen = await emulator.click(user, second, "level", values=["senior"])
    assert (await chosen.wait_original()).content == "level senior"
    with pytest.raises(ValueError, match="no option"):
        await emulator.click(user, second, "level", values=["guru"])
    skipped = await emulator.click(user, second, "skip")
    assert (await skipped.acked()).type == 7
    await emulator.wait_for_edit(second, lambda m: m.content == "skipped")


@bounded
async def test_modal_opened_and_submitted(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    handle = await emulator.slash(user, "answer")
    await handle.acked()
    assert handle.modal is not None and handle.modal["title"] == "Your answer"
    kinds = [c["type"] for c in handle.modal["components"]]
    assert kinds == [1, 18]  # a bare TextInput is wrapped in an ActionRow; the Label stays a Label
    other = emulator.add_user("bob")
    with pytest.raises(PermissionError):
        await emulator.submit_modal(other, handle, {"answer": "x"})
    with pytest.raises(ValueError, match="no input"):
        await emulator.submit_modal(user, handle, {"answer": "x", "typo": "y"})
    submit = await emulator.submit_modal(user, handle, {"answer": "generators are lazy", "confidence": "high"})
    reply = await submit.wait_original()
    assert reply.content == "got 19 chars" and reply.ephemeral
    assert bot.modal_values == [{"answer": "generators are lazy", "confidence": "high"}]


@bounded
async def test_late_ack_is_missed_and_duplicate_ack_rejected(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    emulator.ack_deadline = 0.2
    late = await emulator.slash(user, "sleepy")
    with pytest.raises(TimeoutError):
        await late.acked(timeout=2)
    await eventually(lambda: bool(late.rejected))
    assert late.missed and late.rejected[0].code == 10062
    assert emulator.missed_interactions == [late]
    with pytest.raises(AssertionError):
        emulator.assert_acks_within(3.0)
    await eventually(lambda: bool(bot.tree_errors))  # discord.py surfaced the 404 as an error

    emulator.ack_deadline = 3.0
    handle = await emulator.slash(user, "ping")
    await handle.acked()
    url = f"{emulator.api_base}/interactions/{handle.id}/{handle.token}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
        assert response.status == 400
        assert response.headers["Content-Type"] == "application/json"
        assert (await response.json())["code"] == 40060


# ---- threads, messages, attachments, mentions ------------------------------------------------


@bounded
async def test_private_thread_created_and_used(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    handle = await emulator.slash(user, "thread")
    reply = await handle.wait_original(lambda m: m.content.startswith("thread "))
    assert reply.ephemeral
    thread = await emulator.wait_for_thread(emulator.default_channel_id)
    assert thread.is_private_thread and user in thread.thread_member_ids
    welcome = await emulator.wait_for_bot_message(thread.id)
    assert welcome.content == f"Welcome <@{user}>"
    assert welcome.allowed_mentions == {"parse": []} and welcome.pinged_user_ids() == set()
    assert isinstance(bot.get_channel(thread.id), discord.Thread)  # THREAD_CREATE reached the client

    said = await emulator.say(user, thread.id, "hello from the thread")
    answer = await emulator.wait_for_bot_message(thread.id, after=said)
    assert answer.content == "hi alice: hello from the thread"
    assert answer.message_reference is not None and answer.message_reference["message_id"] == str(said.id)
    outsider = emulator.add_user("eve")
    with pytest.raises(PermissionError):
        await emulator.say(outsider, thread.id, "let me in")
    in_thread = await emulator.slash(user, "ping", channel=thread.id)
    pong = await in_thread.wait_original()
    assert pong.channel_id == thread.id and pong.content == "pong"

    client_thread = await bot.fetch_channel(thread.id)
    assert isinstance(client_thread, discord.Thread) and client_thread.type is discord.ChannelType.private_thread
    await client_thread.join()
    await client_thread.edit(archived=True, locked=True)
    assert thread.archived and thread.locked
    await eventually(lambda: client_thread.guild.get_thread(thread.id) is None)  # THREAD_UPDATE: archived threads leave the cache
    with pytest.raises(PermissionError, match="archived and locked"):
        await emulator.say(user, thread.id, "one more thing")


@bounded
async def test_user_message_and_attachment_reach_on_message(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    said = await emulator.say(user, None, "hello bot")
    reply = await emulator.wait_for_bot_message(after=said)
    assert reply.content == "hi alice: hello bot"
    assert bot.seen_messages[-1].content == "hello bot"

    code = b"def add(a, b):\n    return a + b\n"
    upload = await emulator.say(user, None, "my solution", attachments=[("a.py", code)])
    read = await emulator.wait_for_bot_message(after=upload)
    assert read.content == f"read {len(code)} bytes from a.py: {code.decode()}"
    assert emulator.attachment_downloads == [upload.attachments[0].id]
    assert read.attachment_files == {"reversed.txt": code[::-1]}  # multipart channel message
    assert any(r.files == ["reversed.txt"] and r.body and r.body["attachments"][0]["id"] == 0 for r in emulator.requests)


@bounded
async def test_message_content_intent_is_enforced(emulator: DiscordEmulator, user: int) -> None:
    async with running_client(emulator, EmuBot(message_content=False)) as blind:
        said = await emulator.say(user, None, "hello?")
        await eventually(lambda: bool(blind.seen_messages))
        assert blind.seen_messages[0].id == said.id and blind.seen_messages[0].content == ""


@bounded
async def test_direct_messages(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    asked = await emulator.say(user, None, "dm me")
    private = await emulator.wait_for_bot_message(emulator.dm_channel_id(user), after=asked)
    assert private.content == "private hello" and private.guild_id is None
    said = await emulator.say(user, emulator.dm_channel_id(user), "hello in private")
    reply = await emulator.wait_for_bot_message(emulator.dm_channel_id(user), after=said)
    assert reply.content == "hi alice: hello in private"

    await bot.tree.sync()  # global commands are the ones usable in DMs
    in_dm = await emulator.slash(user, "ping", channel=emulator.dm_channel_id(user))
    pong = await in_dm.wait_original()
    assert pong.guild_id is None and pong.channel_id == emulator.dm_channel_id(user)
    assert in_dm.payload["context"] == 1 and "user" in in_dm.payload and "member" not in in_dm.payload

    closed = emulator.add_user("carol", dms_open=False)
    refused = await emulator.say(closed, None, "dm me")
    notice = await emulator.wait_for_bot_message(after=refused)
    assert notice.content == "your DMs are closed"


@bounded
async def test_allowed_mentions_recorded_exactly(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    channel = bot.get_channel(emulator.default_channel_id or 0)
    assert isinstance(channel, discord.TextChannel)
    quiet = await channel.send(f"<@{user}> your turn", allowed_mentions=discord.AllowedMentions.none())
    loud = await channel.send(f"<@{user}> your turn")
    stored_quiet, stored_loud = emulator.message(quiet.id), emulator.message(loud.id)
    assert stored_quiet.allowed_mentions == {"parse": []} and stored_quiet.pinged_user_ids() == set()
    assert stored_loud.allowed_mentions is None and stored_loud.pinged_user_ids() == {user}
    await quiet.edit(content="edited")
    assert emulator.message(quiet.id).content == "edited" and emulator.message(quiet.id).version == 1
    await loud.delete()
    assert emulator.message(loud.id).deleted and loud.id not in [m.id for m in emulator.messages()]
    history = [m.id async for m in channel.history(limit=10)]
    assert history[0] == quiet.id
    assert (await channel.fetch_message(quiet.id)).content == "edited"


# ---- rate limits -------------------------------------------------------------------------------


@bounded
async def test_unknown_route_and_bad_token_are_visible(emulator: DiscordEmulator) -> None:
    headers = {"Authorization": f"Bot {emulator.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emulator.api_base}/guilds/1/audit-logs", headers=headers) as response:
            assert response.status == 404 and response.headers["Content-Type"] == "application/json"
            assert await response.json() == {"message": "Unknown route", "code": 0}
        async with session.get(f"{emulator.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as response:
            assert response.status == 401
    assert emulator.unknown_routes == ["GET /api/v10/guilds/1/audit-logs"]
    with pytest.raises(discord.LoginFailure):
        await discord.Client(intents=discord.Intents.none()).login("wrong-token")


@bounded
async def test_429_is_honoured_and_retried(emulator: DiscordEmulator, bot: EmuBot, caplog: pytest.LogCaptureFixture) -> None:
    rule = emulator.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.3)
    channel = bot.get_channel(emulator.default_channel_id or 0)
    assert isinstance(channel, discord.TextChannel)
    with caplog.at_level(logging.WARNING, logger="discord.http"):
        sent = await asyncio.wait_for(channel.send("after a 429"), 5)
    assert emulator.message(sent.id).content == "after a 429"
    assert len(rule.hits) == 1 and len(rule.retries) == 1
    delay = rule.first_retry_delay()
    assert delay is not None and delay >= 0.3 * 0.95
    assert "rate limited" in caplog.text
    statuses = [r.status for r in emulator.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert statuses[-2:] == [429, 200]


# ---- gateway resilience ------------------------------------------------------------------------


@pytest.mark.parametrize("close_code", [None, 4000], ids=["tcp-abort", "close-4000"])
@bounded
async def test_dropped_connection_resumes_and_replays(
    emulator: DiscordEmulator, bot: EmuBot, user: int, close_code: int | None
) -> None:
    await emulator.drop_connection(code=close_code)
    session = emulator.gateway.sessions[0]
    assert session.connection is None
    said = await emulator.say(user, None, "hello during the gap")  # buffered while disconnected
    reply = await emulator.wait_for_bot_message(after=said, timeout=10)
    assert reply.content == "hi alice: hello during the gap"
    assert emulator.resume_count == 1 and emulator.identify_count == 1
    assert emulator.gateway.stats.resumes[0]["path"] == "/resume-gateway"  # READY's resume_gateway_url was used


@bounded
async def test_reconnect_op7_and_invalid_session_op9(emulator: DiscordEmulator, bot: EmuBot, user: int) -> None:
    emulator.reconnect()
    await emulator.wait_for_gateway(lambda: emulator.resume_count == 1, what="RESUME after op 7")
    assert emulator.identify_count == 1
    assert (await (await emulator.slash(user, "ping")).wait_original()).content == "pong"

    emulator.invalidate_session(resumable=True)
    await emulator.wait_for_gateway(lambda: emulator.resume_count == 2, what="RESUME after op 9 (resumable)")

    emulator.invalidate_session(resumable=False)
    await emulator.wait_for_gateway(lambda: emulator.identify_count == 2, what="IDENTIFY after op 9")
    await emulator.wait_until_connected()
    await eventually(bot.is_ready)
    handle = await emulator.slash(user, "ping")
    assert (await handle.wait_original()).content == "pong"
    assert emulator.resume_count == 2


# ---- sharding and load --------------------------------------------------------------------------


@bounded
async def test_two_shards_each_get_their_guilds() -> None:
    async with running_discord(default_guild=False, recommended_shards=2, heartbeat_interval_ms=500) as emulator:
        first = emulator.add_guild("Shard Zero", for_shard=(0, 2))
        second = emulator.add_guild("Shard One", for_shard=(1, 2))
        alice = emulator.add_user("alice", guild=first)
        emulator.add_member(alice, guild=second)
        async with running_client(emulator, EmuShardedBot()) as bot:
            assert bot.shard_count == 2
            assert sorted(i["shard"] for i in emulator.gateway.stats.identifies) == [[0, 2], [1, 2]]
            assert {g.id: g.shard_id for g in bot.guilds} == {first: 0, second: 1}
            await bot.tree.sync()
            for guild in (first, second):
                channel = emulator.state.guilds[guild].channel_ids[0]
                handle = await emulator.slash(alice, "ping", channel=channel)
                assert (await handle.wait_original()).content == "pong"
            routed = {s.shard_id: s.events.count("INTERACTION_CREATE") for s in emulator.gateway.sessions.values()}
            assert routed == {0: 1, 1: 1}


@bounded
async def test_two_hundred_concurrent_users(emulator: DiscordEmulator, bot: EmuBot) -> None:
    users = [emulator.add_user(f"user{i}") for i in range(200)]
    started = time.monotonic()
    handles: list[InteractionHandle] = await asyncio.gather(*(emulator.slash(u, "ping") for u in users))
    await asyncio.gather(*(h.acked(timeout=10) for h in handles))
    await asyncio.gather(*(h.wait_original(timeout=10) for h in handles))
    elapsed = time.monotonic() - started
    emulator.assert_acks_within(3.0)
    assert len(emulator.bot_messages(emulator.default_channel_id)) == 200
    assert elapsed < 10, emulator.ack_summary()
