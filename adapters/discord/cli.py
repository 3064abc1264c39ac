"""``coachbot discord ...``: the Discord adapter's commands, plugged in through ``coachbot.cli``."""

from __future__ import annotations

import typer

from coachbot.cli.runner import run as run_with_services
from coachbot.cli.runner import say


def register(app: typer.Typer) -> None:
    discord_app = typer.Typer(help="Discord: link a server to a district; sync /coach.",
                              no_args_is_help=True)
    discord_app.command("link")(link)
    discord_app.command("sync-commands")(sync_commands)
    app.add_typer(discord_app, name="discord")


def link(
    guild: str = typer.Argument(..., help="The Discord server's id (a long number)"),
    district: str | None = typer.Option(None, help="District slug (needed if there are several)"),
) -> None:
    """Link a Discord server to a district (its people are matched to that district's roster,
    and the district's announcements go to its channel)."""
    from adapters.discord.inbound import PLATFORM
    from coachbot.platform.contract import Accounts

    async def work(services) -> None:  # type: ignore[no-untyped-def]
        linked = await Accounts(services, PLATFORM).link_workspace(
            guild.strip(), district, match_by_email=False)
        say(services, "discord.j2", "link_done", guild=linked.workspace_id,
            district=linked.district_name)

    run_with_services(work)


def sync_commands(
    guild: str | None = typer.Option(
        None, help="Sync to one server only (shows at once; for trying out)"),
) -> None:
    """Register /coach and its subcommands with Discord. Run it after an upgrade, never on every
    start: Discord limits how often commands may be created."""
    import discord

    from adapters.discord.app import DiscordBot
    from adapters.discord.settings import DiscordSettings

    async def work(services) -> None:  # type: ignore[no-untyped-def]
        settings = DiscordSettings()
        if not settings.configured:
            say(services, "discord.j2", "not_configured")
            raise typer.Exit(1)
        bot = DiscordBot(services, settings)
        try:
            await bot.client.login(settings.token())
            target = discord.Object(int(guild)) if guild else None
            if target is not None:
                bot.client.tree.copy_global_to(guild=target)
            synced = await bot.client.tree.sync(guild=target)
            count = sum(len(command.options) for command in synced)
            say(services, "discord.j2", "synced", count=count, guild=guild or "")
        finally:
            await bot.client.close()

    run_with_services(work, needs_database=False)  # Discord's side only
