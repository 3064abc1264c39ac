"""The Slack adapter's settings, from the environment or ``.env`` (names as Slack's docs use them).

Two ways to connect: Socket Mode (``SLACK_APP_TOKEN`` + ``SLACK_BOT_TOKEN``; no public URL) and
HTTP mode (``SLACK_SIGNING_SECRET`` + ``SLACK_BOT_TOKEN``; Slack posts to ``/slack/events``).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SOCKET_MODE = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
HTTP_MODE = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
OAUTH_MODE = ("SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
DEFAULT_API_URL = "https://slack.com/api/"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    bot_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    app_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    # Slack's Web API, or a Slack-compatible server (tests, a district's proxy).
    api_url: str = Field(default=DEFAULT_API_URL, validation_alias=_env("COACHBOT_SLACK_API_URL"))
    # Ask for users:read and users:read.email on OAuth installs (matching people by email).
    email_scopes: bool = Field(default=False,
                               validation_alias=_env("COACHBOT_SLACK_EMAIL_SCOPES"))
    host: str = Field(default="0.0.0.0", validation_alias=_env("COACHBOT_SLACK_HOST"))
    port: int = Field(default=3000, validation_alias=_env("COACHBOT_SLACK_PORT"))

    @field_validator("bot_token", "app_token", "signing_secret", "client_secret", "client_id",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def socket_mode(self) -> bool:
        return self.bot_token is not None and self.app_token is not None and not self.oauth

    @property
    def oauth(self) -> bool:
        """Several workspaces install CoachBot themselves (HTTP mode, tokens per workspace)."""
        return (self.signing_secret is not None and self.client_id is not None
                and self.client_secret is not None)

    @property
    def http_mode(self) -> bool:
        return self.signing_secret is not None and (self.bot_token is not None or self.oauth)

    @property
    def configured(self) -> bool:
        return self.socket_mode or self.http_mode

    @property
    def base_url(self) -> str:
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"

    def secret(self, value: SecretStr | None) -> str:
        return value.get_secret_value() if value is not None else ""
