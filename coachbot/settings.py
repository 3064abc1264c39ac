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

    # Evidence files (see coachbot/storage/evidence_files.py and docs/evidence.md).
    evidence_dir: Path | None = Field(
        default=None,
        description="Folder keeping handed-in files (default: evidence/ beside the SQLite file)",
    )
    evidence_s3_bucket: str | None = Field(
        default=None, description="Keep files in this S3-compatible bucket instead of a folder"
    )
    evidence_s3_prefix: str = "evidence/"
    evidence_s3_endpoint: str | None = Field(
        default=None, description="The S3-compatible server's URL (none: AWS itself)"
    )
    evidence_s3_region: str | None = None
    evidence_max_mb: int = Field(default=100, description="The largest file a teacher may hand in")
    public_url: str | None = Field(
        default=None,
        description="Where people reach the file listener (default http://127.0.0.1:WEB_PORT)",
    )
    web_host: str = Field(default="127.0.0.1", description="The file listener's address")
    web_port: int = Field(default=8090, description="The file listener's port")
    link_secret: str | None = Field(
        default=None,
        description="Signs links to evidence files (default: a secret kept beside the evidence "
        "folder; set it when several replicas serve links)",
    )
    evidence_link_hours: float = Field(default=24, description="How long a file link works")
    credential_key_secret: str | None = Field(
        default=None,
        description="Seals the districts' credential signing keys in the database (default: "
        "derived from the link secret; set it, and keep it, when several replicas sign)",
    )

    def evidence_folder(self) -> Path:
        """``evidence_dir``, or ``evidence/`` beside the SQLite file (or here for PostgreSQL)."""
        if self.evidence_dir is not None:
            return self.evidence_dir
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            database = self.database_url[len(prefix):].split("?", 1)[0]
            if database and database != ":memory:":
                return Path(database).parent / "evidence"
        return Path("evidence")

    def link_base(self) -> str:
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")
