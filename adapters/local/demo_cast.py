"""Who plays the demo semester: the example district's people the seed picks for each part.

The cast is picked once, before the first act, and always in the same order (the facilitators,
then the teachers and the credential each one pursues), because every later choice draws from
the same seeded random numbers: the same seed casts the same people and replays the same
semester, line for line.
"""

from __future__ import annotations

import random

from adapters.local.driver import LocalDriver, LocalPerson
from adapters.local.semester import PERSONAS, Teacher
from coachbot.domain.roles import Role
from coachbot.importing.catalog_reader import CatalogSpec
from coachbot.importing.roster_reader import RosterRow


class Cast:
    def __init__(
        self, driver: LocalDriver, spec: CatalogSpec, rows: list[RosterRow], rng: random.Random
    ) -> None:
        self.names = {r.email: r.name for r in rows}
        admins = [r for r in rows if Role.DISTRICT_ADMIN in r.roles]
        facilitators = [r for r in rows if Role.FACILITATOR in r.roles]
        teachers = [r for r in rows if r.roles == (Role.TEACHER,)]
        self.admin = driver.as_(admins[0].email)
        self.facilitators = [driver.as_(r.email) for r in rng.sample(facilitators, 2)]
        chosen = rng.sample(teachers, len(PERSONAS))
        by_code = {c.code: c for c in spec.credentials}
        plain = [
            by_code[c]
            for s in spec.stacks
            for c in s.credential_codes
            if c not in spec.policy.preapproval_credentials
        ]
        needs_ok = [by_code[c] for c in spec.policy.preapproval_credentials]
        self.teachers = [
            Teacher(
                driver.as_(r.email),
                r.name,
                persona,
                rng.choice(needs_ok if persona == "approval" and needs_ok else plain),
            )
            for r, persona in zip(chosen, PERSONAS, strict=True)
        ]
        self.schools = {r.email: r.school_code for r in rows}
        self.principals = {
            r.school_code: driver.as_(r.email) for r in rows if Role.SCHOOL_ADMIN in r.roles
        }
        self.by_email = {t.person.email.lower(): t for t in self.teachers}

    def name(self, person: LocalPerson) -> str:
        return self.names.get(person.email, person.email)

    def principal_of(self, teacher: Teacher) -> LocalPerson:
        return self.principals[self.schools[teacher.person.email] or ""]
