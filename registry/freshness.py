"""How current the registry's research is, computed from the data (never hard-coded): the date of
the newest source read, and when the research behind the records was compiled and last checked."""

from dataclasses import dataclass

from django.db.models import F, Max, Min

from registry.models import Source


@dataclass
class ResearchCutoff:
    newest_source: object  # PartialDate of the newest dated source the registry read, or None
    compiled_on: object  # the earliest day a source was checked (the research compile date), or None
    last_checked_on: object  # the latest such day (a later supplement or re-check), or None

    def __bool__(self):
        return bool(self.newest_source or self.compiled_on)


def research_cutoff():
    """Two queries: the newest dated source read, and the range of days sources were checked."""
    read = Source.objects.public().filter(verified=True)
    newest = read.filter(published_on__isnull=False).order_by(F("published_on").desc(), "id").first()
    checked = read.aggregate(first=Min("last_verified_on"), last=Max("last_verified_on"))
    return ResearchCutoff(newest.published if newest else None, checked["first"], checked["last"])
