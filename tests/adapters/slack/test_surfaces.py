"""The other Slack surfaces: App Home, files, forms without a trigger, strangers and people
matched by email."""

from __future__ import annotations

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.platform.contract import Accounts
from coachbot.storage.models import Person, PlatformAccount
from tests.adapters.slack.conftest import ANA_U, DEE_U, FAY_U, GIL_U
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit, message_text
from tests.helpers import ANA, GIL, under_review


async def open_home(room: SlackRoom, user: str) -> str:
    body = room.event_body(user, {"type": "app_home_opened", "tab": "home",
                                  "channel": "D" + user, "event_ts": "1.0"})
    status, _ = await room.post(body, "application/json")
    assert status == 200
    view = room.fake.called("views.publish")[-1].args
    assert (view["user_id"], view["view"]["type"]) == (user, "home")
    return message_text(view["view"])


async def test_app_home_shows_status_queue_or_summary(district: Services, room: SlackRoom) -> None:
    await under_review(district, ANA, "fay@testville.example")
    teacher = await open_home(room, ANA_U)
    assert "Questioning for Discourse" in teacher
    facilitator = await open_home(room, FAY_U)
    assert "Ana Teacher" in facilitator  # her review queue
    admin = await open_home(room, DEE_U)
    assert "no cohorts" in admin  # the admin summary
    assert "haven't chosen a credential" not in admin  # an admin is not shown a teacher's view
    stranger = await open_home(room, "U0NOBODY01")
    assert "roster" in stranger
    assert room.fake.called("chat.postMessage") == []  # Home shows; it sends no messages
    assert assert_valid_block_kit(room.fake) == 4


async def test_a_typed_start_offers_a_button_that_opens_the_form(room: SlackRoom) -> None:
    await room.dm(ANA_U, "start")  # a message gives no trigger id: Slack needs a click
    assert room.fake.called("views.open") == []
    await room.press(ANA_U, "open_form")
    assert room.last_modal(ANA_U)["blocks"][0]["block_id"] == "timezone"
    await room.press(ANA_U, "open_form")  # the same button again: already used
    assert "older message" in room.last(ANA_U)


async def test_an_expired_trigger_falls_back_to_the_button(room: SlackRoom) -> None:
    room.fake.answer_next("views.open", error="expired_trigger_id")
    await room.command(ANA_U, "start")
    assert "Open the form" in room.everything(ANA_U)
    await room.press(ANA_U, "open_form")
    assert room.last_modal(ANA_U)["type"] == "modal"


async def test_files_are_fetched_only_from_slack_with_the_token(room: SlackRoom) -> None:
    await room.dm(ANA_U, "draft")
    foreign = {"id": "F0EVIL", "name": "cv.pdf", "mimetype": "application/pdf",
               "url_private_download": "https://collector.evil.example/F0EVIL/cv.pdf"}
    missing = {"id": "F0GONE", "name": "gone.pdf", "mimetype": "application/pdf",
               "url_private_download": room.fake.file_url("F0GONE", "gone.pdf")}
    await room.dm(ANA_U, "", [foreign, missing])
    assert [file_id for file_id, _ in room.fake.downloads] == ["F0GONE"]  # never the evil host
    assert "couldn't fetch cv.pdf, gone.pdf" in room.everything(ANA_U)
    assert "went wrong" not in room.everything(ANA_U)


async def test_strangers_are_told_kindly_and_email_matching_needs_the_district(
    district: Services, room: SlackRoom
) -> None:
    await room.command(GIL_U, "status")
    assert "don't have you on my roster" in room.last(GIL_U)
    assert room.fake.called("users.info") == []  # no link allowing it: no email is read
    await Accounts(district, "slack").link_workspace(TEAM, None, match_by_email=True)
    await room.command(GIL_U, "status")
    assert "don't have you on my roster" not in room.last(GIL_U)
    async with district.db.read() as session:
        stored = await session.scalar(
            select(PlatformAccount.account_id)
            .join(Person, Person.id == PlatformAccount.person_id)
            .where(Person.email == GIL, PlatformAccount.platform == "slack")
        )
    assert stored == GIL_U  # matched once; the id is kept
    await room.command(GIL_U, "status")
    assert len(room.fake.called("users.info")) == 1
