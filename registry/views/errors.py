"""The answer when a request fails on our side (``handler500``). A database that refuses connections, is
restarting, holds a lock too long or cancels a statement past ``DB_STATEMENT_TIMEOUT_MS`` is not a bug in the
request: it is a 503 with ``Retry-After``, in the API's JSON error shape under /api/ and as a plain page
elsewhere. Anything else is a 500, in the same two forms. Neither touches the database (it may be what failed)."""

import logging
import sys

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

from registry.sqlite_locks import is_lock_timeout

logger = logging.getLogger(__name__)

UNAVAILABLE = "The registry's database is not answering just now. Nothing was changed; try again in {s} seconds."
TOO_SLOW = ("This request took longer than the registry allows ({ms} ms) and was stopped. Nothing was changed; "
            "try again in {s} seconds, or ask for less (a smaller page_size, fewer filters).")


# SQLSTATEs of a database that is not answering (rather than of a bad query): connection exceptions (class 08),
# too many connections, the server shutting down or starting, and transaction conflicts worth retrying.
UNAVAILABLE_STATES = {"53300", "57P01", "57P02", "57P03", "40001", "40P01"}


def database_failure(error):
    """'timeout', 'unavailable', or None when ``error`` is not the database failing to answer (a programming or
    limit error stays a 500: retrying it would fail the same way)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return None
    if isinstance(error, InterfaceError):
        return "unavailable"  # the connection is already closed
    cause = error.__cause__
    if isinstance(cause, psycopg.Error):
        state = cause.sqlstate
        if state == "57014":  # query_canceled: the statement timeout
            return "timeout"
        if state is None or state.startswith("08") or state in UNAVAILABLE_STATES:
            return "unavailable"  # refused, cut, shut down, pool exhausted (PoolTimeout has no SQLSTATE)
        return None
    if is_lock_timeout(error) or "unable to open" in str(error):
        return "unavailable"  # SQLite: another writer held the lock past the timeout, or the file is gone
    return None


def server_error(request, *args, **kwargs):
    error = sys.exc_info()[1]  # handler500 runs inside Django's except block
    failure = database_failure(error)
    retry_after = settings.RETRY_AFTER_UNAVAILABLE_S
    if failure:
        logger.warning("database %s on %s: %s", failure, request.path, error)
        status = 503
        message = (TOO_SLOW.format(ms=settings.STATEMENT_TIMEOUT_MS, s=retry_after) if failure == "timeout"
                   else UNAVAILABLE.format(s=retry_after))
    else:
        status, message = 500, "Something went wrong on our side. Nothing you did caused it; try again later."
    if request.path.startswith("/api/"):
        code = {"timeout": "timeout", "unavailable": "unavailable"}.get(failure, "server_error")
        response = JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status)
    else:
        template = "503.html" if failure else "500.html"
        response = HttpResponse(loader.get_template(template).render({"message": message}), status=status)
    if failure:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
