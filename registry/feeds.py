"""Atom feeds, read from the ChangeLog: every change, the changes to the records of any list (the
list's own FilterSet and query string), and the changes to a record and the records linked to it
(``RelatedChangesFeed``: each record type says, with ``related_by``, which records' feeds include it
through its QuerySet's ``with_<type>()``). Apps subclass these in their own feeds.py.

An entry is one change: the record's title and what happened, a link to the record's page, the
time, the reason and who is credited; its id is unique per change. Feeds show what a record's own
URL shows a reader: published records, retracted ones included (marked as such) — never drafts.
Each feed runs a constant number of queries: the ChangeLog rows in one query, then the records
they name in one query per record type.

Every field of every feed is plain text: summaries are ``type="text"`` (an editor's reason that holds
``<img onerror=…>`` reaches a reader as those characters, never as markup), and characters XML 1.0
cannot hold (control characters, e.g. from a ``q=%01`` echoed in a list feed's title) are dropped as
the XML is written (``TextAtom1Feed``), so no text can make a feed fail or carry live markup.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import capfirst
from django.utils.xmlutils import SimplerXMLGenerator

from registry.interchange import by_name, record_types
from registry.models import ChangeLog
from registry.notices import NoticeFilterForm, with_record_paths

FEED_SIZE = 50
SITE_NAME = "AI Defense Agreements Registry"
# How an action reads in an entry's title: "OpenAI prototype agreement — retracted".
ACTION_WORDS = {ChangeLog.Action.CREATED: "added", ChangeLog.Action.UPDATED: "updated",
                ChangeLog.Action.RETRACTED: "retracted"}


# What XML 1.0 cannot hold: C0 controls other than tab, newline and return, lone surrogates, U+FFFE, U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text):
    """``text`` without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text) if text else text


class PlainTextXMLGenerator(SimplerXMLGenerator):
    """Writes every text and attribute value without the characters XML cannot hold (Django's generator
    raises on them, which answered 500)."""

    def characters(self, content):
        super().characters(xml_text(content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_text(value) for key, value in (attrs or {}).items()})


class TextAtom1Feed(Atom1Feed):
    """Atom in which every field is plain text: the summary is ``type="text"`` (Django writes
    ``type="html"``, which a reader renders as markup), and text is written by PlainTextXMLGenerator."""

    def write(self, outfile, encoding):
        handler = PlainTextXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class BadFeedQuery(Exception):
    def __init__(self, errors):
        super().__init__("malformed feed query")
        self.errors = errors


def readable(model):
    """What a record's own URL shows anonymous readers: published records, retracted or not."""
    return model.objects.reachable_by(AnonymousUser())


@dataclass
class Entry:
    change: ChangeLog
    record: object
    guid: str

    @property
    def title(self):
        title = f"{self.record} — {ACTION_WORDS.get(self.change.action, self.change.action)}"
        if self.record.retracted_at and self.change.action != ChangeLog.Action.RETRACTED:
            title += " (since retracted)"
        return title

    @property
    def description(self):
        kind = capfirst(self.record._meta.verbose_name)
        parts = [f"{kind} {ACTION_WORDS.get(self.change.action, self.change.action)}.", f"Reason: {self.change.reason}"]
        if self.record.retracted_at:
            parts.append(f"This record was retracted: {self.record.retraction_reason}")
        return " ".join(parts)


@dataclass
class Selection:
    """What one request's feed shows: its title, its HTML page, and its entries."""

    title: str
    link: str
    description: str
    target: object = None  # what changes() narrows to: a record, or a list's (type, slug queryset)
    feed_url: str = ""
    entries: list = field(default_factory=list)


def changes_of(selections):
    """ChangeLog rows (newest first) of records named by ``{record_type: slug queryset}``, all in one query."""
    matches = Q()
    for record_type, slugs in selections.items():
        matches |= Q(record_type=record_type, slug__in=slugs)
    return list(ChangeLog.objects.public().filter(matches).order_by("-public_id")[:FEED_SIZE])


def records_of(changes):
    """{(record type, slug): record} for the changes' records that readers may open: one query per type."""
    slugs_by_type = {}
    for change in changes:
        slugs_by_type.setdefault(change.record_type, set()).add(change.slug)
    records = {}
    for record_type, slugs in slugs_by_type.items():
        for record in readable(by_name(record_type).model).filter(slug__in=slugs):
            records[record_type, record.slug] = record
    return records


def entries_for(changes, request):
    """Each change with its record: one query per record type among the changes."""
    records = records_of(changes)
    authority = request.get_host().split(":")[0] or "localhost"
    return [Entry(change, records[change.record_type, change.slug], f"tag:{authority},2026:change/{change.public_id}")
            for change in changes if (change.record_type, change.slug) in records]


class ChangeFeed(Feed):
    """Every change to a public or retracted record, newest first."""

    feed_type = TextAtom1Feed
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFeedQuery as error:
            lines = [f"{name}: {' '.join(messages)}" for name, messages in error.errors.items()]
            return HttpResponseBadRequest("This feed's query could not be read.\n" + "\n".join(lines),
                                          content_type="text/plain; charset=utf-8")

    def get_object(self, request, *args, **kwargs):
        selection = self.select(request, *args, **kwargs)
        selection.feed_url = request.get_full_path()
        selection.entries = entries_for(self.changes(selection.target), request)
        return selection

    def select(self, request, *args, **kwargs):
        return Selection(title=f"{SITE_NAME}: all changes", link=reverse("home"),
                         description="Every record added, updated or retracted, newest first.")

    def changes(self, target):
        return changes_of({t.name: readable(t.model).values("slug") for t in record_types()})

    # --- what Django's Feed asks for --------------------------------------------------------

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.link

    def subtitle(self, obj):
        return obj.description

    def feed_url(self, obj):
        return obj.feed_url

    def items(self, obj):
        return obj.entries

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.record.get_absolute_url()

    def item_description(self, entry):
        return entry.description

    def item_guid(self, entry):
        return entry.guid

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.change.at

    def item_updateddate(self, entry):
        return entry.change.at

    def item_author_name(self, entry):
        return entry.change.credited_to

    def item_categories(self, entry):
        return [entry.change.record_type, entry.change.action]


class ListFeed(ChangeFeed):
    """Changes to the records a list shows for the same query string (its own FilterSet).

    Retracted records that match stay in the feed, so that their retraction reaches followers.
    """

    def __init__(self, list_view):
        super().__init__()
        self.list_view = list_view

    def select(self, request, *args, **kwargs):
        record_type = by_name(self.list_view.record_type)
        filterset = self.list_view.filterset_class(request.GET, queryset=readable(record_type.model), request=request)
        if not filterset.is_valid():
            raise BadFeedQuery(filterset.errors)
        summary = filterset.describe()
        query = request.GET.urlencode()
        return Selection(
            title=f"{SITE_NAME}: {record_type.label.lower()}" + (f" where {'; '.join(summary)}" if summary else ""),
            link=reverse(f"{record_type.name}-list") + (f"?{query}" if query else ""),
            description=f"Changes to the {record_type.label.lower()} matching this list, newest first.",
            target=(record_type.name, filterset.qs.values("slug")),
        )

    def changes(self, target):
        record_type, slugs = target
        return changes_of({record_type: slugs})


class RelatedChangesFeed(ChangeFeed):
    """Changes to a record and to the records linked to it: of every record type that names this
    one in ``related_by``, the records its QuerySet's ``with_<this type>([record])`` selects."""

    record_type = None

    def select(self, request, slug):
        record = readable(by_name(self.record_type).model).filter(slug=slug).first()
        if record is None:
            raise Http404(f"No {self.record_type} has the slug “{slug}”.")
        return Selection(title=f"{SITE_NAME}: {record}", link=record.get_absolute_url(),
                         description=f"Changes to {record} and to the records linked to it, newest first.",
                         target=record)

    def changes(self, record):
        selections = {self.record_type: readable(type(record)).filter(pk=record.pk).values("slug")}
        for record_type in record_types():
            if self.record_type in record_type.related_by:
                linked = getattr(readable(record_type.model), f"with_{self.record_type}")([record])
                selections[record_type.name] = linked.values("slug")
        return changes_of(selections)


class NoticeFeed(ChangeFeed):
    """/corrections/feed/: every correction and retraction notice, newest first, filtered as the corrections
    page is (``kind``, ``type``); one query. An entry is one notice: its kind and the record's title, a link
    to the record, the notice's text (plain text) and who is credited."""

    def select(self, request, *args, **kwargs):
        form = NoticeFilterForm(request.GET)
        if not form.is_valid():
            raise BadFeedQuery(form.errors)
        summary = form.describe()
        query = request.GET.urlencode()
        return Selection(title=f"{SITE_NAME}: corrections and retractions"
                               + (f" where {'; '.join(summary)}" if summary else ""),
                         link=reverse("corrections") + (f"?{query}" if query else ""),
                         description="Every correction and retraction notice, newest first.", target=form)

    def get_object(self, request, *args, **kwargs):
        selection = self.select(request, *args, **kwargs)
        selection.feed_url = request.get_full_path()
        authority = request.get_host().split(":")[0] or "localhost"
        notices = with_record_paths(list(selection.target.notices()[:FEED_SIZE]))
        selection.entries = [NoticeEntry(notice, f"tag:{authority},2026:notice/{notice.pk}") for notice in notices]
        return selection

    def item_link(self, entry):
        return entry.notice.record_path or reverse("corrections")

    def item_pubdate(self, entry):
        return entry.notice.at

    def item_updateddate(self, entry):
        return entry.notice.at

    def item_author_name(self, entry):
        return entry.notice.credited_to

    def item_categories(self, entry):
        return [entry.notice.record_type, entry.notice.kind]


@dataclass
class NoticeEntry:
    notice: object
    guid: str

    @property
    def title(self):
        return f"{self.notice.get_kind_display()}: {self.notice.title}"

    @property
    def description(self):
        return f"{self.notice.get_kind_display()} of the {self.notice.record_kind.lower()} “{self.notice.title}”: " \
               f"{self.notice.text}"
