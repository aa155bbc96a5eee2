"""Records of every type and notices on them, for the tests of notices, revisions, corrections and feeds."""

from registry.models import Notice
from registry.services import apply_change, change_set, give_notice
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

# One builder per record type (by its name in the change log), each making a published record.
MAKERS = {
    "agreement": make_agreement, "term": make_term, "addendum-marker": make_marker, "vendor": make_vendor,
    "agency": make_agency, "designation": make_designation, "testing-disclosure": make_testing_disclosure,
    "event": make_event, "source": make_source,
}


def correct(record, text, *, reason="corrected in a test", credited_to="registry staff", **changes):
    """A correction as approval writes one: the record changed (``changes``, or saved as it is) and a
    correction notice, in one change set."""
    with change_set(user=builder_user(), reason=reason, credited_to=credited_to):
        for name, value in changes.items():
            setattr(record, name, value)
        apply_change(record)
        give_notice(record, kind=Notice.Kind.CORRECTION, text=text)
    return Notice.objects.filter(record_type=record.record_type, slug=record.slug).first()
