"""A USAspending award (the JSON of ``/api/v2/awards/<generated id>/``) turned into a pending submission.

The award becomes an agreement proposal for a moderator, through the submissions' one path
(``submissions.services.submit``): a ``create`` when no agreement holds its generated award id, an ``update``
naming only the fields that differ from the published agreement when one does. Every proposed value is offered
with the award's API address as its source (never fetched: the file is what was read) and, as the quote, the
JSON fragment of the award that states it (``"total_obligation": 1234.5``), claiming the fields it supports.

Nothing is stored when the award's agency or vendor is not in the registry (agencies are found by their
``usaspending_code``: the sub-tier code first, then the top-tier code; vendors by UEI), when the file is not
an award, or while a submission for the same award is still in review. docs/usaspending.md says it for people.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from contracts.models import Agency, Agreement, AgreementParty, Vendor
from registry.fields import PartialDate
from registry.models import Source, Submission
from registry.write_serializers import to_interchange
from submissions import services

AWARD_URL = "https://api.usaspending.gov/api/v2/awards/{}/"
PUBLISHER = "USAspending.gov"
IN_REVIEW = (Submission.Status.PENDING, Submission.Status.CHANGES_REQUESTED)
# What the registry states of an award; title and summary are the registry's own words once published, so an
# update never proposes them again.
COMPARED = ("usaspending_award_id", "piid", "awarding_agency", "parties", "obligated", "ceiling", "awarded", "start",
            "end", "parent", "status_note")
POTENTIAL_END = "Potential end of performance (all options exercised), per USAspending: {}."
POTENTIAL_END_RE = re.compile(r"Potential end of performance \(all options exercised\), per USAspending: [0-9-]+\.")
AWARD_ID_RE = re.compile(r"^[A-Za-z0-9_\-.]{1,200}$")


class AwardRefused(Exception):
    """The award cannot be imported (a bad file, an unmatched agency or vendor): nothing was stored."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class Statement:
    """Values of the agreement and the award's JSON fragment that states them (one offered source)."""

    values: dict  # interchange field -> proposed value
    quote: str
    locator: str


@dataclass
class Outcome:
    """What an import did: ``submission`` when one was created; ``lines`` say what happened, for people."""

    submission: Submission | None = None
    lines: list = field(default_factory=list)


# --- reading the file --------------------------------------------------------------------------

def read_award(path):
    """The award object of a JSON file (numbers kept exact as Decimal); AwardRefused names what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AwardRefused([f"{path}: cannot be read ({error})."]) from None
    try:
        award = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise AwardRefused([f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."]) from None
    if not isinstance(award, dict):
        raise AwardRefused([f"{path}: expected one award object, the JSON of /api/v2/awards/<id>/."])
    award_id = award.get("generated_unique_award_id")
    if not isinstance(award_id, str) or not award_id.strip():
        raise AwardRefused([f"{path}: generated_unique_award_id is missing: it is the award's key, e.g. "
                            "CONT_AWD_<PIID>_<agency>_<parent PIID>_<parent agency>."])
    if not AWARD_ID_RE.match(award_id):
        raise AwardRefused([f"{path}: generated_unique_award_id “{award_id[:100]}” is not an award id (letters, "
                            "digits, _ - . only)."])
    return award


def fragment(key, value):
    """The JSON text stating ``key``: ``"total_obligation": 1234.5``."""
    return f"{json.dumps(key)}: {as_json(value)}"


def as_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(fragment(k, v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(as_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def section(award, key):
    value = award.get(key)
    return value if isinstance(value, dict) else {}


def text_of(mapping, key):
    value = mapping.get(key)
    return value.strip() if isinstance(value, str) else ""


def day_of(mapping, key, problems):
    """A ``YYYY-MM-DD`` date of the award (a time after it is ignored), or None."""
    value = text_of(mapping, key)
    if not value:
        return None
    try:
        return PartialDate.parse(value[:10]).isoformat()
    except ValueError:
        problems.append(f"{key}: “{value[:40]}” is not a date (YYYY-MM-DD).")
        return None


def money_of(award, key, problems):
    """{"amount", "currency"} of a dollar amount of the award, or None when it states none."""
    value = award.get(key)
    if value is None:
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        problems.append(f"{key}: “{str(value)[:40]}” is not an amount.")
        return None
    if amount < 0:
        problems.append(f"{key}: {value} is negative; the registry records no negative amounts.")
        return None
    return {"amount": f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}", "currency": "USD"}


# --- matching ----------------------------------------------------------------------------------

def match_agency(award):
    """(agency, fragment stating it) by ``usaspending_code``: the sub-tier code first, then the top-tier code.
    AwardRefused when neither is in the registry."""
    awarding = section(award, "awarding_agency")
    tried = []
    for tier in ("subtier_agency", "toptier_agency"):
        part = awarding.get(tier) if isinstance(awarding.get(tier), dict) else {}
        code = text_of(part, "code")
        if not code:
            continue
        agency = Agency.objects.public().filter(usaspending_code=code.upper()).first()
        if agency is not None:
            stated = {k: part[k] for k in ("name", "code", "abbreviation") if k in part}
            return agency, tier, fragment("awarding_agency", {tier: stated})
        tried.append(f"{code} ({'sub-tier' if tier == 'subtier_agency' else 'top-tier'}: "
                     f"{text_of(part, 'name') or 'no name given'})")
    if not tried:
        raise AwardRefused(["awarding_agency: the award names no agency code (subtier_agency.code or "
                            "toptier_agency.code): not imported."])
    raise AwardRefused([f"awarding_agency: no public agency in the registry has the USAspending code {' or '.join(tried)}: "
                        "not imported. Set the agency's USAspending code (admin or a submission), then import again."])


def match_vendor(award):
    """(vendor, fragment stating it) by the recipient's UEI. AwardRefused when no public vendor has it."""
    recipient = section(award, "recipient")
    uei = text_of(recipient, "recipient_uei").upper()
    name = text_of(recipient, "recipient_name") or "no name given"
    if not uei:
        raise AwardRefused([f"recipient: the award gives no recipient_uei for “{name}”: not imported (vendors are "
                            "matched by UEI)."])
    vendor = Vendor.objects.public().filter(uei=uei).first()
    if vendor is None:
        raise AwardRefused([f"recipient: no public vendor in the registry has the UEI {uei} (“{name}”): not imported. "
                            "Record the vendor with its UEI first, then import again."])
    stated = {k: recipient[k] for k in ("recipient_name", "recipient_uei") if k in recipient}
    return vendor, fragment("recipient", stated)


def match_parent(award, notes):
    """(slug of the parent agreement, fragment) when the award's parent award is in the registry, else (None, "")."""
    parent = section(award, "parent_award")
    parent_id = text_of(parent, "generated_unique_award_id")
    if not parent_id:
        return None, ""
    found = Agreement.objects.public().filter(usaspending_award_id=parent_id).values_list("slug", flat=True).first()
    if found is None:
        notes.append(f"parent_award {parent_id} is not in the registry: the parent agreement is left out.")
        return None, ""
    stated = {k: parent[k] for k in ("generated_unique_award_id", "piid") if k in parent}
    return found, fragment("parent_award", stated)


# --- what the award states ---------------------------------------------------------------------

def statements(award, notes):
    """Every value the award states for an agreement, grouped by the fragment that states it."""
    problems = []
    agency, _tier, agency_quote = match_agency(award)
    vendor, vendor_quote = match_vendor(award)
    period = section(award, "period_of_performance")
    modified = day_of(period, "last_modified_date", problems)
    locator = f"award record last modified {modified}" if modified else "award record"
    award_id, piid = award["generated_unique_award_id"].strip(), text_of(award, "piid")
    found = [Statement({"usaspending_award_id": award_id, **({"piid": piid} if piid else {})},
                       ", ".join([fragment("generated_unique_award_id", award_id),
                                  *([fragment("piid", piid)] if piid else [])]), locator),
             Statement({"awarding_agency": agency.slug}, agency_quote, locator),
             Statement({"parties": [{"vendor": vendor.slug, "role": AgreementParty.Role.PRIME}]}, vendor_quote, locator)]
    for key, name in (("total_obligation", "obligated"), ("base_and_all_options", "ceiling")):
        money = money_of(award, key, problems)
        if money is not None:
            found.append(Statement({name: money}, fragment(key, award[key]), locator))
    signed = day_of(award, "date_signed", problems)
    if signed:
        found.append(Statement({"awarded": signed}, fragment("date_signed", award["date_signed"]), locator))
    dates = {name: day_of(period, key, problems) for key, name in
             (("start_date", "start"), ("end_date", "end"), ("potential_end_date", "potential_end"))}
    if dates["start"] and dates["end"] and dates["end"] < dates["start"]:  # both YYYY-MM-DD: compared as text
        problems.append(f"period_of_performance: end_date {dates['end']} is before start_date {dates['start']}.")
    period_values = {name: dates[name] for name in ("start", "end") if dates[name]}
    if dates["potential_end"]:
        period_values["status_note"] = POTENTIAL_END.format(dates["potential_end"])
    if period_values:
        keys = {"start": "start_date", "end": "end_date", "status_note": "potential_end_date"}
        stated = {keys[name]: period[keys[name]] for name in period_values}
        found.append(Statement(period_values, fragment("period_of_performance", stated), locator))
    parent_slug, parent_quote = match_parent(award, notes)
    if parent_slug:
        found.append(Statement({"parent": parent_slug}, parent_quote, locator))
    if problems:
        raise AwardRefused(problems)
    return found


def title_statement(award, locator):
    description = text_of(award, "description")
    if not description:
        piid = text_of(award, "piid") or award["generated_unique_award_id"]
        return Statement({"title": f"Award {piid}"[:300]}, fragment("piid", piid), locator)
    # As the award writes it (often in capitals): re-casing would garble acronyms ("AI" as "Ai").
    return Statement({"title": description[:300]}, fragment("description", award["description"]), locator)


def offered_sources(award, chosen):
    """One offered source per statement: the award's API address, the fragment as quote, its fields as claims."""
    award_id = award["generated_unique_award_id"].strip()
    period = section(award, "period_of_performance")
    published = (text_of(period, "last_modified_date") or text_of(award, "date_signed"))[:10] or None
    if published is None:
        raise AwardRefused(["period_of_performance.last_modified_date and date_signed are both missing: the "
                            "source needs a date."])
    return [{"url": AWARD_URL.format(award_id), "title": f"USAspending award {award_id}", "publisher": PUBLISHER,
             "published": published, "kind": Source.Kind.CONTRACT_DOCUMENT, "quote": statement.quote,
             "locator": statement.locator[:200], "claims": list(statement.values)} for statement in chosen]


# --- comparing with the registry ----------------------------------------------------------------

def proposed_changes(current, stated, agreement):
    """The statements naming only the values that differ from the agreement as published."""
    changed = []
    for statement in stated:
        values = {}
        for name, value in statement.values.items():
            wanted = differing(name, value, current, agreement)
            if wanted is not None:
                values[name] = wanted
        if values:
            changed.append(Statement(values, statement.quote, statement.locator))
    return changed


def differing(name, value, current, agreement):
    """The value to propose for ``name``, or None when the agreement already says it."""
    if name == "parties":
        prime = value[0]
        if prime in current["parties"]:
            return None
        return [p for p in current["parties"] if p["role"] != AgreementParty.Role.PRIME] + [prime]
    if name == "awarding_agency":
        held = agreement.awarding_agency
        # The registry may know the office better than the award's top-tier code: an agency below the matched one stands.
        if held is not None and Agency.objects.and_below([Agency.objects.get(slug=value)]).filter(pk=held.pk).exists():
            return None
        return value
    if name == "status_note":
        note = current.get("status_note") or ""
        if value in note:
            return None
        return POTENTIAL_END_RE.sub(value, note) if POTENTIAL_END_RE.search(note) else f"{note} {value}".strip()
    return None if current.get(name) == value else value


# --- the import --------------------------------------------------------------------------------

def in_review(award_id, agreement=None):
    """A submission for this award still in review (pending, or changes requested), if any."""
    waiting = Submission.objects.filter(status__in=IN_REVIEW, record_type="agreement")
    if agreement is None:
        return waiting.filter(kind=Submission.Kind.CREATE, payload__usaspending_award_id=award_id).first()
    url = AWARD_URL.format(award_id)
    for submission in waiting.filter(target_slug=agreement.slug).order_by("pk"):
        if any(source.get("url") == url for source in submission.sources):
            return submission
    return None


def held_agreement(award_id):
    """The published agreement holding this award id (None when none does); AwardRefused when it is ambiguous."""
    held = list(Agreement.objects.filter(usaspending_award_id=award_id).order_by("pk"))
    live = [a for a in held if a.published_at and not a.retracted_at]
    if len(live) > 1:
        raise AwardRefused([f"usaspending_award_id: {len(live)} agreements hold {award_id} "
                            f"({', '.join(a.slug for a in live)}): resolve that first."])
    if live:
        return live[0]
    if held:
        raise AwardRefused([f"usaspending_award_id: {award_id} is held by the agreement “{held[0].slug}”, which is "
                            f"{'retracted' if held[0].retracted_at else 'an unpublished draft'}: not imported."])
    return None


def import_award(award, *, user, file_name="the award file"):
    """Propose the award as a create or update submission by ``user``; returns an Outcome. AwardRefused or
    ``submissions.validation.SubmissionInvalid`` when nothing could be proposed (nothing is stored)."""
    award_id = award["generated_unique_award_id"].strip()
    outcome = Outcome()
    agreement = held_agreement(award_id)
    waiting = in_review(award_id, agreement)
    if waiting is not None:
        outcome.lines.append(f"Submission #{waiting.pk} for award {award_id} is still in review ({waiting.status}): "
                             "nothing created.")
        return outcome
    stated = statements(award, outcome.lines)
    url = AWARD_URL.format(award_id)
    rationale = (f"Imported from USAspending award {award_id} ({file_name}); the award's API record {url} states "
                 "each value (quoted in the sources).")
    if agreement is None:
        chosen = [title_statement(award, stated[0].locator), *stated]
        payload = {name: value for statement in chosen for name, value in statement.values.items()}
        outcome.submission = services.submit(user=user, kind=Submission.Kind.CREATE, record_type="agreement",
                                             payload=payload, sources=offered_sources(award, chosen),
                                             rationale=rationale)
        outcome.lines.append(f"Submission #{outcome.submission.pk}: a new agreement for award {award_id}, pending "
                             "a moderator's review.")
        return outcome
    chosen = proposed_changes(to_interchange(agreement), stated, agreement)
    if not chosen:
        outcome.lines.append(f"The agreement “{agreement.slug}” already says what award {award_id} states: "
                             "nothing created.")
        return outcome
    payload = {name: value for statement in chosen for name, value in statement.values.items()}
    outcome.submission = services.submit(user=user, kind=Submission.Kind.UPDATE, record_type="agreement",
                                         target_slug=agreement.slug, payload=payload,
                                         sources=offered_sources(award, chosen), rationale=rationale)
    outcome.lines.append(f"Submission #{outcome.submission.pk}: an update of “{agreement.slug}” ({', '.join(payload)}) "
                         "pending a moderator's review.")
    return outcome
