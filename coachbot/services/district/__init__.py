"""The district and its people: who someone is and their roles, cohorts, policy, and each
person's own choices."""

from coachbot.services.district.cohorts import CohortService
from coachbot.services.district.districts import DistrictChoiceNeeded, pick_district
from coachbot.services.district.people import (
    Identity,
    PeopleDirectory,
    actor_by_email,
    actor_of,
    person_by_email,
)
from coachbot.services.district.person_settings import PersonSettingsService, SettingsView
from coachbot.services.district.policy import PolicyAdmin
from coachbot.services.district.school_calendar import due_on_a_school_day, school_breaks

__all__ = [
    "CohortService",
    "DistrictChoiceNeeded",
    "Identity",
    "PeopleDirectory",
    "PersonSettingsService",
    "PolicyAdmin",
    "SettingsView",
    "actor_by_email",
    "actor_of",
    "due_on_a_school_day",
    "person_by_email",
    "pick_district",
    "school_breaks",
]
