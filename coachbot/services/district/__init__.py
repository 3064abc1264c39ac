"""The district and its people: who someone is and their roles, cohorts, policy, each person's
own choices."""
