"""Privacy canaries: unusual answers must appear in no log, header, cookie, URL or file.

Runs a real gunicorn server with the production configuration, walks whole
families through the questionnaire in both languages with canary values, then
searches everything the server left behind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from app.engine import load_ruleset
from app.paths import RULES_DIR  # noqa: E402

from ..pages import walk

ROOT = Path(__file__).resolve().parents[2]
CANARY_INCOME = 987654.32
CANARY_WORK = 876543.21
CANARY_AGES = [13, 1, 17, 2]
CANARIES = ["987654.32", "987,654.32", "987654", "987 654", "876543.21", "876543", "876,543",
            '"age":13},{"age":1},{"age":17}', "13, 1, 17, 2", "13,1,17,2"]
HOUSEHOLD = {"region": "edmonton", "status_in_canada": "permanent_resident", "has_partner": True,
             "you": {"age": 44, "dtc": False, "working_income": CANARY_WORK},
             "partner": {"age": 41, "dtc": True, "working_income": 0},
             "children": [{"age": a, "dtc": False} for a in CANARY_AGES],
             "filed_taxes": True, "family_net_income": CANARY_INCOME}


class Response:
    def __init__(self, status: int, headers, body: bytes, url: str):
        self.status_code = status
        self.headers = headers
        self.body = body
        self.url = url

    def get_data(self, as_text=False):
        return self.body.decode("utf-8") if as_text else self.body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpClient:
    """Talks to the real server and keeps every URL and response."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(NoRedirect)
        self.seen: list[Response] = []

    def _send(self, path: str, data=None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method="POST" if data is not None else "GET")
        try:
            with self.opener.open(request, timeout=10) as reply:
                response = Response(reply.status, reply.headers, reply.read(), reply.url)
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read(), self.base + path)
        self.seen.append(response)
        return response

    def get(self, path, **_):
        return self._send(path)

    def post(self, path, data=None, **_):
        return self._send(path, data or {})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _files(*roots: Path) -> dict:
    found = {}
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache"}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in skip]
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    found[path] = path.stat().st_mtime_ns
                except OSError:
                    pass
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    port = _free_port()
    env = dict(os.environ, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2",
               ACCESS_LOG=str(logs / "access.log"), ERROR_LOG=str(logs / "error.log"))
    before = _files(ROOT, Path(tempfile.gettempdir()))
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--capture-output",
                                "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/en/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode())
    yield base, logs, before
    process.terminate()
    output = process.communicate(timeout=10)[0].decode()
    (logs / "stdout.log").write_text(output)


def test_canaries_leave_no_trace(server):
    base, logs, before = server
    vocabulary = load_ruleset(RULES_DIR).vocabulary
    client = HttpClient(base)
    for lang in ("en", "fr", "ar"):  # "ar": a right-to-left language too
        asked, _, results = walk(client, lang, HOUSEHOLD, vocabulary)
        assert results.status_code == 200
        questions = {q for key in asked for q in key.split(",")}
        assert "family_net_income" in questions and "children.age" in questions
    # The answers did travel: they are in the pages (the only place they may be).
    assert any("987654.32" in r.get_data(as_text=True) for r in client.seen)
    time.sleep(0.5)  # let the log lines reach the files

    for response in client.seen:
        assert "?" not in response.url  # no query strings at all
    assert_no_trace(client.seen, logs, before, logged=["POST /en/answer"])


def assert_no_trace(responses, logs, before, logged):
    """No canary in a header, URL, log line or file written since ``before``; ``logged`` shows the log is written."""
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.url
        header_text = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for canary in CANARIES:
            assert canary not in header_text
            assert canary not in response.url

    log_text = "".join(p.read_text(errors="replace") for p in logs.iterdir() if p.is_file())
    for line in logged:
        assert line in log_text  # the log is really written to
    for canary in CANARIES:
        assert canary not in log_text, canary

    after = _files(ROOT, Path(tempfile.gettempdir()))
    written = [p for p, mtime in after.items() if before.get(p) != mtime and logs not in p.parents]
    for path in written:
        try:
            content = path.read_text(errors="replace")
        except OSError:
            continue
        for canary in CANARIES:
            assert canary not in content, f"{canary} found in {path}"


def test_saved_answers_go_only_to_the_person(server):
    """"Save my answers" hands the canaries to the person in the file; saving and continuing from the
    file leave them in no log, header, URL or file on the server."""
    import json

    base, logs, before = server
    client = HttpClient(base)
    saved = client.post("/en/save", {"answers": json.dumps(HOUSEHOLD), "history": "[]"})
    assert saved.status_code == 200
    assert saved.headers["Content-Disposition"].startswith("attachment;")
    assert saved.headers["Cache-Control"] == "no-store"
    assert "987654.32" in saved.get_data(as_text=True) and "876543.21" in saved.get_data(as_text=True)
    assert json.loads(saved.body)["answers"] == HOUSEHOLD

    sent = []
    for lang, body in (("en", saved.body), ("fr", saved.body), ("en", saved.body.replace(b"edmonton", b"mars"))):
        boundary = "canary-boundary-1b2c3d"
        form = (f'--{boundary}\r\nContent-Disposition: form-data; name="answers_file"; filename="answers.json"\r\n'
                "Content-Type: application/json\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(f"{base}/{lang}/resume", data=form, method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with client.opener.open(request, timeout=10) as reply:
                sent.append(Response(reply.status, reply.headers, reply.read(), reply.url))
        except urllib.error.HTTPError as error:
            sent.append(Response(error.code, error.headers, error.read(), request.full_url))
    assert [r.status_code for r in sent] == [200, 200, 400]
    assert "987654.32" in sent[0].get_data(as_text=True)  # carried on in the page, where it may be
    time.sleep(0.5)  # let the log lines reach the files

    assert_no_trace([saved, *sent], logs, before, logged=["POST /en/save", "POST /fr/resume"])


def test_the_caseworker_workspace_what_if_and_printout_leave_no_trace(server):
    """The canaries typed into the workspace, a what-if scenario and the printout: in the pages, and
    nowhere on the server (an Arabic page too: right to left)."""
    import json

    base, logs, before = server
    client = HttpClient(base)
    carried = json.dumps(HOUSEHOLD)
    pages = []
    for lang in ("en", "ar"):
        workspace = client.post(f"/{lang}/caseworker", {"answers": carried, "whatif-a-family_net_income": "876543.21"})
        assert workspace.status_code == 200
        pages.append(workspace.get_data(as_text=True))
        printout = client.post(f"/{lang}/caseworker/print", {"answers": carried, "second": "fr"})
        assert printout.status_code == 200
    assert any("876543.21" in page for page in pages)  # the scenario is kept in the page, where it may be
    assert "Scenario A" in pages[0] and "987654.32" in pages[0]  # the answers carried on, not lost
    time.sleep(0.5)
    assert_no_trace(client.seen, logs, before, logged=["POST /en/caseworker", "POST /ar/caseworker/print"])
