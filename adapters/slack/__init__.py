"""CoachBot in Slack: slack-bolt's AsyncApp and slack_sdk's AsyncWebClient, translating only.

It implements the core's adapter contract (coachbot/platform/contract.py, docs/adapters.md) and
uses the core for the rest: acking first and working after, events claimed once, accounts and
workspace links, kept forms, the Home overview.

- ``app``: the bolt app and its listeners, the composition of the rest
- ``http``: HTTP mode (signatures verified before bolt), OAuth install routes
- ``platform``: what ``coachbot run`` starts (Socket Mode or HTTP mode) and Slack's limits
- ``inbound``: Slack payloads as the core's events; ``blocks``/``modals``: replies and forms as
  Block Kit; ``web``: the Web API calls and Slack's errors; ``channel``: answering and notifying
- ``directory``: emails for matching people; ``workspaces``/``oauth``: installs and their tokens;
  ``files``; ``home``: the core's overview as the Home tab

See docs/slack.md for installing it.
"""
