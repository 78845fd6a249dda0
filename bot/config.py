"""Settings from the environment and a ``.env`` file; the only module that reads them.

Secrets are ``SecretStr`` so they never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/mockloop.db"
MAX_SHARDS = 1024
MAX_USER_CHARS = 122  # users.external_id holds 128 characters, "local:" included


# backend[+driver]://rest, as SQLAlchemy writes database URLs.
_URL = re.compile(r"^(?P<backend>[A-Za-z][\w-]*)(?:\+(?P<driver>[\w-]+))?://")


class ConfigError(Exception):
    """A setting is malformed; the message names the variable and never its secret value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_base: str = Field(default="https://discord.com/api/v10", validation_alias="DISCORD_API_BASE")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    discord_dev_guild_id: int | None = Field(default=None, validation_alias="DISCORD_DEV_GUILD_ID")
    message_content: bool = Field(default=True, validation_alias="MOCKLOOP_MESSAGE_CONTENT")
    runner_socket: str | None = Field(default=None, validation_alias="MOCKLOOP_RUNNER_SOCKET")
    sandbox_cgroup: str | None = Field(default=None, validation_alias="MOCKLOOP_SANDBOX_CGROUP")
    # How often the Discord bot checks its event loop for stalls (0: never); see adapters/discord/loop_watch.py.
    loop_watch_ms: float = Field(default=100.0, ge=0, le=10_000, validation_alias="MOCKLOOP_LOOP_WATCH_MS")
    # A diagnostic for load runs: the watch also samples where the loop's thread is during stalls (loop_stacks.py).
    loop_stacks: bool = Field(default=False, validation_alias="MOCKLOOP_LOOP_STACKS")
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(default=None, validation_alias="MOCKLOOP_SHARD_IDS")
    shard_count: int | None = Field(default=None, ge=1, le=1024, validation_alias="MOCKLOOP_SHARD_COUNT")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    model: str = Field(default="gpt-4.1-mini", validation_alias=AliasChoices("MOCKLOOP_MODEL"))
    # Defaults fit a local server: connecting is instant or it is down; the first token may wait for the
    # prompt to be read (tens of seconds on a CPU), then text streams; the clock is paused meanwhile.
    llm_timeout: float = Field(default=60.0, gt=0, le=600, validation_alias="MOCKLOOP_LLM_TIMEOUT")
    llm_connect_timeout: float = Field(default=3.0, gt=0, le=120, validation_alias="MOCKLOOP_LLM_CONNECT_TIMEOUT")
    llm_reply_timeout: float = Field(default=180.0, gt=0, le=3600, validation_alias="MOCKLOOP_LLM_REPLY_TIMEOUT")
    llm_retry_timeouts: bool = Field(default=False, validation_alias="MOCKLOOP_LLM_RETRY_TIMEOUTS")
    llm_fold_system: bool = Field(default=False, validation_alias="MOCKLOOP_LLM_FOLD_SYSTEM")
    llm_attempts: int = Field(default=3, ge=1, le=10, validation_alias="MOCKLOOP_LLM_ATTEMPTS")
    daily_tokens_per_user: int | None = Field(default=200_000, ge=0, validation_alias="MOCKLOOP_DAILY_TOKENS_PER_USER")
    daily_tokens_per_guild: int | None = Field(default=None, ge=0, validation_alias="MOCKLOOP_DAILY_TOKENS_PER_GUILD")
    # Speech-to-text for voice answers: the chat server's URL and key unless set apart (e.g. chat on a local
    # llama.cpp, speech on a local whisper server, which needs no key).
    stt_base_url: str | None = Field(default=None, validation_alias="MOCKLOOP_STT_BASE_URL")
    stt_api_key: SecretStr | None = Field(default=None, validation_alias="MOCKLOOP_STT_API_KEY")
    stt_model: str = Field(default="whisper-1", validation_alias="MOCKLOOP_STT_MODEL")
    stt_timeout: float = Field(default=120.0, gt=0, le=900, validation_alias="MOCKLOOP_STT_TIMEOUT")
    daily_audio_seconds_per_user: int | None = Field(default=1800, ge=0, validation_alias="MOCKLOOP_DAILY_AUDIO_SECONDS_PER_USER")
    daily_audio_seconds_per_guild: int | None = Field(default=None, ge=0,
                                                      validation_alias="MOCKLOOP_DAILY_AUDIO_SECONDS_PER_GUILD")
    database_url: SecretStr = Field(default=SecretStr(DEFAULT_DATABASE_URL), validation_alias="DATABASE_URL")
    local_user: str | None = Field(default=None, validation_alias="MOCKLOOP_USER")

    @property
    def speech_configured(self) -> bool:
        """Voice answers need a speech-to-text server: OpenAI (a key) or one of our own (a URL)."""
        return self.openai_api_key is not None or self.stt_api_key is not None or self.stt_base_url is not None

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object) -> object:
        if isinstance(value, str):  # "0,1" or "0-3"
            ids: list[int] = []
            for part in filter(None, (p.strip() for p in value.split(","))):
                low, _, high = part.partition("-")
                if not (low.isdigit() and (not high or high.isdigit())):
                    raise ValueError("must be shard numbers such as 0,1 or a range such as 0-3")
                first, last = int(low), int(high or low)
                if last >= MAX_SHARDS or first > last:  # checked before the range is built: 0-99999999 is 100M ints
                    raise ValueError(f"must be shard numbers from 0 to {MAX_SHARDS - 1}, each range low-high")
                ids.extend(range(first, last + 1))
            return ids or None
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("MOCKLOOP_SHARD_IDS needs MOCKLOOP_SHARD_COUNT (the total number of shards)")
            if max(self.shard_ids) >= self.shard_count:
                raise ValueError("MOCKLOOP_SHARD_IDS must be below MOCKLOOP_SHARD_COUNT (shards count from 0)")
        return self

    @field_validator("discord_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        """An empty DISCORD_TOKEN is no token (mockloop run then explains how to get one)."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("local_user")
    @classmethod
    def _local_user(cls, value: str | None) -> str | None:
        if value is not None and len(value) > MAX_USER_CHARS:
            raise ValueError(f"is {len(value)} characters; a user name can have at most {MAX_USER_CHARS}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr) -> SecretStr:
        # The URL's shape is checked here without SQLAlchemy (importing it costs every command a
        # tenth of a second); SQLAlchemy parses it in full when the database is opened.
        raw = value.get_secret_value().strip()
        shape = _URL.match(raw)
        if shape is None:
            raise ValueError("is not a database URL such as sqlite+aiosqlite:///data/mockloop.db")
        backend, driver = shape["backend"].lower(), (shape["driver"] or "").lower()
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("must be a SQLite (sqlite+aiosqlite://) or PostgreSQL (postgresql+asyncpg://) URL")
        database = raw[shape.end():].removeprefix("/").split("?")[0]
        if backend == "sqlite" and database in ("", ":memory:"):
            raise ValueError("names an in-memory SQLite database, which would forget everything when the command ends; "
                             "give a file such as sqlite+aiosqlite:///data/mockloop.db")
        if backend == "postgresql" and driver != "asyncpg":
            raise ValueError("needs the asyncpg driver: postgresql+asyncpg://user:password@host/database")
        return SecretStr(raw)


def load_settings() -> Settings:
    """Read settings, turning validation errors into one sentence naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across settings names them itself
            raise ConfigError(f"{message}.") from None
        raise ConfigError(f"{str(first['loc'][0]).upper()} {message}.") from None
