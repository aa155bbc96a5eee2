"""Atom feeds of contracts' records: new agreements, and everything linked to a vendor or an agency
(the record types that say so with ``related_by``; the machinery is registry/feeds.py)."""

from django.urls import reverse

from contracts.models import Agreement
from registry.feeds import FEED_SIZE, SITE_NAME, ChangeFeed, RelatedChangesFeed, Selection, readable
from registry.models import ChangeLog


class NewAgreementsFeed(ChangeFeed):
    """Agreements as they are added to the registry."""

    def select(self, request, *args, **kwargs):
        return Selection(title=f"{SITE_NAME}: new agreements", link=reverse("agreement-list"),
                         description="Agreements as they are added to the registry, newest first.")

    def changes(self, target):
        agreements = readable(Agreement).values("slug")
        return list(ChangeLog.objects.public().filter(record_type=Agreement.record_type,
                                                      action=ChangeLog.Action.CREATED,
                                                      slug__in=agreements).order_by("-public_id")[:FEED_SIZE])


class VendorFeed(RelatedChangesFeed):
    record_type = "vendor"


class AgencyFeed(RelatedChangesFeed):
    record_type = "agency"
