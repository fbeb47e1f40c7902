"""`outreach sync` as IT runs it, in a real subprocess; and the same process killed with
SIGKILL at random moments mid-sync, then restarted: every check still arrives exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from outreach.demo_data import fill_demo_data
from outreach.fhir.identifiers import CHECK_SYSTEM
from outreach.store.local_store import LocalStore
from sync.push import product_bundle_builder
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.conftest import ROOT
from tests.sync.conftest import ADMIN, PASSPHRASE, make_store, pending, server_count, share_all
from tests.sync.server_modes import MODES, assert_every_record_once

ORG = "Test outreach service"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def cli(data_dir: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), "sync", "--user", ADMIN, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=_env(),
        check=False,
    )


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_ORG_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def laptop(tmp_path: Path, server: RunningServer, checks: int) -> tuple[Path, LocalStore]:
    folder = tmp_path / "laptop"
    store = make_store(folder, checks=checks)
    (folder / "organisation.toml").write_text(
        f'organisation_name = "Test outreach service"\nserver_url = "{server.url}"\n', encoding="utf-8"
    )
    return folder, store


def expected_observations(store: LocalStore) -> int:
    build = product_bundle_builder("Test outreach service")
    total: Counter[str] = Counter()
    for item in store.outbox.list():
        total.update(e["resource"]["resourceType"] for e in build(store, item)["entry"])
    return total["Observation"]


def assert_exactly_once(store: LocalStore, server: RunningServer, token: str) -> None:
    items = store.outbox.list()
    for item in items:
        assert server_count(server, token, "Encounter", identifier=f"{CHECK_SYSTEM}|{item.check_id}") == 1
    assert server_count(server, token, "Encounter") == len(items)
    assert server_count(server, token, "Observation") == expected_observations(store)
    assert pending(store) == []


def test_it_sets_the_token_and_runs_a_sync(tmp_path: Path, server: RunningServer, token: str) -> None:
    folder, store = laptop(tmp_path, server, checks=3)
    try:
        no_token = cli(folder, stdin=f"{PASSPHRASE}\n")
        assert no_token.returncode == 1 and "no device token" in no_token.stderr
        saved = cli(folder, "--set-token", stdin=f"{PASSPHRASE}\n{token}\n")
        assert saved.returncode == 0, saved.stderr
        done = cli(folder, stdin=f"{PASSPHRASE}\n")
        assert done.returncode == 0, done.stderr
        assert "Sent 3 check(s)" in done.stdout and "0 item(s) still in the outbox" in done.stdout
        status = cli(folder, "--status", stdin=f"{PASSPHRASE}\n")
        assert "0 item(s) waiting" in status.stdout
        last = next(line for line in status.stdout.splitlines() if line.startswith("Last sync: "))
        assert " UTC (sent 3" in last and "{" not in last, last  # in words, not the stored record
        for out in (no_token, saved, done, status):
            assert token not in out.stdout + out.stderr
        assert_exactly_once(store, server, token)
        server.store.revoke_device("Test laptop 1")
        refused = cli(folder, stdin=f"{PASSPHRASE}\n")
        assert refused.returncode == 1 and "revoked" in refused.stderr
    finally:
        store.close()


def test_status_shows_it_the_servers_exact_reply_for_a_held_check(
    tmp_path: Path, server: RunningServer, token: str
) -> None:
    from tests.sync.bundles import builder_breaking
    from tests.sync.conftest import make_engine

    folder, store = laptop(tmp_path, server, checks=2)
    try:
        bad = store.outbox.list()[0].check_id
        make_engine(store, server, token, builder=builder_breaking({bad})).run_once()
        status = cli(folder, "--status", stdin=f"{PASSPHRASE}\n")
        assert status.returncode == 0, status.stderr
        assert "1 item(s) waiting" in status.stdout
        assert "Refused by the shared record" in status.stdout  # the worker's words
        assert "server said: HTTP 400" in status.stdout and "not valid FHIR" in status.stdout  # IT's
    finally:
        store.close()


# (mode, rounds): the reference server's strict default gets the most kills; each behaviour of
# real servers gets its own share, so a kill lands mid-part, between parts and mid-lookup there.
KILL_MODES = {
    "atomic": 10,
    "entry by entry": 6,
    "entry by entry, at most 5": 4,
    "409 on concurrent writes": 4,
    "client ids refused": 3,
}


@pytest.mark.parametrize("mode", list(KILL_MODES))
def test_killed_mid_sync_at_random_moments_then_restarted(tmp_path: Path, mode: str) -> None:
    rounds = KILL_MODES[mode]
    with start_in_thread(
        f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults(), behaviours=MODES[mode]()
    ) as server:
        token = server.add_device("Test laptop 1")
        _kill_and_restart(tmp_path, server, token, rounds)


def _kill_and_restart(tmp_path: Path, server: RunningServer, token: str, rounds: int) -> None:
    folder, store = laptop(tmp_path, server, checks=24)
    consented = share_all(store)  # already given: asking again would change what their checks send
    rng = random.Random(int(os.environ.get("SYNC_KILL_SEED", "20261123")) + rounds)
    assert cli(folder, "--set-token", stdin=f"{PASSPHRASE}\n{token}\n").returncode == 0
    server.faults.delay(0.02, times=None, method="POST", path="/")  # keep several requests in flight
    kills = caught_sending = 0
    sent_so_far: list[int] = []
    try:
        for round_no in range(rounds):
            proc = subprocess.Popen(
                [sys.executable, "-m", "cli", "--data-dir", str(folder), "sync", "--user", ADMIN],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                cwd=ROOT,
                env=_env(),
            )
            assert proc.stdin and proc.stdout
            proc.stdin.write(f"{PASSPHRASE}\n")
            proc.stdin.close()
            proc.stdout.readline()  # "Syncing with ..." : unlocked, about to send
            time.sleep(rng.uniform(0.0, 0.35))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
            proc.stdout.close()
            caught_sending += len(store.outbox.list(("sending",)))
            sent_so_far.append(len(store.outbox.list(("sent",))))
            if round_no % 4 == 3:  # more work arrives between syncs
                fill_demo_data(store, people=2, checks_per_person=1, seed=100 + round_no)
                consented = share_all(store, except_people=consented)
        assert kills >= rounds * 2 // 3
        assert caught_sending >= 1, "no kill landed between 'sending' and the answer"
        assert sent_so_far[0] < 24, "the first run finished before it was killed"
        server.faults.clear()
        final = cli(folder, stdin=f"{PASSPHRASE}\n")
        assert final.returncode == 0, final.stderr
        assert pending(store) == [], final.stdout
        assert len(store.outbox.list()) == 24 + 2 * (rounds // 4)
        checker = server.add_device("Checker", role="supervisor")  # reads what every laptop sent
        assert_every_record_once(store, server, checker, product_bundle_builder(ORG))
        assert store.db.integrity_check() == ["ok"]
    finally:
        store.close()
