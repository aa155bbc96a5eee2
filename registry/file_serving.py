"""Serving a file from disk the way download tools expect: a strong ETag and Last-Modified, conditional
requests (304), byte ranges (206, 416) with If-Range, and HEAD, streamed so memory stays flat.

Ranges follow RFC 9110 §14: ``bytes=a-b``, ``a-`` and ``-n``. A request for several ranges gets the whole
file (200), which the RFC allows, rather than a multipart answer no download tool needs. A Range header
that cannot be parsed, or names another unit, is ignored (200), as the RFC asks; a well-formed range that
starts past the end is a 416 with ``Content-Range: bytes */<size>``. Only GET reads a range.
"""

import os
from dataclasses import dataclass

from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

BLOCK_SIZE = 64 * 1024


@dataclass(frozen=True)
class Served:
    """What is known of the file before it is opened."""
    path: os.PathLike
    filename: str  # for Content-Disposition
    content_type: str
    etag: str  # strong, quoted: '"sha256-…"'
    last_modified: int  # seconds since the epoch
    cache_control: str


class Unsatisfiable(Exception):
    pass


def byte_range(header, size):
    """(start, end) inclusive for a single satisfiable range, None to answer the whole file; raises
    Unsatisfiable for a well-formed range that selects nothing."""
    unit, _, ranges = (header or "").partition("=")
    if unit.strip().lower() != "bytes" or "," in ranges or size == 0:
        return None
    first, dash, last = ranges.strip().partition("-")
    if not dash or not (first.isdigit() or last.isdigit()) or (first and not first.isdigit()) \
            or (last and not last.isdigit()):
        return None
    if not first:  # -n: the last n bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, so ignored
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def if_range_holds(request, served):
    """If-Range: the range applies only while the client's copy is this one (strong comparison)."""
    value = request.headers.get("If-Range")
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == served.etag
    return parse_http_date_safe(value) == served.last_modified


def serve(request, served):
    """The response for GET or HEAD of ``served``, which exists (a missing file is the caller's 404)."""
    try:
        size = os.stat(served.path).st_size
    except OSError:
        return None
    headers = {"ETag": served.etag, "Last-Modified": http_date(served.last_modified),
               "Cache-Control": served.cache_control, "Accept-Ranges": "bytes"}
    base = HttpResponse(headers=headers)
    conditional = get_conditional_response(request, etag=served.etag, last_modified=served.last_modified,
                                           response=base)
    if conditional is not base:  # 304 (If-None-Match, If-Modified-Since) or 412 (If-Match, If-Unmodified-Since)
        conditional.headers["Accept-Ranges"] = "bytes"
        return conditional

    wanted = None
    if request.method == "GET" and "Range" in request.headers and if_range_holds(request, served):
        try:
            wanted = byte_range(request.headers["Range"], size)
        except Unsatisfiable:
            response = HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
            return response

    disposition = {"Content-Disposition": f'attachment; filename="{served.filename}"'}
    if request.method == "HEAD":
        return HttpResponse(headers={**headers, **disposition, "Content-Type": served.content_type,
                                     "Content-Length": str(size)})
    # Once open, the file is read to the end even if its snapshot is deleted meanwhile (POSIX keeps it).
    try:
        stream = open(served.path, "rb")  # noqa: SIM115 (closed by the response)
    except OSError:
        return None
    if wanted is None:
        response = FileResponse(stream, content_type=served.content_type)
        response.block_size = BLOCK_SIZE
    else:
        start, end = wanted
        stream.seek(start)
        response = FileResponse(Slice(stream, end - start + 1), content_type=served.content_type, status=206)
        response.block_size = BLOCK_SIZE
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        response.headers["Content-Length"] = str(end - start + 1)
    for header, value in {**headers, **disposition}.items():
        response.headers[header] = value
    return response


class Slice:
    """The next ``length`` bytes of an open file, read in blocks (no fileno: a server's sendfile would send
    the rest of the file)."""

    def __init__(self, stream, length):
        self.stream, self.remaining = stream, length

    def read(self, size=-1):
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        block = self.stream.read(size)
        self.remaining -= len(block)
        return block

    def close(self):
        self.stream.close()
