"""The facets of the contracts lists (registry/facets.py): how an agreement, a term or a marker meets a
vendor, an agency or an amount's kind, with the meaning its FilterSet's filter gives it (an agreement's
vendor is a party in any role; its agency awards or takes part, sub-agencies included)."""

from django.db.models import CharField, Value

from contracts.models import Agency, Agreement, AgreementAgency, AgreementAmount, AgreementParty, PublicTerm, Vendor
from contracts.models import ClassifiedAddendumMarker as Marker
from registry.facets import Facet, own, pairs

AGENCY = {"model": Agency, "label_fields": ("name", "acronym")}


def agreement_agencies(ids):
    return [pairs(Agreement.objects.filter(pk__in=ids), "pk", "awarding_agency"),
            pairs(AgreementAgency.objects.filter(agreement__in=ids), "agreement", "agency")]


def amount_kinds(ids):
    """A reported amount of a kind, or a ceiling or obligation in its own field (as filter_amount_kind reads)."""
    agreements = Agreement.objects.filter(pk__in=ids)
    return [pairs(AgreementAmount.objects.filter(agreement__in=ids), "agreement", "kind"),
            *(pairs(agreements.filter(**{f"{column}__isnull": False}), "pk", Value(kind, output_field=CharField()))
              for column, kind in (("ceiling_amount", AgreementAmount.Kind.CEILING.value),
                                   ("obligated_amount", AgreementAmount.Kind.OBLIGATED.value)))]


def through_agreement(model, *paths):
    """Links of a term or marker to a value of its agreement (and, for a term, of its own ``paths``)."""
    def links(ids):
        records = model.objects.filter(pk__in=ids)
        return [pairs(records, "pk", path) for path in paths]
    return links


AGREEMENT_FACETS = (
    Facet("agency", links=agreement_agencies, tree="and_below", **AGENCY),
    Facet("awarding_agency", links=own(Agreement, "awarding_agency"), tree="and_below", **AGENCY),
    Facet("vendor", links=lambda ids: [pairs(AgreementParty.objects.filter(agreement__in=ids), "agreement", "vendor")],
          model=Vendor),
    "vehicle", "status", "terms_disclosure", "federal_data_status",
    Facet("amount_kind", links=amount_kinds),
    "confidence",
)

# The term matrix takes the agreement filters (the same meaning), of which these are facets.
MATRIX_FACETS = tuple(facet for facet in AGREEMENT_FACETS if getattr(facet, "name", facet) in ("agency", "vendor", "status"))

TERM_FACETS = (
    Facet("agreement", links=own(PublicTerm, "agreement"), model=Agreement, label_fields=("title",)),
    Facet("vendor", links=through_agreement(PublicTerm, "vendor", "agreement__parties__vendor"), model=Vendor),
    Facet("agency", links=through_agreement(PublicTerm, "agency", "agreement__awarding_agency",
                                            "agreement__participating__agency"), tree="and_below", **AGENCY),
    "category", "effect", "binding", "status", "confidence",
)

MARKER_FACETS = (
    Facet("agreement", links=own(Marker, "agreement"), model=Agreement, label_fields=("title",)),
    Facet("vendor", links=through_agreement(Marker, "agreement__parties__vendor"), model=Vendor),
    Facet("agency", links=through_agreement(Marker, "agreement__awarding_agency", "agreement__participating__agency"),
          tree="and_below", **AGENCY),
    "existence", "classification", "confidence",
)

VENDOR_FACETS = ("kind", "confidence")

AGENCY_FACETS = ("kind", Facet("parent", links=own(Agency, "pk"), tree="below", **AGENCY), "confidence")
