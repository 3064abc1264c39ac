"""`coachbot discord link` and `coachbot discord sync-commands` as an admin uses them, and
`coachbot run` saying what Discord needs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from tests.adapters.discord.fake_discord import APP_ID, GUILD, TOKEN, FakeDiscord
from tests.conftest import FIXTURES

NAMES = ("DISCORD_BOT_TOKEN", "COACHBOT_DISCORD_API_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
         "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord = FakeDiscord()
    await discord.start()
    yield discord
    await discord.stop()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    plug_in_adapters()
    runner = CliRunner()
    base = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
            "COACHBOT_LOG_LEVEL": "WARNING"}

    def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env={**base, **(env or {})})
        return result.exit_code, result.output

    return invoke


def test_run_with_nothing_configured_names_discords_token(cli) -> None:  # type: ignore
    code, out = cli("run")
    assert code == 2
    assert "Discord, in one of these ways:" in out
    assert "The gateway (no public URL needed): DISCORD_BOT_TOKEN" in out


def test_linking_a_server_to_the_district(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init")[0] == 0
    assert cli("import", "catalog", str(FIXTURES / "small_catalog.yaml"))[0] == 0
    code, out = cli("discord", "link", GUILD)
    assert code == 0
    assert f"Discord server {GUILD} is now linked to Testville School District" in out
    code, out = cli("discord", "link", GUILD, "--district", "nowhere")
    assert code == 1
    assert "Traceback" not in out


async def test_sync_commands_registers_coach_once(cli, fake: FakeDiscord) -> None:  # type: ignore
    import asyncio

    env = {"DISCORD_BOT_TOKEN": TOKEN, "COACHBOT_DISCORD_API_URL": fake.url}
    code, out = await asyncio.to_thread(cli, "sync-commands", env=env)
    assert code != 0  # not a top-level command
    code, out = await asyncio.to_thread(cli, "discord", "sync-commands", env=env)
    assert code == 0, out
    assert "Synced /coach with 25 subcommands globally" in out
    [synced] = fake.called("PUT", f"/applications/{APP_ID}/commands")
    [coach] = synced.body
    assert coach["name"] == "coach"
    assert len(coach["options"]) == 25
    assert all(len(option["description"]) <= 100 for option in coach["options"])
    assert not fake.called("GET", "/gateway/bot")  # syncing never opens the gateway


def test_sync_commands_without_a_token_says_what_to_set(cli) -> None:  # type: ignore
    code, out = cli("discord", "sync-commands")
    assert code == 1
    assert "DISCORD_BOT_TOKEN" in out
    assert "Traceback" not in out
