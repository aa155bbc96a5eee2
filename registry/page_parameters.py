"""Pages read their query parameters without the characters an HTML page cannot carry.

A page echoes what it was asked (the search box on every page, a filter's value in its form, a form error
naming a bad value, the summary of the filters, a list feed's title), and C0/C1 control characters (NUL above
all) and Unicode noncharacters make a document that is not well formed. So every request outside the API reads
``request.GET`` with each of them turned into a space, as the search already reads them (registry.search
``clean_query``): a list page, its CSV and its feed see the same cleaned query, and none of them is a 500 or an
ill-formed page for such input. The API keeps its strict reading (JSON can carry any character escaped, and a
bad value there is a 400 naming it), and the admin is left alone.
"""

import re

from django.http import QueryDict

NOT_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
UNTOUCHED = ("/api/", "/admin/")


def clean(text):
    return NOT_HTML.sub(" ", text)


class PageParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(UNTOUCHED) and needs_cleaning(request.GET):
            request.GET = cleaned(request.GET)
        return self.get_response(request)


def needs_cleaning(query):
    return any(NOT_HTML.search(key) or any(NOT_HTML.search(value) for value in values) for key, values in query.lists())


def cleaned(query):
    """A copy of ``query`` (a QueryDict) with every key and value cleaned; repeated keys stay repeated."""
    copy = QueryDict(mutable=True)
    for key, values in query.lists():
        for value in values:
            copy.appendlist(clean(key), clean(value))
    copy._mutable = False
    return copy
