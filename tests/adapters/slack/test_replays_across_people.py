"""A request id seen before answers only the person who made it: two people whose requests carry
the same id (a platform's retry, a reused trigger) each get their own outcome, never the other's."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.slack.blocks import ACTION_SEPARATOR
from coachbot.composition import Services
from coachbot.storage.models import Person, Pursuit
from tests.adapters.slack.conftest import ANA_U, CARA_U
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.harness import SlackRoom
from tests.helpers import ANA, CARA


async def pursuits_of(services: Services, email: str) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(
            select(func.count(Pursuit.id)).join(Person, Person.id == Pursuit.teacher_id)
            .where(Person.email == email)
        ) or 0)


def choose_press(user: str, trigger: str) -> dict[str, object]:
    action = {"type": "button", "action_id": f"choose{ACTION_SEPARATOR}0", "value": "C-ONE",
              "block_id": "b", "action_ts": "1.0"}
    return {
        "type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0COACH",
        "user": {"id": user, "team_id": TEAM}, "token": "legacy", "trigger_id": trigger,
        "channel": {"id": "D" + user}, "container": {"type": "message", "channel_id": "D" + user},
        "actions": [action],
    }


async def test_the_same_request_id_from_two_people_gives_each_their_own_outcome(
    district: Services, room: SlackRoom
) -> None:
    trigger = "42.shared.trigger"
    room.triggers[trigger] = ANA_U
    assert await room.interaction(choose_press(ANA_U, trigger)) == 200
    assert await room.interaction(choose_press(CARA_U, trigger)) == 200
    # Both chose: Cara's press was not taken for a replay of Ana's.
    assert await pursuits_of(district, ANA) == 1
    assert await pursuits_of(district, CARA) == 1
    assert "Ana" not in room.everything(CARA_U)
    # Ana's own retry of that very press is still recognised: one pursuit, not two.
    assert await room.interaction(choose_press(ANA_U, trigger)) == 200
    assert await pursuits_of(district, ANA) == 1
