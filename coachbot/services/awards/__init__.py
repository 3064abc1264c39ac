"""Awards: what an earned credential credits, and the stacks and pathways it completes."""

from coachbot.services.awards.announcing import completed_by, queue_announcement
from coachbot.services.awards.awarding import grant_award

__all__ = ["completed_by", "grant_award", "queue_announcement"]
