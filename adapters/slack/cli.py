"""``coachbot slack ...``: the Slack adapter's commands, plugged in through ``coachbot.cli``."""

from __future__ import annotations

import typer

from coachbot.cli.runner import run as run_with_services
from coachbot.cli.runner import say


def register(app: typer.Typer) -> None:
    slack = typer.Typer(help="Slack: link a workspace to a district.", no_args_is_help=True)
    slack.command("link")(link)
    app.add_typer(slack, name="slack")


def link(
    team: str = typer.Argument(..., help="The Slack workspace's team id (T...)"),
    district: str | None = typer.Option(None, help="District slug (needed if there are several)"),
    match_by_email: bool = typer.Option(
        False, "--match-by-email",
        help="Match people without a Slack id on the roster by email (needs users:read.email)",
    ),
) -> None:
    """Link a Slack workspace to a district (people are matched to that district's roster)."""
    from adapters.slack.inbound import PLATFORM
    from coachbot.platform.contract import Accounts

    async def work(services) -> None:  # type: ignore[no-untyped-def]
        linked = await Accounts(services, PLATFORM).link_workspace(
            team.strip(), district, match_by_email=match_by_email)
        say(services, "slack.j2", "link_done", team=linked.workspace_id,
            district=linked.district_name, match_by_email=match_by_email)

    run_with_services(work)
