"""A synthetic registry for scale tests: every record type, in realistic proportions, the same for a seed.

Written through the bulk write path (``registry.services.apply_changes`` in change sets, as the loader
does), so it has what a real registry has: history rows, change-log rows, timeline entries, notices. It
lives in disclosures because it builds every record type, and only disclosures may import all the apps
(disclosures → contracts → registry). It builds model instances rather than interchange documents for the
shared loader: the loader validates each record with its DRF serializer and reads every stored record
before each load, which at 10,000 agreements in chunks costs many minutes; the instances pass every check
of the write path (each record's model checks and the change sets' close checks), and the tests read each
generated record back through its write serializer.

Proportions (issue 13): 1 vendor per 20 agreements and 1 agency per 200 (departments, components below
them, offices below those), skewed so that a few vendors hold most agreements; about 5 public terms per
agreement with skewed categories and effects; every amount kind; 1 classified-addendum marker per 10
agreements; 1 designation per 50 vendors with 3 events each; 1 testing disclosure per 20 agreements; 3
citations per record from a pool of sources; partial dates of every precision; undisclosed amounts; some
retractions; a share of agreements edited several times in later change sets.

Deterministic: one ``random.Random(seed)`` drawn in a fixed order; every value (published and retraction
times included) comes from it, only write times (``updated_at``, the change sets' times) are the clock's.
Chunked: one change set per ``CHUNK`` agreements with their parts, so memory stays flat.
"""

import datetime
import functools
import math
import random
import string
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    AmountKind,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from disclosures.models import (
    Designation,
    DesignationAgreement,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.bulk.snapshot import Progress
from registry.fields import Money
from registry.interchange import record_types
from registry.models import Citation, Source
from registry.search import fts_table, install_fts
from registry.services import apply_changes, change_set, retract

SLUG_PREFIX = "syn-"
CHUNK = 500  # agreements (with their parts) per change set
REASON = "synthetic data (generate_synthetic, seed {seed})"
EPOCH = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
# Agreements are published by March 2026, so that what follows them (parts, designations, events, each within 90
# days of what it refers to) and retractions stay before LATEST.
SPAN_SECONDS = int((datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC) - EPOCH).total_seconds())
LATEST = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
PRECISIONS = (("day", 60), ("month", 25), ("year", 15))
EDITED_SHARE, RETRACTED_SHARE = 0.10, 0.01

# Skews: (value, weight).
CATEGORIES = (("acceptable_use_policy", 22), ("lawful_use_scope", 18), ("domestic_surveillance", 12),
              ("human_oversight", 10), ("autonomous_weapons", 9), ("data_rights", 8), ("deployment_environment", 6),
              ("safety_testing", 5), ("audit_and_reporting", 4), ("model_weights", 2), ("intelligence_agency_use", 2),
              ("termination", 1), ("other", 1))
EFFECTS = (("restricts", 35), ("permits", 25), ("prohibits", 18), ("requires", 12), ("silent", 6), ("unclear", 4))
AGREEMENT_STATUSES = (("active", 45), ("completed", 20), ("announced", 12), ("negotiating", 5), ("terminated", 5),
                      ("cancelled", 3), ("suspended", 2), ("disputed", 3), ("unknown", 5))
VEHICLES = (("far_contract", 25), ("ot_prototype", 20), ("idiq_task_order", 15), ("bpa", 8), ("ot_production", 6),
            ("commercial_solutions_opening", 6), ("enterprise_agreement", 8), ("other", 4), ("unknown", 8))
VENDOR_KINDS = (("defense_technology", 30), ("systems_integrator", 25), ("data_services", 15), ("cloud_provider", 8),
                ("frontier_lab", 7), ("other", 15))
CONFIDENCE = (("high", 30), ("medium", 55), ("low", 15))
SOURCE_KINDS = (("news_report", 40), ("official_release", 20), ("contract_document", 12), ("company_statement", 10),
                ("analysis", 6), ("testimony", 4), ("court_filing", 3), ("foia_release", 3), ("other", 2))
TIERS = (("major_outlet", 30), ("primary_official", 25), ("trade_press", 20), ("court_record", 5),
         ("republisher_or_aggregator", 8), ("commentary", 5), ("not_assessed", 7))
WORDS = ("Apex", "Vector", "Northwind", "Lattice", "Meridian", "Sentinel", "Quantum", "Harbor", "Keystone", "Atlas",
         "Cobalt", "Summit", "Beacon", "Orion", "Granite", "Helix", "Pioneer", "Falcon", "Crescent", "Tandem")
SUFFIXES = ("Systems", "Labs", "AI", "Analytics", "Technologies", "Dynamics", "Federal", "Data", "Cloud", "Robotics")
TOPICS = ("decision support", "logistics forecasting", "imagery analysis", "language models", "cyber defense",
          "autonomy prototype", "maintenance prediction", "translation", "wargaming", "data labeling")


class SyntheticRefused(Exception):
    """The database is not one the generator may write to."""


@dataclass
class Plan:
    """How many records of each kind N agreements bring."""

    agreements: int
    vendors: int
    agencies: int
    sources: int
    designations: int

    @classmethod
    def for_agreements(cls, n):
        vendors = max(2, math.ceil(n / 20))
        return cls(agreements=n, vendors=vendors, agencies=max(3, math.ceil(n / 200)),
                   sources=min(5000, max(20, n // 10)), designations=max(1, vendors // 50))


def check_database(*, force=False):
    """Refuse a database that already holds a synthetic registry (its slugs would collide), and, unless
    ``force``, one holding any other record: the generator must never mix invented records into a real registry."""
    for record_type in record_types():
        records = record_type.model.objects
        if records.filter(slug__startswith=SLUG_PREFIX).exists():
            raise SyntheticRefused(f"The database already holds synthetic {record_type.plural}: start from an empty "
                                   "database (e.g. python manage.py flush).")
        if not force and records.exclude(slug__startswith=SLUG_PREFIX).exists():
            raise SyntheticRefused(f"The database holds {record_type.plural} that are not synthetic: refusing to mix "
                                   "invented records into a real registry. Use an empty database, or --force.")


@contextmanager
def search_indexes_set_aside():
    """Search indexes dropped for the load and built again once, over every row, at the end (also after a
    failure): maintaining them row by row is much slower than building them. PostgreSQL: the record tables'
    GIN indexes; SQLite: the FTS5 tables' triggers (the FTS tables are refilled from their records)."""
    models = [record_type.model for record_type in record_types()]
    if connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename = ANY(%s) AND indexdef ILIKE %s ORDER BY indexname", [tables, "% USING gin %"])
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                if connection.in_atomic_block and indexes:  # (a test's transaction) deferred checks first
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for _, definition in indexes:
                    cursor.execute(definition)
                cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
    elif connection.vendor == "sqlite":
        existing = set(connection.introspection.table_names())
        searched = [model for model in models if fts_table(model) in existing]
        with connection.cursor() as cursor:
            for model in searched:
                for trigger in ("insert", "delete", "update"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{fts_table(model)}_{trigger}"')
        try:
            yield
        finally:
            for model in searched:
                install_fts(connection, model, model.search_fields)
    else:
        yield


@functools.cache
def weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    cumulative, total = [], 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return values, cumulative


@dataclass
class Totals:
    created: dict = field(default_factory=dict)
    edited: int = 0
    retracted: int = 0

    def add(self, name, count=1):
        self.created[name] = self.created.get(name, 0) + count


class Generator:
    def __init__(self, agreements, seed, *, validate=True, progress=None):
        self.plan = Plan.for_agreements(agreements)
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - seeded on purpose: reproducible synthetic data, not a secret
        self.validate = validate
        self.progress = progress or Progress(False)
        self.reason = REASON.format(seed=seed)
        self.totals = Totals()
        self.vendor_skew = list(self._cumulative([1 / (rank + 1) ** 1.2 for rank in range(self.plan.vendors)]))
        self.agency_skew = list(self._cumulative([1 / (rank + 1) ** 0.8 for rank in range(self.plan.agencies)]))
        self.designated = {}  # vendor index -> up to 3 of its agreements' pks (the designations' affected agreements)
        self.term_count = 0
        self.chunk_prime = {}  # agreement slug -> its prime vendor, for the chunk being written
        self.chunk_amounts = {}  # agreement slug -> kinds of its reported amounts, for the chunk being written

    @staticmethod
    def _cumulative(weights):
        total = 0
        for weight in weights:
            total += weight
            yield total

    # --- random values ---------------------------------------------------------------------

    def pick(self, pairs):
        values, cumulative = weighted(pairs)
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def moment(self):
        """A time between 2019 and March 2026 (whole seconds)."""
        return EPOCH + datetime.timedelta(seconds=self.rng.randrange(SPAN_SECONDS))

    def partial(self, year_from=2018, year_to=2026, precision=None):
        """A partial date string of a chosen (or random) precision."""
        year = self.rng.randint(year_from, year_to)
        precision = precision or self.pick(PRECISIONS)
        if precision == "year":
            return f"{year}"
        month = self.rng.randint(1, 12)
        if precision == "month":
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"

    def amount(self, low=4, high=10):
        return Decimal(f"{10 ** self.rng.uniform(low, high):.2f}")

    def code(self, length):
        return "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=length))

    def name(self):
        return f"{self.rng.choice(WORDS)} {self.rng.choice(WORDS)} {self.rng.choice(SUFFIXES)}"

    def common(self, record, slug, *, after=None, early=False):
        """Slug, times and confidence every public record has, and its first history row dated when published:
        ``early`` (sources, agencies, vendors) in 2018, before what refers to them; a record ``after`` the records it
        refers to within 90 days of the latest; any other between 2019 and March 2026."""
        record.slug = slug
        if early:
            record.published_at = EPOCH - datetime.timedelta(seconds=self.rng.randrange(1, 365 * 86400))
        elif after is not None:
            record.published_at = after + datetime.timedelta(seconds=self.rng.randrange(1, 90 * 86400))
        else:
            record.published_at = self.moment()
        record.created_at = record.published_at
        record.last_verified_on = (record.published_at + datetime.timedelta(days=self.rng.randint(0, 60))).date()
        record.confidence = self.pick(CONFIDENCE)
        record._history_date = record.published_at  # a record stated as of its publication, as the loader does
        return record

    # --- writing -----------------------------------------------------------------------------

    def write(self, records):
        records = list(records)
        for record in records:  # references built before their records were written now take their ids
            for model_field in record._meta.concrete_fields:
                if model_field.is_relation and model_field.is_cached(record) and getattr(record, model_field.attname) is None:
                    related = model_field.get_cached_value(record)
                    if related is not None and related.pk is not None:
                        setattr(record, model_field.name, related)
        if records:
            apply_changes(records, validate=self.validate)
            for record in records:
                self.totals.add(type(record)._meta.model_name)
        return records

    def cite(self, records, claims_of):
        """Three citations per record from the pool of sources; claims chosen among the facts it states."""
        rows = []
        for record in records:
            claims = claims_of(record)
            for position, source in enumerate(self.rng.sample(self.sources, 3)):
                citation = Citation(target=record, source=source, position=position,
                                    quote=f"{source.publisher} reports on {record.slug} ({position + 1}).",
                                    locator=f"para. {self.rng.randint(1, 12)}",
                                    claims=[claims[position]] if position < len(claims) else [])
                if position == 0 and getattr(record, "text_form", None) == PublicTerm.TextForm.VERBATIM:
                    citation.quote, citation.claims = f"“{record.text}”", ["text"]  # a verbatim term quotes its words
                citation._history_date = record.published_at  # stated with its record
                rows.append(citation)
        self.write(rows)

    # --- the registry ------------------------------------------------------------------------

    def run(self):
        with search_indexes_set_aside():
            self.generate()
        return self.totals

    def generate(self):
        plan = self.plan
        with change_set(user=None, reason=self.reason):
            self.make_sources()
            self.make_agencies()
            self.make_vendors()
        self.designated = {index: [] for index in self.rng.sample(range(plan.vendors), plan.designations)}
        with self.progress.bar("agreements", lambda: plan.agreements) as bar:
            for start in range(0, plan.agreements, CHUNK):
                end = min(plan.agreements, start + CHUNK)
                with change_set(user=None, reason=self.reason):
                    self.make_agreements(start, end)
                bar.update(end - start)
        with change_set(user=None, reason=self.reason):
            self.make_designations()
        self.edit()
        self.retract()

    def make_sources(self):
        self.sources = []
        for k in range(self.plan.sources):
            source = Source(url=f"https://synthetic.example.org/reports/{self.seed}/{k:05d}",
                            title=f"{self.rng.choice(TOPICS).capitalize()} report {k}",
                            publisher=f"{self.rng.choice(WORDS)} {self.rng.choice(('News', 'Times', 'Review', 'Wire'))}",
                            kind=self.pick(SOURCE_KINDS), tier=self.pick(TIERS), verified=self.rng.random() < 0.8)
            source.published = self.partial(2018, 2026)
            self.common(source, f"{SLUG_PREFIX}source-{k:05d}", early=True)
            self.sources.append(source)
        self.write(self.sources)

    def make_agencies(self):
        count = self.plan.agencies
        departments = max(1, count // 5)
        components = max(1, (count - departments) * 2 // 3)
        self.agencies, levels = [], ([], [], [])
        for k in range(count):
            level = 0 if k < departments else 1 if k < departments + components else 2
            parent = None if level == 0 else self.rng.choice(levels[level - 1] or levels[0])
            kind = ("department", self.pick((("component", 3), ("command", 1))), "office")[level]
            agency = Agency(name=f"{'Department of' if level == 0 else 'Office of'} {self.rng.choice(TOPICS).title()} {k}",
                            acronym=f"S{k}{self.code(2)}", kind=kind, parent=parent,
                            usaspending_code=f"S{k:03d}" if level < 2 else "")
            self.common(agency, f"{SLUG_PREFIX}agency-{k:04d}", early=True)
            levels[level].append(agency)
            self.agencies.append(agency)
        for level in levels:  # a parent is written before its sub-agencies
            self.write(level)
        self.cite(self.agencies, lambda record: ["name", "kind"])

    def make_vendors(self):
        self.vendors = []
        for k in range(self.plan.vendors):
            vendor = Vendor(name=f"{self.name()} {k}", kind=self.pick(VENDOR_KINDS),
                            uei=self.code(12) if self.rng.random() < 0.7 else "",
                            cage_code=self.code(5) if self.rng.random() < 0.4 else "",
                            aliases=[f"{self.name()} LLC"] if self.rng.random() < 0.2 else [])
            self.common(vendor, f"{SLUG_PREFIX}vendor-{k:05d}", early=True)
            self.vendors.append(vendor)
        self.write(self.vendors)
        self.cite(self.vendors, lambda record: ["name", "uei"])

    def vendor_index(self):
        return self.rng.choices(range(self.plan.vendors), cum_weights=self.vendor_skew)[0]

    def agency(self):
        return self.agencies[self.rng.choices(range(self.plan.agencies), cum_weights=self.agency_skew)[0]]

    # --- agreements and their parts ------------------------------------------------------------

    def make_agreements(self, start, end):
        top, children, parties, participating, amounts, terms = [], [], [], [], [], []
        self.chunk_prime, self.chunk_amounts = {}, {}
        for index in range(start, end):
            agreement, vendor_index = self.agreement(index, top)
            (children if agreement.parent is not None else top).append(agreement)
            parties.append(AgreementParty(agreement=agreement, vendor=self.vendors[vendor_index], role="prime"))
            self.chunk_prime[agreement.slug] = self.vendors[vendor_index]
            if vendor_index in self.designated and len(self.designated[vendor_index]) < 3:
                self.designated[vendor_index].append(agreement)
            if self.rng.random() < 0.2:
                other = self.vendor_index()
                if other != vendor_index:
                    parties.append(AgreementParty(agreement=agreement, vendor=self.vendors[other],
                                                  role=self.pick((("partner", 3), ("subcontractor", 3),
                                                                  ("cloud_provider", 2), ("reseller", 1)))))
            if self.rng.random() < 0.15:
                other = self.agency()
                if other != agreement.awarding_agency:
                    participating.append(AgreementAgency(agreement=agreement, agency=other))
            reported = self.amounts(index, agreement)
            self.chunk_amounts[agreement.slug] = [row.kind for row in reported]
            amounts.extend(reported)
            terms.extend(self.terms(agreement))
        agreements = top + children
        self.write(top)
        self.write(children)  # after their parents
        for row in (*parties, *participating, *amounts):
            row._history_date = row.agreement.published_at
        self.write(parties)
        self.write(participating)
        self.write(amounts)
        markers = [self.marker(agreement) for agreement in self.rng.sample(agreements, len(agreements) // 10)]
        self.write(terms)
        self.write(markers)
        disclosures = self.testing_disclosures(self.rng.sample(agreements, len(agreements) // 20))
        self.cite(agreements, self.agreement_claims)
        self.cite(terms, lambda record: ["text", "effect", "status"])
        self.cite(markers, lambda record: ["known_since", "existence"])
        self.cite(disclosures, lambda record: ["tested_from", "disclosed", "channel"])
        for held in self.designated.values():  # the designations' affected agreements are kept by pk only
            held[:] = [getattr(agreement, "pk", agreement) for agreement in held]

    def agreement(self, index, earlier):
        vendor_index = self.vendor_index()
        vendor = self.vendors[vendor_index]
        awarding = self.agency() if self.rng.random() < 0.92 else None
        parent = self.rng.choice(earlier) if earlier and awarding and self.rng.random() < 0.1 else None
        vehicle = "partnership" if awarding is None else ("idiq_task_order" if parent else self.pick(VEHICLES))
        topic = self.rng.choice(TOPICS)
        agreement = Agreement(title=f"{topic.capitalize()} for {awarding.acronym if awarding else 'partners'} "
                                    f"with {vendor.name}",
                              summary=f"A synthetic {vehicle.replace('_', ' ')} for {topic}.",
                              awarding_agency=awarding, parent=parent, vehicle=vehicle,
                              status=self.pick(AGREEMENT_STATUSES))
        precision = PRECISIONS[index % 3][0] if index < 3 else None  # every precision, even in a small registry
        if self.rng.random() < 0.7:
            agreement.announced = self.partial(2018, 2026, precision)
        if self.rng.random() < 0.5:
            agreement.awarded = self.partial(2018, 2026)
        if agreement.announced is None and self.rng.random() < 0.5:
            agreement.first_reported = self.partial(2019, 2026)
        if self.rng.random() < 0.5:
            year = self.rng.randint(2018, 2025)
            agreement.start = self.partial(year, year)
            if self.rng.random() < 0.7:
                agreement.end = self.partial(year + 1, year + 5)
        if awarding is not None and self.rng.random() < 0.6:
            agreement.piid = f"SYN{index:06d}{self.code(5)}"
            if self.rng.random() < 0.6:
                agreement.usaspending_award_id = f"CONT_AWD_{agreement.piid}_{awarding.usaspending_code or 'S000'}_-NONE-_-NONE-"
                agreement.federal_data_status = "found"
            else:
                agreement.federal_data_status = self.pick((("not_found", 1), ("not_checked", 2)))
            if agreement.federal_data_status != "not_checked":
                agreement.federal_data_checked_on = datetime.date(2026, 1, 1) + datetime.timedelta(self.rng.randrange(300))
        ceiling = self.amount(5, 10) if self.rng.random() < 0.65 else None  # else undisclosed
        agreement.ceiling = Money(ceiling) if ceiling is not None else None
        if self.rng.random() < 0.5:
            obligated = self.amount(4, 9)
            agreement.obligated = Money(min(obligated, ceiling) if ceiling else obligated)
        self.common(agreement, f"{SLUG_PREFIX}agreement-{index:06d}", after=parent.published_at if parent else None)
        return agreement, vendor_index

    def amounts(self, index, agreement):
        kinds = AmountKind.values
        chosen = [kinds[index]] if index < len(kinds) else (  # every kind, even in a small registry
            self.rng.sample(kinds, self.rng.randint(1, 2)) if self.rng.random() < 0.3 else [])
        rows = []
        for position, kind in enumerate(chosen):
            row = AgreementAmount(agreement=agreement, kind=kind, amount=self.amount(4, 9),
                                  currency="USD" if self.rng.random() < 0.95 else "EUR", position=position,
                                  note=f"as reported ({kind.replace('_', ' ')})")
            row.as_of = self.partial(2019, 2026) if self.rng.random() < 0.5 else None
            rows.append(row)
        return rows

    def terms(self, agreement):
        rows = []
        for _ in range(min(15, round(self.rng.gammavariate(2, 2.5)))):
            category, effect = self.pick(CATEGORIES), self.pick(EFFECTS)
            verbatim = self.rng.random() < 0.15
            term = PublicTerm(agreement=agreement, title=f"{category.replace('_', ' ').capitalize()}: {effect}",
                              category=category, effect=effect,
                              text=f"The use of the services for {category.replace('_', ' ')} {effect} as set out "
                                   f"in {agreement.slug}.",
                              text_form="verbatim" if verbatim else "paraphrase",
                              binding="contract_clause" if verbatim else self.pick(
                                  (("reported", 4), ("official_statement", 2), ("vendor_statement", 2),
                                   ("incorporated_policy", 1), ("side_letter", 1))),
                              status=self.pick((("in_force", 85), ("proposed", 4), ("disputed", 4), ("removed", 3),
                                                ("requested_and_refused", 2), ("superseded", 2))))
            if self.rng.random() < 0.4:
                term.effective = self.partial(2018, 2026)
            rows.append(term)
        current = [t for t in rows if t.status in PublicTerm.CURRENT_STATUSES]
        clauses = [t for t in current if t.text_form == "verbatim"]
        # What the write path checks: terms in force mean some text is public; a quoted clause means part of the text.
        agreement.terms_disclosure = ("partial" if self.rng.random() < 0.8 else "full_text") if clauses else (
            self.pick((("summary", 3), ("partial", 1))) if current else self.pick((("none", 3), ("summary", 1))))
        for term in rows:
            self.common(term, f"{SLUG_PREFIX}term-{self.term_count:07d}", after=agreement.published_at)
            self.term_count += 1
        return rows

    def marker(self, agreement):
        marker = ClassifiedAddendumMarker(
            agreement=agreement, title=f"Non-public annex of {agreement.slug}",
            existence=self.pick((("reported_by_one_source", 4), ("reported_by_several_sources", 3),
                                 ("acknowledged_by_agency", 2), ("referenced_in_documents", 2), ("inferred", 1),
                                 ("neither_confirmed_nor_denied", 1), ("denied", 1))),
            classification=self.pick((("unknown", 5), ("secret", 2), ("top_secret", 1), ("cui", 1), ("ts_sci", 1))),
            described_subject="Deployment details not made public.")
        marker.known = self.partial(2019, 2026)
        return self.common(marker, f"{SLUG_PREFIX}marker-{agreement.slug.removeprefix(SLUG_PREFIX + 'agreement-')}",
                           after=agreement.published_at)

    def testing_disclosures(self, agreements):
        disclosures, links = [], []
        for agreement in agreements:
            vendor = self.chunk_prime[agreement.slug]
            disclosure = TestingDisclosure(
                title=f"Testing of {vendor.name} models", agency=agreement.awarding_agency or self.agency(),
                models_tested=f"{vendor.name} model {self.rng.randint(1, 5)}", test_kind=self.pick(
                    (("evaluation", 3), ("pilot", 3), ("red_team", 1), ("operational_use", 1), ("unknown", 2))),
                confirmed_by_agency=self.pick((("yes", 3), ("no", 2), ("unknown", 3), ("denied", 1))))
            year = self.rng.randint(2019, 2025)
            disclosure.tested_start = self.partial(year, year)
            if self.rng.random() < 0.5:
                disclosure.tested_end = self.partial(year + 1, year + 2)
            if self.rng.random() < 0.8:  # else not disclosed so far
                disclosure.disclosed = self.partial(year + 1, 2026)
                disclosure.channel = self.pick((("press_report", 4), ("official_release", 2), ("vendor_statement", 1),
                                                ("testimony", 1), ("foia_release", 1), ("leak", 1)))
            self.common(disclosure, f"{SLUG_PREFIX}testing-{agreement.slug.removeprefix(SLUG_PREFIX + 'agreement-')}",
                        after=agreement.published_at)
            disclosures.append(disclosure)
            links.append(TestingDisclosureVendor(disclosure=disclosure, vendor=vendor))
            if self.rng.random() < 0.8:  # testing outside any agreement is what must be visible too
                links.append(TestingDisclosureAgreement(disclosure=disclosure, agreement=agreement))
        self.write(disclosures)
        for link in links:
            link._history_date = link.disclosure.published_at
        self.write([link for link in links if isinstance(link, TestingDisclosureVendor)])
        self.write([link for link in links if isinstance(link, TestingDisclosureAgreement)])
        return disclosures

    def agreement_claims(self, agreement):
        claims = [name for name in ("ceiling", "obligated", "announced", "awarded", "status", "piid")
                  if getattr(agreement, name, None)]
        claims += [f"amount:{kind}" for kind in self.chunk_amounts.get(agreement.slug, [])]
        self.rng.shuffle(claims)
        return claims

    # --- designations and their events -------------------------------------------------------

    def make_designations(self):
        designations, affected, events, links = [], [], [], []
        held = {pk for pks in self.designated.values() for pk in pks}
        agreements = {a.pk: a for a in Agreement.objects.filter(pk__in=held)}
        for number, (vendor_index, pks) in enumerate(sorted(self.designated.items())):
            vendor = self.vendors[vendor_index]
            kind = self.pick((("supply_chain_risk_3252", 3), ("fascsa_exclusion_order", 2), ("section_889", 2),
                              ("suspension_or_debarment", 2), ("fascsa_removal_order", 1), ("other", 1)))
            designation = Designation(title=f"{kind.replace('_', ' ').capitalize()} of {vendor.name}", vendor=vendor,
                                      issuing_agency=self.agencies[0], kind=kind,
                                      authority_cited=self.pick((("10 U.S.C. 3252", 1), ("41 U.S.C. 4713", 1))),
                                      status=self.pick((("in_effect", 3), ("reported", 2), ("enjoined", 1),
                                                        ("rescinded", 1), ("proposed", 1))))
            year = self.rng.randint(2020, 2025)
            designation.announced = self.partial(year, year)
            if self.rng.random() < 0.6:
                designation.determined = self.partial(year, year)
            if self.rng.random() < 0.5:
                designation.effective = self.partial(year, year)
                if designation.status == "rescinded":
                    designation.ended = self.partial(year + 1, 2026)
            self.common(designation, f"{SLUG_PREFIX}designation-{number:04d}",
                        after=max((agreements[pk].published_at for pk in pks), default=None))
            designations.append(designation)
            affected.extend(DesignationAgreement(designation=designation, agreement=agreements[pk]) for pk in pks)
            for step, event_kind in enumerate(("statement", "lawsuit", "court_order")):
                event = Event(title=f"{event_kind.replace('_', ' ').capitalize()} on {designation.title}",
                              kind=event_kind, court="U.S. District Court (synthetic)" if step else "")
                event.occurred = self.partial(year + step, year + step)
                self.common(event, f"{SLUG_PREFIX}event-{number:04d}-{step}", after=designation.published_at)
                events.append(event)
                links.append(EventLink(event=event, role="subject", designation=designation))
                links.append(EventLink(event=event, role="actor", vendor=vendor))
        self.write(designations)
        for row in affected:
            row._history_date = row.designation.published_at
        self.write(affected)
        self.write(events)
        for link in links:
            link._history_date = link.event.published_at
        self.write(links)
        self.cite(designations, lambda record: ["announced", "status", "authority_cited"])
        self.cite(events, lambda record: ["occurred", "links"])

    # --- later change sets: edits and retractions ----------------------------------------------

    def edit(self):
        """A share of agreements edited one to three times, each round a change set per chunk: the obligation
        grows, the status moves on, a new citation comes in."""
        count = max(1, int(self.plan.agreements * EDITED_SHARE))
        chosen = sorted(self.rng.sample(range(self.plan.agreements), count))
        rounds = {index: self.rng.randint(1, 3) for index in chosen}
        for round_number in range(1, 4):
            indexes = [index for index in chosen if rounds[index] >= round_number]
            with self.progress.bar(f"edits (round {round_number} of 3)", functools.partial(len, indexes)) as bar:
                self.edit_round(round_number, indexes, bar)

    def edit_round(self, round_number, indexes, bar):
        for start in range(0, len(indexes), CHUNK):
            slugs = [f"{SLUG_PREFIX}agreement-{index:06d}" for index in indexes[start:start + CHUNK]]
            records = list(Agreement.objects.filter(slug__in=slugs).select_related("awarding_agency", "parent")
                           .order_by("slug"))
            with change_set(user=None, reason=f"{self.reason}: edit round {round_number}"):
                for agreement in records:
                    grown = (agreement.obligated_amount or Decimal(0)) + self.amount(3, 7)
                    if agreement.ceiling_amount is not None:
                        grown = min(grown, agreement.ceiling_amount)
                    agreement.obligated = Money(grown)
                    agreement.status = self.pick((("active", 3), ("completed", 2), ("terminated", 1)))
                    agreement.status_note = f"Updated in edit round {round_number}."
                apply_changes(records, validate=self.validate)
                self.cite_again(records, round_number)
            self.totals.edited += len(records)
            bar.update(len(records))

    def cite_again(self, records, round_number):
        rows = [Citation(target=record, source=self.rng.choice(self.sources), position=3 + round_number,
                         quote=f"Later report on {record.slug} (round {round_number}).", claims=["obligated"])
                for record in records]
        apply_changes(rows, validate=self.validate)

    def retract(self):
        """About 1% of agreements (their terms and markers with them) and of testing disclosures, retracted
        through the one retraction, at a time drawn from the seed."""
        slugs = [f"{SLUG_PREFIX}agreement-{index:06d}" for index in
                 sorted(self.rng.sample(range(self.plan.agreements), max(1, int(self.plan.agreements * RETRACTED_SHARE))))]
        testing = list(TestingDisclosure.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug")
                       .values_list("slug", flat=True))
        testing = sorted(self.rng.sample(testing, max(1, len(testing) // 100))) if testing else []
        with change_set(user=None, reason=f"{self.reason}: retractions"):
            for model, chosen in ((Agreement, slugs), (TestingDisclosure, testing)):
                for record in model.objects.filter(slug__in=chosen).order_by("slug"):
                    at = min(record.published_at + datetime.timedelta(days=self.rng.randint(30, 400)), LATEST)
                    at = max(at, record.published_at + datetime.timedelta(seconds=1))
                    retract(record, user=None, reason="Synthetic retraction: the sources did not hold up.", at=at)
                    self.totals.retracted += 1
