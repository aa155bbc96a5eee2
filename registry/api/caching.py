"""Conditional requests: an ETag from the latest public change and the request, Last-Modified once
settled, and a bodiless 304 when the client's copy is current."""

import hashlib
import math

from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from registry.models import ChangeLog


def latest_change():
    """(id, time) of the latest public change: one query, made before any other."""
    return ChangeLog.objects.public().order_by("-public_id").values_list("public_id", "at").first() or (0, None)


def etag_for(request, change_id):
    fmt = request.query_params.get("format", "json")
    digest = hashlib.sha256(f"{change_id}|{request.get_full_path()}|{fmt}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def settled(last_modified):
    """HTTP dates have whole seconds: a change in the current second could be followed by another in
    the same second, so Last-Modified is only stated (and If-Modified-Since only honoured) once the
    latest change is a second old. The ETag always works."""
    return last_modified is not None and (timezone.now() - last_modified).total_seconds() >= 1


def not_modified(request, etag, last_modified):
    """True when the client's copy is current (If-None-Match wins over If-Modified-Since). If-None-Match
    compares weakly (RFC 9110 §13.1.2): ``W/"x"`` matches ``"x"``. Only ever asked for an answer that would be
    a 200 (§13.2.1): the parameters were read and, for a record, its existence checked first."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        if if_none_match.strip() == "*":
            return True
        return strong_form(etag) in {strong_form(tag) for tag in if_none_match.split(",")}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return bool(since and settled(last_modified) and math.floor(last_modified.timestamp()) <= since)


def strong_form(tag):
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def with_validators(response, etag, last_modified):
    response["ETag"] = etag
    if settled(last_modified):
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response
