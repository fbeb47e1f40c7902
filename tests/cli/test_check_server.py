"""`outreach check-server` as IT runs it, in a real subprocess, against real servers on loopback:
the reference shared-record server, and a tiny standard-library server that serves a
CapabilityStatement lacking what the app needs."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from sync.http import FhirHttp
from sync.server.serving import RunningServer, start_in_thread
from sync.server_check import TAG_CODE, TAG_SYSTEM, TEST_NAME
from tests.conftest import run_cli

USER = "Sam"
PASSPHRASE = "synthetic passphrase for the server check"
FAKE_TOKEN = "not-a-real-token-0123456789"


def _env() -> dict[str, str]:
    """The user's environment without an organisation file pointed at from outside the test."""
    return {k: v for k, v in os.environ.items() if k != "OUTREACH_ORG_CONFIG"}


def check(data_dir: Path, *args: str, stdin: str = "") -> Any:
    return run_cli(data_dir, "check-server", *args, stdin=stdin, env=_env())


def lines_with(output: str, status: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(status)]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def token(server: RunningServer) -> str:
    return server.add_device("Test laptop 1")


def seed_directory(server: RunningServer, token: str, count: int = 2) -> None:
    """A few service directory entries, so the app's pull has a next page to follow (published
    with a supervisor's token: a worker laptop's may not change the directory)."""
    del token
    with FhirHttp(server.url, server.add_device("Test team lead", role="supervisor")) as http:
        for i in range(count):
            answer = http.request(
                "POST",
                "HealthcareService",
                body={
                    "resourceType": "HealthcareService",
                    "identifier": [{"system": "https://example.org/services", "value": f"service-{i}"}],
                    "name": f"Synthetic stop-smoking service {i}",
                },
            )
            assert answer.status == 201, answer.body


def laptop(tmp_path: Path, server_url: str, token: str | None) -> Path:
    """A store with the device token sealed in it, and the organisation file naming the server."""
    folder = tmp_path / "laptop"
    store = LocalStore.create(folder, admin_name=USER, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    try:
        if token:
            sync_state.set_device_token(store, token)
    finally:
        store.close()
    (folder / "organisation.toml").write_text(
        f'organisation_name = "Synthetic outreach service"\nserver_url = "{server_url}"\n', encoding="utf-8"
    )
    return folder


# -- the reference server has everything --------------------------------------------------------
def test_reference_server_has_everything_the_app_needs(
    tmp_path: Path, server: RunningServer, token: str
) -> None:
    seed_directory(server, token)
    folder = laptop(tmp_path, server.url, token)

    done = check(folder, "--user", USER, stdin=f"{PASSPHRASE}\n")

    assert done.returncode == 0, done.stdout + done.stderr
    assert server.url in done.stdout  # the address came from the organisation file
    assert lines_with(done.stdout, "MISSING") == [] and lines_with(done.stdout, "WARN") == []
    ok = lines_with(done.stdout, "OK")
    for feature in (
        "FHIR version",
        "JSON",
        "Transactions",
        "Conditional create",
        "Search by identifier",
        "Provenance by target and agent",
        "Search by _lastUpdated",
        "Security (sign-in)",
        "Sign-in with the device token",
        "Incremental pull",
        "Paging (next links)",
        "Rate limits (429)",
    ):
        assert any(line.split(None, 1)[1].startswith(feature + ":") for line in ok), feature
    assert "Everything the app needs is there." in done.stdout
    assert token not in done.stdout + done.stderr
    assert server.store.count("Organization") == 0  # without --write-test nothing is written


def test_json_without_a_token_reads_only_the_capabilities(tmp_path: Path, server: RunningServer) -> None:
    done = check(tmp_path / "no-store", "--url", server.url, "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["fhir_version"].startswith("4.0.")
    by_feature = {f["feature"]: f for f in report["features"]}
    assert by_feature["Conditional create"]["status"] == "OK"
    assert by_feature["Security (sign-in)"]["status"] == "OK"
    live = by_feature["Live checks with the device token"]
    assert live["status"] == "WARN" and "--token-stdin" in live["configure"]
    assert not (tmp_path / "no-store").exists()  # checking a server creates no data folder


# -- a wrong token --------------------------------------------------------------------------------
def test_a_wrong_token_is_explained_in_plain_words(tmp_path: Path, server: RunningServer) -> None:
    done = check(tmp_path / "d", "--url", server.url, "--token-stdin", stdin=f"{FAKE_TOKEN}\n")

    assert done.returncode == 1
    missing = lines_with(done.stdout, "MISSING")
    assert len(missing) == 1 and "did not accept the device token (401)" in missing[0]
    assert "Enrol this laptop again" in done.stdout and "--set-token" in done.stdout
    assert "Not tried, because the device token was not accepted" in done.stdout
    assert FAKE_TOKEN not in done.stdout + done.stderr


def test_a_laptop_without_a_stored_token_is_told_how_to_store_one(
    tmp_path: Path, server: RunningServer
) -> None:
    folder = laptop(tmp_path, server.url, None)
    done = check(folder, "--user", USER, stdin=f"{PASSPHRASE}\n")
    assert done.returncode == 1
    assert "no device token" in done.stderr and "--set-token" in done.stderr


# -- a server that lacks features ----------------------------------------------------------------
class _ThinServer(BaseHTTPRequestHandler):
    """Serves one CapabilityStatement; a search is first answered 429 (Retry-After: 0), then 401."""

    statement: ClassVar[dict[str, Any]] = {}
    searches = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        if self.path.split("?")[0].rstrip("/").endswith("/metadata"):
            self._send(200, self.statement)
            return
        with self.lock:
            type(self).searches += 1
            first = type(self).searches == 1
        if first:
            self._send(429, _outcome("throttled", "Too many requests"), {"Retry-After": "0"})
        else:
            self._send(401, _outcome("login", "No token"), {"WWW-Authenticate": "Bearer"})

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the command's output, not the server's."""


def _outcome(code: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def reference_statement(tmp_path: Path) -> dict[str, Any]:
    with start_in_thread(f"sqlite:///{tmp_path / 'for-metadata.db'}") as ref, FhirHttp(ref.url, "") as http:
        body = http.request("GET", "metadata").body
    assert isinstance(body, dict)
    return body


@pytest.fixture
def thin_server(tmp_path: Path) -> Iterator[str]:
    statement = reference_statement(tmp_path)
    rest = statement["rest"][0]
    rest["interaction"] = [{"code": "batch"}]  # batch only: no transactions
    for resource in rest["resource"]:
        if resource["type"] == "Consent":
            resource["conditionalCreate"] = False
        if resource["type"] == "Provenance":  # no search by agent: its conditional create cannot work
            resource["searchParam"] = [p for p in resource["searchParam"] if p["name"] != "agent"]
    handler = type(
        "Handler", (_ThinServer,), {"statement": statement, "searches": 0, "lock": threading.Lock()}
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_a_server_lacking_features_gets_missing_lines_with_what_to_configure(
    tmp_path: Path, thin_server: str
) -> None:
    done = check(tmp_path / "d", "--url", thin_server)

    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout.splitlines()
    missing = {
        line.split(None, 1)[1].split(":", 1)[0]: i for i, line in enumerate(out) if line.startswith("MISSING")
    }
    assert set(missing) == {"Transactions", "Conditional create", "Provenance by target and agent"}
    assert "batch bundles" in out[missing["Transactions"]]
    assert "Consent" in out[missing["Conditional create"]]
    assert "no search by 'agent'" in out[missing["Provenance by target and agent"]]
    for feature, hint in (
        ("Transactions", "Switch on transaction bundles"),
        ("Conditional create", "Switch on conditional create"),
        ("Provenance by target and agent", "'target' and 'agent' search parameters"),
    ):
        advice = out[missing[feature] + 1]
        assert advice.strip().startswith("What to configure:") and hint in advice, advice
    # The server's 429 came with Retry-After, so the check waited and tried again, then met the 401.
    assert any(line.startswith("OK") and "Security (sign-in)" in line and "(401)" in line for line in out)
    assert any(
        line.startswith("OK") and "Rate limits (429)" in line and "Retry-After" in line for line in out
    )
    assert "3 things the app needs are missing" in done.stdout


# -- the write test ------------------------------------------------------------------------------
def test_write_test_writes_a_handful_and_says_what_it_could_not_delete(
    tmp_path: Path, server: RunningServer, token: str
) -> None:
    done = check(
        tmp_path / "d", "--url", server.url, "--token-stdin", "--write-test", "--json", stdin=f"{token}\n"
    )

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    by_feature = {f["feature"]: f for f in report["features"]}
    for feature in (
        "Per-entry results",
        "Resending (conditional create)",
        "All-or-nothing transactions",
        "Provenance by target and agent (live)",
        "Paging (next links)",
        "Transaction size",
    ):
        assert by_feature[feature]["status"] == "OK", by_feature[feature]
    atomic = by_feature["All-or-nothing transactions"]
    assert "all or nothing" in atomic["finding"] and 'sync_transactions = "whole"' in atomic["configure"]
    # The app creates nothing under an id of its own any more, so the check does not test that.
    assert not [f for f in by_feature if "Client-chosen" in f]
    # Without --find-size nothing is sent to find the size: the app finds it by itself.
    size = by_feature["Transaction size"]
    assert "Not tried" in size["finding"] and "--find-size" in size["finding"]
    # The reference server refuses DELETE: the check says exactly what is left and how to find it.
    cleanup = by_feature["Clean-up"]
    left = report["left_on_server"]
    assert cleanup["status"] == "WARN" and len(left) == 3  # two test organisations and one Provenance
    assert [ref.split("/")[0] for ref in left] == ["Organization", "Organization", "Provenance"]
    assert all(ref in cleanup["finding"] for ref in left)
    assert "501" in cleanup["finding"] and f"{TAG_SYSTEM}|{TAG_CODE}" in cleanup["finding"]
    assert "GET Organization?identifier=" in cleanup["configure"]
    assert "GET Provenance?target=Organization/" in cleanup["configure"]
    # Exactly those stay: the resends created nothing, the broken transaction stored nothing.
    assert server.store.count("Organization") == 2 and server.store.count("Provenance") == 1
    with FhirHttp(server.url, token) as http:
        for ref in left:
            stored = http.request("GET", ref).body
            if ref.startswith("Organization/"):
                assert stored["name"] == TEST_NAME and stored["active"] is False
            else:
                assert [t["reference"] for t in stored["target"]] == [left[0]]
            assert {"system": TAG_SYSTEM, "code": TAG_CODE} in [
                {k: t[k] for k in ("system", "code")} for t in stored["meta"]["tag"]
            ]
    again = check(tmp_path / "d", "--url", server.url, "--token-stdin", "--write-test", stdin=f"{token}\n")
    assert again.returncode == 0, again.stdout
    assert server.store.count("Organization") == 4 and server.store.count("Provenance") == 2
    assert token not in done.stdout + done.stderr


def test_find_size_writes_the_size_probe_once_and_says_so(
    tmp_path: Path, server: RunningServer, token: str
) -> None:
    args = ("--url", server.url, "--token-stdin", "--find-size", "--json")
    done = check(tmp_path / "d", *args, stdin=f"{token}\n")

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    by_feature = {f["feature"]: f for f in report["features"]}
    size = by_feature["Transaction size"]
    assert size["status"] == "OK" and "100 entries" in size["finding"]
    left = report["left_on_server"]
    # the write test's three records, and the 100 of the size probe (the same ones on every run)
    assert len(left) == 103 and "and 98 more" in by_feature["Clean-up"]["finding"]
    assert server.store.count("Organization") == 102
    again = check(tmp_path / "d", *args, stdin=f"{token}\n")
    assert again.returncode == 0, again.stdout
    assert server.store.count("Organization") == 104  # a second run adds only its own two
    assert token not in done.stdout + done.stderr


def write_test_against(tmp_path: Path, *flags: str, org_lines: str = "", **behaviours: Any) -> dict[str, Any]:
    """`--write-test --json` against a reference server that behaves like some real servers do."""
    from sync.server.behaviours import Behaviours

    tmp_path.mkdir(parents=True, exist_ok=True)
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", behaviours=Behaviours(**behaviours))
    org_file = tmp_path / "organisation.toml"
    org_file.write_text(
        f'organisation_name = "Synthetic outreach service"\nserver_url = "{running.url}"\n{org_lines}',
        encoding="utf-8",
    )
    try:
        token = running.add_device("Test laptop 1")
        done = check(
            tmp_path / "d",
            "--org-config",
            str(org_file),
            "--token-stdin",
            "--write-test",
            "--json",
            *flags,
            stdin=f"{token}\n",
        )
    finally:
        running.stop()
    assert token not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert done.returncode == (0 if report["ok"] else 1)
    return {f["feature"]: f for f in report["features"]}


def test_write_test_detects_a_server_that_works_entry_by_entry(tmp_path: Path) -> None:
    found = write_test_against(tmp_path, transactions="entry-by-entry")
    atomic = found["All-or-nothing transactions"]
    assert atomic["status"] == "WARN" and "entry by entry" in atomic["finding"]
    assert "in parts" in atomic["finding"] and "confirmed every entry" in atomic["finding"]
    assert 'keep sync_transactions = "parts"' in atomic["configure"]
    assert all(f["status"] != "MISSING" for f in found.values()), found  # the app copes
    assert found["Provenance by target and agent (live)"]["status"] == "OK"


def test_whole_transactions_on_a_server_that_works_entry_by_entry_are_missing(tmp_path: Path) -> None:
    found = write_test_against(
        tmp_path, org_lines='sync_transactions = "whole"\n', transactions="entry-by-entry"
    )
    atomic = found["All-or-nothing transactions"]
    assert atomic["status"] == "MISSING" and 'sets sync_transactions = "whole"' in atomic["finding"]
    assert 'Set sync_transactions = "parts"' in atomic["configure"]


def test_a_server_that_refuses_client_chosen_ids_is_fine(tmp_path: Path) -> None:
    found = write_test_against(tmp_path, refuse_client_ids=True)
    assert all(f["status"] != "MISSING" for f in found.values()), found
    assert found["Provenance by target and agent (live)"]["status"] == "OK"


def test_find_size_finds_a_cap_on_transaction_size_exactly(tmp_path: Path) -> None:
    plain = write_test_against(tmp_path / "plain", max_transaction_entries=30)
    assert plain["Transaction size"]["status"] == "OK" and "Not tried" in plain["Transaction size"]["finding"]

    found = write_test_against(tmp_path / "probed", "--find-size", max_transaction_entries=30)
    size = found["Transaction size"]
    assert size["status"] == "WARN" and "refused a transaction of 31 entries" in size["finding"]
    assert "accepted 30" in size["finding"] and "halves" in size["finding"]
    assert "sync_max_entries = 30" in size["configure"]


def test_write_test_waits_as_a_rate_limited_server_asks(tmp_path: Path) -> None:
    found = write_test_against(tmp_path, write_quota=(2, 1.0))  # two resources a second per device
    assert all(f["status"] != "MISSING" for f in found.values()), found
    limits = found["Rate limits (429)"]
    assert limits["status"] == "OK" and "always with Retry-After" in limits["finding"]


# -- using the command wrongly ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "No server to check"),
        (("--url", "ftp://example.org/fhir"), "not a web address"),
        (("--url", "http://example.org/fhir"), "https://"),
        (("--url", "https://example.org/fhir", "--write-test"), "--write-test needs the device token"),
        (("--url", "https://example.org/fhir", "--find-size"), "--find-size needs the device token"),
    ],
)
def test_usage_errors_exit_2_with_a_plain_message(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    done = check(tmp_path / "d", *args)
    assert done.returncode == 2 and words in done.stderr, done.stderr


def test_user_and_token_stdin_together_are_refused(tmp_path: Path) -> None:
    done = check(tmp_path / "d", "--url", "https://example.org/fhir", "--user", USER, "--token-stdin")
    assert done.returncode == 2 and "not allowed with" in done.stderr


# -- pieces of the check, in process ---------------------------------------------------------------
def test_a_flag_the_server_does_not_mention_is_a_warning_not_a_gap(tmp_path: Path) -> None:
    from sync.server_check import capability

    statement = reference_statement(tmp_path)
    for resource in statement["rest"][0]["resource"]:
        resource.pop("conditionalCreate", None)
    found = {f.feature: f for f in capability.analyse(statement)}
    assert (
        found["Conditional create"].status == "WARN"
        and "--write-test" in found["Conditional create"].configure
    )
    provenance = found["Provenance by target and agent"]
    assert provenance.status == "WARN" and "conditional create" in provenance.finding
    assert "Client-chosen ids (PUT)" not in found  # the app no longer needs a PUT to create


def test_provenance_needs_conditional_create_and_search_by_target_and_agent(tmp_path: Path) -> None:
    from sync.server_check import capability

    statement = reference_statement(tmp_path)
    provenance = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Provenance")

    def finding() -> Any:
        return {f.feature: f for f in capability.analyse(statement)}["Provenance by target and agent"]

    assert finding().status == "OK"

    provenance["searchParam"] = [p for p in provenance["searchParam"] if p["name"] != "target"]
    assert finding().status == "MISSING" and "'target'" in finding().finding
    del provenance["searchParam"]  # says nothing about its search parameters
    assert finding().status == "WARN" and "--write-test" in finding().configure
    provenance["conditionalCreate"] = False
    assert finding().status == "MISSING" and "conditional create is switched off" in finding().finding


def test_sign_in_declarations_are_recognised() -> None:
    from sync.server_check.capability import declared_security

    smart = {
        "security": {
            "service": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                            "code": "SMART-on-FHIR",
                        }
                    ]
                }
            ]
        }
    }
    assert declared_security(smart) == "SMART-on-FHIR"
    assert declared_security({"security": {"description": "Use an OAuth2 access token"}}) == "OAuth"
    assert declared_security({}) == ""


def test_locations_name_the_resource_written() -> None:
    from sync.server_check.write_test import _reference

    assert _reference("Organization/abc/_history/1") == "Organization/abc"
    assert _reference("https://fhir.example.org/fhir/Organization/abc/_history/2") == "Organization/abc"
    assert _reference("Organization/abc") == "Organization/abc"
    assert _reference("") is None


def test_a_server_that_cannot_be_reached_is_one_plain_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a free loopback port with nobody listening once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = check(tmp_path / "d", "--url", f"http://127.0.0.1:{port}")
    assert done.returncode == 1, done.stdout + done.stderr
    missing = lines_with(done.stdout, "MISSING")
    assert len(missing) == 1 and "Connection:" in missing[0] and "could not be reached" in missing[0]
    assert "server_url" in done.stdout and "ca_bundle" in done.stdout
