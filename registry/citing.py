"""How to cite a record: a revision's permalink, the day it was read, and the suggested citation in plain
text, BibTeX (@misc) and CSL-JSON. A record's page cites its current revision; a revision's page cites
that revision."""

import datetime
import json
import re
from dataclasses import dataclass

from django.utils import timezone

SITE_NAME = "AI Defense Agreements Registry"

# BibTeX's special characters, written so that LaTeX prints them as themselves.
BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
                  "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def day_in_words(day):
    return f"{day.day} {day:%B %Y}"


def bibtex_text(text):
    """Text as a BibTeX field value: special characters escaped, whitespace on one line."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return re.sub(r"[\\{}$&%#_^~]", lambda match: BIBTEX_ESCAPES[match.group(0)], text)


@dataclass
class RecordCitation:
    """The citation of one revision of a record (``number`` of ``total``, made ``at``), read on ``accessed``."""

    title: str
    record_type: str  # "agreement"
    slug: str
    permalink: str  # the revision's address, absolute
    number: int | None
    at: datetime.datetime | None
    accessed: datetime.date

    @property
    def revised(self):
        """The revision's day (UTC)."""
        return self.at.astimezone(datetime.UTC).date() if self.at else None

    @property
    def key(self):
        """The BibTeX key: adr:<type>:<slug>:r<number>."""
        return f"adr:{self.record_type}:{self.slug}" + (f":r{self.number}" if self.number else "")

    @property
    def plain(self):
        revision = f", revision {self.number} ({day_in_words(self.revised)})" if self.number else ""
        return f"{SITE_NAME}, “{self.title}”{revision}, {self.permalink}, accessed {day_in_words(self.accessed)}."

    @property
    def bibtex(self):
        fields = [("author", f"{{{SITE_NAME}}}"), ("title", f"{{{bibtex_text(self.title)}}}")]
        if self.revised:
            fields += [("year", str(self.revised.year)), ("month", MONTHS[self.revised.month - 1])]
        fields += [
            ("howpublished", f"\\url{{{self.permalink}}}"),
            ("url", self.permalink),
            ("urldate", self.accessed.isoformat()),
            ("version", str(self.number) if self.number else ""),
            ("note", f"Revision {self.number} of {day_in_words(self.revised)}; accessed {day_in_words(self.accessed)}"
             if self.number else f"Accessed {day_in_words(self.accessed)}"),
        ]
        lines = [f"  {name} = {value if name in ('year', 'month') else '{' + value + '}'}"
                 for name, value in fields if value]
        return f"@misc{{{self.key},\n" + ",\n".join(lines) + "\n}"

    @property
    def csl(self):
        """The CSL-JSON item (a list of one, as citation managers import it)."""
        item = {"id": self.key, "type": "webpage", "title": self.title, "container-title": SITE_NAME,
                "publisher": SITE_NAME, "author": [{"literal": SITE_NAME}], "URL": self.permalink,
                "accessed": {"date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]}}
        if self.number:
            item["version"] = str(self.number)
            item["issued"] = {"date-parts": [[self.revised.year, self.revised.month, self.revised.day]]}
        return [item]

    @property
    def csl_json(self):
        # One key a line, each value on its own line's end: readable, and still JSON.
        (item,) = self.csl
        lines = [f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in item.items()]
        return "[\n  {\n" + ",\n".join(lines) + "\n  }\n]"


def cite(request, record, record_type, change, number):
    """The citation of ``record`` (as it stood at the revision ``change``, number ``number``), read today.
    Without a revision (none public), the record's page is cited."""
    path = record.get_absolute_url()
    if change is not None:
        path = f"{path}revisions/{change.public_id}/"
    return RecordCitation(title=str(record), record_type=record_type.name, slug=record.slug,
                          permalink=request.build_absolute_uri(path) if request else path,
                          number=number if change is not None else None,
                          at=change.at if change is not None else None, accessed=timezone.now().date())
