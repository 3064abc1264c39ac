"""Loading what districts keep elsewhere: the catalog, the roster and the school calendar."""

from coachbot.services.loading.calendar import CalendarLoader
from coachbot.services.loading.catalog import CatalogLoader
from coachbot.services.loading.roster import RosterLoader

__all__ = ["CalendarLoader", "CatalogLoader", "RosterLoader"]
