"""Fixtures for the shared-record server tests: a real server on a free loopback port, on
SQLite and on a throwaway PostgreSQL cluster started for the test session."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread

FHIR_JSON = "application/fhir+json"


def _pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live: pg_config --bindir, the Debian layout, or PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(out.stdout.strip()))
        except (subprocess.SubprocessError, OSError):
            pass
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_missing() -> None:
    """Fail on CI (which installs PostgreSQL, so missing binaries are a broken set-up); skip elsewhere."""
    msg = "PostgreSQL server binaries (initdb, pg_ctl) not found; install the 'postgresql' package."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@dataclass
class PgCluster:
    bindir: Path
    base: Path
    port: int
    run_as: list[str]

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_db(self) -> str:
        """A fresh, empty schema in the 'postgres' database (much quicker than CREATE DATABASE)."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin() as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return name

    def drop_db(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def url(self, name: str) -> str:
        """A URL whose connections see only the given schema."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres?options=-csearch_path%3D{name}"


def _run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False, **kw)


def _pg(cmd: list[str], base: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Run from the cluster folder: the unprivileged user may not be able to enter our working directory.
    return _run(cmd, env=env, cwd=str(base))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster in a temporary directory on a free loopback port, for this session.

    PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to the
    'postgres' user (or 'nobody') and every command runs through runuser.
    """
    bindir = _pg_bindir()
    if bindir is None:
        postgres_missing()
    base = Path(tempfile.mkdtemp(prefix="outreach-pg-"))
    run_as: list[str] = []
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
            pw = pwd.getpwnam(user)
        os.chown(base, pw.pw_uid, pw.pw_gid)
        runuser = shutil.which("runuser")
        if not runuser:
            pytest.fail("Running as root needs 'runuser' to start PostgreSQL as an unprivileged user.")
        run_as = [runuser, "-u", user, "--"]
    data = base / "data"
    init = _pg(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-N",
            "-E",
            "UTF8",
            "--no-locale",
        ],
        base,
        env,
    )
    if init.returncode != 0:
        pytest.fail(f"initdb failed: {init.stderr or init.stdout}")
    port = 0
    for _attempt in range(3):
        port = free_port()
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        start = _pg(
            [
                *run_as,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                opts,
                "start",
            ],
            base,
            env,
        )
        if start.returncode == 0:
            break
    else:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        pytest.fail(f"PostgreSQL did not start: {start.stderr or start.stdout}\n{log[-2000:]}")
    cluster = PgCluster(bindir, base, port, run_as)
    try:
        yield cluster
    finally:
        _pg([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], base, env)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new schema in the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_db()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_db(name)


class Client:
    """A tiny FHIR client over requests for the tests: base URL plus a device token."""

    def __init__(self, running: RunningServer, token: str) -> None:
        self.running = running
        self.url = running.url
        self.token = token
        self.http = requests.Session()

    def headers(self, extra: dict[str, str] | None = None, *, token: str | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {token or self.token}", "Accept": FHIR_JSON, "Content-Type": FHIR_JSON}
        h.update(extra or {})
        return h

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self._u(path), headers=self.headers(kw.pop("headers", None)), timeout=30, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> requests.Response:
        return self.http.post(
            self._u(path), json=body, headers=self.headers(kw.pop("headers", None)), timeout=30, **kw
        )

    def put(self, path: str, body: Any, **kw: Any) -> requests.Response:
        return self.http.put(
            self._u(path), json=body, headers=self.headers(kw.pop("headers", None)), timeout=30, **kw
        )

    def _u(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.url}{path}"

    def count(self, res_type: str, **params: str) -> int:
        r = self.get(f"/{res_type}", params={**params, "_count": "0"})
        assert r.status_code == 200, r.text
        return int(r.json()["total"])


def _start(db_url: str, **kw: Any) -> tuple[RunningServer, Client]:
    running = start_in_thread(db_url, **kw)
    return running, Client(running, running.add_device("Test laptop 1"))


@pytest.fixture
def server(db_url: str) -> Iterator[Client]:
    """A running server on the parametrised backend, with one enrolled device."""
    running, client = _start(db_url)
    try:
        yield client
    finally:
        client.http.close()
        running.stop()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Client]:
    """A running server on SQLite only, for behaviour that does not depend on the database."""
    running, client = _start(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults(), max_body=64 * 1024)
    try:
        yield client
    finally:
        client.http.close()
        running.stop()


def wait_until(pred: Any, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False
