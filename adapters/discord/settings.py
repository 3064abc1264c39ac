"""The Discord adapter's settings, from the environment or ``.env``.

``DISCORD_BOT_TOKEN`` (the bot's token) is all Discord needs: the bot opens the gateway itself,
so no public URL. ``COACHBOT_DISCORD_API_URL`` points the bot at a Discord-compatible server
(tests, a proxy); the gateway address comes from that server's ``GET /gateway/bot``.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

GATEWAY = ("DISCORD_BOT_TOKEN",)
DEFAULT_API_URL = "https://discord.com/api/v10"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class DiscordSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    bot_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_BOT_TOKEN"))
    api_url: str = Field(default=DEFAULT_API_URL,
                         validation_alias=_env("COACHBOT_DISCORD_API_URL"))
    # discord.py waits out a 429 shorter than this itself; a longer one is raised to the core
    # (RateLimited), whose outbox tries again after it. Discord's library allows no less than 30.
    max_wait: float = Field(default=30.0, validation_alias=_env("COACHBOT_DISCORD_MAX_WAIT"))

    # Large deployments: the shards this process holds, of how many in all (deploy/discord/).
    # Unset: discord.py asks Discord (GET /gateway/bot) and holds every shard itself.
    shard_count: int | None = Field(default=None,
                                    validation_alias=_env("COACHBOT_DISCORD_SHARD_COUNT"))
    shard_ids: str = Field(default="", validation_alias=_env("COACHBOT_DISCORD_SHARD_IDS"))

    @property
    def shards(self) -> list[int] | None:
        """The shard ids of ``COACHBOT_DISCORD_SHARD_IDS`` ("0,1"), or None for all."""
        ids = [int(part) for part in self.shard_ids.replace(" ", "").split(",") if part]
        return ids or None

    @field_validator("bot_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def configured(self) -> bool:
        return self.bot_token is not None

    @property
    def base_url(self) -> str:
        return self.api_url.rstrip("/")

    def token(self) -> str:
        return self.bot_token.get_secret_value() if self.bot_token is not None else ""
