"""Fuzzing the server: whatever arrives, the answer is a FHIR answer.

Hypothesis builds requests from FHIR-shaped pieces (the server's own paths, search
parameters, headers and a real check bundle with parts replaced by odd values) and from raw
junk, and sends them straight to the WSGI app (no sockets, so a few hundred run in seconds).
Every answer must be below 500, except a documented 501 for an interaction the server does not
implement, and every error must be an OperationOutcome.

The corpus is kept in two places under this folder: `fuzz_nasty.json`, requests that once
broke the server (replayed on every run, add new finds there), and `fuzz-corpus/`, Hypothesis's
example database, which remembers any failing example it finds so the next run tries it first.
"""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from sync.server.app import FhirApp, make_app

from .fhir_data import check_bundle, patient

HERE = Path(__file__).parent
NASTY = HERE / "fuzz_nasty.json"
FUZZ_DB = DirectoryBasedExampleDatabase(str(HERE / "fuzz-corpus"))
TYPES = ["Patient", "Encounter", "Observation", "Task", "Provenance", "Device", "Bundle", "Nope", ""]
REAL_TYPES = ["Patient", "Encounter", "Observation", "Task", "Provenance", "Device", "Consent"]
PARAMS = [
    "identifier",
    "_id",
    "_lastUpdated",
    "_count",
    "_sort",
    "_format",
    "_cursor",
    "patient",
    "subject",
    "status",
    "code",
    "target",
    "agent",
    "identifier:missing",
    "_include",
    "_summary",
    "x",
]
NASTY_TEXT = [
    "",
    "\x00",
    "\n2026-12-01 INFO forged",
    "'; DROP TABLE resources; --",
    "%",
    "%0A",
    "9" * 5000,
    "a" * 3000,
    'W/"1"',
    "gt2026-13-45",
    "eq",
    "urn:uuid:",
    "Patient/",
    "|",
    ",,,",
    "\ud7ff\ue000",
    "é",
    "\u202e",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FhirApp, str]]:
    db = tmp_path_factory.mktemp("fuzz") / "shared.db"
    fhir_app = make_app(f"sqlite:///{db}")
    token = fhir_app.store.add_device("Fuzz laptop")
    try:
        yield fhir_app, token
    finally:
        fhir_app.store.close()


def call(
    app: FhirApp, method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    """Send one request to the WSGI app as a server would, and return (status, body)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)) if body else "",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    got: dict[str, Any] = {}

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        got["status"] = int(status.split()[0])

    out = b"".join(app(environ, start_response))
    return got["status"], out


def assert_fhir_answer(status: int, body: bytes, method: str) -> None:
    assert status < 500 or status == 501, (status, body[:500])
    if status >= 400 and method != "HEAD":
        outcome = json.loads(body)
        assert outcome["resourceType"] == "OperationOutcome", outcome
        issue = outcome["issue"][0]
        assert issue["severity"] in ("error", "fatal") and issue["code"] and issue["diagnostics"]
        if status == 501:
            assert issue["code"] == "not-supported", issue


# --- strategies ------------------------------------------------------------------------

text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    text,
    st.sampled_from([10**40, -1, 0]),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)


def _deep(depth: int, kind: str) -> Any:
    value: Any = {"url": "http://example.org/x", "valueString": "leaf"}
    for _ in range(depth):
        value = {"url": "http://example.org/x", "extension": [value]} if kind == "extension" else [value]
    return value


@st.composite
def mutated_resource(draw: st.DrawFn) -> Any:
    """A real bundle or Patient with one value replaced somewhere, or something nested deep."""
    base: Any = copy.deepcopy(draw(st.sampled_from([check_bundle(1), patient(1)])))
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(json_value)
    if choice == 1:
        target = base["entry"][0]["resource"] if base.get("resourceType") == "Bundle" else base
        target["extension"] = [_deep(draw(st.integers(0, 300)), draw(st.sampled_from(["extension", "list"])))]
        return base
    # Replace one value along a random path.
    node = base
    for _ in range(draw(st.integers(1, 5))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict | list) or draw(st.booleans()):
                node[key] = draw(json_value)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            i = draw(st.integers(0, len(node) - 1))
            if not isinstance(node[i], dict | list) or draw(st.booleans()):
                node[i] = draw(json_value)
                break
            node = node[i]
        else:
            break
    return base


@st.composite
def request(draw: st.DrawFn) -> tuple[str, str, str, dict[str, str], bytes]:
    method = draw(
        st.sampled_from(["GET"] * 3 + ["POST"] * 3 + ["PUT"] * 2 + ["HEAD", "DELETE", "PATCH", "BREW"])
    )
    if draw(st.integers(0, 9)) < 7:
        res_type = draw(st.sampled_from(REAL_TYPES))
        res_id = draw(st.one_of(st.sampled_from(["abc", "0b2f", "x.y-z", "1"]), text))
        path = draw(
            st.sampled_from(
                ["/", f"/{res_type}", f"/{res_type}/{res_id}", f"/{res_type}/{res_id}/_history/1"]
            )
        )
    else:
        segments = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(
                        [*TYPES, "_history", "_search", "$everything", "metadata", "1", "..", "%2F"]
                    ),
                    text,
                ),
                max_size=5,
            )
        )
        path = "/" + "/".join(segments)
    pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(PARAMS), text), text), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in pairs) if draw(st.booleans()) else draw(text)
    headers: dict[str, str] = {}
    auth = draw(st.sampled_from(["token"] * 8 + ["none", "junk"]))
    if auth == "junk":
        headers["Authorization"] = draw(text)
    elif auth == "token":
        headers["Authorization"] = "Bearer {token}"
    headers["Content-Type"] = "application/fhir+json"
    for name, values in (
        (
            "Content-Type",
            [
                "application/fhir+json",
                "application/json",
                "text/plain",
                "",
                "application/fhir+json; charset=latin-1",
            ],
        ),
        ("Accept", ["application/fhir+json", "application/xml", "*/*", ""]),
        ("If-Match", ['W/"1"', 'W/"' + "9" * 5000 + '"', "*", "W/", '"-1"']),
        (
            "If-None-Exist",
            [
                "identifier=urn:ietf:rfc:3986|x",
                "identifier",
                "_count=1",
                "%%",
                "identifier=" + ",".join(["a"] * 300),
            ],
        ),
        ("Prefer", ["return=minimal", "return=OperationOutcome", "handling=lenient", "return"]),
    ):
        if draw(st.integers(0, 3)) == 0:
            headers[name] = draw(st.one_of(st.sampled_from(values), text))
    kind = draw(st.sampled_from(["none", "resource", "resource", "resource", "json", "raw"]))
    if kind == "resource":
        body = json.dumps(draw(mutated_resource())).encode()
    elif kind == "json":
        body = json.dumps(draw(json_value)).encode()
    elif kind == "raw":
        body = draw(
            st.one_of(
                st.binary(max_size=200), st.sampled_from([b"[" * 5000, b"{" * 3000, b"\xff\xfe", b"nul\x00l"])
            )
        )
    else:
        body = b""
    return method, path, query, headers, body


def _send(app: tuple[FhirApp, str], req: tuple[str, str, str, dict[str, str], bytes]) -> int:
    fhir_app, token = app
    method, path, query, headers, body = req
    headers = {k: v.replace("{token}", token) for k, v in headers.items()}
    # A WSGI server hands the app a latin-1 decoded path; make sure ours is representable.
    path = path.encode("utf-8", "surrogatepass").decode("latin-1")
    status, out = call(
        fhir_app, method, path, query.encode("utf-8", "surrogatepass").decode("latin-1"), headers, body
    )
    assert_fhir_answer(status, out, method)
    return status


@settings(
    max_examples=int(os.environ.get("OUTREACH_FUZZ_EXAMPLES", "1500")),
    deadline=None,
    database=FUZZ_DB,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(req=request())
def test_fuzzed_requests_get_fhir_answers(
    app: tuple[FhirApp, str], req: tuple[str, str, str, dict[str, str], bytes]
) -> None:
    event(f"status {_send(app, req)}")  # --hypothesis-show-statistics shows the mix


def _nasty() -> list[Any]:
    return json.loads(NASTY.read_text("utf-8"))


@pytest.mark.parametrize("case", _nasty(), ids=lambda c: c["why"][:40])
def test_known_nasty_requests_get_fhir_answers(app: tuple[FhirApp, str], case: dict[str, Any]) -> None:
    body = case.get("body", "")
    if isinstance(body, dict):
        body = _expand(body)
    raw = (
        body
        if isinstance(body, bytes)
        else (json.dumps(body) if not isinstance(body, str) else body).encode()
    )
    headers = {k: _expand_text(v) for k, v in case.get("headers", {}).items()}
    _send(
        app, (case["method"], _expand_text(case["path"]), _expand_text(case.get("query", "")), headers, raw)
    )


def _expand_text(value: str) -> str:
    """Corpus strings say long values in short form: '{repeat:a:100000}' is 100000 a's."""
    if "{repeat:" in value:
        head, _, rest = value.partition("{repeat:")
        spec, _, tail = rest.partition("}")
        unit, _, times = spec.rpartition(":")
        return head + unit * int(times) + tail
    return value


def _expand(body: dict[str, Any]) -> Any:
    """A corpus body: {"nested": N, "kind": "list"|"extension"} or {"json": ...} or {"text": ...}."""
    if "nested" in body:
        if body["kind"] == "list":
            return "[" * body["nested"] + "]" * body["nested"]
        p = patient(1)
        p["extension"] = [_deep(body["nested"], "extension")]
        if body.get("in_bundle"):
            b = check_bundle(1)
            b["entry"][0]["resource"]["extension"] = p["extension"]
            return b
        return p
    if "text" in body:
        return _expand_text(body["text"])
    return body["json"]
