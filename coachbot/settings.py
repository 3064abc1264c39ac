"""Settings from the environment or a ``.env`` file, every name prefixed ``COACHBOT_``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COACHBOT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///coachbot.db",
        description="sqlite+aiosqlite:///FILE (embedded) or postgresql+asyncpg://USER@HOST/DB",
    )
    prompts_dir: Path = Field(
        default=REPO_ROOT / "prompts",
        description="Folder of message templates (one folder per locale)",
    )
    district_prompts_dir: Path | None = Field(
        default=None, description="A district's own templates, overriding any shipped one"
    )
    locale: str = "en"
    log_level: str = "INFO"
    log_file: Path | None = Field(default=None, description="Log here instead of the terminal")
    db_echo: bool = False
