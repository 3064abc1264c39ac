"""Hostile text typed in Slack reaches other people inert: no live mention, no disguised link,
no reversed text, and a 40 KB message gets a friendly answer, never an error."""

from __future__ import annotations

from sqlalchemy import select, update

from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.platform.contract import Accounts
from coachbot.storage.models import DraftItem, Person
from tests.adapters.slack.conftest import ANA_U, FAY_U, GIL_U
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit
from tests.adapters.slack.test_block_kit import LIVE
from tests.helpers import ANA, actor, earn, planned

# As Slack delivers what a teacher typed: mentions and links in Slack's own encoding.
TYPED = (
    "Reflection: <!channel> <!here> <!everyone> <@U0DEE0001> <!subteam^S0TEACH|@teachers> "
    "my\u202eflow\u202c notes, students asked each other why again and again today, and the "
    "quiet ones joined in once the questions were theirs rather than mine."
)
DISGUISED = "Classroom video: <https://evil-site.org/steal|https://district.example/rubric>"


def sent_anywhere(room: SlackRoom) -> str:
    return repr([c.args for c in room.fake.called("chat.postMessage")]
                + [c.args for c in room.fake.called("views.open")])


async def working(services: Services) -> None:
    teacher = await actor(services, ANA)
    await services.journey.move(teacher, await planned(services, ANA), Move.START_WORK)


async def test_hostile_evidence_and_help_reach_the_facilitator_inert(
    district: Services, room: SlackRoom
) -> None:
    await Accounts(district, "slack").link_workspace(TEAM, None, match_by_email=True)
    await working(district)
    await room.dm(ANA_U, TYPED)
    await room.dm(ANA_U, DISGUISED)
    await room.dm(ANA_U, "", [room.share("F0P", "plan.pdf", b"%PDF-1.4", "application/pdf")])
    await room.command(ANA_U, "send")
    await room.command(ANA_U, "helpme <!channel> please look at <https://evil-site.org|this>")
    reviewer = next(u for u in (FAY_U, GIL_U) if room.texts(u))
    await room.press(reviewer, "open_review")
    seen = room.everything(reviewer)
    assert "@channel" in seen and "@teachers" in seen  # the words arrive, as words
    assert "https://evil-site.org/steal" in seen  # the link's real target, not its disguise
    assert "district.example/rubric" not in sent_anywhere(room)
    assert not any(live in sent_anywhere(room) for live in LIVE)
    assert "went wrong" not in room.everything(ANA_U)
    assert assert_valid_block_kit(room.fake) > 3


async def test_forty_kilobytes_get_a_friendly_answer(district: Services, room: SlackRoom) -> None:
    await working(district)
    huge = "Reflection: " + "<!channel> why? " * 2600  # about 42 KB as Slack sends it
    assert await room.dm(ANA_U, huge) == 200
    assert await room.command(ANA_U, "x" * 40_000) == 200
    answers = room.everything(ANA_U)
    assert answers  # answered, in words
    assert "went wrong" not in answers
    assert not any(live in sent_anywhere(room) for live in LIVE)
    assert assert_valid_block_kit(room.fake) >= 2


async def test_an_announcement_never_becomes_a_mass_mention(
    district: Services, room: SlackRoom
) -> None:
    async with district.db.write() as session:  # a roster name someone made hostile
        await session.execute(update(Person).where(Person.email == ANA)
                              .values(name="<!channel> Ana \u202eTeacher"))
    pursuit = await earn(district, ANA)
    from adapters.slack.channel import SlackNotifier
    from coachbot.conversation.say import Say

    notifier = SlackNotifier(room.slack.web, room.slack.accounts, room.slack.workspaces)
    summary = await district.read.award_summary(pursuit)
    assert summary.channel
    await notifier.to_channel(1, summary.channel,
                              Say(district.prompts).reply("celebrate.j2", "announcement",
                                                          s=summary))
    posted = room.fake.posts_to(summary.channel)
    assert len(posted) == 1
    assert "Ana" in repr(posted[0].args)
    assert not any(live in repr(posted[0].args) for live in LIVE)


async def test_control_characters_typed_in_slack_are_neither_stored_nor_echoed(
    district: Services, room: SlackRoom
) -> None:
    await working(district)
    assert await room.dm(ANA_U, "Reflection: null\x00byte, my\u202eflow notes") == 200
    assert await room.command(ANA_U, "show C-\x00ONE") == 200
    answers = room.everything(ANA_U)
    assert "Questioning for Discourse" in answers  # the command found what was meant
    assert "went wrong" not in answers
    assert not any(c in sent_anywhere(room) for c in ("\x00", "\\x00", "\u202e", "\\u202e"))
    async with district.db.read() as session:
        stored = list(await session.scalars(select(DraftItem.text)))
    assert stored == ["nullbyte, myflow notes"]
