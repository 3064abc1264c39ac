"""The third trial of the terminal, replayed: each finding typed again as the person typed it,
through the terminal's own input loop, and read as they read it."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.conversation.handlers import build_registry
from coachbot.conversation.handlers.home import BY_ROLE, EVERYONE
from coachbot.domain.catalog import code_key, near_codes
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.prompts import Prompts
from coachbot.services.reviews.reviewing import Decision
from coachbot.settings import REPO_ROOT
from tests.adapters.local.test_approvals_chat import PLAN, REASONS, onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.conversation.handlers.test_filing import PNG, working_on_files
from tests.helpers import (
    ANA,
    BELOW,
    DEE,
    FAY,
    SAM,
    actor,
    c_one_evidence,
    earn,
    planned,
    under_review,
)


async def approved(district: Services) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await district.approvals.approve(await actor(district, DEE), chosen.pursuit_id)
    await onboarded(district, ANA)


async def test_an_approved_teacher_sees_the_next_step_and_can_plan(district: Services) -> None:
    await approved(district)
    text = await session(district, ANA, ["status", "plan", "1", "status", "/quit"])
    assert "*Project-Based Unit*: Approved; next: make your plan (say *plan*)" in text
    assert "[1] Make my plan" in text
    assert "A plan can be made once" not in text
    assert "Your plan for *Project-Based Unit* is saved" in text
    assert "*Project-Based Unit*: In progress; next: Read the rubric" in text


async def test_an_approved_teacher_can_set_a_deadline_in_words(district: Services) -> None:
    await approved(district)
    text = await session(district, ANA, ["deadline in 6 weeks", "1", "/quit"])
    assert "A plan can be made once" not in text
    assert "Your plan for *Project-Based Unit* is saved" in text


async def test_a_past_date_in_the_deadline_form_is_asked_again(district: Services) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    lines = ["deadline in 5 weeks", "2", "yesterday", "in 6 weeks", "/quit"]
    text = await session(district, ANA, lines)
    after = text.split("== Your deadline ==", 1)[1]
    assert "The deadline Monday, September 7, 2026 has already passed" in after
    assert after.count("== Your deadline ==") == 1  # the same question again, not closed
    assert 'I read "in 6 weeks" as *Tuesday, October 20, 2026*' in after


async def test_cancel_on_a_later_line_of_a_long_answer_leaves_the_form(
    district: Services,
) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await onboarded(district, SAM)
    lines = ["approvals", "2", "Please say more about", "/cancel", "approvals", "/quit"]
    text = await session(district, SAM, lines)
    assert "The form *Send back* was not sent" in text
    assert "Sent back" not in text
    assert text.count("1 request waiting for your decision") == 2


async def test_a_school_admin_creates_their_schools_cohort_from_the_form(
    district: Services,
) -> None:
    await onboarded(district, SAM)
    lines = ["cohort new", "Spring group", "2026-10-01", "2026-12-01", "", "", "cohort", "/quit"]
    text = await session(district, SAM, lines)
    assert "that's for an admin" not in text and "Sorry" not in text
    assert "Cohort *Spring group* is ready" in text
    assert "Cohorts: Spring group." in text


async def test_a_cohort_window_outside_its_dates_is_asked_again_and_read_back(
    district: Services,
) -> None:
    await onboarded(district, DEE)
    # The opening day is checked as soon as it is typed (not at the form's end), so the
    # corrected day comes next and then the closing day.
    lines = ["cohort new", "Spring group", "2026-10-01", "2026-12-01", "2026-09-20",
             "2026-10-05", "2026-11-20", "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert (
        "*Submissions open* Sunday, September 20, 2026 would be before *Starts on* Thursday,"
        " October 1, 2026. Please give a date on or after Thursday, October 1, 2026."
    ) in text
    assert (
        "submissions open Monday, October 5, 2026 to Friday, November 20, 2026" in text
    )


async def test_a_window_closing_after_the_cohort_ends_is_asked_again_as_it_is_typed(
    district: Services,
) -> None:
    """As a window opening before the cohort starts is: at the field, not at the form's end."""
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "2026-10-01", "2026-12-01", "2026-10-05",
             "2026-12-15", "2026-11-20", "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert (
        "*Submissions close* Tuesday, December 15, 2026 would be after *Ends on* Tuesday,"
        " December 1, 2026. Please give a date on or before Tuesday, December 1, 2026."
    ) in text
    assert "I kept your other answers" not in text  # nothing went back after the form
    assert "outside the cohort's own dates" not in text
    assert "submissions open Monday, October 5, 2026 to Friday, November 20, 2026" in text


async def test_a_short_part_in_a_draft_is_held_and_can_go_as_it_is(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    await onboarded(district, ANA)
    lines = ["Lesson plan: https://docs.example.org/plan", "https://video.example.org/lesson-1",
             "Reflection: too short", "send", "1", "/quit"]  # fmt: skip
    text = await session(district, ANA, lines)
    held = text.split("Before your draft of *Questioning for Discourse*", 1)[1]
    assert "*Reflection* has 2 words; it needs at least 20" in held
    assert "[1] Send the draft as it is" in held
    assert "is with Fay Facilitator for feedback" in held


async def test_extend_is_in_an_admins_help(district: Services) -> None:
    await onboarded(district, DEE, SAM)
    for email in (DEE, SAM):
        text = await session(district, email, ["help", "/quit"])
        assert "- *extend*: extend EMAIL until DATE because REASON" in text


def test_every_command_is_on_some_roles_help() -> None:
    """A command on nobody's list is never shown: how `extend` went missing from help."""
    listed = set(EVERYONE).union(*BY_ROLE.values())
    assert [name for name in build_registry().commands if name not in listed] == []


async def asked(district: Services) -> int:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await onboarded(district, DEE)
    return chosen.pursuit_id


async def test_numbers_are_taken_with_a_hash_as_lists_show_them(district: Services) -> None:
    number = await asked(district)
    text = await session(district, DEE, [f"approve #{number}", "/quit"])
    assert "Approved: Ana Teacher can start planning *Project-Based Unit*" in text


async def test_a_button_number_is_taken_with_a_hash(district: Services) -> None:
    await asked(district)
    text = await session(district, DEE, ["approvals", "#1", "/quit"])
    assert "Approved: Ana Teacher can start planning *Project-Based Unit*" in text


async def test_a_review_number_is_taken_with_a_hash(district: Services) -> None:
    _, review_id = await under_review(district)
    await onboarded(district, FAY)
    text = await session(district, FAY, [f"review #{review_id}", "/quit"])
    opened = text.split("Say *help* for everything you can ask me.", 1)[1]
    assert "Questioning for Discourse" in opened and "Lesson plan" in opened
    assert "isn't" not in opened and "couldn't find" not in opened


async def test_a_mistyped_request_number_lists_the_real_ones_and_is_no_attempt(
    district: Services,
) -> None:
    number = await asked(district)
    text = await session(district, DEE, ["approve 99", "attempts", "/quit"])
    assert (
        f"There's no request #99 waiting for your decision. Waiting now: #{number} Ana Teacher"
        " for *Project-Based Unit*."
    ) in text
    assert "No refused attempts" in text
    assert "can't" not in text


async def test_the_part_for_a_waiting_file_can_be_typed_in_words(
    district: Services, tmp_path: Path
) -> None:
    await working_on_files(district, tmp_path)
    await onboarded(district, ANA)
    photo = tmp_path / "IMG_2041.png"
    photo.write_bytes(PNG)
    text = await session(district, ANA, [f"/file {photo}", "protocol notes", "/quit"])
    assert "type the part's name" in text
    assert "Added to *Student Work Protocols*: Protocol notes." in text
    assert "I didn't catch that" not in text and "still keeping" not in text


async def test_a_bare_file_command_says_how(district: Services) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["/file", "/quit"])
    assert "Type /file and the file's path" in text
    assert "I didn't catch that" not in text


async def test_a_code_is_taken_as_people_type_it(district: Services) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["show cone", "feedback c one", "plan c-one", "/quit"])
    assert "*Questioning for Discourse* (C-ONE), issued by Testville SD" in text
    assert "I couldn't find" not in text
    assert code_key("pa2") == code_key("PA-02") == code_key("Pa 02") == "PA2"


async def test_feedback_on_an_unknown_code_says_so_and_lists_theirs(district: Services) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["feedback PA-99", "/quit"])
    assert '"PA-99" isn\'t one of your credentials (yours: C-ONE)' in text


async def test_hand_off_typed_as_two_words_is_the_handoff_command(district: Services) -> None:
    _, review_id = await under_review(district)
    await onboarded(district, FAY)
    text = await session(district, FAY, [f"hand off {review_id}", "/quit"])
    assert "I didn't catch that" not in text
    assert f'Write it after the review\'s number, as in "handoff {review_id} I\'m away' in text


async def test_one_button_on_screen_is_said_as_one(district: Services) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["show C-ONE", "5", "/quit"])
    assert "There's no button 5 on screen: the only button shown is 1." in text
    assert "1 to 1" not in text


async def test_times_carry_their_zone(district: Services) -> None:
    await asked(district)
    text = await session(district, DEE, ["approvals", "/quit"])
    assert re.search(r"\(asked \w+day, September 8 at \d+:\d\d [AP]M [A-Z]{2,5}\)", text)


def test_words_ending_in_a_full_stop_get_no_second_one() -> None:
    said = Prompts(REPO_ROOT / "prompts").render(
        "plan.j2", "milestone_done", p={"title": "Plan the lesson.", "following": "Record it."}
    )
    assert "Next up: Record it." in said
    assert ".." not in said


async def test_policy_takes_plain_dates_and_words_not_internal_keys(district: Services) -> None:
    await onboarded(district, DEE)
    lines = ["policy set window September 1 to May 28", "policy set calibration 10%",
             "policy set nudge cap 4", "policy", "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert "Done: *window* is now 2026-09-01 to 2027-05-28." in text
    assert "Done: *nudge cap* is now 4." in text
    assert "10% of formal submissions" in text and "10.0%" not in text
    assert "quiet hours, quiet weekends" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text.split("*District policy*")[1])


async def test_a_step_out_of_order_says_where_it_stands_in_words(district: Services) -> None:
    await asked(district)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["deadline in 3 weeks", "1", "/quit"])
    assert "right now it is waiting for an approver's decision" in text
    assert "this is at" not in text and "now: " not in text


async def test_hi_at_a_date_or_an_optional_question_is_a_greeting(district: Services) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "hi", "2026-10-01", "2026-12-01", "thanks", "", "",
             "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert "Hello! I'm still asking: *Starts*, a date in plain words" in text or (
        "Hello! I'm still asking: *" in text and 'like "next friday"' in text
    )
    assert "You're welcome! I'm still asking: *" in text and "(you can leave it empty)" in text
    assert "Cohort *Spring group* is ready" in text
    assert "submissions open" not in text  # "thanks" was never taken as a date


async def test_hi_at_a_files_prompt_is_not_a_path(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["draft", "1", "hi", "/cancel", "/quit"])
    assert "Hello! I'm still asking for *Lesson plan*: type a file's path" in text
    assert "I can't find a file at hi" not in text


async def test_an_admin_is_asked_only_their_time_zone(district: Services) -> None:
    text = await session(district, DEE, ["1", "/quit"])
    assert "First, your time zone" in text
    assert "1. Yes" not in text and "colleagues" not in text.lower().split("all set")[0]
    assert "All set. I'll use *America/Chicago*" in text


async def test_a_command_typed_at_the_time_zone_question_is_said_as_one(
    district: Services,
) -> None:
    text = await session(district, ANA, ["status", "/cancel", "/quit"])
    assert '"status" isn\'t a time zone I know. If you meant it as a command' in text


async def test_files_of_an_earned_credential_open(district: Services) -> None:
    await earn(district)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["files C-ONE", "/quit"])
    assert "What you handed in for *Questioning for Discourse*" in text
    assert "- Lesson plan: plan.pdf (14 bytes), open it: http" in text
    assert "I couldn't find" not in text


async def test_editing_the_plan_shows_the_milestones_kept_and_enter_keeps_them(
    district: Services,
) -> None:
    await planned(district, ANA)
    await onboarded(district, ANA)
    answers = iter(["plan", "1", "", "", "/quit"])
    screen: list[str] = []

    def ask(prompt: str) -> str:
        screen.append(prompt)
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    await chat(district, ANA, ask, screen.append)
    text = "\n".join(screen)
    assert "     2026-09-15: Plan the lesson\n     2026-09-29: Teach and record" in text
    assert "Press Enter to keep these as they are" in text
    assert "Milestones, one per line [the lines above]" in text
    saved = text.split("is saved.", 1)[1]
    assert "- Tuesday, September 29, 2026: Teach and record" in saved


async def test_a_resubmissions_reviewer_reads_what_was_asked_last_time(
    district: Services,
) -> None:
    pursuit_id, review_id = await under_review(district)
    ana, fay, dee = [await actor(district, e) for e in (ANA, FAY, DEE)]
    await district.reviews.record(
        fay, review_id, Decision.NOT_YET, BELOW, feedback="Ask more open questions."
    )
    await district.evidence.hand_in(ana, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(2))
    again = await district.reviews.assign(dee, pursuit_id, fay.person_id or 0)
    await onboarded(district, FAY)
    text = await session(district, FAY, [f"review {again}", "/quit"])
    assert "*Asked for last time*" in text
    assert "*Asked for last time*" not in text.replace("\n\n*Asked for last time*", "")  # own line
    assert "- On try 1, Fay Facilitator: Ask more open questions." in text


async def test_an_admins_typo_gets_no_advice_about_evidence(district: Services) -> None:
    """'aprove 24' from a district admin: the nearby commands, not how to hand in evidence
    (which only those who hand in need to hear)."""
    await onboarded(district, DEE)
    admin = await session(district, DEE, ["aprove 24 yes please", "/quit"])
    assert "Did you mean: approve" in admin
    assert "To add evidence" not in admin
    await onboarded(district, ANA)
    teacher = await session(district, ANA, ["maybe later i guess", "/quit"])
    assert "To add evidence" in teacher


async def test_a_code_not_found_offers_the_near_ones_and_the_catalog(district: Services) -> None:
    """'show c-onr': the near code is offered; a number alone with no such code: the catalog."""
    await onboarded(district, ANA)
    text = await session(district, ANA, ["show c-onr", "show #7", "/quit"])
    assert 'I couldn\'t find a credential "c-onr". Did you mean C-ONE?' in text
    assert 'I couldn\'t find a credential "7". Check the spelling. Say *catalog*' in text


def test_a_number_alone_names_the_codes_that_end_in_it() -> None:
    codes = ["PA-10", "PA-02", "C-ONE", "LIT-10"]
    assert near_codes("#10", codes) == ["PA-10", "LIT-10"]
    assert near_codes("2", codes) == ["PA-02"]
    assert near_codes("pa-1O", codes)[0] == "PA-10"


async def test_my_credentials_lists_the_badges_and_my_record_gives_the_file(
    district: Services,
) -> None:
    await earn(district, ANA)
    room = LocalDriver(district)
    badges = await room.as_(ANA).say("my credentials")
    assert "Questioning for Discourse" in badges and "/downloads/" not in badges
    record = await room.as_(ANA).say("my record")
    assert "Here is your record" in record
