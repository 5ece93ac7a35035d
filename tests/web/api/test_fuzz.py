"""Schemathesis against the live OpenAPI document of a real gunicorn server: no server errors,
every response fits the documented schema, status codes, content types and headers.

About 2,000 cases in `make test` (up to 200 valid and 200 invalid for each of the five operations);
`make fuzz-api` runs more (API_FUZZ_EXAMPLES cases per operation)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from ..test_fuzz_server import fuzz

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "200"))
OPERATIONS = ["POST /screen", "POST /next", "GET /programs", "GET /programs/{id}", "GET /questions"]


@pytest.fixture(scope="module")
def api_schema():
    with fuzz.Server(workers=2) as server:
        yield schemathesis.openapi.from_url(f"http://127.0.0.1:{server.port}/api/v1/openapi.json")


def test_every_operation_is_fuzzed(api_schema):
    found = sorted(f"{op.method.upper()} {op.path}" for op in (r.ok() for r in api_schema.get_all_operations()))
    assert found == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("name", OPERATIONS)
def test_the_api_never_fails_and_keeps_to_its_schema(api_schema, name, mode):
    """Valid requests (built from the schema) and invalid ones (each breaking it somewhere)."""
    method, path = name.split(" ")
    operation = api_schema[path][method]
    calls = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz_once(case):
        response = case.call_and_validate()
        calls.append(response.status_code)
        assert response.status_code < 500
        assert "Set-Cookie" not in response.headers

    fuzz_once()
    if method == "POST" and mode == GenerationMode.POSITIVE:  # a GET's few parameters run out sooner
        assert len(calls) >= min(EXAMPLES, 50), f"only {len(calls)} cases ran"
    print(f"\n{name}: {len(calls)} cases, statuses {sorted(set(calls))}")
