"""outreach-server as IT runs it in production: gunicorn, several worker processes on one
database (SQLite or PostgreSQL), TLS, idle connections, and gunicorn's own refusals as
OperationOutcomes."""

from __future__ import annotations

import concurrent.futures
import copy
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from sync.server import production

from .fhir_data import check_bundle
from .test_units import _self_signed


@pytest.fixture(autouse=True)
def _needs_gunicorn() -> None:
    """CI installs the dev extra, which includes gunicorn: there a missing gunicorn is a broken
    set-up and fails; elsewhere (or off Linux, where gunicorn does not run) the tests skip."""
    if production.available() and sys.platform.startswith("linux"):
        return
    msg = "gunicorn (the server extra, Linux) is not installed: pip install -e '.[dev]'"
    if os.environ.get("CI", "").lower() == "true" and sys.platform.startswith("linux"):
        pytest.fail(msg)
    pytest.skip(msg)


PY = [sys.executable, "-m", "sync.server.cli"]
FHIR = {"Content-Type": "application/fhir+json"}


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def _token(db: str) -> str:
    out = subprocess.run(
        [*PY, "add-device", "Test laptop 1", "--db", db],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def gunicorn_server(
    db: str, *extra: str, verify: str | bool = True
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`outreach-server --server gunicorn` on a free loopback port; yields its URL once it answers."""
    proc = subprocess.Popen(
        [*PY, "--db", db, "--port", "0", "--server", "gunicorn", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "serving FHIR R4 at" in line and "gunicorn" in line, line
        url = line.split(" at ")[1].split()[0]
        end = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/metadata", timeout=5, verify=verify)
                break
            except requests.RequestException:
                assert time.monotonic() < end, "the workers never answered"
                time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_several_workers_store_each_check_once(db_url: str) -> None:
    token = _token(db_url)
    auth = {"Authorization": f"Bearer {token}", **FHIR}
    with gunicorn_server(db_url, "--workers", "3", "--threads", "4") as (url, proc):
        bundles = [check_bundle(n) for n in range(1, 9)]
        sends = [copy.deepcopy(b) for b in bundles for _ in range(3)]  # each check sent three times at once

        def post(b: dict) -> int:
            with requests.Session() as s:
                return s.post(f"{url}/", json=b, headers=auth, timeout=60).status_code

        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            assert set(pool.map(post, sends)) == {200}
        total = requests.get(f"{url}/Encounter", params={"_count": "0"}, headers=auth, timeout=30).json()[
            "total"
        ]
        assert total == len(bundles)
        assert len(_children(proc.pid)) == 3


def test_gunicorn_errors_are_operation_outcomes_and_idle_connections_are_cheap(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    token = _token(db)
    with gunicorn_server(db, "--workers", "1", "--threads", "2") as (url, proc):
        host, port = url.rsplit("//", 1)[1].split(":")
        for raw, status in (
            (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
            (b"GARBAGE\r\n\r\n", b"400"),
        ):
            with socket.create_connection((host, int(port)), timeout=10) as s:
                s.sendall(raw)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            assert head.split(b"\r\n")[0].split()[1] == status, data[:200]
            assert b"application/fhir+json" in head and b'"OperationOutcome"' in body
        # Many idle connections do not stop a request from being answered by a two-thread worker.
        idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(300)]
        try:
            r = requests.get(f"{url}/Patient", headers={"Authorization": f"Bearer {token}"}, timeout=20)
            assert r.status_code == 200
        finally:
            for s in idle:
                s.close()
        threads = [_threads(pid) for pid in _children(proc.pid)]
        assert threads and all(n < 40 for n in threads), threads


def test_gunicorn_serves_https(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    token = _token(db)
    with gunicorn_server(db, "--workers", "1", "--tls-cert", cert, "--tls-key", key, verify=cert) as (
        url,
        _proc,
    ):
        assert url.startswith("https://")
        r = requests.post(
            f"{url}/",
            json=check_bundle(1),
            headers={"Authorization": f"Bearer {token}", **FHIR},
            timeout=30,
            verify=cert,
        )
        assert r.status_code == 200, r.text
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{url}/metadata", timeout=10)  # verified against the system CAs: refused
