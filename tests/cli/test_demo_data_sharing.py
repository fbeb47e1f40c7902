"""A trainer's demonstration: `outreach demo-data` makes a caseload where most people share
and a few decline, says how many agreed, and a sync sends the sharers' checks while the
others wait in the outbox for consent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.server.serving import RunningServer, start_in_thread
from tests.conftest import run_cli
from tests.factories import new_store_closed

USER = "Trainer Testuser"
PASSPHRASE = "synthetic trainer passphrase"


def outreach(data_dir: Path, *args: str, stdin: str) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_ORG_CONFIG"}
    return run_cli(data_dir, *args, stdin=stdin, env=env)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}")
    try:
        yield running
    finally:
        running.stop()


def new_laptop(folder: Path) -> Path:
    return new_store_closed(folder, admin=USER, passphrase=PASSPHRASE)


def test_demo_data_says_who_shares_and_sync_holds_the_others_for_consent(
    tmp_path: Path, server: RunningServer
) -> None:
    folder = new_laptop(tmp_path / "laptop")
    made = outreach(folder, "demo-data", "--user", USER, "--people", "8", stdin=f"{PASSPHRASE}\n")
    assert made.returncode == 0, made.stderr
    assert "agreed to share their checks (GP: " in made.stdout
    assert "1 declined sharing with anyone" in made.stdout and "waiting for consent" in made.stdout
    assert "7 of 8 people agreed to share" in made.stdout

    (folder / "organisation.toml").write_text(f'server_url = "{server.url}"\n', encoding="utf-8")
    token = server.add_device("Training laptop")
    saved = outreach(folder, "sync", "--user", USER, "--set-token", stdin=f"{PASSPHRASE}\n{token}\n")
    assert saved.returncode == 0, saved.stderr
    synced = outreach(folder, "sync", "--user", USER, stdin=f"{PASSPHRASE}\n")
    assert synced.returncode == 0, synced.stderr
    assert server.store.count("Encounter") == 7

    status = outreach(folder, "sync", "--user", USER, "--status", stdin=f"{PASSPHRASE}\n")
    assert "1 item(s) waiting in the outbox." in status.stdout
    assert "has not agreed to share" in status.stdout


def test_demo_data_can_still_ask_nobody_or_everyone(tmp_path: Path) -> None:
    nobody = new_laptop(tmp_path / "nobody")
    done = outreach(
        nobody, "demo-data", "--user", USER, "--people", "3", "--sharing", "none", stdin=f"{PASSPHRASE}\n"
    )
    assert done.returncode == 0, done.stderr
    assert "Nobody was asked about sharing" in done.stdout

    everyone = new_laptop(tmp_path / "everyone")
    done = outreach(
        everyone, "demo-data", "--user", USER, "--people", "3", "--sharing", "all", stdin=f"{PASSPHRASE}\n"
    )
    assert done.returncode == 0, done.stderr
    assert "3 of 3 people agreed to share their checks (GP: 3)." in done.stdout

    wrong = outreach(
        everyone, "demo-data", "--user", USER, "--people", "1", "--sharing", "some", stdin=f"{PASSPHRASE}\n"
    )
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
