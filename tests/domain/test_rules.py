"""Currency, rubrics, pathways, plans and evidence: the rules districts and reviewers rely on."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.domain.catalog import (
    Credential,
    Criterion,
    Level,
    Outcome,
    OutcomeKind,
    PartKind,
    Pathway,
    PathwayArea,
    Requirement,
    Rubric,
)
from coachbot.domain.currency import StipendStatus, credit_for_award
from coachbot.domain.errors import InvalidInput
from coachbot.domain.evidence import EvidencePart, is_web_link
from coachbot.domain.planning import Milestone, check_plan, default_plan
from coachbot.domain.policy import Currency, DistrictPolicy
from coachbot.domain.roles import Role, parse_roles
from coachbot.domain.school_days import is_school_day, previous_school_day, school_days

LEVELS = (
    Level("Not yet", 1),
    Level("Developing", 2),
    Level("Proficient", 3),
    Level("Exemplary", 4),
)
RUBRIC = Rubric((Criterion("Design", "", LEVELS), Criterion("Talk", "", LEVELS)), 3)


def test_one_cpd_unit_on_every_second_credential() -> None:
    baltimore = Currency(cpd_units_per=2)
    units = [
        credit_for_award(
            baltimore, earned_before=n, stipend_budget_cents=None, stipend_committed_cents=0
        ).cpd_units
        for n in range(6)
    ]
    assert units == [0, 1, 0, 1, 0, 1]


def test_stipend_is_owed_until_the_budget_is_spent_then_flagged() -> None:
    juab = Currency(stipend_cents=20_000)
    fits = credit_for_award(
        juab, earned_before=0, stipend_budget_cents=40_000, stipend_committed_cents=20_000
    )
    over = credit_for_award(
        juab, earned_before=0, stipend_budget_cents=40_000, stipend_committed_cents=40_000
    )
    assert (fits.stipend_cents, fits.stipend_status) == (20_000, StipendStatus.OWED)
    assert (over.stipend_cents, over.stipend_status) == (0, StipendStatus.OVER_BUDGET)


def test_a_stipend_held_back_says_which_limit_held_it() -> None:
    """The teacher is told which limit it was: their own yearly cap (said first: it holds
    whatever happens to the budget) or the district's budget for the year."""
    juab = Currency(stipend_cents=20_000)

    def status(committed: int, cap_left: int | None) -> StipendStatus:
        return credit_for_award(
            juab, earned_before=0, stipend_budget_cents=40_000,
            stipend_committed_cents=committed, stipend_cap_left_cents=cap_left,
        ).stipend_status  # fmt: skip

    assert status(0, 10_000) is StipendStatus.OVER_CAP
    assert status(40_000, 10_000) is StipendStatus.OVER_CAP
    assert status(40_000, 20_000) is StipendStatus.OVER_BUDGET
    assert status(20_000, 20_000) is StipendStatus.OWED


def test_rubric_needs_every_criterion_scored_with_a_real_level() -> None:
    with pytest.raises(InvalidInput) as missing:
        RUBRIC.validate_scores({"Design": "Proficient"})
    assert missing.value.params["missing"] == ["Talk"]
    with pytest.raises(InvalidInput) as unknown:
        RUBRIC.validate_scores({"Design": "Great", "Talk": "Proficient"})
    assert "Proficient" in unknown.value.params["allowed"]
    assert RUBRIC.meets_standard({"design": "proficient", "Talk": "Exemplary"})
    assert RUBRIC.below_standard({"Design": "Developing", "Talk": "Exemplary"}) == ["Design"]


def test_pathway_needs_the_prerequisite_and_every_area() -> None:
    pathway = Pathway(
        "P",
        "Endorsement",
        (PathwayArea("A", ("a1", "a2"), 2), PathwayArea("B", ("b1", "b2", "b3"), 1)),
        Outcome(OutcomeKind.SALARY_STEP, "+5%"),
        prerequisite_code="pre",
    )
    assert not pathway.progress({"a1", "a2", "b1"}).complete
    assert not pathway.progress({"pre", "a1", "b1"}).complete
    assert pathway.progress({"pre", "a1", "a2", "b3"}).complete


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 1)),
    st.integers(min_value=4, max_value=200),
)
def test_default_plan_fits_between_start_and_deadline(start: date, span: int) -> None:
    from datetime import timedelta

    credential = Credential(
        "C",
        "T",
        "x",
        (Requirement("Plan", PartKind.FILE), Requirement("Reflection", PartKind.TEXT)),
        RUBRIC,
        10,
        "District",
    )
    deadline = start + timedelta(days=span)
    winter = ((start + timedelta(days=span // 3), start + timedelta(days=span // 3 + 9)),)
    plan = default_plan(credential, start, deadline, winter)
    # the submission falls on the last school day by the deadline (the deadline if it is one)
    if school_days(start, deadline, winter):
        assert plan[-1].due_on == previous_school_day(deadline, winter)
    assert all(start < m.due_on <= deadline for m in plan)
    assert [m.due_on for m in plan] == sorted(m.due_on for m in plan)
    if span >= 21:  # with school days to spread over, every step falls on one
        assert all(is_school_day(m.due_on, winter) for m in plan)
    check_plan(plan, deadline, start)


def test_plan_rejects_milestones_after_the_deadline() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_plan([Milestone("Late", date(2026, 12, 2))], date(2026, 12, 1), date(2026, 9, 1))
    assert caught.value.params["hint"] == "after_deadline"


@pytest.mark.parametrize("url", ["https://example.org/x", "http://video.school.org/a?b=1"])
def test_web_links_accepted(url: str) -> None:
    assert is_web_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://x.org/a",
        "https://",
        "example.org",
        "https://exa mple.org",
        "https://localhost/x",
        "",
    ],
)
def test_links_a_reviewer_cannot_open_are_refused(url: str) -> None:
    assert not is_web_link(url)
    with pytest.raises(InvalidInput):
        EvidencePart("Video", PartKind.LINK, url=url)


def test_file_parts_need_name_size_and_hash() -> None:
    with pytest.raises(InvalidInput):
        EvidencePart(
            "Plan", PartKind.FILE, file_name="plan.pdf", file_size=10, content_hash="not-a-hash"
        )


def test_roles_parse_from_roster_cells() -> None:
    assert parse_roles("Teacher; Facilitator") == [Role.TEACHER, Role.FACILITATOR]
    assert parse_roles("district-admin") == [Role.DISTRICT_ADMIN]
    with pytest.raises(ValueError, match="principal"):
        parse_roles("principal")


def test_preapproval_can_cover_all_or_some_credentials() -> None:
    assert DistrictPolicy(preapproval_required=True).needs_preapproval("ANY")
    some = DistrictPolicy(preapproval_required=True, preapproval_credentials=("A",))
    assert some.needs_preapproval("A")
    assert not some.needs_preapproval("B")
    assert not DistrictPolicy().needs_preapproval("A")
