"""Reading rendered pages in tests: the facts of definition lists and the visible words."""

import re
from html import unescape
from html.parser import HTMLParser


class FactsParser(HTMLParser):
    """The <dt>/<dd> pairs of a page's definition lists, as plain text (footnote markers left out:
    ``footnote_markers`` reads those)."""

    def __init__(self):
        super().__init__()
        self.facts, self.current, self.buffer, self.inside, self.in_marker = {}, None, [], None, False

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd"):
            self.inside, self.buffer = tag, []
        if tag == "sup" and ("class", "fn") in attrs:
            self.in_marker = True

    def handle_endtag(self, tag):
        if tag == "sup":
            self.in_marker = False
        if tag == self.inside:
            words = " ".join("".join(self.buffer).split())
            if tag == "dt":
                self.current = words
            elif self.current is not None:
                self.facts[self.current] = words
            self.inside = None

    def handle_data(self, data):
        if self.inside and not self.in_marker:
            self.buffer.append(data)


def footnote_markers(html, claim):
    """The footnote numbers marked beside the fact of claim key ``claim`` ('ceiling', 'status', 'general')."""
    return [int(n) for n in re.findall(rf'<a href="#fn-(\d+)" id="ref-\d+-{re.escape(claim)}"', html)]


def facts(html):
    parser = FactsParser()
    parser.feed(html)
    return parser.facts


def words(html):
    """The page's visible words, tags removed, entities decoded, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(?:a|span|strong|em|code|time|sup|mark|abbr)\b[^>]*>", "", html)  # inline: no gap
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main(html):
    """The page's <main> element."""
    return html[html.index('<main id="main">'):html.index("</main>")]
