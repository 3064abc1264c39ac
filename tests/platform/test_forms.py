"""Forms across a click and in pages: kept in the database, so the button works after a restart
and on another replica, and a form longer than a platform shows at once is asked in pages."""

from __future__ import annotations

from pathlib import Path

from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.conversation.form_checks import check
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option
from coachbot.platform.contract import KeptForms, form_pages
from coachbot.settings import Settings

LEVELS = (Option("Not yet", "0"), Option("Meets", "2"))
REVIEW = Form(
    "review",
    "Review: Questioning for Discourse",
    (
        *(FormField(f"criterion_{n}", f"Criterion {n}", FieldKind.CHOICE, options=LEVELS)
          for n in range(1, 7)),
        FormField("feedback", "Feedback", FieldKind.LONG_TEXT, min_words=3),
        FormField("decision", "Decision", FieldKind.CHOICE, options=LEVELS),
    ),
    "Send",
    context="review:12",
)


def another_replica(services: Services, clock: VirtualClock, tmp_path: Path) -> Services:
    """The same database from a fresh process: nothing in memory is shared."""
    settings = Settings(database_url=services.settings.database_url,
                        evidence_dir=tmp_path / "evidence", _env_file=None)
    return build(settings, clock)


def test_a_review_with_its_rubric_fits_discord_modals_in_pages() -> None:
    pages = form_pages(REVIEW, per_page=5)
    assert [len(p.fields) for p in pages] == [5, 3]
    assert [p.title for p in pages] == [f"{REVIEW.title} · 1/2", f"{REVIEW.title} · 2/2"]
    assert {p.form_id for p in pages} == {"review"} and {p.context for p in pages} == {
        "review:12"}
    assert form_pages(REVIEW, per_page=100) == (REVIEW,)  # Slack: one page, as it was


def test_a_form_asked_again_pages_only_the_fields_that_need_it() -> None:
    again = Form(REVIEW.form_id, REVIEW.title, REVIEW.fields, "Send", ask=("feedback",))
    (page,) = form_pages(again, per_page=5)
    assert [f.name for f in page.fields] == ["feedback"]


async def test_an_open_form_button_works_after_a_restart_for_its_owner_only(
    services: Services, clock: VirtualClock, tmp_path: Path
) -> None:
    token = await KeptForms(services, "discord", per_page=5).keep(REVIEW, "111")
    replica = another_replica(services, clock, tmp_path)
    try:
        forms = KeptForms(replica, "discord", per_page=5)
        assert await forms.take(token, "222") is None  # someone else's button
        assert await KeptForms(replica, "slack", per_page=5).take(token, "111") is None
        assert await forms.take(token, "111") == REVIEW  # whole, options and limits included
        assert await forms.take(token, "111") is None  # a second click reads as stale
    finally:
        await replica.aclose()


async def test_pages_answered_on_different_replicas_make_one_submission(
    services: Services, clock: VirtualClock, tmp_path: Path
) -> None:
    first = KeptForms(services, "discord", per_page=5)
    token = await first.keep(REVIEW, "111")
    page_one = await first.page(token, 1, "111")
    assert page_one is not None and len(page_one.fields) == 5
    answers = {f"criterion_{n}": "2" for n in range(1, 6)}
    # the core's checks run on a page as on a whole form
    assert check(page_one, answers, services.prompts, now=clock.now()) == {}
    after_one = await first.answer(token, 1, answers, "111")
    assert after_one is not None and not after_one.done and after_one.next_page == 2
    replica = another_replica(services, clock, tmp_path)
    try:
        second = KeptForms(replica, "discord", per_page=5)
        page_two = await second.page(token, 2, "111")
        assert page_two is not None
        assert [f.name for f in page_two.fields] == ["criterion_6", "feedback", "decision"]
        done = await second.answer(token, 2, {"criterion_6": "0", "feedback": "Clear and kind",
                                              "decision": "2"}, "111")
        assert done is not None and done.done and done.form == REVIEW
        assert done.values == {**answers, "criterion_6": "0", "feedback": "Clear and kind",
                               "decision": "2"}
        assert await second.page(token, 1, "111") is None  # submitted: gone
    finally:
        await replica.aclose()


async def test_a_kept_form_goes_stale_after_two_days(
    services: Services, clock: VirtualClock
) -> None:
    from datetime import timedelta

    forms = KeptForms(services, "slack", per_page=100)
    token = await forms.keep(REVIEW, "U1")
    clock.advance(timedelta(days=2, minutes=1))
    assert await forms.take(token, "U1") is None


async def test_the_buttons_that_open_a_kept_form_and_its_next_page(services: Services) -> None:
    from coachbot.conversation.say import Say
    from coachbot.conversation.vocabulary import Buttons
    from coachbot.platform.contract import OPEN_FORM, opened

    say = Say(services.prompts)
    forms = KeptForms(services, "discord", per_page=5)
    offered = await forms.offer(say, REVIEW, "111")
    assert "press the button to fill it in" in offered.text
    (button,) = next(b for b in offered.blocks if isinstance(b, Buttons)).buttons
    token, page = opened(button.value)
    assert (button.action_id, page) == (OPEN_FORM, 1)
    assert len(f"{OPEN_FORM}:{button.value}") <= 100  # fits a Discord custom id
    answered = await forms.answer(token, 1, {"criterion_1": "2"}, "111")
    assert answered is not None
    following = forms.next_page(say, token, answered)
    assert "Continue (2 of 2)" in following.text
    (button,) = next(b for b in following.blocks if isinstance(b, Buttons)).buttons
    assert opened(button.value) == (token, 2)
    assert (await forms.page(token, 2, "111")) == form_pages(REVIEW, 5)[1]
