"""A list's filters: the same FilterSets as the pages, validated with the request's other parameters
(registry.api.parameters.parse_list) and applied here."""

from django_filters.rest_framework import DjangoFilterBackend


class ValidatedFilterBackend(DjangoFilterBackend):
    """Applies the list's validated FilterSet and ``updated_after``. A DjangoFilterBackend, so that
    drf-spectacular documents the FilterSet's filters."""

    def filter_queryset(self, request, queryset, view):
        queryset = view.filterset.filter_queryset(queryset)
        if view.parameters["updated_after"]:
            queryset = queryset.filter(updated_at__gt=view.parameters["updated_after"])
        return queryset
