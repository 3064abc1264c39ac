"""The district as an issuer (website, contact, image) and its recognition rules come from the
catalog; a rule naming a credential the file lacks is a problem with the fix."""

from __future__ import annotations

from pathlib import Path

from coachbot.domain.recognition import RecognitionRule, rule_for
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.codec import policy_from_json, policy_to_json
from tests.importing.test_catalog_errors import FIXTURE, broken, problems_of

RULES = """  recognitions:
    - issuer: https://badges.other.example/issuers/other
      achievement: Questioning for Discourse
      counts_as: C-ONE
      currency: {hours: 2}
policy:
"""


def test_recognitions_and_the_issuer_profile_are_read_and_kept(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "policy:\n", "policy:\n" + RULES.replace("policy:\n", ""))
    spec = read_catalog(path)
    assert (spec.website, spec.email) == (
        "https://testville.example.org", "credentials@testville.example.org",
    )  # fmt: skip
    (rule,) = spec.policy.recognitions
    assert rule.counts_as == "C-ONE" and rule.currency.hours == 2
    kept = policy_from_json(policy_to_json(spec.policy)).recognitions
    assert kept == spec.policy.recognitions
    found = rule_for(
        kept, "https://badges.other.example/issuers/other/", "", "questioning for discourse"
    )
    assert found == rule
    assert rule_for(kept, "https://elsewhere.example", "", "Questioning for Discourse") is None
    assert read_catalog(FIXTURE).policy.recognitions == ()
    assert isinstance(rule, RecognitionRule)


def test_a_rule_for_a_credential_not_in_the_file_is_a_problem(tmp_path: Path) -> None:
    text = "policy:\n" + RULES.replace("policy:\n", "").replace("C-ONE", "C-NOPE")
    path, _ = broken(tmp_path, "policy:\n", text)
    said = " ".join(str(p) for p in problems_of(path))
    assert "'C-NOPE' is not a credential in this file" in said
