"""Organisation recovery, end to end through the real command line in subprocesses."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from outreach.errors import AuthError, ValidationError
from outreach.settings import OrgConfig
from outreach.store.recovery import generate_recovery_key_pair, load_recovery_private_key
from outreach.store.vault import TEST_KDF, FileVaultStorage, MemoryVaultStorage, Vault
from tests.conftest import ROOT

ADMIN, ADMIN_PASS = "Testadmin Alpha", "alpha admin passphrase"
WORKER, WORKER_PASS = "Testworker Beta", "beta worker passphrase"
RECOVERY_PASS = "orange tractor violin harbour"
NEW_PASS = "fresh beta passphrase"
PLACE = {
    "table": "people",
    "record_id": "6f1c2a44-0000-4000-8000-0000000000aa",
    "version": 3,
    "column": "data",
}


def outreach_cli(
    *args: str, stdin: str = "", data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "cli"]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_DATA_DIR"}
    return subprocess.run(
        argv + list(args),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def org_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One key pair made by the real command, shared by this module's tests (it is slow-ish)."""
    out = tmp_path_factory.mktemp("it") / "keys"
    result = outreach_cli("make-recovery-key", "--out", str(out), stdin=f"{RECOVERY_PASS}\n{RECOVERY_PASS}\n")
    assert result.returncode == 0, result.stderr
    snippet = result.stdout[result.stdout.index("recovery_public_key") :]
    public_pem = tomllib.loads(snippet)["recovery_public_key"]
    return out / "organisation-recovery-private.pem", public_pem


def make_laptop(data_dir: Path, public_pem: str | None) -> bytes:
    vault = Vault.create(
        FileVaultStorage.in_data_dir(data_dir),
        admin_name=ADMIN,
        admin_passphrase=ADMIN_PASS,
        recovery_public_key=public_pem,
        kdf=TEST_KDF,
    )
    vault.add_user(WORKER, WORKER_PASS, "worker")
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    vault.lock()
    return blob


def test_make_recovery_key_files(org_keys: tuple[Path, str]) -> None:
    private_path, public_pem = org_keys
    pem = private_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    if os.name != "nt":
        assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert (private_path.parent / "organisation-recovery-public.pem").read_text() == public_pem
    # The pasted snippet is what OrgConfig reads.
    assert OrgConfig.from_mapping({"recovery_public_key": public_pem}).recovery_public_key == public_pem
    with pytest.raises(AuthError):
        load_recovery_private_key(pem, "not the recovery passphrase")
    load_recovery_private_key(pem, RECOVERY_PASS)


def test_private_key_file_is_scrypt_protected_pkcs8(org_keys: tuple[Path, str]) -> None:
    """Standard PBES2 with scrypt at 2^17 x 8 (128 MiB), not the library default of PBKDF2 x 2048."""
    import base64

    from outreach.store import recovery

    body = b"".join(org_keys[0].read_bytes().splitlines()[1:-1])
    der = base64.b64decode(body)
    assert recovery._oid(recovery._OID_PBES2) in der
    assert recovery._oid(recovery._OID_SCRYPT) in der
    assert recovery._int(2**17) + recovery._int(8) + recovery._int(1) in der


def test_make_recovery_key_never_overwrites_and_wants_a_long_passphrase(
    org_keys: tuple[Path, str], tmp_path: Path
) -> None:
    again = outreach_cli(
        "make-recovery-key", "--out", str(org_keys[0].parent), stdin=f"{RECOVERY_PASS}\n{RECOVERY_PASS}\n"
    )
    assert again.returncode == 1 and "never overwritten" in again.stderr
    short = outreach_cli("make-recovery-key", "--out", str(tmp_path / "k"), stdin="short pass\nshort pass\n")
    assert short.returncode == 1 and "at least 16 characters" in short.stderr
    assert not (tmp_path / "k" / "organisation-recovery-private.pem").exists()


def test_recover_end_to_end(org_keys: tuple[Path, str], tmp_path: Path) -> None:
    private_path, public_pem = org_keys
    data_dir = tmp_path / "laptop"
    blob = make_laptop(data_dir, public_pem)
    wraps_before = _wrapped_keys(data_dir)

    result = outreach_cli(
        "recover",
        "--user",
        WORKER,
        "--recovery-key",
        str(private_path),
        stdin=f"{RECOVERY_PASS}\n{NEW_PASS}\n{NEW_PASS}\n",
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.stderr
    assert f"{WORKER} can now unlock" in result.stdout

    vault = Vault.open(FileVaultStorage.in_data_dir(data_dir), kdf=TEST_KDF)
    with pytest.raises(AuthError):
        vault.unlock(WORKER, WORKER_PASS)
    vault.unlock(WORKER, NEW_PASS)
    assert vault.decrypt_text(blob, **PLACE) == "Testperson Alpha"
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASS)  # the other users are untouched
    wraps_after = _wrapped_keys(data_dir)
    assert wraps_after[ADMIN] == wraps_before[ADMIN] and wraps_after[WORKER] != wraps_before[WORKER]


def test_recover_refuses_wrong_passphrase_wrong_key_and_mismatched_new_passphrase(
    org_keys: tuple[Path, str], tmp_path: Path
) -> None:
    private_path, public_pem = org_keys
    data_dir = tmp_path / "laptop"
    make_laptop(data_dir, public_pem)
    args = ("recover", "--user", WORKER, "--recovery-key", str(private_path))

    wrong = outreach_cli(*args, stdin=f"not the recovery pass\n{NEW_PASS}\n{NEW_PASS}\n", data_dir=data_dir)
    assert wrong.returncode == 1 and "Wrong passphrase for the recovery key" in wrong.stderr

    mismatch = outreach_cli(
        *args, stdin=f"{RECOVERY_PASS}\n{NEW_PASS}\nsomething else entirely\n", data_dir=data_dir
    )
    assert mismatch.returncode == 1 and "do not match" in mismatch.stderr

    nobody = outreach_cli(
        "recover",
        "--user",
        "Nobody Here",
        "--recovery-key",
        str(private_path),
        stdin=f"{RECOVERY_PASS}\n{NEW_PASS}\n{NEW_PASS}\n",
        data_dir=data_dir,
    )
    assert nobody.returncode == 1 and "no user called" in nobody.stderr

    other = tmp_path / "other.pem"
    other.write_bytes(generate_recovery_key_pair(RECOVERY_PASS).private_pem)
    foreign = outreach_cli(
        "recover",
        "--user",
        WORKER,
        "--recovery-key",
        str(other),
        stdin=f"{RECOVERY_PASS}\n{NEW_PASS}\n{NEW_PASS}\n",
        data_dir=data_dir,
    )
    assert foreign.returncode == 1 and "not the one this laptop was set up with" in foreign.stderr

    bare = tmp_path / "bare-laptop"
    make_laptop(bare, None)
    no_entry = outreach_cli(*args, stdin="", data_dir=bare)  # refused before any passphrase is asked
    assert no_entry.returncode == 1 and "without an organisation recovery key" in no_entry.stderr

    # Nothing above changed the worker's passphrase.
    Vault.open(FileVaultStorage.in_data_dir(data_dir), kdf=TEST_KDF).unlock(WORKER, WORKER_PASS)


def test_recovery_resets_a_backoff_and_needs_a_recovery_entry(tmp_path: Path) -> None:
    pair = generate_recovery_key_pair(RECOVERY_PASS)
    private = load_recovery_private_key(pair.private_pem, RECOVERY_PASS)
    storage = MemoryVaultStorage()
    vault = Vault.create(
        storage,
        admin_name=ADMIN,
        admin_passphrase=ADMIN_PASS,
        recovery_public_key=pair.public_pem,
        kdf=TEST_KDF,
    )
    vault.lock()
    for _ in range(5):
        with pytest.raises(AuthError):
            vault.unlock(ADMIN, "forgotten passphrase")
    assert vault.retry_after(ADMIN) > 0
    vault.recover_user(ADMIN, private, NEW_PASS)
    assert not vault.is_unlocked
    assert vault.retry_after(ADMIN) == 0
    vault.unlock(ADMIN, NEW_PASS)

    bare = Vault.create(MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)
    assert not bare.has_recovery
    with pytest.raises(AuthError, match="without an organisation recovery key"):
        bare.recover_user(ADMIN, private, NEW_PASS)
    # An admin can add the key later (when IT deploys it): recovery then works.
    assert bare.set_recovery_key(pair.public_pem) == pair.fingerprint
    bare.lock()
    bare.recover_user(ADMIN, private, NEW_PASS)
    bare.unlock(ADMIN, NEW_PASS)


def test_recovery_public_key_must_be_x25519() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ValidationError, match="X25519"):
        Vault.create(
            MemoryVaultStorage(),
            admin_name=ADMIN,
            admin_passphrase=ADMIN_PASS,
            recovery_public_key=pem,
            kdf=TEST_KDF,
        )
    with pytest.raises(ValidationError, match="not a valid PEM"):
        Vault.create(
            MemoryVaultStorage(),
            admin_name=ADMIN,
            admin_passphrase=ADMIN_PASS,
            recovery_public_key="nonsense",
            kdf=TEST_KDF,
        )


def _wrapped_keys(data_dir: Path) -> dict[str, str]:
    import json

    raw = json.loads(FileVaultStorage.in_data_dir(data_dir).path.read_text())
    return {u["name"]: u["wrapped_key"] for u in raw["users"]}
