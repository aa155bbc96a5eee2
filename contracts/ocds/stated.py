"""What ``release.build_release`` reads: an agreement as stated now (prefetched, many at once) or at each public
change that touched it (rebuilt from history in a fixed number of queries, however many changes; for the bulk
export, however many agreements in a chunk: ``process_changes_of_many``, ``ChunkHistory``)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from contracts.ocds.milestones import milestones_of
from contracts.ocds.release import Stated
from registry.history import stated_order
from registry.models import ChangeLog, Citation, Source


def cited(queryset=None):
    return Prefetch("citations", queryset=(queryset or Citation.objects).select_related("source")
                    .order_by("position", "id"))


def public_agreements():
    """Public agreements with everything a release reads: eight queries, however many agreements."""
    return Agreement.objects.public().select_related("awarding_agency", "parent").prefetch_related(
        Prefetch("participating", queryset=AgreementAgency.objects.select_related("agency").order_by("id")),
        Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id")),
        Prefetch("amounts", queryset=AgreementAmount.objects.order_by("position", "id")),
        cited(),
        Prefetch("terms", queryset=PublicTerm.objects.public().order_by("category", "id").prefetch_related(cited())),
        Prefetch("addendum_markers", queryset=ClassifiedAddendumMarker.objects.public().order_by("id")),
    )


def public_sources(citations):
    """The public sources of the citations, once each, in citation order."""
    return list({c.source.slug: c.source for c in citations if c.source.is_public}.values())


def stated_now(agreement, milestones=None):
    """A ``Stated`` of an agreement read through ``public_agreements()``, with its milestones (read when not given:
    one query per milestone provider)."""
    awarding, parent = agreement.awarding_agency, agreement.parent
    return Stated(
        agreement=agreement,
        awarding_agency=awarding if awarding is not None and awarding.is_public else None,
        parent=parent if parent is not None and parent.is_public else None,
        participating=[link.agency for link in agreement.participating.all() if link.agency.is_public],
        parties=[party for party in agreement.parties.all() if party.vendor.is_public],
        amounts=list(agreement.amounts.all()),
        sources=public_sources(agreement.citations.all()),
        terms=[(term, public_sources(term.citations.all())) for term in agreement.terms.all()],
        markers=list(agreement.addendum_markers.all()),
        milestones=milestones_of(agreement) if milestones is None else milestones,
    )


# --- the changes that touched an agreement ---------------------------------------------------------

@dataclass(frozen=True)
class Change:
    id: int  # the first public change id of the change set among the rows that touched the agreement
    at: object  # when: the latest of those rows' times


def changes_of(rows):
    """One ``Change`` per change set of (public_id, change_set_id, at) rows, oldest first."""
    by_set = {}
    for public_id, change_set, at in rows:
        first, latest = by_set.get(change_set, (public_id, at))
        by_set[change_set] = (min(first, public_id), max(latest, at))
    return sorted((Change(first, at) for first, at in by_set.values()), key=lambda change: change.id)


def process_changes(agreement, milestones=()):
    """The public changes that touched the agreement, oldest first, one per change set: its own ChangeLog rows
    (which a change to a party, link, citation, term or marker also writes), those of its terms and markers
    (a term's citations are logged on the term only) and those of the records its milestones come from. One query."""
    terms = PublicTerm.history.filter(agreement_id=agreement.pk).values("slug")
    markers = ClassifiedAddendumMarker.history.filter(agreement_id=agreement.pk).values("slug")
    touched = (Q(record_type=Agreement.record_type, slug=agreement.slug)
               | Q(record_type=PublicTerm.record_type, slug__in=terms)
               | Q(record_type=ClassifiedAddendumMarker.record_type, slug__in=markers))
    by_type = {}
    for milestone in milestones:
        by_type.setdefault(milestone.record_type, []).append(milestone.slug)
    for record_type, slugs in by_type.items():
        touched |= Q(record_type=record_type, slug__in=slugs)
    return changes_of(ChangeLog.objects.public().filter(touched)
                      .order_by("public_id").values_list("public_id", "change_set_id", "at"))


def process_changes_of_many(agreements, milestones):
    """``process_changes`` of many agreements at once: {agreement pk: [Change]}, in three queries (the slugs their
    terms and markers ever had, and the change-log rows of all of them), however many agreements.
    ``milestones`` is {agreement pk: [Milestone]}."""
    pks = [agreement.pk for agreement in agreements]
    owners = {}  # (record type, slug) -> the agreements whose process a change of that record is a change of
    for agreement in agreements:
        owners.setdefault((Agreement.record_type, agreement.slug), set()).add(agreement.pk)
    touched = Q(record_type=Agreement.record_type, slug__in=[agreement.slug for agreement in agreements])
    for model in (PublicTerm, ClassifiedAddendumMarker):
        ever = model.history.filter(agreement_id__in=pks)
        for slug, pk in ever.order_by().values_list("slug", "agreement_id").distinct():
            owners.setdefault((model.record_type, slug), set()).add(pk)
        touched |= Q(record_type=model.record_type, slug__in=ever.values("slug"))
    by_type = {}
    for pk in pks:
        for milestone in milestones.get(pk, ()):
            owners.setdefault((milestone.record_type, milestone.slug), set()).add(pk)
            by_type.setdefault(milestone.record_type, set()).add(milestone.slug)
    for record_type, slugs in by_type.items():
        touched |= Q(record_type=record_type, slug__in=sorted(slugs))
    rows = {pk: [] for pk in pks}
    for public_id, change_set, at, record_type, slug in (
            ChangeLog.objects.public().filter(touched).order_by("public_id")
            .values_list("public_id", "change_set_id", "at", "record_type", "slug")):
        for pk in owners.get((record_type, slug), ()):
            rows[pk].append((public_id, change_set, at))
    return {pk: changes_of(found) for pk, found in rows.items()}


# --- an agreement at each change, from history ---------------------------------------------------------

class Timeline:
    """The history rows of a model's records, oldest first, to read the records as of any moment."""

    def __init__(self, model, rows):
        self.model = model
        self.rows = rows  # [(history_date, id, history_type, instance)], oldest first

    def as_of(self, moment):
        """The records as they stood at ``moment``: each one's latest row by then, unless it was deleted."""
        latest = {}
        for when, pk, kind, instance in self.rows:
            if when > moment:
                break
            latest[pk] = (kind, instance)
        return [instance for kind, instance in latest.values() if kind != "-"]


def history_rows(model, ids):
    """The history rows of ``model``'s records with these ids (a list or a subquery), oldest first (one query)."""
    rows = model.history.filter(id__in=ids).order_by("history_date", "history_id")
    return [(row.history_date, row.id, row.history_type, row.instance) for row in rows]


def grouped(rows, owners):
    """{agreement pk: its rows, oldest first}, ``owners`` giving each record id's agreements."""
    by_agreement = {}
    for row in rows:
        for pk in owners.get(row[1], ()):
            by_agreement.setdefault(pk, []).append(row)
    return by_agreement


class ChunkHistory:
    """Agreements and their parts, terms and markers through time, read for many agreements at once: seven
    queries for the rows (the agreements', and those of every part, term, marker and citation that ever belonged
    to one of them) and one for each kind of record they name (agencies, vendors, sources, parent agreements:
    public, as they are now), however many agreements and changes; grouped by agreement in Python."""

    PARTS = {"participating": AgreementAgency, "parties": AgreementParty, "amounts": AgreementAmount,
             "terms": PublicTerm, "markers": ClassifiedAddendumMarker}

    def __init__(self, agreements):
        pks = {agreement.pk for agreement in agreements}
        self.rows = {"agreement": grouped(history_rows(Agreement, sorted(pks)), {pk: (pk,) for pk in pks})}
        part_owners = {}
        for name, model in self.PARTS.items():
            rows = history_rows(model, model.history.filter(agreement_id__in=pks).values("id"))
            owners = {}  # part id -> the agreements of this chunk it ever belonged to
            for *_, instance in rows:
                if instance.agreement_id in pks:
                    owners.setdefault(instance.pk, set()).add(instance.agreement_id)
            part_owners[name] = owners
            self.rows[name] = grouped(rows, owners)
        types = ContentType.objects.get_for_models(Agreement, PublicTerm)
        self.agreement_type, self.term_type = types[Agreement].pk, types[PublicTerm].pk
        term_owners = part_owners["terms"]
        ever = Citation.history.filter(Q(target_type_id=self.agreement_type, target_id__in=pks)
                                       | Q(target_type_id=self.term_type,
                                           target_id__in=PublicTerm.history.filter(agreement_id__in=pks).values("id")))
        rows = history_rows(Citation, ever.values("id"))
        owners = {}
        for *_, citation in rows:
            if citation.target_type_id == self.agreement_type and citation.target_id in pks:
                owners.setdefault(citation.pk, set()).add(citation.target_id)
            elif citation.target_type_id == self.term_type:
                owners.setdefault(citation.pk, set()).update(term_owners.get(citation.target_id, ()))
        self.rows["citations"] = grouped(rows, owners)
        self.agencies = named(Agency, [(self.rows["agreement"], "awarding_agency_id"),
                                       (self.rows["participating"], "agency_id")])
        self.vendors = named(Vendor, [(self.rows["parties"], "vendor_id")])
        self.parents = named(Agreement, [(self.rows["agreement"], "parent_id")])
        self.sources = named(Source, [(self.rows["citations"], "source_id")])

    def of(self, agreement, milestones=()):
        """The ``AgreementHistory`` of one of the chunk's agreements (no query)."""
        def timeline(name, model):
            return Timeline(model, self.rows[name].get(agreement.pk, []))

        return AgreementHistory(
            agreement.pk, milestones, agreement=timeline("agreement", Agreement),
            **{name: timeline(name, model) for name, model in self.PARTS.items()},
            citations=timeline("citations", Citation), agreement_type=self.agreement_type, term_type=self.term_type,
            agencies=self.agencies, vendors=self.vendors, parents=self.parents, sources=self.sources)


def named(model, groups):
    """The public records of ``model`` the rows name, as they are now: {id: record} (one query, none when they name
    none). ``groups`` is [({agreement pk: rows}, the rows' foreign key attribute)]."""
    ids = {getattr(instance, attribute) for group, attribute in groups for rows in group.values()
           for *_, instance in rows} - {None}
    return {record.pk: record for record in model.objects.public().filter(pk__in=ids)} if ids else {}




def visible_then(record, moment):
    return record.published_at is not None and record.published_at <= moment and record.retracted_at is None


class AgreementHistory:
    """An agreement and its parts, terms and markers through time, read with others (``ChunkHistory``) or alone
    (``AgreementHistory.read``: seven queries for the rows, and one for each kind of record they name), whatever
    the number of changes."""

    def __init__(self, pk, milestones, *, agreement, participating, parties, amounts, terms, markers, citations,
                 agreement_type, term_type, agencies, vendors, parents, sources):
        self.pk = pk
        self.milestones = list(milestones)
        self.agreement, self.participating, self.parties, self.amounts = agreement, participating, parties, amounts
        self.terms, self.markers, self.citations = terms, markers, citations
        self.agreement_type, self.term_type = agreement_type, term_type
        self.agencies, self.vendors, self.parents, self.sources = agencies, vendors, parents, sources

    @classmethod
    def read(cls, agreement, milestones=()):
        return ChunkHistory([agreement]).of(agreement, milestones)

    def stated_at(self, moment):
        """The agreement as stated at ``moment``, or None when it was not public then."""
        found = [row for row in self.agreement.as_of(moment) if visible_then(row, moment)]
        if not found:
            return None
        agreement = found[0]
        pk = agreement.pk

        def mine(timeline, parent="agreement"):
            rows = [row for row in timeline.as_of(moment) if getattr(row, f"{parent}_id") == pk]
            return sorted(rows, key=stated_order(timeline.model, parent))

        citations = sorted(self.citations.as_of(moment), key=stated_order(Citation, None))

        def sources_of(target_type, target_id):
            sources = [self.sources.get(c.source_id) for c in citations
                       if c.target_type_id == target_type and c.target_id == target_id]
            return list({s.slug: s for s in sources if s is not None}.values())

        participating = [self.agencies.get(link.agency_id) for link in mine(self.participating)]
        parties = []
        for party in mine(self.parties):
            vendor = self.vendors.get(party.vendor_id)
            if vendor is not None:
                party.vendor = vendor
                parties.append(party)
        terms = [term for term in mine(self.terms) if visible_then(term, moment)]
        return Stated(
            agreement=agreement,
            awarding_agency=self.agencies.get(agreement.awarding_agency_id),
            parent=self.parents.get(agreement.parent_id),
            participating=[agency for agency in participating if agency is not None],
            parties=parties,
            amounts=mine(self.amounts),
            sources=sources_of(self.agreement_type, pk),
            terms=[(term, sources_of(self.term_type, term.pk)) for term in terms],
            markers=[marker for marker in mine(self.markers) if visible_then(marker, moment)],
            # as the records they come from are now, from their publication on (their history is theirs)
            milestones=[m for m in self.milestones if m.published_at is not None and m.published_at <= moment],
        )
