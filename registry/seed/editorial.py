"""The converter's editorial pass (issue 9): what a reader of the seed sees besides the fields.

- ``last_verified_on``: the compile date of the research file that last stated the record.
- notes as short editorial prose (Markdown): vocabulary values as labels, record ids and addresses as
  links, unread primary pointers as one list "Primary sources not yet read", bookkeeping gone;
- ``disputed_facts``: a fact on which sources differ keeps both values, each with its citations;
- ``name_note``: how an agency is also called ("called Department of War since 5 September 2025
  (executive order)"), from the research name "X (secondary title: Y)" and the order's date in its notes.

Standard library only, like the converter: every rule here is explicit and tested
(tests/seed/test_convert_research.py, tests/seed/test_editorial.py).
"""

import ast
import calendar
import re
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL_FILES = ("registry/models.py", "contracts/models.py", "disclosures/models.py")
# Page address of each interchange plural.
PAGE_PATHS = {"sources": "sources", "agencies": "agencies", "vendors": "vendors", "agreements": "agreements",
              "terms": "terms", "addendum_markers": "addendum-markers", "designations": "designations",
              "testing_disclosures": "testing-disclosures", "events": "events"}
UNREAD_HEADING = "Primary sources not yet read"
# An address, with any balanced "(…)" inside it (Wikipedia- and Ballotpedia-style titles); a bracket that
# only closes is the prose's, not the address's.
URL = re.compile(r"https?://(?:[^\s<>()\]]|\([^\s<>()]*\))*(?:[^\s<>()\].,;:'\"]|\([^\s<>()]*\))")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-zA-Z0-9]+)+\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
SECONDARY_TITLE = re.compile(r"^(?P<name>.+?) \(secondary title: (?P<title>[^)]+)\)$")
ORDER_DATE = re.compile(r"executive order of (\d{4}-\d{2}-\d{2})", re.IGNORECASE)


# --- labels ---------------------------------------------------------------------------------------

def vocabulary_labels():
    """{value: label} of every TextChoices in the models, read from the source (no Django needed)."""
    labels = {}
    for name in MODEL_FILES:
        path = PROJECT_ROOT / name
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
                value, label = node.value.elts
                if isinstance(value, ast.Constant) and isinstance(label, ast.Constant) \
                        and isinstance(value.value, str) and isinstance(label.value, str) and "_" in value.value:
                    labels.setdefault(value.value, label.value)
    return labels


LABELS = vocabulary_labels()
ACRONYMS = {"dod": "DoD", "dow": "DoW", "ota": "OTA", "usc": "U.S.C.", "ai": "AI", "llm": "LLM", "id": "id",
            "ids": "ids", "gbp": "GBP", "usd": "USD", "uk": "UK", "nato": "NATO", "il6": "IL6", "il7": "IL7"}


def label(value):
    """A vocabulary value as a reader's words: the registry's own label, else its words spelled out."""
    if value in LABELS:
        return LABELS[value]
    words = [ACRONYMS.get(word.lower(), word) for word in value.split("_")]
    return " ".join(words)


def lower_label(value):
    text = label(value)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def humanize_date(text):
    """'2026-03-04' → '4 March 2026'; '2026-03' → 'March 2026'."""
    match = ISO_DATE.fullmatch(text)
    if not match:
        return text
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return text
    name = calendar.month_name[int(month)]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


# --- links ----------------------------------------------------------------------------------------

class Links:
    """Markdown links to the seed's records (by slug) and to addresses."""

    def __init__(self, seed):
        self.records = {}
        for plural, path in PAGE_PATHS.items():
            for record in seed.get(plural, []):
                name = record.get("name") or record.get("title") or record["slug"]
                self.records.setdefault(record["slug"], (path, name, plural))

    def record(self, slug):
        """A record by its name (not a link: a record may later be retracted, and the notes stay as written)."""
        found = self.records.get(slug.strip())
        if not found:
            return escape(slug.strip())
        _, name, _ = found
        return f"“{escape(name)}”"

    def records_in(self, text):
        """'a; b (events)' or 'a, b' of record ids → their links, joined as a reader would."""
        parts = [re.sub(r"\s*\([a-z_]+\)$", "", part) for part in re.split(r"[;,]\s*", text) if part.strip()]
        return join_words([self.record(part) for part in parts])


def address(url):
    """A Markdown link whose text is the address without its scheme."""
    parts = urlsplit(url)
    shown = (parts.netloc + parts.path).rstrip("/")
    if len(shown) > 70:
        shown = shown[:69] + "…"
    return f"[{escape(shown)}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def escape(text):
    """Research text as Markdown that renders as written (no accidental emphasis, code or links)."""
    return re.sub(r"([\\`*\[\]<>])", r"\\\1", text)


def prose(text):
    """Free research text as Markdown: escaped, vocabulary values spelled out, addresses as links."""
    pieces, last = [], 0
    for match in URL.finditer(text):
        pieces.append(words(text[last:match.start()]))
        pieces.append(address(match.group(0)))
        last = match.end()
    pieces.append(words(text[last:]))
    return "".join(pieces)


def words(text):
    return SNAKE.sub(lambda match: lower_label(match.group(0)), escape(text))


def join_words(items):
    items = [item for item in items if item]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text):
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…)" else text + "."


# --- notes ----------------------------------------------------------------------------------------

LINE = re.compile(r"^(?P<label>[^:]{1,120}?): (?P<text>.*)$", re.DOTALL)
# Labels whose line is bookkeeping the page shows elsewhere (as a section, a link or a field).
DROPPED = (
    re.compile(r"^Status history \[\d+\] \(recorded as an event\)$"),  # each entry is an event on the timeline
    re.compile(r"^Designations listed as related \(recorded as their affected agreements\)$"),
    re.compile(r"^Testing disclosures listed as related \(recorded as their agreements\)$"),
)
# Labels whose text is a list of record ids: shown as links.
RECORD_LISTS = {
    "Related agreements": "Related agreements", "Related records": "Related records",
    "Related agencies": "Related agencies", "Related designations": "Related designations",
    "Also concerns agreements": "Also concerns", "Other agencies involved": "Other agencies involved",
    "Listed as a primary URL pointer by": "Named as a primary source, not read, by",
    "Also listed as an unread primary URL pointer by": "Also named as a primary source, not read, by",
}
# Labels whose text may be one record id (an agency's or a vendor's): shown as its name.
ID_VALUED = {"Asserted by": "Asserted by"}
RENAMED = {
    "Research confidence": "The research's confidence",
    "Contracting entity (kept as an alias)": "Contracting entity (also listed as an alias)",
    "Public notice (research notice_date)": "Public notice",
    "Title note": "About the title",
    "Research note": "Researcher's note",
    "Pointer note": "Researcher's note on the address",
    "Disclosure channel (research)": "Disclosure channel, as the research describes it",
    "Status (research)": "Status, as the research describes it",
    "Tested when (research)": "Tested when, as the research describes it",
    "Official (research)": "Official",
    "Contract number (research)": "Contract number",
    "Amendment (research)": "Amendment",
    "Litigation (research)": "Litigation",
}
OWNER_RULES = {
    "vendor_id": "it names this vendor",
    "asserted_by (an agency id)": "this agency asserts the term",
    "asserted_by (a vendor id)": "this vendor asserts the term",
    "related_agency_ids[0]": "it is the first agency the research relates to the term",
    "issuing agency of related_designation_ids[0]": "this agency issued the designation the term relates to",
}
CLASSIFICATION = ("Research agreement kind", "Research agency type", "Research designation type",
                  "Research event type", "Research marker kind", "Research term type", "Research term status")


def readable_notes(seed):
    """Every record's notes rewritten as editorial Markdown, in place."""
    links = Links(seed)
    for plural in PAGE_PATHS:
        for record in seed.get(plural, []):
            record["notes"] = rewrite(record.get("notes") or "", links)


# Records whose research ids read as ids in prose ("see cdao-2025-…", "Context for td-2023-…"); sources,
# agencies and vendors are named by their names already.
ID_TYPES = ("agreements", "terms", "addendum_markers", "designations", "testing_disclosures", "events")
PROSE_FIELDS = {"status_note": False, "summary": True, "notes": True}  # field: is it Markdown


def record_ids_as_titles(seed):
    """A research id in a record's status note, summary or notes becomes the named record's title, in
    quotation marks as the notes name records (“…”): a reader sees “Maven Smart System software licenses –
    contract modification raising ceiling”, not cdao-2025-palantir-maven-ceiling-increase. Addresses and
    links keep their ids."""
    titles = {record["slug"]: record.get("title") or record.get("name") for plural in ID_TYPES
              for record in seed.get(plural, []) if re.search(r"\d", record["slug"])}
    if not titles:
        return
    pattern = re.compile(r"(?<![\w/.\-])(" + "|".join(map(re.escape, sorted(titles, key=len, reverse=True)))
                         + r")(?![\w/\-])")
    for plural in PAGE_PATHS:
        for record in seed.get(plural, []):
            for field, markdown in PROSE_FIELDS.items():
                text = record.get(field)
                if isinstance(text, str) and text:
                    record[field] = pattern.sub(
                        lambda match, md=markdown: f"“{escape(titles[match.group(1)]) if md else titles[match.group(1)]}”",
                        text)


def rewrite(notes, links):
    """One record's notes: paragraphs of prose, then the list of unread primary sources."""
    paragraphs, unread, classified = [], [], []
    for line in notes.split("\n"):
        line = line.strip()
        if not line:
            continue
        match = LINE.match(line)
        name, text = (match["label"], match["text"]) if match else ("", line)
        if name.startswith("Primary URL pointer, not read"):
            unread.append(text.strip())
            continue
        if any(pattern.match(name) for pattern in DROPPED):
            continue
        if name in CLASSIFICATION:
            classified.append(label(text))
            continue
        paragraphs.append(rewrite_line(name, text, links) if match else sentence(prose(line)))
    if classified:
        paragraphs.append(f"The research classes it as: {'; '.join(escape(item) for item in classified)}.")
    parts = [paragraph for paragraph in dict.fromkeys(paragraphs) if paragraph]
    if unread:
        parts.append(f"**{UNREAD_HEADING}:**\n\n" + "\n".join(f"- {address(url)}" for url in dict.fromkeys(unread)))
    return "\n\n".join(parts)


def rewrite_line(name, text, links):
    if text.strip() in links.records and name in ID_VALUED:  # "Asserted by: openai" → “OpenAI”
        return f"{words(ID_VALUED[name])}: {escape(links.records[text.strip()][1])}."
    if name in RECORD_LISTS:
        return f"{RECORD_LISTS[name]}: {links.records_in(text)}."
    status_history = re.match(r"^Status history of designation (\S+) \[\d+\]$", name)
    if status_history:
        return f"In the status history of {links.record(status_history.group(1))}: {described(text)}"
    litigation = re.match(r"^Litigation of designation (\S+) \(research\)$", name)
    if litigation:
        return f"Litigation of {links.record(litigation.group(1))}: {described(text)}"
    if name.startswith("Unresolved "):
        return f"{words(name)}: {escape(text)} (no such record in the research)."
    if name == "Owner":
        owner, _, rule = text.partition(", from the research ")
        return (f"Recorded under {links.record(owner)}: the research names no agreement for this term; "
                f"{OWNER_RULES.get(rule, words(rule))}.")
    if name == "Kind":
        return "Kind: chosen by the registry's editors; the research gives no company type."
    if name == "Classified annex confirmed (research)":
        return sentence(prose(text.split(": ", 1)[1] if ": " in text else f"classified annex confirmed: {text}"))
    if name == "Not read":
        return "Not read by the registry: an address seen only as a citation in other material; its title is the address."
    if name == "Listed by the research as 'subcontractor or partner'":
        return (f"The research lists {links.records_in(text)} as subcontractor or partner; the sources do not say "
                "which, so the registry records them as partners.")
    status_override = re.match(r"^Status (\S+), not what '(.+)' gives$", name)
    if status_override:
        return (f"Status {escape(lower_label(status_override.group(1)))}, not what the research status "
                f"\"{escape(label(status_override.group(2)))}\" would give: {prose(text)}")
    field = re.match(r"^Research field `(\w+)`$", name)
    if field:
        return f"{escape(label(field.group(1)).capitalize())} (research): {prose(text)}"
    if " (research)" in name and name not in RENAMED:
        return f"{prose(name.replace(' (research)', ''))}: {described(text)}"
    shown = RENAMED.get(name, name)
    if name in RENAMED and "(research)" in name:
        return f"{escape(shown)}: {described(text)}"
    return f"{words(shown)}: {sentence(prose(text))}"


# Keys whose value leads a described line, and what follows it: "Doug Matty — role: …", "4 March 2026: …".
LEADING_KEYS = {"date": ": ", "number": " — ", "name": " — "}


def described(text):
    """A 'key: value; key: value' line of the converter as a sentence (dates spelled out)."""
    pairs = [part.partition(": ") for part in re.split(r"; (?=[a-z][a-z ]{0,30}: )", text)]
    if not all(sep for _, sep, _ in pairs):
        return sentence(prose(text))
    shown = []
    for key, _, value in pairs:
        value = humanize_date(value.strip())
        if (key in LEADING_KEYS and not shown) or key in ("status", "summary", "note"):
            shown.append(prose(value))
        else:
            shown.append(f"{words(key)}: {prose(value)}")
    if pairs[0][0] in LEADING_KEYS and len(shown) > 1:  # "26 March 2026: order stayed 7 days; …"
        return sentence(f"{shown[0]}{LEADING_KEYS[pairs[0][0]]}{'; '.join(shown[1:])}")
    return sentence("; ".join(shown))


# --- freshness ------------------------------------------------------------------------------------

def research_statements(research, supplement=None):
    """[(compile date, ids the file states)] in file order: its records, and the records it adds
    sources to or reassesses (a source-quality review checks a record against its sources)."""
    files = []
    for document in (research, supplement):
        if not document:
            continue
        compiled = (document.get("meta") or {}).get("compiled_on")
        ids = {record["id"] for key, value in document.items() if isinstance(value, list)
               for record in value if isinstance(record, dict) and "id" in record}
        ids |= {item["record_id"] for key in ("source_additions", "weakly_sourced_claims")
                for item in document.get(key) or [] if item.get("record_id")}
        urls = {item["source"]["url"] for item in document.get("source_additions") or [] if item.get("source")}
        urls |= {entry["url"] for key, value in document.items() if isinstance(value, list)
                 for record in value if isinstance(record, dict) for entry in record.get("sources") or []}
        files.append((compiled, ids, urls))
    return files


def set_last_verified(seed, research, supplement=None, normalize=lambda url: url):
    """``last_verified_on`` = the compile date of the last research file stating the record; a source:
    of the last file that read it (an unread pointer was never checked: null)."""
    files = research_statements(research, supplement)
    for plural in PAGE_PATHS:
        for record in seed.get(plural, []):
            if plural == "sources":
                if not record.get("verified"):
                    record["last_verified_on"] = None
                    continue
                dates = [compiled for compiled, _, urls in files
                         if record["url"] in {normalize(url) for url in urls}]
            else:
                dates = [compiled for compiled, ids, _ in files if record["slug"] in ids]
            record["last_verified_on"] = max(dates) if dates else files[0][0]


# --- names ----------------------------------------------------------------------------------------

def name_note(research_name, notes):
    """(name, note): 'U.S. Department of Defense (secondary title: Department of War)' with notes naming
    'an executive order of 2025-09-05' → ('U.S. Department of Defense', 'called Department of War since
    5 September 2025 (executive order)'). A name without a secondary title is kept, with no note."""
    match = SECONDARY_TITLE.match(research_name or "")
    if not match:
        return research_name, ""
    order = ORDER_DATE.search(notes or "")
    since = f" since {humanize_date(order.group(1))} (executive order)" if order else ""
    return match["name"], f"called {match['title']}{since}"


# --- facts on which sources differ ----------------------------------------------------------------

# (record id, field, {value: words a quote must contain to state it}, why): the quotes that state each
# value are found among the record's own sources and the supplement's source additions for it and
# for the records named in ``also``. A value no quote states is not kept.
DISPUTED = (
    {"record": "dow-2026-anthropic-scr-10usc3252", "field": "determined",
     "values": {"2026-03-03": ("March 3",), "2026-03-04": ("March 4",)},
     "also": ("ev-2026-03-04-scr-letter",),
     "about": "the date of the formal determination (the letter to Anthropic)"},
)


def disputed_facts(research, supplement, cite):
    """{record id: [disputed fact]} with each value's citations (``cite(entry, owner)`` → citation)."""
    entries = {}
    for records in research.values():
        if isinstance(records, list):
            for record in records:
                if isinstance(record, dict):
                    entries.setdefault(record.get("id"), []).extend(record.get("sources") or [])
    for item in (supplement or {}).get("source_additions") or []:
        entries.setdefault(item.get("record_id"), []).append(item["source"])
    why = {item["record_id"]: item["why"] for item in (supplement or {}).get("weakly_sourced_claims") or []
           if item.get("claim", "").startswith("determined")}
    facts = {}
    for rule in DISPUTED:
        pool = [entry for owner in (rule["record"], *rule["also"]) for entry in entries.get(owner, [])]
        values = []
        for value, phrases in rule["values"].items():
            citations = []
            for entry in pool:
                if any(phrase in entry.get("quote", "") for phrase in phrases):
                    citation = cite(entry, rule["record"])
                    if citation not in citations:
                        citations.append(citation)
            if citations:
                values.append({"value": value, "citations": citations})
        if len(values) > 1:
            facts.setdefault(rule["record"], []).append(
                {"field": rule["field"], "about": rule["about"], "values": values,
                 "note": why.get(rule["record"], "")})
    return facts
