"""An agreement with a history, for the tests of revision pages, diffs, the as-of picker and citations:
revision 1 states it (a party, an amount, a citation, a term), revision 2 corrects an amount and a
citation's quote through the write path (apply_change), revision 3 is a load (registry.loader) that
renames it, raises its ceiling and adds a party."""

import datetime
from dataclasses import dataclass

from contracts.models import Agreement, AgreementAmount, PublicTerm
from registry.fields import PartialDate
from registry.loader import load_records
from registry.models import ChangeLog, Citation
from registry.services import apply_change, change_set
from registry.write_serializers import to_interchange
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_amount,
    make_party,
    make_source,
    make_term,
    make_vendor,
)


@dataclass
class History:
    deal: object
    term: object
    ids: list  # the public change ids of the deal's revisions, oldest first

    @property
    def base(self):
        return f"/agreements/{self.deal.slug}"


def revision_ids(record):
    return list(ChangeLog.objects.public().filter(record_type=record.record_type, slug=record.slug)
                .order_by("public_id").values_list("public_id", flat=True))


def edited_deal(*, title="Maven Smart System"):
    """The agreement with its three revisions (see the module's docstring)."""
    acme, beta = make_vendor(name="Acme AI"), make_vendor(name="Beta Systems")
    with change_set(user=builder_user(), reason="first statement"):
        deal = make_agreement(title=title)
        make_party(deal, acme)
        make_amount(deal, amount="642000000.00", as_of=PartialDate.parse("2026-03"))
        term = make_term(agreement=deal, title="No domestic surveillance")
    with change_set(user=builder_user(), reason="corrected the amount and a quote", credited_to="Watchdog A"):
        amount = AgreementAmount.objects.get(agreement=deal)
        amount.amount = "700000000.00"
        apply_change(amount)
        citation = Citation.objects.filter(target_id=deal.pk, target_type__model="agreement").first()
        citation.quote = "a corrected quote about the deal"
        apply_change(citation)
    data = to_interchange(deal)
    data.update(title=f"{title} (renamed)", ceiling={"amount": "900000000.00", "currency": "USD"})
    data["parties"].append({"vendor": beta.slug, "role": "partner"})
    load_records({"agreements": [data]}, user=builder_user(), reason="loaded an update")
    deal.refresh_from_db()
    return History(deal, term, revision_ids(deal))


def backdated_deal(day):
    """An agreement first stated on ``day`` (a load of a record published then is dated then), renamed today."""
    agency, vendor, source = make_agency(), make_vendor(), make_source()
    load_records({"agreements": [{
        "slug": "backdated-deal", "title": "Maven Smart System", "awarding_agency": agency.slug,
        "parties": [{"vendor": vendor.slug, "role": "prime"}], "published_at": stated_on(day).isoformat(),
        "citations": [{"source": source.slug, "quote": "the first words"}]}]}, user=builder_user(), reason="first statement")
    deal = Agreement.objects.get(slug="backdated-deal")
    with change_set(user=builder_user(), reason="renamed"):
        deal.title = "Maven Smart System (renamed)"
        apply_change(deal)
    return History(deal, None, revision_ids(deal))


def change_term(term, **changes):
    with change_set(user=builder_user(), reason="the term's effect corrected"):
        for name, value in changes.items():
            setattr(term, name, value)
        apply_change(term)
    return term


def stated_on(day):
    """A moment on ``day`` (UTC noon), for backdated records."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


__all__ = ["History", "PublicTerm", "backdated_deal", "change_term", "edited_deal", "revision_ids", "stated_on"]
