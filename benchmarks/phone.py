"""The family's results on a phone and on paper, for each reference household, in English and French.

Run with `make bench-phone` (needs Debian's Chromium). For each household of
benchmarks/questionnaire.py it walks the real app under gunicorn in real Chromium at
360 x 640 CSS pixels and reports: question pages, how many phone screens down the last
likely benefit ends and the whole page ends, the results page's HTML size (raw and
brotli, as sent), and how many Letter pages the printed action plan takes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.questionnaire import HOUSEHOLDS  # noqa: E402
from tests.browser import conftest as browser_setup  # noqa: E402

PHONE = {"width": 360, "height": 640}


def serve():
    """gunicorn with the shipped configuration, as the browser tests start it."""
    import subprocess
    import time
    import urllib.request

    port = browser_setup._free_port()
    log = tempfile.NamedTemporaryFile(prefix="benefits-finder-phone-", suffix=".log", delete=False)
    env = {k: v for k, v in os.environ.items() if k not in ("BIND", "WEB_CONCURRENCY")}
    process = subprocess.Popen(browser_setup._gunicorn_command(port), cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/en/", timeout=2):
                return process, url, log.name
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn did not start:\n{Path(log.name).read_text()[-2000:]}")


def main() -> None:
    import re

    import brotli
    from playwright.sync_api import sync_playwright

    from app.engine import load_ruleset
    from app.paths import RULES_DIR
    from tests.browser.test_browser import question_id, screens, walk

    vocabulary = load_ruleset(RULES_DIR).vocabulary
    process, url, log = serve()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(browser_setup.CHROMIUM),
                                                  args=browser_setup.CHROMIUM_ARGS)
            print("household | lang | pages | likely ends (screens) | page ends (screens) | HTML KB | br KB | "
                  "printed pages")
            for name, household in HOUSEHOLDS.items():
                for lang in ("en", "fr"):
                    context = chromium.new_context(base_url=url, viewport=PHONE)
                    page = context.new_page()
                    asked: list = []

                    def visit(p, kind, asked=asked):
                        if kind == "question":
                            asked.append(question_id(p))

                    walk(page, lang, vocabulary, household=household, visit=visit)
                    html = page.content().encode()
                    likely = screens(page, "section[aria-labelledby=eligible-heading]")
                    whole = screens(page, "footer")
                    pdf = page.pdf(format="Letter")
                    printed = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
                    print(f"{name} | {lang} | {len(asked)} | {likely:.1f} | {whole:.1f} | {len(html) / 1024:.1f} | "
                          f"{len(brotli.compress(html, quality=4)) / 1024:.1f} | {printed}")
                    context.close()
            chromium.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
        os.unlink(log)


if __name__ == "__main__":
    main()
