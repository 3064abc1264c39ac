"""CoachBot in Slack: slack-bolt's AsyncApp and slack_sdk's AsyncWebClient, translating only.

- ``app``: the bolt app and its listeners (ack first, work after), the composition of the rest
- ``http``: HTTP mode (signatures verified before bolt), OAuth install routes
- ``platform``: what ``coachbot run`` starts (Socket Mode or HTTP mode, with the nudge ticker)
- ``inbound``: Slack payloads as the core's events; ``blocks``/``modals``: replies and forms as
  Block Kit; ``web``: the Web API calls and Slack's errors; ``channel``: answering and notifying
- ``directory``/``workspaces``/``oauth``: people, workspaces and their tokens; ``files``, ``home``

See docs/slack.md for installing it.
"""
