"""The catalog's ``policy.reviewers`` block: read into the district's policy, kept through the
database, and every mistake named with its line and its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachbot.composition import Services
from coachbot.domain.reviewer_policy import Conflict, OfficialReviewer
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import District
from tests.importing.test_catalog_errors import FIXTURE, problems_of

BLOCK = """  resubmission_limit: 3
  reviewers:
    official: [committee, facilitator]
    committee: [Kim@Testville.example, sam@testville.example]
    designated:
      C-TWO: [gil@testville.example]
    weekly_capacity: 5
    conflicts:
      - {reviewer: fay@testville.example, teacher: ana@testville.example}
    same_school: true
    reassign_after_days: 4
    peer_open_limit: 3
"""


def with_block(tmp_path: Path, block: str = BLOCK) -> Path:
    text = FIXTURE.read_text().replace("  resubmission_limit: 3\n", block, 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    return path


def test_the_reviewers_block_becomes_the_districts_policy(tmp_path: Path) -> None:
    reviewers = read_catalog(with_block(tmp_path)).policy.reviewers
    assert reviewers.official == (OfficialReviewer.COMMITTEE, OfficialReviewer.FACILITATOR)
    assert reviewers.committee == ("kim@testville.example", "sam@testville.example")
    assert reviewers.designated_for("C-TWO") == ("gil@testville.example",)
    assert reviewers.weekly_capacity == 5
    assert reviewers.conflicts == (Conflict("fay@testville.example", "ana@testville.example"),)
    assert reviewers.same_school_conflict is True
    assert (reviewers.reassign_after_days, reviewers.peer_open_limit) == (4, 3)


def test_defaults_when_the_block_is_absent() -> None:
    reviewers = read_catalog(FIXTURE).policy.reviewers
    assert reviewers.official == (OfficialReviewer.FACILITATOR,)
    assert (reviewers.weekly_capacity, reviewers.reassign_after_days) == (None, 7)


async def test_the_policy_survives_the_database(services: Services, tmp_path: Path) -> None:
    spec = read_catalog(with_block(tmp_path))
    await services.catalog.load(spec)
    async with services.db.read() as session:
        district = await session.get(District, 1)
    assert district is not None
    assert policy_from_json(district.policy).reviewers == spec.policy.reviewers


@pytest.mark.parametrize(
    ("bad", "good", "says"),
    [
        ("      C-TWO: [gil", "      C-NINE: [gil", "'C-NINE' is not a credential in this file"),
        ("[Kim@Testville.example", "[not-an-email", "is not an email address"),
        ("official: [committee, facilitator]", "official: [committee, janitor]", "facilitator"),
        ("weekly_capacity: 5", "weekly_capacity: 0", "it must be at least 1"),
        ("teacher: ana@testville.example}", "teacher: fay@testville.example}", "two different"),
        ("    committee: [Kim@Testville.example, sam@testville.example]\n", "", "no committee"),
    ],
)
def test_each_mistake_names_its_line(tmp_path: Path, bad: str, good: str, says: str) -> None:
    block = BLOCK.replace(bad, good)
    path = with_block(tmp_path, block)
    text = path.read_text()
    if good:
        line = text[: text.index(good)].count("\n") + 1
    else:  # a missing committee is reported on the reviewers block itself
        line = text[: text.index("  reviewers:")].count("\n") + 1
    (problem,) = problems_of(path)
    assert says in problem.message, str(problem)
    assert problem.line == line, str(problem)
