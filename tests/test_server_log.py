"""gunicorn's access log (gunicorn.conf.py): no client address, no query string, and no forged lines.

A path may hold anything once decoded: %0d%0a (CR LF) must not start a new line in the log, and
no control character may reach it raw. Runs the real server with the shipped configuration.
"""

from __future__ import annotations

import re
import runpy
import time
from pathlib import Path

import pytest
from gunicorn.glogging import Logger

from .web.test_fuzz_server import load_fuzz

ROOT = Path(__file__).resolve().parents[1]
fuzz = load_fuzz()

REQUESTS = {
    "crlf": "/en/%0d%0a127.0.0.1%20-%20fake-line",
    "query": "/en/?answers=query-canary&history=%5B%5D",
    "lf-query": "/fr/%0a?q=query-canary",
    "controls": "/en/%1b[31m%00%7f%09%e2%80%a8end",
    "quote": "/en/%22%20200%20-%22",
    "not-utf8": "/en/%ff%fe",
    "french": "/fr/%C3%A9t%C3%A9",
}
LINE = re.compile(r'^\[[^\]]+\] "GET ([^"]*)" (\d{3}) \S+ \d+ms$')


def raw_get(target: str) -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode("ascii")


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """{name: the access-log lines written for that request}, from a server with the shipped config only."""
    folder = tmp_path_factory.mktemp("server-log")
    access_log = folder / "access.log"
    home = folder / "home"
    home.mkdir()
    # No --no-control-socket on the command line: the config alone must turn the socket off.
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": None}
    with fuzz.Server(workers=1, access_log=access_log, env=env, no_control_socket=False) as server:
        lines = {}
        for name, target in REQUESTS.items():
            before = _lines(access_log)
            response = fuzz.send(server.port, fuzz.Request("RAW", "", raw=raw_get(target)))
            assert response.status is not None, (name, response.error)
            deadline = time.monotonic() + 5
            while len(_lines(access_log)) == len(before) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.2)  # a forged second line would arrive with the first
            lines[name] = _lines(access_log)[len(before):]
    return lines, home


def _lines(path: Path) -> list[str]:
    try:
        return path.read_bytes().decode("utf-8").split("\n")[:-1]
    except FileNotFoundError:
        return []


def test_one_line_per_request(logged):
    lines, _ = logged
    for name, written in lines.items():
        assert len(written) == 1, (name, written)
        assert LINE.match(written[0]), (name, written[0])
        assert "\r" not in written[0]


def test_no_client_address(logged):
    lines, _ = logged
    for name, (line,) in lines.items():
        assert not line.startswith("127.0.0.1"), line
        if name != "crlf":
            assert "127.0.0.1" not in line, line


def test_no_query_string(logged):
    lines, _ = logged
    text = "\n".join(line for written in lines.values() for line in written)
    assert "query-canary" not in text
    assert "?" not in text
    assert LINE.match(lines["query"][0]).group(1) == "/en/"


def test_control_characters_are_escaped(logged):
    lines, _ = logged
    assert '"GET /en/\\x0d\\x0a127.0.0.1 - fake-line" 404' in lines["crlf"][0]
    assert '"GET /fr/\\x0a" 404' in lines["lf-query"][0]
    assert "/en/\\x1b[31m\\x00\\x7f\\x09\\u2028end" in lines["controls"][0]
    assert '"GET /en/\\x22 200 -\\x22" 404' in lines["quote"][0]  # a quote cannot end the field early
    assert "/en/\\xff\\xfe" in lines["not-utf8"][0]
    assert '"GET /fr/été" 404' in lines["french"][0]


def test_no_control_socket(logged):
    _, home = logged
    assert not (home / ".gunicorn").exists()


def test_config():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["control_socket_disable"] is True
    assert "%(h)s" not in config["access_log_format"] and "%(q)s" not in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]  # the request line holds the query string
    assert issubclass(config["logger_class"], Logger)
    escape = config["escape_log_value"]
    assert escape("/en/\r\n") == "/en/\\x0d\\x0a"
    assert escape('a"b\\c') == "a\\x22b\\x5cc"
    assert escape("/fr/\xc3\xa9") == "/fr/é"  # WSGI strings hold UTF-8 bytes as latin-1
    assert escape("\xff") == "\\xff"
    assert escape("\u2028") == "\\u2028"
    assert escape(200) == 200 and escape(None) is None


def test_the_error_log_names_no_client_address_either():
    """gunicorn logs a malformed request as "Invalid request from ip=...": the address is masked."""
    with fuzz.Server(workers=1) as server:
        for raw in (b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n",
                    b"NOT A REQUEST LINE\r\n\r\n"):
            fuzz.send(server.port, fuzz.Request("RAW", "", raw=raw))
        deadline = time.monotonic() + 5
        while "Invalid request" not in server.log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = server.log_text()
    assert "Invalid request from ip=-" in text, text[-2000:]
    assert "127.0.0.1" not in text.replace("Listening at: http://127.0.0.1", "")
