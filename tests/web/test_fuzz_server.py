"""The black-box fuzz of benchmarks/fuzz.py against real gunicorn, with a smaller seeded sample.

`make fuzz` sends 100,000 requests; this sends about 3,000 (a time limit keeps it well under a
minute on a busy machine) with the same generators: every route, malformed requests, odd
headers, tampered answers and real walks through the questionnaire to the results page.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_fuzz():
    """benchmarks/fuzz.py as a module (benchmarks/ is not a package)."""
    name = "benchmarks_fuzz"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "fuzz.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fuzz = load_fuzz()


@pytest.fixture(scope="module")
def report():
    return fuzz.run(requests=3000, seed="test-fuzz-server", concurrency=4, time_limit=40, out=None)


def test_the_sample_ran(report):
    assert report.requests >= 200, fuzz.format_report(report)
    assert report.walks > 0 and report.statuses[200] > 0, fuzz.format_report(report)
    assert report.routes[("POST", "/en/results", 200)] + report.routes[("POST", "/fr/results", 200)] > 0


def test_no_server_errors(report):
    assert report.server_errors == 0, fuzz.format_report(report)


def test_every_app_response_has_the_security_headers(report):
    assert not report.missing, fuzz.format_report(report)


def test_the_access_log_stays_one_well_formed_line_per_request(report):
    assert report.access_lines > 0
    assert not report.access_malformed, report.access_malformed
