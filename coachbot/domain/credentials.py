"""An award as an Open Badges 3.0 credential (an ``OpenBadgeCredential`` on the W3C Verifiable
Credentials data model 2.0), built from plain values: no keys, no storage, no clock.

The teacher is named only by a salted SHA-256 of their email (an ``IdentityObject``): the
credential is handed around, and an email in it would travel to everyone it reaches. Whoever
knows the email and reads the salt can check it is theirs; nobody can read it back out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from coachbot.domain.catalog import Credential
from coachbot.domain.currency import dollars
from coachbot.domain.policy import Currency

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = (VC_V2, OB_V3)


@dataclass(frozen=True)
class Issuer:
    """The district as an issuer Profile; ``id`` is where its profile and keys are published."""

    id: str
    name: str
    url: str
    email: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class Issuance:
    credential_id: str  # the credential's URL
    achievement_id: str
    issued_at: datetime
    valid_until: datetime | None
    identity_hash: str  # "sha256$..." of the email and the salt
    salt: str
    status_list: str | None = None  # the district's revocation list (a BitstringStatusList)
    status_index: int = 0  # this credential's bit in it


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0's IdentityHash: ``sha256$`` and the hex digest of the email followed by the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def when(moment: datetime) -> str:
    """An xsd:dateTime in UTC to the second, the form both the schema and people expect."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def worth(currency: Currency) -> str:
    """What the credential is worth in the district, in words ("4 in-service hours, ...")."""
    parts = []
    if currency.hours:
        parts.append(f"{currency.hours:g} in-service hours")
    if currency.points:
        parts.append(f"{currency.points:g} continuing-education points")
    if currency.stipend_cents:
        parts.append(f"a {dollars(currency.stipend_cents)} stipend")
    if currency.cpd_units_per:
        parts.append(f"one CPD unit for every {currency.cpd_units_per} credentials")
    return ", ".join(parts) if parts else "no hours, points or stipend"


def criteria_narrative(credential: Credential) -> str:
    """The criteria in Markdown: the competency, the evidence asked for, the rubric's bar."""
    lines = [credential.competency.strip(), "", "Reviewers read these parts of the evidence:"]
    for part in credential.requirements:
        detail = f": {part.description}" if part.description else ""
        lines.append(f"- {part.name}{detail}")
    bar = next(
        (lv.name for c in credential.rubric.criteria for lv in c.levels
         if lv.score == credential.rubric.passing_score),
        None,
    )  # fmt: skip
    lines += [
        "",
        f"Reviewers scored it against a rubric; every criterion reached {bar}:"
        if bar
        else "Reviewers scored it against a rubric:",
    ]
    for criterion in credential.rubric.criteria:
        lines.append(f"- {criterion.name}: {criterion.description}".rstrip(": "))
    return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "goal"


def achievement(
    credential: Credential, achievement_id: str, issuer: Issuer, currency: Currency
) -> dict[str, Any]:
    alignment = [
        {
            "type": ["Alignment"],
            "targetName": credential.competency.strip()[:500],
            "targetUrl": f"{achievement_id}#competency",
            "targetType": "ext:Competency",
        }
    ] + [
        {
            "type": ["Alignment"],
            "targetName": goal,
            "targetUrl": f"{issuer.id}/goals/{_slug(goal)}",
            "targetType": "ext:SchoolGoal",
        }
        for goal in credential.goals
    ]
    found: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": credential.title,
        "description": credential.description.strip() or credential.competency.strip(),
        "criteria": {"narrative": criteria_narrative(credential)},
        "alignment": alignment,
        "humanCode": credential.code,
        "resultDescription": [
            {
                "id": f"{achievement_id}#credit",
                "type": ["ResultDescription"],
                "name": f"Worth in {issuer.name}: {worth(currency)}",
                "resultType": "ext:Credit",
            }
        ],
    }
    if currency.hours:
        found["creditsAvailable"] = float(currency.hours)
    return found


def profile(issuer: Issuer) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        found["email"] = issuer.email
    if issuer.image:
        found["image"] = {"id": issuer.image, "type": "Image"}
    return found


def open_badge(
    credential: Credential, issuer: Issuer, issuance: Issuance, currency: Currency
) -> dict[str, Any]:
    """The unsigned credential for one award."""
    document: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": issuance.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.title,
        "issuer": profile(issuer),
        "validFrom": when(issuance.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": issuance.identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": issuance.salt,
                }
            ],
            "achievement": achievement(credential, issuance.achievement_id, issuer, currency),
        },
    }
    if issuance.valid_until is not None:
        document["validUntil"] = when(issuance.valid_until)
    if issuance.status_list is not None:
        document["credentialStatus"] = {
            "id": f"{issuance.status_list}#{issuance.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(issuance.status_index),
            "statusListCredential": issuance.status_list,
        }
    return document


def status_list_credential(
    list_id: str, issuer_id: str, encoded: str, at: datetime
) -> dict[str, Any]:
    """The unsigned revocation list of one issuer (a BitstringStatusListCredential)."""
    return {
        "@context": [VC_V2],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": when(at),
        "credentialSubject": {
            "id": f"{list_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


# A revocation's reason is read by the teacher, by HR in the record and by anyone who checks the
# credential: real words, in chat and on the command line alike.
REASON_MIN_WORDS, REASON_MIN_LETTERS = 3, 12  # either is enough


def reason_is_real(reason: str) -> bool:
    """At least three words or twelve letters, so "x" or "clear" is asked for again (a trial
    admin revoked with "clear")."""
    words = [w for w in reason.split() if any(ch.isalpha() for ch in w)]
    letters = sum(ch.isalpha() for ch in reason)
    return len(words) >= REASON_MIN_WORDS or letters >= REASON_MIN_LETTERS
