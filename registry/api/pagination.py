"""Keyset pages over (sort value, id), NULLs last (registry.pagination); ``count=true`` adds a total.
The page size, cursor and ordering were validated with the request's other parameters."""

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from registry.pagination import DEFAULT_PAGE_SIZE, paginate


class KeysetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        parameters = view.parameters
        self.request = request
        self.page = paginate(queryset, view.keyset_ordering, cursor=parameters["cursor"],
                             page_size=parameters["page_size"] or DEFAULT_PAGE_SIZE)
        self.count = queryset.count() if parameters["count"] else None
        return self.page.items

    def link(self, cursor):
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", cursor) if cursor else None

    def get_paginated_response(self, data):
        body = {"next": self.link(self.page.next_cursor), "previous": self.link(self.page.previous_cursor)}
        if self.count is not None:
            body["count"] = self.count
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next page, or null on the last page."},
                "previous": {"type": "string", "format": "uri", "nullable": True,
                             "description": "The previous page, or null on the first page."},
                "count": {"type": "integer", "description": "Total matching records; only with count=true."},
                "results": schema,
            },
        }
