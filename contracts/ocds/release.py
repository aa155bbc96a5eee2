"""One agreement as stated at one moment (``Stated``) -> one OCDS 1.1.5 release (docs/ocds.md has the mapping).

Never more than the record: an undisclosed amount, an unknown status or a date known only to a month is left
out of the OCDS field, not guessed (partial dates are kept in the registry extension's ``statedDates``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings

from contracts.models import Agreement, ClassifiedAddendumMarker
from registry.fields import DatePrecision

# The registry's agreement status -> OCDS contract status (closed codelist); the others have no equivalent.
CONTRACT_STATUS = {
    Agreement.Status.ANNOUNCED: "pending", Agreement.Status.NEGOTIATING: "pending",
    Agreement.Status.ACTIVE: "active",
    Agreement.Status.COMPLETED: "terminated", Agreement.Status.TERMINATED: "terminated",
    Agreement.Status.CANCELLED: "cancelled",
}
# The vehicle -> tender.procurementMethod (closed codelist: open, selective, limited, direct). What the vehicle
# itself implies about competition; a vehicle that implies nothing (a FAR contract may be competed or not) has none.
PROCUREMENT_METHOD = {
    Agreement.Vehicle.COMMERCIAL_SOLUTIONS_OPENING: "open",  # a general solicitation any firm may answer
    Agreement.Vehicle.IDIQ_TASK_ORDER: "selective",  # only the holders of the IDIQ may compete for an order
    Agreement.Vehicle.BPA: "selective",  # a call among the holders of the agreement
    Agreement.Vehicle.OT_PROTOTYPE: "limited",  # negotiated outside the FAR with firms the agency chooses
    Agreement.Vehicle.OT_PRODUCTION: "limited",
    Agreement.Vehicle.ENTERPRISE_AGREEMENT: "direct",  # negotiated with the one vendor
    Agreement.Vehicle.AMENDMENT: "direct",  # a change to an existing agreement with the same vendor
}
# Vendors whose role makes them a supplier of the award; the others are parties with their registry role only.
SUPPLIER_ROLES = ("prime", "partner")
US_AGENCY_SCHEME, UEI_SCHEME, CAGE_SCHEME = "US-USAGOV", "US-SAM", "US-CAGE"
USASPENDING_AWARD_URL = "https://www.usaspending.gov/award/{}"
CLASSIFICATION_SCHEME = "US-CLASSIFICATION-LEVEL"


@dataclass
class Stated:
    """An agreement and the records shown through it, as the registry stated them at one moment."""

    agreement: Agreement
    awarding_agency: object = None  # Agency or None
    participating: list = field(default_factory=list)  # [Agency]
    parties: list = field(default_factory=list)  # [AgreementParty] with .vendor loaded
    amounts: list = field(default_factory=list)  # [AgreementAmount]
    sources: list = field(default_factory=list)  # [Source] cited by the agreement, in citation order
    terms: list = field(default_factory=list)  # [(PublicTerm, [Source])]
    markers: list = field(default_factory=list)  # [ClassifiedAddendumMarker]
    parent: object = None  # the public Agreement this one modifies, orders under or amends
    milestones: list = field(default_factory=list)  # [contracts.ocds.milestones.Milestone]

    @property
    def has_government_party(self):
        return self.awarding_agency is not None or bool(self.participating)


def ocid(agreement):
    return f"{settings.OCDS_OCID_PREFIX}-{agreement.slug}"


def date_time(moment):
    """An aware datetime as RFC 3339 in UTC: 2026-11-28T00:00:00Z."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day_time(partial, *, end=False):
    """A partial date known to the day as an RFC 3339 date-time (its start, or its end for an end date); None
    for a month or year: OCDS date-times cannot say "some day in 2026", and the first of the period would."""
    if partial is None or partial.precision != DatePrecision.DAY:
        return None
    return f"{partial.date.isoformat()}T{'23:59:59' if end else '00:00:00'}Z"


def number(amount):
    amount = Decimal(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def value(money):
    return {"amount": number(money.amount), "currency": money.currency}


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def compact(mapping):
    """Leave out what is not known (None, "", [] and {}): OCDS says nothing rather than null."""
    return {key: item for key, item in mapping.items() if item not in (None, "", [], {})}


# --- parties ---------------------------------------------------------------------------------------

def agency_party(agency, roles, registry_roles):
    code = agency.usaspending_code  # the agency's USAspending (federal budget) code, where the registry knows it
    identifier = {"scheme": US_AGENCY_SCHEME, "id": code, "legalName": agency.name} if code \
        else {"legalName": agency.name}
    return compact({"id": f"agency-{agency.slug}", "name": agency.name, "identifier": identifier,
                    "address": {"countryName": agency.country} if agency.country else None,
                    "contactPoint": {"url": agency.website} if agency.website else None,
                    "roles": roles, "registryRoles": registry_roles})


def vendor_party(vendor, registry_roles):
    identifier = {"scheme": UEI_SCHEME, "id": vendor.uei, "legalName": vendor.name} if vendor.uei \
        else {"legalName": vendor.name}
    supplier = any(role in SUPPLIER_ROLES for role in registry_roles)
    return compact({"id": f"vendor-{vendor.slug}", "name": vendor.name, "identifier": identifier,
                    "additionalIdentifiers": [{"scheme": CAGE_SCHEME, "id": vendor.cage_code}] if vendor.cage_code
                    else None,
                    "address": {"countryName": vendor.country} if vendor.country else None,
                    "contactPoint": {"url": vendor.website} if vendor.website else None,
                    "roles": ["supplier"] if supplier else ["interestedParty"],
                    "registryRoles": registry_roles})


def reference(party):
    return {"id": party["id"], "name": party["name"]}


def parties_of(stated):
    """(parties, buyer, suppliers): the awarding agency is buyer and procuring entity; a participating agency,
    whose budget the agreement serves, a buyer; prime and partner vendors are suppliers."""
    parties, buyer = [], None
    if stated.awarding_agency is not None:
        buyer = agency_party(stated.awarding_agency, ["buyer", "procuringEntity"], ["awarding"])
        parties.append(buyer)
    for agency in stated.participating:
        if stated.awarding_agency is None or agency.pk != stated.awarding_agency.pk:
            parties.append(agency_party(agency, ["buyer"], ["participating"]))
    roles_of = {}
    for party in stated.parties:
        roles_of.setdefault(party.vendor.pk, (party.vendor, []))[1].append(party.role)
    suppliers = []
    for vendor, roles in roles_of.values():
        party = vendor_party(vendor, sorted(set(roles), key=roles.index))
        parties.append(party)
        if "supplier" in party["roles"]:
            suppliers.append(reference(party))
    return parties, buyer, suppliers


# --- documents, terms, amounts, withheld information ------------------------------------------------

def document(source, *, term_evidence):
    kind = source.get_kind_display()
    return compact({
        "id": f"source-{source.slug}",
        # Sources of the terms are the public summaries of the contract's terms; other sources have no OCDS type.
        "documentType": "contractSummary" if term_evidence else None,
        "title": source.title,
        "description": f"{kind}, {source.publisher}" if source.publisher else kind,
        "url": source.canonical_url or source.url,
        "datePublished": day_time(source.published),
    })


def documents_of(stated):
    by_slug = {}
    for _term, sources in stated.terms:
        for source in sources:
            by_slug.setdefault(source.slug, document(source, term_evidence=True))
    for source in stated.sources:
        by_slug.setdefault(source.slug, document(source, term_evidence=False))
    return list(by_slug.values())


def public_term(term, sources):
    return compact({
        "id": term.slug, "title": term.title, "category": term.category, "effect": term.effect, "text": term.text,
        "textForm": term.text_form, "binding": term.binding, "status": term.status,
        "effective": term.effective.isoformat() if term.effective else None,
        "url": absolute(term.get_absolute_url()),
        "documentIds": list(dict.fromkeys(f"source-{source.slug}" for source in sources)),
    })


def reported_amount(amount):
    return compact({"kind": amount.kind, "value": value(amount.money),
                    "asOf": amount.as_of.isoformat() if amount.as_of else None, "note": amount.note})


def withheld(marker):
    """A classified-addendum marker: the public fact that a part exists, never its content. No availabilityDate:
    nothing says it will ever be published."""
    how_known = marker.get_existence_display()
    rationale = f"A non-public part of the agreement ({how_known.lower()})"
    if marker.described_subject:
        rationale += f"; the public record says it concerns: {marker.described_subject}"
    item = {"id": f"marker-{marker.slug}", "field": "contracts", "name": marker.title, "rationale": rationale + "."}
    if marker.classification != ClassifiedAddendumMarker.Classification.UNKNOWN:
        item["rationaleClassifications"] = [{"scheme": CLASSIFICATION_SCHEME, "id": marker.classification,
                                             "description": marker.get_classification_display()}]
    return item


def parent_process(parent, agreement):
    """The agreement this one modifies, orders under or amends, as its own process. An order under an IDIQ or
    a BPA follows on from a framework; for an amendment or other child no relatedProcess code fits, so none."""
    framework = agreement.vehicle in (Agreement.Vehicle.IDIQ_TASK_ORDER, Agreement.Vehicle.BPA)
    return compact({"id": "parent", "relationship": ["framework"] if framework else None, "title": parent.title,
                    "scheme": "ocid", "identifier": ocid(parent),
                    "uri": absolute(f"/api/v1/agreements/{parent.slug}/ocds/")})


def stated_dates(agreement):
    return compact({name: getattr(agreement, attribute).isoformat() if getattr(agreement, attribute) else None
                    for name, attribute in (("announced", "announced"), ("awarded", "awarded"),
                                            ("firstReported", "first_reported"), ("start", "start"), ("end", "end"))})


# --- the release ------------------------------------------------------------------------------------

def build_release(stated, *, release_id, date, tag):
    """The OCDS release of ``stated`` (see ``Stated``), with its id, RFC 3339 date and tags."""
    agreement = stated.agreement
    process = ocid(agreement)
    parties, buyer, suppliers = parties_of(stated)
    vehicle = agreement.get_vehicle_display()
    details = f"{vehicle}: {agreement.vehicle_note}" if agreement.vehicle_note else vehicle
    award_id, contract_id = f"{process}-award", f"{process}-contract"
    award = compact({
        "id": award_id, "title": agreement.title, "date": day_time(agreement.awarded),
        "value": value(agreement.obligated) if agreement.obligated else None, "suppliers": suppliers,
    })
    contract = compact({
        "id": contract_id, "awardID": award_id, "title": agreement.title, "description": agreement.summary,
        "status": CONTRACT_STATUS.get(agreement.status),
        "period": compact({"startDate": day_time(agreement.start), "endDate": day_time(agreement.end, end=True)}),
        "value": value(agreement.ceiling) if agreement.ceiling else None,
        "dateSigned": day_time(agreement.awarded),
        "documents": documents_of(stated),
        "publicTerms": [public_term(term, sources) for term, sources in stated.terms],
        "reportedAmounts": [reported_amount(amount) for amount in stated.amounts],
        "statedDates": stated_dates(agreement),
        "registryStatus": agreement.status,
        "registryStatusDetails": agreement.status_note,
        "termsDisclosure": agreement.terms_disclosure,
        "piid": agreement.piid,
        "valueDetails": agreement.value_note,
        "federalData": compact({"status": agreement.federal_data_status,
                                "checkedDate": agreement.federal_data_checked_on.isoformat()
                                if agreement.federal_data_checked_on else None}),
        "implementation": {"milestones": [m.data for m in stated.milestones]} if stated.milestones else None,
    })
    tender = compact({
        "id": f"{process}-tender", "title": agreement.title,
        "procuringEntity": reference(buyer) if buyer else None,
        "procurementMethod": PROCUREMENT_METHOD.get(agreement.vehicle),
        "procurementMethodDetails": details,
    })
    related = []
    if stated.parent is not None:
        related.append(parent_process(stated.parent, agreement))
    if agreement.usaspending_award_id:
        # The same award in federal data, not another process: no relatedProcess codelist value fits, so none.
        related.append({"id": "usaspending", "title": "The award in USAspending", "scheme": "USAspending",
                        "identifier": agreement.usaspending_award_id,
                        "uri": USASPENDING_AWARD_URL.format(quote(agreement.usaspending_award_id, safe=""))})
    release = compact({
        "ocid": process, "id": release_id, "date": date, "tag": tag, "initiationType": "tender",
        "parties": parties, "buyer": reference(buyer) if buyer else None,
        "tender": tender, "awards": [award], "contracts": [contract],
        "relatedProcesses": [compact(item) for item in related],
        "withheldInformation": [withheld(marker) for marker in stated.markers],
    })
    return release
