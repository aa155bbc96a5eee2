"""/corrections/: every public notice (corrections and retractions), newest first, with a link to the record
it concerns; filtered by kind (and record type), keyset-paginated, and its Atom feed (/corrections/feed/,
registry/feeds.py ``NoticeFeed``; the form they share is registry/notices.py) of the same query.

A notice is written by the write path (``registry.services.give_notice``, and ``retract()``), inside the change
set that makes its change; it names the record by type and slug, and keeps the record's title as it was then.
"""

from django.shortcuts import render
from django.views import View

from registry.notices import ORDERING, NoticeFilterForm, with_record_paths
from registry.pagination import InvalidCursor, paginate, parse_page_size

PAGE_SIZE = 50


class CorrectionsView(View):
    """Every correction and retraction, newest first: two queries (the page of notices and their count)."""

    template_name = "registry/corrections.html"

    def get(self, request):
        form = NoticeFilterForm(request.GET)
        errors = []
        try:
            page_size = parse_page_size(request.GET.get("page_size"), PAGE_SIZE)
        except ValueError as error:
            errors.append(str(error))
            page_size = PAGE_SIZE
        page, count, summary = None, None, []
        if form.is_valid() and not errors:
            summary = form.describe()
            try:
                page = paginate(form.notices(), ORDERING, cursor=request.GET.get("cursor"), page_size=page_size)
            except InvalidCursor as error:
                errors.append(str(error))
            else:
                with_record_paths(page.items)
                count = form.notices().count()
        query = request.GET.copy()
        query.pop("cursor", None)
        context = {"form": form, "page": page, "count": count, "errors": errors, "summary": summary,
                   "notices": page.items if page else [], "query": query.urlencode()}
        status = 400 if (errors or not form.is_valid()) else 200
        return render(request, self.template_name, context, status=status)
