"""wrk (Debian's, with LuaJIT): a Lua script that cycles through a pre-built list of paths, counts the
answers that are not 2xx, and prints what the report needs; and the reading of that output."""

import shutil
import subprocess
from dataclasses import asdict, dataclass

MARK = "bench-result"

LUA_TEMPLATE = """\
-- Written by registry/benchmark/wrk.py: cycles through the scenario's paths, each thread from its own offset.
local paths = {
%(paths)s
}
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  position = (id * 7919) %% #paths
  non2xx = 0
end

function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "%(mark)s requests=%%.0f duration_us=%%.0f bytes=%%.0f p50_us=%%.0f p95_us=%%.0f p99_us=%%.0f "
    .. "max_us=%%.0f mean_us=%%.0f non2xx=%%.0f connect=%%.0f read=%%.0f write=%%.0f timeout=%%.0f status=%%.0f\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    non2xx_total, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def lua_string(text):
    """A Lua string literal for a path: printable ASCII only (paths are percent-encoded)."""
    if not text.isascii() or not text.isprintable():
        raise ValueError(f"Not a printable ASCII path: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(paths):
    if not paths:
        raise ValueError("A wrk script needs at least one path.")
    return LUA_TEMPLATE % {"paths": ",\n".join(f"  {lua_string(path)}" for path in paths), "mark": MARK}


@dataclass
class WrkRun:
    requests: int
    duration_s: float
    bytes: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    non2xx: int
    socket_errors: int  # connect, read, write and timeout errors together
    load_1m: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def rate(self):
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def failed(self):
        return self.non2xx > 0 or self.socket_errors > 0 or self.requests == 0

    def as_dict(self):
        return {**asdict(self), "rate": round(self.rate, 2)}


class WrkOutputError(ValueError):
    pass


def parse_wrk_output(text):
    """The run our script's ``done()`` describes, from wrk's whole standard output."""
    for line in text.splitlines():
        if line.startswith(MARK + " "):
            values = dict(pair.split("=", 1) for pair in line[len(MARK) + 1:].split())
            break
    else:
        raise WrkOutputError(f"wrk printed no '{MARK}' line; its output was:\n{text}")
    number = {key: float(value) for key, value in values.items()}
    return WrkRun(
        requests=int(number["requests"]), duration_s=number["duration_us"] / 1e6, bytes=int(number["bytes"]),
        p50_ms=number["p50_us"] / 1000, p95_ms=number["p95_us"] / 1000, p99_ms=number["p99_us"] / 1000,
        max_ms=number["max_us"] / 1000, mean_ms=number["mean_us"] / 1000, non2xx=int(number["non2xx"]),
        socket_errors=int(number["connect"] + number["read"] + number["write"] + number["timeout"]),
    )


def wrk_command(base_url, script_path, *, connections, duration_s, timeout_s=60):
    # One wrk thread drives 4 connections easily and leaves the cores to the server.
    return ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{duration_s}s",
            "--timeout", f"{timeout_s}s", "--script", str(script_path), base_url]


def run_wrk(base_url, script_path, *, connections, duration_s):
    if shutil.which("wrk") is None:
        raise FileNotFoundError("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    finished = subprocess.run(wrk_command(base_url, script_path, connections=connections, duration_s=duration_s),  # noqa: S603 - wrk, our own options, script and local URL
                              capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise WrkOutputError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    return parse_wrk_output(finished.stdout)
