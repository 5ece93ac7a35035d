"""Black-box fuzzing of the real server: gunicorn with the shipped gunicorn.conf.py.

Run with `make fuzz` (100,000 requests) or
`.venv/bin/python benchmarks/fuzz.py --requests 5000 --seed 7 --concurrency 4 --time-limit 120`.

Starts gunicorn on a free port, then sends seeded random requests over raw sockets (so that
anything can be sent, malformed or not): every real route and many that are not, odd methods,
odd Host / Accept-Language / X-Forwarded-* headers, huge and repeated headers, and form posts
whose answers, history, question id and typed values are valid, wrong, huge, deeply nested or
not even UTF-8, sent with wrong content types, truncated or oversized. About half the requests
are real walks through the questionnaire (valid households, "I don't know" answers, Back,
language switches, Change from the check page) so that the results page is reached often.

Prints a table of status codes (connection errors and timeouts apart), requests/s, the
responses missing Content-Security-Policy or X-Content-Type-Options (gunicorn's own error
pages for malformed requests are listed apart: they never reach the app), and for every 5xx
or response containing "Traceback" a one-line reproducer; the simplest 20 distinct ones are
replayed one at a time against the same server so that each is printed with what the server
logged for it. Exits 1 if there was any 5xx or traceback, else 0.

The same functions drive tests/test_fuzz_server.py with a smaller sample.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import io
import itertools
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCREENING_DATE = "2026-11-25"
APP = f"app:create_app({{'SCREENING_DATE': '{SCREENING_DATE}'}})"
LANGS = ("en", "fr")
POST_PAGES = ("question", "answer", "back", "check", "results", "save", "resume")
STATIC = ("/static/style.css", "/static/enhance.js", "/static/favicon.svg")
REAL_PATHS = ("/",) + tuple(f"/{lang}/{page}" for lang in LANGS for page in ("",) + POST_PAGES) + STATIC
REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options")
FORM = "application/x-www-form-urlencoded"
MAX_RESPONSE = 4 * 1024 * 1024
MAX_BODY = 64 * 1024  # the app's MAX_CONTENT_LENGTH
REPRODUCERS_SHOWN = 20


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, workers: int = 2, no_control_socket: bool = True) -> list[str]:
    """As tests/browser/conftest.py starts it: the shipped config, a fixed screening date."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), APP, "-b", f"127.0.0.1:{port}",
               "-w", str(workers)]
    return command + ["--no-control-socket"] if no_control_socket else command


class Server:
    """gunicorn in its own process group; its error log (stderr) and access log go to files.

    with Server() as server: ... server.port, server.log_text(), server.access_log"""

    def __init__(self, workers: int = 2, access_log: str | os.PathLike | None = None, keep_logs: bool = False,
                 start_timeout: float = 60, env: dict | None = None, no_control_socket: bool = True):
        self.workers = workers
        self.env = env or {}
        self.no_control_socket = no_control_socket
        self.keep_logs = keep_logs
        self.start_timeout = start_timeout
        self.log_dir = Path(tempfile.mkdtemp(prefix="benefits-finder-fuzz-"))
        self.server_log = self.log_dir / "server.log"
        self.access_log = Path(access_log) if access_log else self.log_dir / "access.log"
        self.port = 0
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("BIND", "WEB_CONCURRENCY", "ERROR_LOG")}
        env["ACCESS_LOG"] = str(self.access_log)
        env.update(self.env)
        command = gunicorn_command(self.port, self.workers, self.no_control_socket)
        with open(self.server_log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env={k: v for k, v in env.items() if v is not None},
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                text = self.log_text()[-4000:]
                self._cleanup()
                raise RuntimeError(f"gunicorn exited with code {self.process.returncode}:\n{text}")
            response = send(self.port, make_request("GET", "/en/"), timeout=5)
            if response.status == 200:
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer within {self.start_timeout:.0f} s:\n{self.log_text()}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop gunicorn and its workers (the whole process group), then remove the logs."""
        if self.process is not None and self.process.poll() is None:
            for sig, wait in ((signal.SIGTERM, 25), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self.process is not None:
            try:  # workers left behind by a master that died first
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._cleanup()

    def _cleanup(self) -> None:
        if self.keep_logs:
            return
        for path in self.log_dir.iterdir():
            path.unlink()
        self.log_dir.rmdir()

    def log_size(self) -> int:
        try:
            return self.server_log.stat().st_size
        except OSError:
            return 0

    def log_text(self, offset: int = 0) -> str:
        try:
            with open(self.server_log, "rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""


# ---------------------------------------------------------------- requests on the wire


def _bytes(text) -> bytes:
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("utf-8", "surrogateescape")  # "\udcff" stands for the byte 0xff
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate, as invalid UTF-8


@dataclass
class Request:
    method: str
    target: str
    headers: list = field(default_factory=list)  # [(name, value)], exactly as sent
    body: bytes = b""
    tags: tuple = ()  # what was done to it, for grouping failures ("host:label64", "answers:int400@you.age")
    send_length: int | None = None  # send only this much of the body (we close our side after each request)
    version: str = "HTTP/1.1"
    raw: bytes | None = None  # a whole malformed request, sent as is

    def wire(self) -> bytes:
        if self.raw is not None:
            return self.raw
        line = f"{self.method} {self.target} {self.version}" if self.version else f"{self.method} {self.target}"
        head = _bytes(line) + b"\r\n" + b"".join(_bytes(k) + b": " + _bytes(v) + b"\r\n" for k, v in self.headers)
        body = self.body if self.send_length is None else self.body[: self.send_length]
        return head + b"\r\n" + body

    def reproducer(self, limit: int = 240) -> str:
        """One line: method, path, headers (long values cut), body (cut)."""
        if self.raw is not None:
            return f"raw {_cut(repr(self.raw), limit)}"
        headers = "; ".join(f"{k}: {_cut(repr(v)[1:-1] if isinstance(v, str) else repr(v), 90)}"
                            for k, v in self.headers if k.lower() not in ("connection",))
        text = f"{self.method} {_cut(self.target, 160)} {self.version} | {headers}"
        if self.body:
            cut = f", sent {self.send_length}" if self.send_length is not None else ""
            text += f" | body ({len(self.body)} bytes{cut}): {_cut(repr(self.body)[2:-1], limit)}"
        return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…(+{len(text) - limit})"


def make_request(method: str, target: str, body: bytes = b"", *, tags=(), host: str | None = "localhost",
                 content_type: str | None = None, extra=(), length: bool | str = True, version="HTTP/1.1",
                 send_length: int | None = None) -> Request:
    headers = []
    if host is not None:
        headers.append(("Host", host))
    headers.extend(extra)
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    if isinstance(length, str):
        headers.append(("Content-Length", length))
    elif length and (body or method in ("POST", "PUT")):
        headers.append(("Content-Length", str(len(body))))
    headers.append(("Connection", "close"))
    return Request(method, target, headers, body, tuple(tags), send_length, version)


@dataclass
class Response:
    status: int | None = None
    headers: dict = field(default_factory=dict)  # lower-case name -> [values]
    body: bytes = b""
    error: str | None = None  # "timeout", "reset", "refused", "no response", "bad response"
    seconds: float = 0.0

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def decoded(self) -> bytes:
        """The body, gunzipped if it was sent gzipped (brotli is left as it is: no new dependency)."""
        if (self.header("content-encoding") or "").lower() == "gzip":
            try:
                return gzip.decompress(self.body)
            except (OSError, EOFError, ValueError):
                return self.body
        return self.body

    @property
    def text(self) -> str:
        return self.decoded.decode("utf-8", "replace")

    @property
    def traceback(self) -> bool:
        return b"Traceback" in self.decoded

    @property
    def from_gunicorn(self) -> bool:
        """gunicorn's own error page (the request never reached the app): no Server or Date header."""
        return self.status is not None and set(self.headers) == {"connection", "content-type", "content-length"}


def send(port: int, request: Request, timeout: float = 30) -> Response:
    """One request on a new connection; read until the server closes it (sync workers always do)."""
    started = time.perf_counter()
    response = Response()
    chunks = []
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            try:
                sock.sendall(request.wire())
                # Nothing more will come: a truncated body or an unfinished request line ends here
                # instead of holding a sync worker until a timeout.
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server answered early (a body too big) and closed: read what it said
            size = 0
            while True:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    if not chunks:
                        response.error = "reset"
                    break
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_RESPONSE:
                    break
    except TimeoutError:
        response.error = "timeout"
    except ConnectionRefusedError:
        response.error = "refused"
    except OSError as error:
        response.error = f"{type(error).__name__} {error.errno}"
    response.seconds = time.perf_counter() - started
    data = b"".join(chunks)
    if data:
        _parse_response(data, response)
    elif response.error is None:
        response.error = "no response"
    return response


def _parse_response(data: bytes, response: Response) -> None:
    while re.match(rb"HTTP/\d\.\d 1\d\d ", data) and b"\r\n\r\n" in data:  # 100 Continue, then the answer
        data = data.partition(b"\r\n\r\n")[2]
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/\d\.\d (\d{3})", lines[0])
    if not match:
        response.error = "bad response"
        return
    response.status = int(match.group(1))
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        response.headers.setdefault(name.strip().lower(), []).append(value.strip())
    response.body = body
    if response.error == "timeout" or response.error == "reset":
        response.error = None  # we have the whole head; that is an answer


# ---------------------------------------------------------------- what to send

BIG = "1" * 400
TEXT_NUMBERS = [
    "", " ", "0", "-0", "-1", "1e309", "-1e309", "1e308", "nan", "NaN", "inf", "-inf", "Infinity", BIG, "9" * 39,
    "9" * 40, "9" * 41, "0" * 39 + "1", "0x10", "1_000", "1,234.50", "1 234,50", "$1,234.50", "1.2.3", "--5", "+5",
    ".", "-", "$", "CAD", "CAD5", "1e5", "1E-5", "1e-400", ".5", "5.", "١٢٣", "٣", "１２", "²", "Ⅻ", "𝟗", "5\u00a0000",
    "5\u202f000", "12abc", "abc", "<script>alert(1)</script>", "\x00", "\ud800", "7\r\n", "1,2,3", ",", ",,",
    "1,", "123,4567", "-$5", "$-5", "(5)", "5-", "1--1", "99999999999999999999.99", "0.0000001", "é", "\u202e12",
]
CHOICE_JUNK = ["", "yes", "no", "dont_know", "DONT_KNOW", "Yes", "true", "1", "calgary", "citizen", "rent", "x" * 300,
               "\x00", "\ud800", "é", "dont_know ", "no\n"]
QID_JUNK = ["", "you", "partner", "adults", "adults.age", "children[1].age", "children.0.age", "you.", ".age",
            "you.age.x", "__class__", "region\x00", "ré", "a" * 3000, "x.y", "children.", "children.nope",
            "you.__dict__", "REGION", " region", "region ", "start", "\ud800", "..", "you..age"]
ACCEPT_LANGUAGES = [
    "en", "fr", "fr-CA,fr;q=0.9,en;q=0.8", "de", "*", "", ",", ";", "q=1", "fr;q=abc", "fr;q=1e309", "en;q=-1",
    "fr;q=NaN", "zh-Hant-TW-x-private-1234", ",".join(["fr"] * 1000), "ｆｒ", "français", "en_US", "FR",
    "x" * 4000, ";q=0.5,;q=0.7", "fr;q=0.5;q=0.6", "en;level=1", "\tfr", "fr;q=0.000001", "fr;q=1.0000001",
    "en;q=0, fr;q=0", "i-klingon", "fr-" + "a" * 300,
]
HOSTS = {
    "normal": "localhost",
    "label63": "a" * 63 + ".example",
    "label64": "a" * 64 + ".example",
    "label200": "b" * 200 + ".example",
    "long-name": ".".join(["c" * 63] * 4),
    "empty": "",
    "ipv4": "10.0.0.1",
    "ipv6": "[::1]:8000",
    "ipv6-broken": "[::1",
    "unicode": "bücher.example",
    "punycode": "xn--bcher-kva.example",
    "bad-punycode": "xn--a.example",
    "bad-punycode2": "xn--zz-.example",
    "port-junk": "localhost:abc",
    "port-huge": "localhost:99999999999999999999",
    "dots": "a..b",
    "dot": ".",
    "dash": "-a-.example",
    "underscore": "_under.example",
    "space": "local host",
    "at": "user@localhost",
    "slash": "localhost/evil",
    "percent": "local%00host",
    "emoji": "☃.example",
    "long-4000": "d" * 4000,
    "two-colons": "a:1:2",
    "bare-ipv6": "::1",
    "empty-brackets": "[]",
    "brackets-junk": "[::1]junk",
    "brackets-long": "[" + "e" * 300 + "]",
    "trailing-colon": "localhost:",
    "port-only": ":80",
    "xn-emoji": "xn--ls8h.example",
    "xn-bare": "xn--",
    "trailing-dot": "localhost.",
    "latin1-byte": "caf\udce9.example",
    "label63x4-dot": ".".join(["f" * 63] * 4) + ".",
    "fullwidth-dot": "a\uff0eexample",
    "zero-width": "a\u200bb.example",
    "rtl": "\u202eexample.com",
}
JUNK_PATHS = {
    "unknown-lang": "/de/", "unknown-lang-q": "/xx/results", "upper-lang": "/EN/", "no-slash": "/en",
    "double-slash": "/en//question", "trailing": "/en/question/", "long": "/" + "a" * 1500,
    "long-lang": "/en/" + "b" * 1800, "too-long": "/" + "a" * 2100, "crlf": "/en/%0d%0a127.0.0.1%20-%20fake",
    "crlf-lang": "/%0d%0a/", "nul": "/%00", "nul-lang": "/en/%00", "dotdot": "/../etc/passwd",
    "static-dotdot": "/static/../app/factory.py", "static-dotdot-enc": "/static/%2e%2e/app/factory.py",
    "static-dotdot-enc2": "/static/..%2f..%2fREADME.md", "unicode": "/fr/été", "unicode-enc": "/fr/%C3%A9t%C3%A9",
    "bad-utf8": "/en/%ff%fe", "bad-utf8-lang": "/%ff/", "percent": "/%", "percent-zz": "/en/%zz", "root2": "//",
    "star": "*", "absolute": "http://evil.example/en/", "favicon": "/favicon.ico", "robots": "/robots.txt",
    "static-missing": "/static/nope.css", "static-dir": "/static/", "static-dir2": "/static", "tab": "/en/%09",
    "semicolon": "/en/;a=b", "encoded-slash": "/en%2Fresults", "backslash": "/en\\results", "lang-only": "/fr",
    "raw-utf8-lang": "/été/", "surrogate": "/en/%ED%A0%80", "question-static": "/en/static/style.css",
    "index": "/en/index.html", "lang-enc": "/%65%6e/", "overlong": "/%c0%af", "deep": "/en/" + "x/" * 300,
}
QUERIES = ["?a=1", "?answers=%7B%22region%22%3A%22calgary%22%7D", "?lang=fr", "?x=" + "y" * 500, "?%", "?%zz",
           "?é", "?a=1&a=2", "?=", "?&&&", "?history=%5B%5D", "?q=region", "?" + "%0d%0a", "?answers=" + BIG]
METHODS = ["GET", "POST", "HEAD", "PUT", "OPTIONS"]
ODD_METHODS = ["DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "get", "G\x00T", "GE T", "X" * 100, "POST\t"]
RAW_REQUESTS = {
    "empty": b"\r\n\r\n",
    "garbage": bytes(range(256)),
    "tls": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    "no-version": b"GET /en/\r\n\r\n",
    "http09": b"GET /en/\r\n",
    "http2": b"GET /en/ HTTP/2.0\r\nHost: localhost\r\n\r\n",
    "http12": b"GET /en/ HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "http10-nohost": b"GET /en/ HTTP/1.0\r\n\r\n",
    "http11-nohost": b"GET /en/ HTTP/1.1\r\nConnection: close\r\n\r\n",
    "extra-token": b"GET /en/ HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",
    "double-space": b"GET  /en/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "raw-space": b"GET /en/a b HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "lf-only": b"GET /en/ HTTP/1.1\nHost: localhost\nConnection: close\n\n",
    "cr-in-header": b"GET /en/ HTTP/1.1\r\nHost: local\rhost\r\nConnection: close\r\n\r\n",
    "nul-in-header": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n",
    "folding": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n",
    "space-before-colon": b"GET /en/ HTTP/1.1\r\nHost : localhost\r\nConnection: close\r\n\r\n",
    "no-colon": b"GET /en/ HTTP/1.1\r\nHost localhost\r\nConnection: close\r\n\r\n",
    "proxy": b"PROXY TCP4 1.2.3.4 5.6.7.8 80 80\r\nGET /en/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "absolute": b"GET http://evil.example/en/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "options-star": b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "connect": b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
    "request-line-2049": b"GET /" + b"a" * 2040 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "raw-utf8": "GET /fr/été HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode(),
    "raw-latin1": b"GET /fr/\xe9t\xe9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "raw-del": b"GET /en/\x7f HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "raw-quote": b'GET /en/" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    "chunked-bad": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                   b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
                   b"zz\r\nq=region\r\n0\r\n\r\n",
    "chunked-huge": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
                    b"ffffffffffffffffffff\r\nq=region\r\n0\r\n\r\n",
    **{f"chunked-{name}": b"POST /en/" + page + b" HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
       b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n" + body
       for name, page, body in [
           ("valid", b"answer", b"8\r\nq=region\r\n0\r\n\r\n"),
           ("missing-terminator", b"answer", b"3\r\nq=regionXX\r\n0\r\n\r\n"),
           ("bad-extension", b"results", b"8;\x01\r\nq=region\r\n0\r\n\r\n"),
           ("negative", b"check", b"-8\r\nq=region\r\n0\r\n\r\n"),
           ("size-space", b"question", b"8 \r\nq=region\r\n0\r\n\r\n"),
           ("trailer-junk", b"back", b"8\r\nq=region\r\n0\r\nX: y\r\nbad trailer\r\n\r\n"),
           ("truncated", b"answer", b"80\r\nq=region"),
           ("oversized", b"answer", (b"10000\r\n" + b"a" * 0x10000 + b"\r\n") * 2 + b"0\r\n\r\n"),
       ]},
    "te-and-cl": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"
                 b"Connection: close\r\n\r\n0\r\n\r\n",
    "te-gzip": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n",
    "two-lengths": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n"
                   b"Connection: close\r\n\r\nq=re",
    "length-junk": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
    "length-negative": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n"
                       b"Connection: close\r\n\r\n",
    "length-plus": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nContent-Length: +1\r\nConnection: close\r\n\r\nq",
    "length-huge": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999999\r\n"
                   b"Connection: close\r\n\r\nq=region",
    "expect": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 8\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nq=region",
    "expect-junk": b"POST /en/answer HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\nContent-Length: 0\r\n"
                   b"Connection: close\r\n\r\n",
    "upgrade-h2c": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                   b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
    "h2-preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "scheme-conflict": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n"
                       b"Connection: close\r\n\r\n",
    "underscore-header": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX_Forwarded_Proto: https\r\n"
                         b"Connection: close\r\n\r\n",
    "51-headers": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(51))
                  + b"\r\n",
    "header-5000": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 5000 + b"\r\nConnection: close\r\n\r\n",
    "header-name-junk": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX(A): b\r\nConnection: close\r\n\r\n",
    "host-twice": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
}


class Fuzzer:
    """Seeded generators of requests and of whole walks through the questionnaire."""

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self.qids = list(vocabulary.questions())
        self.groups = {gid: g for gid, g in vocabulary.groups.items() if g.kind != "union"}

    # ---------------- households and answers

    def value(self, rng: random.Random, fact):
        if fact.type == "yesno":
            return rng.random() < 0.5
        if fact.type == "choice":
            return rng.choice(fact.choice_values())
        if fact.type == "date":
            return f"{rng.randint(1900, 2030):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        low = fact.minimum if fact.minimum is not None else -10**6
        high = fact.maximum if fact.maximum is not None else 10**7
        if fact.integer:
            if rng.random() < 0.1:
                return int(rng.choice([low, high]))
            return rng.randint(int(max(low, 0)), int(min(high, max(low, 0) + 90)))
        roll = rng.random()
        if roll < 0.1:
            return rng.choice([low, high, 0])
        value = rng.randint(int(max(low, 0)), int(min(high, 120_000)))
        return value + 0.5 if roll < 0.2 else value

    def answer(self, rng: random.Random, fact, dont_know: float = 0.12):
        if fact.dont_know and rng.random() < dont_know:
            return "dont_know"
        return self.value(rng, fact)

    def household(self, rng: random.Random) -> dict:
        """Answers to every question, valid, some "I don't know" (a walk asks only what matters)."""
        dont_know = rng.choice([0.0, 0.1, 0.3])
        household = {fid: self.answer(rng, fact, dont_know) for fid, fact in self.vocabulary.facts.items()}
        for gid, group in self.groups.items():
            if group.kind == "list":
                if group.dont_know and rng.random() < dont_know / 3:
                    household[gid] = "dont_know"
                else:
                    size = min(group.maximum, rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, group.maximum]))
                    household[gid] = [self.person(rng, group, dont_know) for _ in range(size)]
            else:
                household[gid] = self.person(rng, group, dont_know)
        return household

    def person(self, rng: random.Random, group, dont_know: float) -> dict:
        return {name: self.answer(rng, fact, dont_know) for name, fact in group.facts.items()}

    def partial(self, rng: random.Random, household: dict) -> dict:
        """Some of a household's answers, as a part-way questionnaire carries them."""
        return {k: v for k, v in household.items() if rng.random() < 0.7}

    def _slots(self, answers: dict) -> list:
        """Every place in the answers where a value sits: (container, key, label)."""
        slots = [(answers, key, key) for key in answers]
        for gid in self.groups:
            value = answers.get(gid)
            if isinstance(value, dict):
                slots += [(value, name, f"{gid}.{name}") for name in value]
            elif isinstance(value, list):
                for person in value:
                    if isinstance(person, dict):
                        slots += [(person, name, f"{gid}[].{name}") for name in person]
        return slots

    def edge_value(self, rng: random.Random):
        """(label, Python value or raw JSON text) of an unusual answer."""
        raw = [("int400", BIG), ("neg-int400", "-" + "9" * 400), ("int5000", "1" * 5000), ("1e309", "1e309"),
               ("-1e309", "-1e309"), ("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
               ("1e-400", "1e-400"), ("float400", BIG + ".5"), ("zeros", "0" * 1000 + "1"), ("2^64", str(2**64)),
               ("1e308", "1e308"), ("-1e308", "-1e308"), ("5e-324", "5e-324"), ("-0", "-0.0")]
        python = [("neg", -1), ("neg-big", -10**9), ("half", 18.5), ("huge-float", 1.7e308), ("true", True),
                  ("null", None), ("list", []), ("dict", {}), ("list1", [1]), ("dict1", {"a": 1}),
                  ("str-num", "12"), ("str-int400", BIG), ("str-1e309", "1e309"), ("str-nan", "nan"),
                  ("unicode-digits", "١٢"), ("spaces", " 7 "), ("dont_know", "dont_know"), ("DONT_KNOW", "DONT_KNOW"),
                  ("yes", "yes"), ("Yes", "Yes"), ("no-space", "no "), ("empty", ""), ("surrogate", "\ud800"),
                  ("long-str", "x" * 5000), ("choice-junk", "calgary "), ("max+1", 10**7 + 1), ("age121", 121),
                  ("nested", [[[[[]]]]]), ("2^63", 2**63), ("date", "2025-02-30"), ("nul", "\x00")]
        if rng.random() < 0.45:
            label, text = rng.choice(raw)
            return label, RawJson(text)
        return rng.choice(python)

    def mutate_answers(self, rng: random.Random, answers: dict) -> tuple[str, str]:
        """(tag, JSON text) of answers with something wrong in them."""
        answers = json.loads(json.dumps(answers))
        roll = rng.random()
        if roll < 0.45 and answers:
            slots = self._slots(answers)
            container, key, label = rng.choice(slots)
            name, value = self.edge_value(rng)
            container[key] = value
            return f"answers:{name}@{label}", dumps(answers)
        if roll < 0.6:
            gid = rng.choice(list(self.groups))
            name, value = rng.choice([
                ("list", []), ("str", "x"), ("int", 5), ("list-of-dict", [{"age": 1}]), ("dict", {}),
                ("list-of-int", [1, 2]), ("list-of-list", [[{}]]), ("dont_know", "dont_know"),
                ("13-people", [{"age": 3}] * 13), ("1000-people", [{}] * 1000),
                ("people-dont-know", [{"age": "dont_know"}]),
                ("unknown-fact", {"shoe_size": 3}), ("none", None), ("bigint-person", [{"age": RawJson(BIG)}]),
            ])
            answers[gid] = value
            return f"answers:group-{name}@{gid}", dumps(answers)
        if roll < 0.7:
            key, label = rng.choice([("__proto__", "proto"), ("constructor", "constructor"), ("region.x", "dotted"),
                                     ("children[1].age", "indexed"), ("", "empty-key"), ("you.age", "you.age-key"),
                                     ("k" * 5000, "long-key"), ("é", "unicode-key"), ("\ud800", "surrogate-key"),
                                     ("adults", "union-group"), ("children[0].age", "indexed0"),
                                     ("children[99999999999999999999].age", "indexed-huge")])
            answers[key] = rng.choice([1, "x", {}, [], None, RawJson(BIG)])
            return f"answers:key-{label}", dumps(answers)
        text = rng.choice([
            ("top-list", "[]"), ("top-str", '"x"'), ("top-int", "1"), ("top-null", "null"), ("top-true", "true"),
            ("deep-list", "[" * 9000 + "]" * 9000), ("deep-dict", '{"a":' * 3000 + "1" + "}" * 3000),
            ("deep-you", '{"you":' + '{"age":' * 2500 + "1" + "}" * 2501),
            ("deep-children", '{"children":' + "[" * 6000 + "]" * 6000 + "}"),
            ("deep-over-limit", "[" * 30000 + "]" * 30000), ("at-limit", json.dumps({"x": "y" * 19990})),
            ("over-limit", json.dumps({"x": "y" * 20010})), ("truncated", dumps(answers)[:-3]),
            ("single-quotes", "{'region': 'calgary'}"), ("trailing-comma", '{"region":"calgary",}'),
            ("bom", "\ufeff" + dumps(answers)), ("duplicate-keys", '{"region":"calgary","region":"nowhere"}'),
            ("lone-surrogate", '{"region":"\\ud800"}'), ("nul", '{"region":"calgary\\u0000"}'),
            ("empty", ""), ("spaces", "   "), ("js", "{region: calgary}"), ("int5000-raw", "1" * 5000),
            ("int400-top", BIG), ("nan-top", "NaN"),
        ])
        return f"answers:{text[0]}", text[1]

    def history(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice([
            ("valid", json.dumps(rng.sample(self.qids, rng.randint(0, len(self.qids))))),
            ("junk-ids", json.dumps(["x", "you", "adults.age", "", "\ud800"])),
            ("non-strings", json.dumps([1, None, [], {}, True, 1.5])),
            ("dict", json.dumps({"a": 1})), ("str", '"region"'), ("nested", '[["region"]]'),
            ("repeated", json.dumps(["region"] * 1500)), ("too-long", json.dumps(["x"] * 10000)),
            ("deep", "[" * 9000 + "]" * 9000), ("int400", "[" + BIG + "]"), ("invalid", "[region"),
            ("all-twice", json.dumps(self.qids * 2)), ("empty", ""),
        ])

    def qid(self, rng: random.Random) -> tuple[str, str]:
        if rng.random() < 0.6:
            return "real", rng.choice(self.qids)
        return "junk", rng.choice(QID_JUNK)

    def field_values(self, rng: random.Random, qid: str, household: dict, form=None) -> tuple[str, dict]:
        """Typed values for a question page (its question ids, comma-joined): right, or wrong in some way."""
        from tests.pages import fields_for

        try:
            known = all(self.vocabulary.question(q) for q in qid.split(","))
            fields = fields_for(qid, household, self.vocabulary, form) if known else {}
        except Exception:  # a junk question id, or a household that does not fit it
            fields = {}
        roll = rng.random()
        if roll < 0.35:
            return "", fields
        index = rng.choice([0, 0, 0, 1, 2, 11, 12, 13, 99999, -1])
        base = rng.choice(qid.split(",")) if qid else "value"
        name = rng.choice([f"{base}-{index}", f"{base}-{index}", f"{base}-{index}-dont_know"])
        if name.startswith("dont_know"):
            value = rng.choice(["y", "n", "", "on", "true", "0", "x" * 100, "\x00"])
        else:
            value = rng.choice(TEXT_NUMBERS + CHOICE_JUNK) if roll < 0.9 else rng.choice(["1" * 39, "9" * 40, BIG])
        fields[name] = value
        label = "big" if value in (BIG, "9" * 40, "1" * 39) else "junk"
        return f"field:{label}-{name.split('-')[0]}", fields

    # ---------------- bodies

    def form_body(self, rng: random.Random, page: str) -> tuple[list, dict]:
        """(tags, fields) of a plausible form for one of our POST pages, maybe with something wrong."""
        tags = []
        household = self.household(rng)
        answers = household if page in ("check", "results") and rng.random() < 0.8 else self.partial(rng, household)
        fields = {"answers": dumps(answers), "history": json.dumps(rng.sample(self.qids, rng.randint(0, 8)))}
        if page in ("question", "answer", "back"):
            _, fields["q"] = self.qid(rng)
            if page == "answer":
                fields.update(self.field_values(rng, fields["q"], household)[1])
            if rng.random() < 0.2:
                fields["return"] = rng.choice(["check", "", "x", "check\x00"])
            if page == "question" and rng.random() < 0.2:
                fields["start"] = rng.choice(["1", "", "0", "x"])
        return tags, fields

    def mutate_form(self, rng: random.Random, page: str, fields: dict) -> tuple[list, dict]:
        what = rng.choice(["answers", "answers", "answers", "history", "q", "fields", "drop", "dupe"])
        household = self.household(rng)
        if what == "answers":
            tag, fields["answers"] = self.mutate_answers(rng, self.partial(rng, household))
        elif what == "history":
            tag, fields["history"] = self.history(rng)
            tag = "history:" + tag
        elif what == "q":
            fields["q"] = rng.choice(QID_JUNK)
            tag = "q:junk"
        elif what == "fields":
            qid = fields.get("q") or rng.choice(self.qids)
            tag, values = self.field_values(rng, qid, household)
            fields.update(values)
            tag = tag or "field:valid"
        elif what == "drop":
            for key in rng.sample(list(fields), k=min(len(fields), rng.randint(1, 2))):
                fields.pop(key)
            tag = "form:dropped-field"
        else:
            fields = list(fields.items()) + [("answers", dumps(household)), ("q", rng.choice(self.qids))]
            tag = "form:duplicate-fields"
        return [tag], fields

    def encode_body(self, rng: random.Random, fields) -> tuple[list, bytes, str | None, dict]:
        """(tags, body, content type, options for make_request) for a form, sometimes sent oddly."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        roll = rng.random()
        if roll < 0.55:
            return [], urlencode(pairs), FORM, {}
        kind = rng.choice(["multipart", "multipart-many", "json", "text", "none", "charset", "boundary-missing",
                           "junk-type", "truncated", "truncated", "oversized", "oversized-small", "raw-percent",
                           "non-utf8", "empty", "length-short", "gzip"])
        tag = [f"body:{kind}"]
        if kind == "multipart":
            body, ctype = multipart(pairs, rng)
            return tag, body, ctype, {}
        if kind == "multipart-many":
            body, ctype = multipart(pairs + [(f"x{i}", "1") for i in range(rng.choice([150, 250, 1000]))], rng)
            return tag, body, ctype, {}
        if kind == "json":
            return tag, json.dumps(dict(pairs)).encode(), "application/json", {}
        if kind == "text":
            return tag, urlencode(pairs), "text/plain", {}
        if kind == "none":
            return tag, urlencode(pairs), None, {}
        if kind == "charset":
            return tag, urlencode(pairs), rng.choice([FORM + "; charset=utf-16", FORM + "; charset=latin-1",
                                                      FORM + "; charset=nope", FORM + "; charset="]), {}
        if kind == "boundary-missing":
            body, _ = multipart(pairs, rng)
            return tag, body, rng.choice(["multipart/form-data", "multipart/form-data; boundary=",
                                          'multipart/form-data; boundary="' + "b" * 300 + '"']), {}
        if kind == "junk-type":
            return tag, urlencode(pairs), rng.choice(["x", "/", ";;", "application/x-www-form-urlencoded\x00",
                                                      "é/é", "a" * 3000, "multipart/mixed"]), {}
        if kind == "truncated":
            body = urlencode(pairs)
            return tag, body, FORM, {"send_length": rng.randint(0, max(0, len(body) - 1))}
        if kind == "oversized":
            padding = "z" * (MAX_BODY + rng.randint(1, 200_000))
            return tag, urlencode(pairs + [("pad", padding)]), FORM, {}
        if kind == "oversized-small":
            padding = "z" * (MAX_BODY - len(urlencode(pairs)) + rng.randint(-20, 20))
            return tag, urlencode(pairs + [("pad", padding)]), FORM, {}
        if kind == "raw-percent":
            junk = rng.choice([b"%", b"%zz", b"a=b&&&=&", b"answers=%FF%FE", b"=", b"&", b"answers=%",
                               b"q=%C0%AF", b"answers=%7B%22you%22%3A%7B%22age%22%3A" + BIG.encode() + b"%7D%7D"])
            return tag, urlencode(pairs) + b"&" + junk, FORM, {}
        if kind == "non-utf8":
            return tag, urlencode(pairs) + b"&q=\xff\xfe&value-0=\xe9", FORM, {}
        if kind == "empty":
            return tag, b"", FORM, {}
        if kind == "length-short":
            body = urlencode(pairs)
            return tag, body, FORM, {"length": str(max(0, len(body) // 2))}
        return tag, urlencode(pairs), FORM, {"extra": [("Content-Encoding", "gzip")]}

    # ---------------- headers

    def headers(self, rng: random.Random) -> tuple[list, str | None, list]:
        """(tags, host or None for no Host header, extra headers)."""
        roll = rng.random()
        if roll < 0.45:
            name = rng.choice(list(HOSTS) + ["none"])
            return [f"host:{name}"], HOSTS.get(name), []
        if roll < 0.7:
            value = rng.choice(ACCEPT_LANGUAGES)
            return ["accept-language"], "localhost", [("Accept-Language", value)]
        if roll < 0.85:
            extra = rng.choice([
                [("X-Forwarded-Proto", "https")], [("X-Forwarded-Proto", "https, http")],
                [("X-Forwarded-Proto", "ftp")], [("X-Forwarded-Proto", "")], [("X-Forwarded-Ssl", "on")],
                [("X-Forwarded-For", "1.2.3.4, junk, ::1")], [("X-Forwarded-Host", "evil.example")],
                [("Forwarded", "for=1.2.3.4;proto=https;host=evil.example")], [("X-Forwarded-Port", "abc")],
                [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "a" * 64 + ".example")],
                [("X-Forwarded-Prefix", "/evil")], [("X-Real-Ip", "\x7f")],
            ])
            return ["forwarded:" + ",".join(k for k, _ in extra)], "localhost", extra
        extra = rng.choice([
            [("Accept-Language", "fr")] * 30, [(f"X-Junk-{i}", "a" * 60) for i in range(45)],
            [("X-Big", "a" * 4000)], [("Cookie", "session=" + "x" * 3000)], [("Cookie", "a=b; " * 500)],
            [("User-Agent", "é☃\ud800")], [("Accept", "*/*;q=abc")], [("Accept-Encoding", "gzip;q=1e309")],
            [("Range", "bytes=0-10")], [("Range", "bytes=abc")], [("Range", "bytes=999999-")],
            [("Range", "bytes=" + ",".join("1-2" for _ in range(500)))], [("If-Modified-Since", "yesterday")],
            [("If-None-Match", "*")], [("If-Range", "junk")], [("Referer", "https://evil.example/?answers=x")],
            [("Authorization", "Basic " + "A" * 3000)], [("Origin", "null")], [("Sec-Fetch-Site", "cross-site")],
            [("X-HTTP-Method-Override", "DELETE")], [("Accept-Charset", "utf-16")],
            [("Accept-Encoding", "gzip")], [("Accept-Encoding", "br")], [("Accept-Encoding", "*")],
            [("Accept-Encoding", "gzip;q=0, br;q=0, identity;q=0")], [("Accept-Encoding", "x" * 3000)],
            [("Accept-Encoding", "br, gzip"), ("Range", "bytes=0-10")], [("Accept-Encoding", "deflate, zstd")],
        ])
        return ["headers:" + extra[0][0].lower()], "localhost", extra

    # ---------------- jobs: a single request or a walk; each is a generator of requests

    def single(self, rng: random.Random):
        """One request, with one (mostly) or a few things unusual about it."""
        if rng.random() < 0.04:
            name = rng.choice(list(RAW_REQUESTS))
            yield Request("RAW", "", raw=RAW_REQUESTS[name], tags=(f"raw:{name}",))
            return
        dims = rng.sample(["method", "path", "query", "headers", "body", "body"],
                          1 if rng.random() < 0.6 else rng.randint(2, 4))
        tags = []
        path = rng.choice(REAL_PATHS)
        page = path.rstrip("/").rsplit("/", 1)[-1]
        method = "POST" if page in POST_PAGES else "GET"
        if "path" in dims:
            name = rng.choice(list(JUNK_PATHS))
            path = JUNK_PATHS[name]
            tags.append(f"path:{name}")
        if "method" in dims:
            method = rng.choice(METHODS + ODD_METHODS if rng.random() < 0.2 else METHODS)
            tags.append(f"method:{method}")
        if "query" in dims:
            path += rng.choice(QUERIES)
            tags.append("query")
        host, extra = "localhost", []
        if "headers" in dims:
            more, host, extra = self.headers(rng)
            tags += more
        body, ctype, options = b"", None, {}
        if method in ("POST", "PUT") or "body" in dims:
            more, fields = self.form_body(rng, page if page in POST_PAGES else "answer")
            tags += more
            if "body" in dims:
                more, fields = self.mutate_form(rng, page, fields)
                tags += more
                more, body, ctype, options = self.encode_body(rng, fields)
                tags += more
            else:
                body, ctype = urlencode(list(fields.items())), FORM
        options.setdefault("extra", [])
        options["extra"] = extra + options["extra"]
        yield make_request(method, path, body, tags=tags, host=host, content_type=ctype, **options)

    def walk(self, rng: random.Random):
        """A person going through the questionnaire, now and then doing something odd."""
        from tests.pages import Page, fields_for

        lang = rng.choice(LANGS)
        household = self.household(rng)
        accept = [("Accept-Language", rng.choice(["en-CA,en;q=0.9", "fr-CA,fr;q=0.9", "de"]))]
        if rng.random() < 0.3:
            accept.append(("Accept-Encoding", "gzip"))  # the pages compressed, read back gunzipped

        def submit(path, fields, tags):
            return post(path, fields, tags, extra=accept)

        if rng.random() < 0.3:
            yield make_request("GET", "/", tags=["walk:root"], extra=accept)
        response = yield make_request("GET", f"/{lang}/", tags=["walk:start"], extra=accept)
        response = yield submit(f"/{lang}/question", {"start": "1"}, ["walk:begin"])
        for _ in range(80):
            if response.status != 200:
                return
            page = Page(response.text)
            try:
                form = page.form("/answer")
            except AssertionError:
                break
            hidden = Page.hidden(form)
            qid = hidden.get("q", "")
            roll = rng.random()
            if roll < 0.03:  # a wrong value: the same page again, with an error
                tag, values = self.field_values(rng, qid, household, form)
                response = yield submit(f"/{lang}/answer", {**hidden, **values}, ["walk:" + (tag or "valid")])
            elif roll < 0.06:  # Back
                back = Page.hidden(page.form("/back"))
                response = yield submit(f"/{lang}/back", back, ["walk:back"])
                if response.status in (302, 303):
                    return
            elif roll < 0.09:  # the language toggle
                other = "fr" if lang == "en" else "en"
                toggle = Page.hidden(page.form(f"/{other}/question"))
                response = yield submit(f"/{other}/question", toggle, ["walk:toggle"])
                lang = other
            elif roll < 0.11:  # answers tampered with on the way
                tag, hidden["answers"] = self.mutate_answers(rng, household)
                values = fields_for(qid, household, self.vocabulary, form)
                response = yield submit(f"/{lang}/answer", {**hidden, **values}, ["walk", tag])
            else:
                values = fields_for(qid, household, self.vocabulary, form)
                response = yield submit(f"/{lang}/answer", {**hidden, **values}, ["walk:answer"])
        if response.status != 200:
            return
        page = Page(response.text)
        try:
            results = Page.hidden(page.form("/results"))
        except AssertionError:
            return
        if rng.random() < 0.15:  # Change an answer from the check page, then come back
            changes = [f for f in page.forms if f["action"].endswith("/question") and "return" in f["fields"]]
            if changes:
                change = Page.hidden(rng.choice(changes))
                response = yield submit(f"/{lang}/question", change, ["walk:change"])
                if response.status == 200:
                    try:
                        change_form = Page(response.text).form("/answer")
                        hidden = Page.hidden(change_form)
                        other = self.household(rng)
                        values = fields_for(hidden["q"], other, self.vocabulary, change_form)
                        response = yield submit(f"/{lang}/answer", {**hidden, **values}, ["walk:changed"])
                        results = Page.hidden(Page(response.text).form("/results"))
                    except (AssertionError, KeyError):
                        pass
        response = yield submit(f"/{lang}/results", results, ["walk:results"])
        if rng.random() < 0.2:
            other = "fr" if lang == "en" else "en"
            response = yield submit(f"/{other}/results", results, ["walk:results-toggle"])
        if rng.random() < 0.2:
            yield submit(f"/{lang}/check", results, ["walk:check-again"])
        if rng.random() < 0.2:
            tag, results["answers"] = self.mutate_answers(rng, household)
            yield submit(f"/{lang}/results", results, ["walk", tag])

    def job(self, seed, index: int):
        rng = random.Random(f"{seed}:{index}")
        return self.walk(rng) if rng.random() < 0.07 else self.single(rng)


class RawJson(str):
    """Text to put into JSON as is (a number JSON allows but Python would write otherwise)."""


def dumps(value) -> str:
    raws = []

    def default(obj):
        raise TypeError(obj)

    def mark(obj):
        if isinstance(obj, RawJson):
            raws.append(str(obj))
            return f"@@raw{len(raws) - 1}@@"
        if isinstance(obj, dict):
            return {k: mark(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [mark(v) for v in obj]
        return obj

    text = json.dumps(mark(value), separators=(",", ":"), default=default)  # "\ud800" stays a lone surrogate
    for number, raw in enumerate(raws):
        text = text.replace(f'"@@raw{number}@@"', raw)
    return text


def urlencode(pairs) -> bytes:
    def quote(value) -> str:
        data = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
        return urllib.parse.quote_plus(data)

    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode("ascii")


def multipart(pairs, rng: random.Random) -> tuple[bytes, str]:
    boundary = f"fuzz{rng.getrandbits(64):016x}"
    parts = []
    for name, value in pairs:
        data = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
        filename = '; filename="a.txt"' if rng.random() < 0.05 else ""
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n'
                     .encode("utf-8", "surrogatepass") + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(path: str, fields: dict, tags, extra=()) -> Request:
    return make_request("POST", path, urlencode(list(fields.items())), tags=tags, content_type=FORM, extra=extra)


# ---------------------------------------------------------------- running and counting


@dataclass
class Failure:
    request: Request
    response: Response
    count: int = 1
    logged: str = ""  # what the server logged when it was replayed alone
    explained: str = ""  # the traceback when the same request is run in-process

    @property
    def status(self) -> str:
        return str(self.response.status) + (" +Traceback" if self.response.traceback else "")


@dataclass
class Report:
    requests: int = 0
    seconds: float = 0.0
    seed: object = None
    concurrency: int = 0
    workers: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)  # "timeout" etc. -> count
    errors_by_tag: collections.Counter = field(default_factory=collections.Counter)
    missing: collections.Counter = field(default_factory=collections.Counter)  # (status, header) -> count
    gunicorn_own: collections.Counter = field(default_factory=collections.Counter)  # status -> count
    routes: collections.Counter = field(default_factory=collections.Counter)  # (method, route, status) -> count
    failures: dict = field(default_factory=dict)  # frozenset(tags) + status -> Failure
    server_errors: int = 0  # 5xx responses and tracebacks
    walks: int = 0
    walk_requests: int = 0
    slowest: list = field(default_factory=list)  # (seconds, reproducer)
    log_counts: collections.Counter = field(default_factory=collections.Counter)
    access_lines: int = 0
    access_malformed: list = field(default_factory=list)
    stopped_early: str = ""

    def distinct(self) -> list[Failure]:
        """Distinct failures, simplest (fewest things unusual) first, then in order of first occurrence."""
        return sorted(self.failures.values(), key=lambda f: len(f.request.tags))


class Runner:
    def __init__(self, port: int, fuzzer: Fuzzer, seed, total: int, time_limit: float, timeout: float):
        self.port, self.fuzzer, self.seed = port, fuzzer, seed
        self.total, self.deadline, self.timeout = total, time.monotonic() + time_limit, timeout
        self.lock = threading.Lock()
        self.sent = 0
        self.jobs = itertools.count()
        self.report = Report()

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.total or time.monotonic() > self.deadline:
                return False
            self.sent += 1
            return True

    def worker(self) -> None:
        while True:
            with self.lock:
                index = next(self.jobs)
            job = self.fuzzer.job(self.seed, index)
            response = None
            try:
                request = next(job)
                if request.tags and request.tags[0] in ("walk:root", "walk:start"):
                    with self.lock:
                        self.report.walks += 1
                while True:
                    if not self.take():
                        job.close()
                        return
                    response = send(self.port, request, self.timeout)
                    self.record(request, response)
                    request = job.send(response)
            except StopIteration:
                continue
            except Exception:  # a bug in the fuzzer itself must not hide what was found so far
                with self.lock:
                    self.report.errors["fuzzer bug: " + traceback.format_exc().strip().splitlines()[-1]] += 1

    def record(self, request: Request, response: Response) -> None:
        report = self.report
        with self.lock:
            if response.error:
                report.errors[response.error] += 1
                report.errors_by_tag[(response.error, " ".join(request.tags))] += 1
                return
            status = response.status
            report.statuses[status] += 1
            if request.tags and request.tags[0].startswith("walk"):
                report.walk_requests += 1
            route = request.target.split("?", 1)[0] if request.raw is None else "(raw)"
            route = route if route in REAL_PATHS else "(other)"
            report.routes[(request.method if request.raw is None else "", route, status)] += 1
            if response.from_gunicorn:
                report.gunicorn_own[status] += 1
            else:
                for name in REQUIRED_HEADERS:
                    if response.header(name) is None:
                        report.missing[(status, name)] += 1
            if status >= 500 or response.traceback:
                report.server_errors += 1
                key = (frozenset(request.tags), status)
                if key in report.failures:
                    report.failures[key].count += 1
                else:
                    report.failures[key] = Failure(request, response)
            if len(report.slowest) < 10 or response.seconds > report.slowest[-1][0]:
                report.slowest.append((response.seconds, status, request.reproducer(120)))
                report.slowest.sort(key=lambda item: -item[0])
                del report.slowest[10:]


LOG_PATTERNS = {
    "worker timeout": "WORKER TIMEOUT",
    "worker killed": "was sent SIGKILL",
    "worker exited with error": "exited with code",
    "Error handling request (gunicorn caught an exception)": "Error handling request",
    "unexpected error (the app's own 500 handler)": "unexpected error on",
    "Traceback": "Traceback (most recent call last)",
    "Invalid request from ip=": "Invalid request from ip=",
}
ACCESS_LINE = re.compile(r'^\[[^\]]+\] "[^"]*" \d{3} \S+ \d+ms$')


def log_signature(text: str) -> str:
    """What the server logged about one request: the app's line, or the end of gunicorn's traceback."""
    found = []
    for match in re.finditer(r"unexpected error on (.*?): (\w+)", text):
        found.append(f"app: unexpected error on {match.group(1)}: {match.group(2)}")
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if "Error handling request" in line:
            block = []
            for following in lines[number + 1:]:
                if re.match(r"\[\d{4}-", following):
                    break
                block.append(following)
            frames = [b.strip() for b in block if b.strip().startswith('File "')]
            last = next((b.strip() for b in reversed(block) if b.strip() and not b.startswith(" ")), "")
            where = frames[-1] if frames else ""
            found.append(f"gunicorn: {line.split(']')[-1].strip()} -> {last} ({_short_frame(where)})")
    return "; ".join(found) if found else "(nothing logged)"


def _short_frame(frame: str) -> str:
    match = re.match(r'File "(.*)", line (\d+), in (.*)', frame)
    if not match:
        return frame
    path = match.group(1)
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{match.group(2)} in {match.group(3)}"


def replay(server: Server, failures: list[Failure], timeout: float) -> None:
    """Send each failing request again, alone, and keep what the server logged for it."""
    for failure in failures:
        offset = server.log_size()
        response = send(server.port, failure.request, timeout)
        time.sleep(0.3)
        status = response.status if response.status is not None else response.error
        failure.logged = f"replayed: {status}; log: {log_signature(server.log_text(offset))}"


def explain_in_process(failures: list[Failure]) -> None:
    """Run each failing request through the app in this process, to see the traceback the app's
    500 handler keeps out of the log. Best effort: the environ is built the way gunicorn builds it."""
    try:
        from werkzeug.exceptions import HTTPException

        from app import create_app

        app = create_app({"SCREENING_DATE": SCREENING_DATE})
    except Exception as error:  # the app being restructured, say
        for failure in failures:
            failure.explained = f"(in-process replay unavailable: {type(error).__name__}: {error})"
        return
    caught: list[str] = []
    original = app.handle_user_exception

    def keep(error):
        if not isinstance(error, HTTPException):
            caught.append(traceback.format_exc())
        return original(error)

    app.handle_user_exception = keep
    for failure in failures:
        caught.clear()
        if failure.request.raw is not None:
            failure.explained = "(a raw request: not replayed in-process)"
            continue
        try:
            environ = wsgi_environ(failure.request)
        except Exception as error:
            failure.explained = f"(cannot build an environ: {error})"
            continue
        status: list = []

        def start_response(line, headers, exc_info=None, status=status):
            status.append(line)

        try:
            b"".join(app(environ, start_response))
        except Exception:
            caught.append(traceback.format_exc())
        failure.explained = "; then ".join(_traceback_summary(t) for t in caught) or \
            f"(no exception in-process; status {status[0] if status else '?'})"


def _traceback_summary(text: str) -> str:
    lines = text.strip().splitlines()
    last = lines[-1] if lines else ""
    frames = [line.strip() for line in lines if line.strip().startswith('File "')]
    ours = [_short_frame(f) for f in frames if str(ROOT) in f and "/.venv/" not in f]
    where = " <- ".join(reversed(ours[-3:])) if ours else (_short_frame(frames[-1]) if frames else "")
    return f"{_cut(last, 200)} at {where}"


def wsgi_environ(request: Request) -> dict:
    """The WSGI environ gunicorn would build for this request (close enough to replay it)."""
    target = request.target
    path, _, query = target.partition("?")
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    body = request.body if request.send_length is None else request.body[: request.send_length]
    environ = {
        "REQUEST_METHOD": request.method, "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote_to_bytes(_bytes(path)).decode("latin-1"),
        "QUERY_STRING": _bytes(query).decode("latin-1"), "RAW_URI": target, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": request.version or "HTTP/1.0", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    for name, value in request.headers:
        key = name.upper().replace("-", "_")
        value = _bytes(value).decode("latin-1")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = "HTTP_" + key
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    if environ.get("HTTP_X_FORWARDED_PROTO", "").lower() == "https":
        environ["wsgi.url_scheme"] = "https"
    return environ


def run(requests: int = 100_000, seed=1, concurrency: int = 4, time_limit: float = 900, workers: int = 2,
        timeout: float = 30, explain: bool = True, keep_logs: bool = False, out=print, progress=False) -> Report:
    """Start gunicorn, fuzz it, stop it; returns the Report (also printed through `out`, if given)."""
    from app.engine import load_ruleset
    from app.paths import RULES_DIR

    fuzzer = Fuzzer(load_ruleset(RULES_DIR).vocabulary)
    with Server(workers=workers, keep_logs=keep_logs) as server:
        if keep_logs and out:
            out(f"logs kept in {server.log_dir}")
        runner = Runner(server.port, fuzzer, seed, requests, time_limit, timeout)
        started = time.monotonic()
        threads = [threading.Thread(target=runner.worker, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        next_note = started + 60
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.2)
            if progress and time.monotonic() >= next_note:
                next_note += 60
                elapsed = time.monotonic() - started
                with runner.lock:
                    done, errors = runner.sent, runner.report.server_errors
                print(f"… {elapsed:.0f} s: {done:,} requests ({done / elapsed:.0f}/s), {errors} server errors so far",
                      file=sys.stderr, flush=True)
        report = runner.report
        report.seconds = time.monotonic() - started
        report.requests = runner.sent
        report.seed, report.concurrency, report.workers = seed, concurrency, workers
        if runner.sent < requests:
            report.stopped_early = f"time limit of {time_limit:g} s reached after {runner.sent} of {requests} requests"
        time.sleep(0.5)
        text = server.log_text()
        for name, needle in LOG_PATTERNS.items():
            report.log_counts[name] = text.count(needle)
        try:
            access = server.access_log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            access = []
        report.access_lines = len(access)
        report.access_malformed = [line for line in access if not ACCESS_LINE.match(line)][:5]
        shown = report.distinct()[:REPRODUCERS_SHOWN]
        replay(server, shown, timeout)
    if explain and shown:
        explain_in_process(shown)
    if out:
        out(format_report(report))
    return report


def format_report(report: Report) -> str:
    lines = []
    rate = report.requests / report.seconds if report.seconds else 0
    lines.append(f"Fuzzed gunicorn ({report.workers} workers, shipped gunicorn.conf.py) with {report.requests:,} "
                 f"requests (seed {report.seed}, concurrency {report.concurrency}) in {report.seconds:.1f} s: "
                 f"{rate:.0f} requests/s; {report.walks:,} questionnaire walks ({report.walk_requests:,} requests).")
    if report.stopped_early:
        lines.append(f"STOPPED EARLY: {report.stopped_early}.")
    lines.append("")
    lines.append("status   responses")
    for status, count in sorted(report.statuses.items()):
        lines.append(f"{status:<8} {count:>9,}")
    lines.append(f"{'total':<8} {sum(report.statuses.values()):>9,}")
    if report.errors:
        lines.append("")
        lines.append("no HTTP response (connection errors and timeouts):")
        for error, count in report.errors.most_common():
            lines.append(f"  {error:<20} {count:>9,}")
        lines.append("  by request (most common): " + "; ".join(
            f"{error} {tags or '-'} ×{count}" for (error, tags), count in report.errors_by_tag.most_common(6)))
    lines.append("")
    lines.append("the real routes, with their own method (status: responses):")
    for route in REAL_PATHS:
        method = "POST" if route.rstrip("/").rsplit("/", 1)[-1] in POST_PAGES else "GET"
        counts = {s: c for (m, r, s), c in sorted(report.routes.items()) if m == method and r == route}
        lines.append(f"  {method:<4} {route:<20} " + ", ".join(f"{s}: {c:,}" for s, c in counts.items()))
    lines.append("")
    if report.missing:
        lines.append("responses from the app MISSING security headers (status, header: count):")
        for (status, name), count in sorted(report.missing.items()):
            lines.append(f"  {status} {name}: {count:,}")
    else:
        lines.append("every response from the app had Content-Security-Policy and X-Content-Type-Options.")
    if report.gunicorn_own:
        own = ", ".join(f"{s}: {c:,}" for s, c in sorted(report.gunicorn_own.items()))
        lines.append(f"gunicorn's own error pages (malformed requests that never reach the app; no security "
                     f"headers, exempt): {own}")
    lines.append("")
    lines.append("server log: " + ", ".join(f"{name}: {count:,}" for name, count in report.log_counts.items()))
    lines.append(f"access log: {report.access_lines:,} lines, "
                 f"{'none' if not report.access_malformed else len(report.access_malformed)} malformed"
                 + (": " + " | ".join(repr(m) for m in report.access_malformed) if report.access_malformed else ""))
    lines.append("slowest: " + " | ".join(f"{s:.2f}s {status} {repro}" for s, status, repro in report.slowest[:5]))
    lines.append("")
    if not report.server_errors:
        lines.append("No 5xx and no traceback.")
        return "\n".join(lines)
    distinct = report.distinct()
    lines.append(f"SERVER ERRORS: {report.server_errors:,} responses were 5xx or showed a traceback; "
                 f"{len(distinct)} distinct (by what was unusual about the request and the status). "
                 f"The first {min(len(distinct), REPRODUCERS_SHOWN)}, simplest first:")
    causes = collections.Counter()
    for number, failure in enumerate(distinct[:REPRODUCERS_SHOWN], 1):
        lines.append(f"{number:>2}. [{failure.status} ×{failure.count}] tags: {' + '.join(failure.request.tags)}")
        lines.append(f"    {failure.request.reproducer()}")
        if failure.logged:
            lines.append(f"    {failure.logged}")
        if failure.explained:
            lines.append(f"    in-process: {failure.explained}")
        explained = failure.explained and not failure.explained.startswith("(")
        cause = failure.explained if explained else failure.logged.split("; log: ")[-1]
        causes[re.sub(r"unexpected error on '.*?':", "unexpected error:", cause)] += failure.count
    lines.append("")
    lines.append("causes among those shown (exception: responses):")
    for cause, count in causes.most_common():
        lines.append(f"  {count:>7,}  {cause}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, help="how many requests (default 100,000)")
    parser.add_argument("--seed", default="1", help="seed of the random requests (default 1)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections at once (default 4)")
    parser.add_argument("--time-limit", type=float, default=900, help="stop sending after this many seconds (900)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for one response (default 30)")
    parser.add_argument("--no-explain", action="store_true", help="skip the in-process replay of failures")
    parser.add_argument("--keep-logs", action="store_true", help="keep gunicorn's logs (their folder is printed)")
    args = parser.parse_args(argv)
    for name, low, high in (("requests", 1, 10_000_000), ("concurrency", 1, 64), ("time_limit", 1, 86_400),
                            ("workers", 1, 32), ("timeout", 1, 600)):
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be from {low} to {high}")
    try:
        report = run(args.requests, args.seed, args.concurrency, args.time_limit, args.workers, args.timeout,
                     explain=not args.no_explain, keep_logs=args.keep_logs, progress=True)
    except RuntimeError as error:
        print(f"fuzz: {error}", file=sys.stderr)
        return 2
    return 1 if report.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
