"""Every store command, given something wrong, answers with a plain message and a non-zero
exit, never a Python traceback, and changes nothing it should not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from tests.conftest import ROOT
from tests.conftest import run_cli as outreach
from tests.factories import new_store_closed

ADMIN = "Ada Admin"
ADMIN_PASS = "synthetic admin passphrase"
WORKER_PASS = "synthetic worker passphrase"



def refused_plainly(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store whose passphrases use the cheap test KDF, so each command unlocks in milliseconds."""
    folder = tmp_path / "data"
    return new_store_closed(folder, admin=ADMIN, passphrase=ADMIN_PASS)


def test_init_with_a_folder_for_its_organisation_file(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    result = outreach(
        tmp_path / "data", "init", "--org-config", str(folder), "--user", ADMIN, stdin=f"{ADMIN_PASS}\n" * 2
    )
    refused_plainly(result, "organisation file")
    assert not LocalStore.exists(tmp_path / "data")


def test_init_with_a_file_where_the_data_folder_should_be(tmp_path: Path) -> None:
    org = tmp_path / "organisation.toml"
    org.write_text('organisation_name = "Synthetic Outreach Service"\n', encoding="utf-8")
    in_the_way = tmp_path / "data"
    in_the_way.write_text("someone's file", encoding="utf-8")
    result = outreach(
        in_the_way, "init", "--org-config", str(org), "--user", ADMIN, stdin=f"{ADMIN_PASS}\n" * 2
    )
    refused_plainly(result, "data folder")
    assert in_the_way.read_text(encoding="utf-8") == "someone's file"


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (
            ("add-user", "--admin", "Nobody Here", "--user", "W", "--role", "worker"),
            f"{ADMIN_PASS}\n",
            "no user",
        ),
        (("add-user", "--admin", ADMIN, "--user", "W", "--role", "worker"), "not the passphrase\n", "Wrong"),
        (("add-user", "--admin", ADMIN, "--user", "W", "--role", "worker"), f"{ADMIN_PASS}\n", "ended"),
        (("demo-data", "--user", ADMIN, "--people", "-1"), f"{ADMIN_PASS}\n", "negative"),
        (("import-people", "--user", ADMIN, "--csv", "{tmp}"), f"{ADMIN_PASS}\n", "folder"),
        (
            ("import-people", "--user", ADMIN, "--csv", "{tmp}/missing.csv"),
            f"{ADMIN_PASS}\n",
            "cannot be read",
        ),
        (("recover", "--user", ADMIN, "--recovery-key", "{tmp}"), "x\n", "cannot be read"),
        (("recover", "--user", ADMIN, "--recovery-key", "{tmp}/missing.pem"), "x\n", "cannot be read"),
    ],
)
def test_store_commands_refuse_bad_input_plainly(
    store_dir: Path, tmp_path: Path, args: tuple[str, ...], stdin: str, words: str
) -> None:
    result = outreach(store_dir, *(a.format(tmp=tmp_path) for a in args), stdin=stdin)
    refused_plainly(result, words)
    with LocalStore.open(store_dir, kdf=TEST_KDF) as after:  # nothing added (an unlock is audited, no more)
        after.unlock(ADMIN, ADMIN_PASS)
        assert [u.name for u in after.vault.list_users()] == [ADMIN]
        assert after.people.count() == 0 and after.checks.count() == 0


@pytest.mark.parametrize(
    "args",
    [
        ("add-user", "--admin", ADMIN, "--user", "W", "--role", "worker"),
        ("demo-data", "--user", ADMIN, "--people", "1"),
        ("recover", "--user", ADMIN, "--recovery-key", "{key}"),
    ],
)
def test_store_commands_in_a_folder_without_a_store(tmp_path: Path, args: tuple[str, ...]) -> None:
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", encoding="ascii")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = outreach(empty, *(a.format(key=key) for a in args), stdin=f"{ADMIN_PASS}\n")
    refused_plainly(result)
    assert "init" in result.stderr or "set up" in result.stderr.lower()
    assert sorted(p.name for p in empty.iterdir() if p.name != "logs") == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_make_recovery_key_on_a_disk_that_refuses_the_write_leaves_no_half_key(tmp_path: Path) -> None:
    """The system refuses to let the file grow (RLIMIT_FSIZE stands in for a full disk): a plain
    message, and no truncated private key file left behind to block the next attempt."""
    import resource
    import signal

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    out = tmp_path / "keys"
    passphrase = "synthetic recovery key passphrase"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "--data-dir",
            str(tmp_path / "no-store"),
            "make-recovery-key",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        input=f"{passphrase}\n{passphrase}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=small_files,  # the child only sets two limits before it starts
    )
    refused_plainly(result, "cannot be written")
    assert list(out.iterdir()) == []
