"""Web throughput: our heaviest POSTs under gunicorn, against bare Flask serving the same bytes.

Run with `make bench-web` (options: --duration, --rounds, --connections, --workers, --no-gzip).

What is measured: `POST /en/results` (a complete set of answers, as the questionnaire
leaves them) and `POST /en/answer` (the form posted on the 5th question page), for one
fixed household; and `POST /en/caseworker` (the caseworker's page with every field of a
couple with three children, "Update results"). Each is served by real gunicorn with the
shipped gunicorn.conf.py and driven by wrk (`-t2 -c64 --latency`), once against our app and once against
benchmarks/bare_app.py: a minimal Flask app under the same gunicorn config and worker
count that returns exactly the HTML bytes and headers our app returned for the same
request (and compresses them the same way, if ours does).

Why a ratio: req/s on one machine says little on its own (this one has 2 cores shared
with wrk and with other people's work). Bare Flask is the ceiling for these exact
responses on this machine at this moment, so ours/bare is the share of that ceiling we
reach; the rest is lost to our own code (reading the answers, the rules engine, the
planner, the real templates). Runs alternate ours/bare so that drift in
the machine's load hits both. Prints figures; asserts nothing about speed. Exits non-zero
only if a server fails to start, the two servers disagree, or any request errors.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import runpy
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.pages import walk  # noqa: E402
from tests.web.caseworker.test_views import filled_fields  # noqa: E402
from tests.web.questionnaire.test_views import FAMILY  # noqa: E402

SCREENING_DATE = "2026-11-25"
OURS = f"app:create_app({{'SCREENING_DATE': '{SCREENING_DATE}'}})"
FORM = "application/x-www-form-urlencoded"
NOT_COPIED = {"date", "server", "connection", "content-length", "transfer-encoding", "content-encoding"}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


class Recorder:
    """A test client that remembers every form it posts."""

    def __init__(self, client):
        self.client, self.posts = client, []

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, path, data=None, **kwargs):
        self.posts.append((path, data))
        return self.client.post(path, data=data, **kwargs)


def request_bodies(app) -> dict[str, tuple[str, str]]:
    """Walk the questionnaire once; return {name: (path, urlencoded body)} for the two requests."""
    recorder = Recorder(app.test_client())
    walk(recorder, "en", FAMILY, app.extensions["ruleset"].vocabulary)
    answers = [data for path, data in recorder.posts if path == "/en/answer"]
    results = [data for path, data in recorder.posts if path == "/en/results"][-1]
    workspace = filled_fields(app.test_client(), app.extensions["ruleset"].vocabulary)  # a couple, three children
    return {"results": ("/en/results", urllib.parse.urlencode(results)),
            "question": ("/en/answer", urllib.parse.urlencode(answers[4])),
            "workspace": ("/en/caseworker", urllib.parse.urlencode(workspace))}


def in_process_ms(app, path: str, body: str, headers: dict, n: int = 200) -> float:
    client = app.test_client()
    times = []
    for _ in range(n + 10):
        start = time.perf_counter()
        response = client.post(path, data=body, headers={**headers, "Content-Type": FORM})
        times.append((time.perf_counter() - start) * 1e3)
        assert response.status_code == 200, response.status_code
    return statistics.median(times[10:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(port: int, path: str, body: str, headers: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers={**headers, "Content-Type": FORM})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class Server:
    """A gunicorn with the shipped config, in its own process group, logging to a file."""

    def __init__(self, name: str, spec: str, workers: int | None, tmp: Path, pythonpath: str | None = None):
        self.name, self.port, self.log = name, free_port(), tmp / f"{name}.log"
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                   "-b", f"127.0.0.1:{self.port}", "--no-control-socket"]
        command += ["-w", str(workers)] if workers else []
        command += ["--pythonpath", pythonpath] if pythonpath else []
        env = {k: v for k, v in os.environ.items() if k != "BIND"}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command + [spec], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, start_new_session=True)

    def wait_ready(self, path: str, body: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited with code {self.process.returncode}:\n"
                                 f"{self.log.read_text(errors='replace')[-3000:]}")
            try:
                status = post(self.port, path, body, {})[0]
                if status == 200:
                    return
                raise SystemExit(f"{self.name}: POST {path} gave {status}, not 200")
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{self.name}: no answer on port {self.port} within {timeout:.0f} s") from None
                time.sleep(0.2)

    def wait_workers(self, expected: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(re.findall(r"Booting worker", self.log.read_text(errors="replace"))) < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.name}: fewer than {expected} gunicorn workers started")
            time.sleep(0.1)

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


def headers_to_copy(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name.lower() not in NOT_COPIED]


def compare(name: str, ours, bare) -> None:
    """The bare app must answer exactly as ours did: status, headers (but Date and Server), body."""
    def comparable(response):
        status, headers, body = response
        return status, sorted((n.lower(), v) for n, v in headers if n.lower() not in ("date", "server")), body
    if comparable(ours) != comparable(bare):
        raise SystemExit(f"{name}: the bare app does not answer like ours\n ours: {comparable(ours)[:2]}\n"
                         f" bare: {comparable(bare)[:2]}\n same body: {ours[2] == bare[2]}")


def wrk(port: int, path: str, script: Path, duration: int, connections: int, timeout: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s", "--latency",
               "-s", str(script), f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M).groups()
        return float(value) * UNITS[unit]
    errors = Counter()
    if match := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out):
        errors["non-2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors.update(dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups()))))
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": +errors}


BROWSER_ACCEPT = "gzip, deflate, br, zstd"  # what Chromium and Firefox send


def lua_script(path: Path, body: str, gzip_on: bool) -> Path:
    # A urlencoded body never contains "]]", so a Lua long string holds it as is.
    lines = ['wrk.method = "POST"', f"wrk.body = [[{body}]]", f'wrk.headers["Content-Type"] = "{FORM}"']
    lines += [f'wrk.headers["Accept-Encoding"] = "{BROWSER_ACCEPT}"'] if gzip_on else []
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each server per request, alternating")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, help="gunicorn workers for both (default: gunicorn.conf.py's)")
    parser.add_argument("--gzip", action=argparse.BooleanOptionalAction, default=True,
                        help=f"send Accept-Encoding: {BROWSER_ACCEPT}, as browsers do (default on)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load first")
    parser.add_argument("--timeout", type=int, default=30,
                        help="wrk's request timeout; default gunicorn's worker timeout, so slow answers are "
                             "measured, not dropped as errors (wrk's own default is 2 s)")
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    accept = {"Accept-Encoding": BROWSER_ACCEPT} if args.gzip else {}

    app = create_app({"SCREENING_DATE": SCREENING_DATE})
    requests = request_bodies(app)
    compress = compress_settings(app)

    servers, load_before = [], os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        tmp = Path(tmp)
        try:
            ours = Server("ours", OURS, args.workers, tmp)
            servers.append(ours)
            ours.wait_ready(*requests["results"])
            captured, pages = {}, {}
            for name, (path, body) in requests.items():
                plain = post(ours.port, path, body, {})
                zipped = post(ours.port, path, body, {"Accept-Encoding": BROWSER_ACCEPT})
                for response in (plain, zipped):
                    if response[0] != 200:
                        raise SystemExit(f"ours: POST {path} gave {response[0]}, not 200")
                captured[name] = (plain, zipped)
                html = plain[2].decode()
                if "{% endraw %}" in html:
                    raise SystemExit(f"{name}: the page contains '{{% endraw %}}'; cannot save it as a template")
                (tmp / f"{name}.html").write_text("{% raw %}" + html + "{% endraw %}")
                pages[path] = {"template": f"{name}.html", "headers": headers_to_copy(plain[1])}
            encoding = dict((n.lower(), v) for n, v in captured["results"][1][1]).get("content-encoding")
            if encoding and compress is None:
                raise SystemExit(f"ours answers with Content-Encoding {encoding} but not through Flask-Compress; "
                                 "benchmarks/bare_app.py cannot do the same")
            (tmp / "bare.json").write_text(json.dumps({"pages": pages, "compress": compress}))

            bare = Server("bare", f"bare_app:create_app({str(tmp)!r})", args.workers, tmp,
                          pythonpath=str(ROOT / "benchmarks"))
            servers.append(bare)
            bare.wait_ready(*requests["results"])
            for name, (path, body) in requests.items():
                compare(name, captured[name][0], post(bare.port, path, body, {}))
                compare(name, captured[name][1], post(bare.port, path, body, {"Accept-Encoding": BROWSER_ACCEPT}))
            workers = args.workers or runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
            for server in servers:
                server.wait_workers(workers)

            results = {}
            for name, (path, body) in requests.items():
                script = lua_script(tmp / f"{name}.lua", body, args.gzip)
                for server in (ours, bare):
                    warm = wrk(server.port, path, script, args.warmup, args.connections, args.timeout)
                    results[name, server.name] = {"runs": [], "errors": warm["errors"]}
                for _ in range(args.rounds):
                    for server in (ours, bare):
                        run = wrk(server.port, path, script, args.duration, args.connections, args.timeout)
                        results[name, server.name]["runs"].append(run)
                        results[name, server.name]["errors"] += run["errors"]
        finally:
            for server in servers:
                server.stop()
        load_after = os.getloadavg()[0]
        # With the servers stopped: where the time goes, without HTTP, gunicorn or wrk.
        from bare_app import create_app as create_bare_app  # benchmarks/, the script's own directory

        bare_app = create_bare_app(str(tmp))
        in_process = {(name, label): in_process_ms(flask_app, path, body, accept)
                      for name, (path, body) in requests.items()
                      for label, flask_app in (("ours", app), ("bare", bare_app))}

    print(f"gunicorn.conf.py, {workers} sync workers each; wrk -t2 -c{args.connections} -d{args.duration}s "
          f"--timeout={args.timeout}s --latency, {args.rounds} rounds alternating ours/bare after "
          f"{args.warmup} s warm-up; Accept-Encoding: {BROWSER_ACCEPT if args.gzip else '(none)'}.")
    print(f"{os.cpu_count()} CPUs, shared with wrk; load average {load_before:.2f} before the runs, "
          f"{load_after:.2f} after.\n")
    print("Pages (HTML as our app renders it; bare serves the same bytes):")
    for name, (path, _) in requests.items():
        plain, zipped = captured[name]
        served = dict((n.lower(), v) for n, v in zipped[1]).get("content-encoding", "identity")
        print(f"  {name:<9} POST {path:<12} {len(plain[2]) / 1024:6.1f} KB raw, "
              f"{len(gzip.compress(plain[2])) / 1024:5.1f} KB gzipped; "
              f"as a browser asks, our app sends {served}, {len(zipped[2]) / 1024:.1f} KB")
    print()
    header = f"{'request':<9} {'server':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}  req/s per round"
    print(header + "\n" + "-" * len(header))
    failed = 0
    for name in requests:
        medians = {}
        for server in ("ours", "bare"):
            result = results[name, server]
            runs, errors = result["runs"], result["errors"]
            failed += errors.total()
            medians[server] = statistics.median(r["rps"] for r in runs)
            print(f"{name:<9} {server:<6} {medians[server]:8.1f} "
                  f"{statistics.median(r['p50'] for r in runs):8.2f} "
                  f"{statistics.median(r['p99'] for r in runs):8.2f} {errors.total():6d}  "
                  + ", ".join(f"{r['rps']:.1f}" for r in runs)
                  + (f"  ({', '.join(f'{kind} {n}' for kind, n in errors.items())})" if errors else ""))
        print(f"{name:<9} {'ours/bare':<15} {medians['ours'] / medians['bare']:.3f}\n")
    print("req/s, p50 and p99 are medians over the rounds; errors are non-2xx responses and socket errors,"
          " warm-up included.\n")
    print(f"In process (Flask test client, median of 200 POSTs, {'gzip' if args.gzip else 'no gzip'}):")
    for name, (path, _) in requests.items():
        ours_ms, bare_ms = in_process[name, "ours"], in_process[name, "bare"]
        print(f"  {name:<9} POST {path:<12} ours {ours_ms:7.2f} ms, bare {bare_ms:5.2f} ms: "
              f"our code takes {ours_ms - bare_ms:.2f} ms a request")
    return 1 if failed else 0


def compress_settings(app) -> dict | None:
    """Our app's COMPRESS_* settings if it compresses with Flask-Compress (which registers an
    after_request method), else None."""
    owners = [getattr(func, "__self__", None) for func in app.after_request_funcs.get(None, [])]
    if "compress" not in app.extensions and not any(
            type(owner).__module__.startswith("flask_compress") for owner in owners):
        return None
    settings = {k: sorted(v) if isinstance(v, set) else v for k, v in app.config.items() if k.startswith("COMPRESS_")}
    try:
        json.dumps(settings)
    except TypeError as error:  # a cache backend, say: the bare app could not do the same
        raise SystemExit(f"a Flask-Compress setting cannot be copied to the bare app: {error}") from None
    return settings


if __name__ == "__main__":
    sys.exit(main())
