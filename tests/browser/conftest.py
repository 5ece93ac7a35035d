"""A real server (gunicorn) and a real browser (Debian's Chromium, driven by Playwright) for the browser tests.

Nothing is downloaded: the browser is /usr/bin/chromium, and axe-core is the copy bundled in
the axe-playwright-python package. If /usr/bin/chromium (or $BENEFITS_CHROMIUM) is missing the browser
tests are skipped, and the end of the run says so in a banner with the command that installs it.
"""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BENEFITS_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENING_DATE = "2026-11-25"
SKIP_REASON = f"browser tests need Chromium at {CHROMIUM} (CI installs Debian's chromium package)"
INSTALL_HINT = "Install it with: sudo apt-get install chromium (Debian; `bash .ci/run` does it)"
# A font for every script we write in, as fontconfig names the language (pa is Gurmukhi).
SCRIPTS = {"ar": "Arabic", "pa": "Gurmukhi", "zh-cn": "Simplified Chinese", "zh-tw": "Traditional Chinese",
           "uk": "Cyrillic", "vi": "Vietnamese"}
FONT_SKIP = "no font for"
FONT_HINT = "Install them with: sudo apt-get install fonts-noto-core fonts-noto-cjk (Debian; `bash .ci/run` does it)"


def missing_fonts() -> list[str]:
    """The scripts that no installed font covers (fontconfig's `fc-list :lang=..`); all of them when
    fontconfig itself is missing."""
    missing = []
    for lang, script in SCRIPTS.items():
        try:
            found = subprocess.run(["fc-list", f":lang={lang}", "family"], capture_output=True, text=True,
                                   timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if not found:
            missing.append(script)
    return missing


def _test_functions(path: Path) -> str:
    """How many test functions a module defines, for a module skipped before anything in it was collected."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return "the"
    return str(sum(isinstance(node, ast.FunctionDef) and node.name.startswith("test") for node in tree.body))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Never a silent skip: say loudly which browser tests did not run, and how to get Chromium."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if isinstance(report.longrepr, tuple) and SKIP_REASON in str(report.longrepr[-1])]
    what = []
    tests = [report for report in skipped if not isinstance(report, pytest.CollectReport)]
    if tests:
        what.append(f"{len(tests)} browser test{'s' if len(tests) != 1 else ''}")
    for report in skipped:
        if isinstance(report, pytest.CollectReport):  # a module-level skip: nothing in it was collected
            functions = _test_functions(config.rootpath / report.nodeid.split("::")[0])
            what.append(f"all {functions} test functions (with their parameter cases) in {report.nodeid}")
    red = {"red": True, "bold": True}
    fonts = [report for report in terminalreporter.stats.get("skipped", [])
             if isinstance(report.longrepr, tuple) and FONT_SKIP in str(report.longrepr[-1])]
    if fonts:
        terminalreporter.write_sep("=", "FONT CHECK SKIPPED", **red)
        terminalreporter.write_line(f"WARNING: {fonts[0].longrepr[-1]}", **red)
        terminalreporter.write_line(FONT_HINT, **red)
        terminalreporter.write_sep("=", **red)
    if not skipped:
        return
    terminalreporter.write_sep("=", "BROWSER TESTS SKIPPED: no Chromium", **red)
    terminalreporter.write_line(f"WARNING: skipped {' and '.join(what)}: no Chromium at {CHROMIUM}.", **red)
    terminalreporter.write_line(INSTALL_HINT, **red)
    terminalreporter.write_sep("=", **red)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_command(port: int) -> list[str]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}", "-w", "2"]
    try:
        from gunicorn import config

        if any(setting.name == "control_socket_disable" for setting in config.KNOWN_SETTINGS):
            command.append("--no-control-socket")  # never clash with a developer's own gunicorn
    except ImportError:
        pass
    command.append(f"app:create_app({{'SCREENING_DATE': '{SCREENING_DATE}'}})")
    return command


@pytest.fixture(scope="session")
def base_url():
    """The app served by gunicorn with the shipped configuration, for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="benefits-finder-gunicorn-", suffix=".log", delete=False)
    env = {k: v for k, v in os.environ.items() if k not in ("BIND", "WEB_CONCURRENCY")}
    process = subprocess.Popen(_gunicorn_command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"

    def server_log() -> str:
        return Path(log.name).read_text(errors="replace")[-4000:]

    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with code {process.returncode}:\n{server_log()}")
        try:
            with urllib.request.urlopen(f"{url}/en/", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not answer on {url} within 30 s:\n{server_log()}")
        time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    os.unlink(log.name)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, base_url):
    """Open a page in a fresh browser context: new_page(java_script_enabled=False, viewport=...)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=base_url, locale=options.pop("locale", "en-CA"), **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def vocabulary():
    from app.engine import load_ruleset
    from app.paths import RULES_DIR

    return load_ruleset(RULES_DIR).vocabulary
