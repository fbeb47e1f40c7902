"""Small pieces of the server checked directly: time ranges, the clock, cursors across
databases, and serving HTTPS."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
import requests

from sync.server import clock
from sync.server.app import make_app
from sync.server.errors import FhirError
from sync.server.search import Cursor, make_cursor, read_cursor
from sync.server.serving import RemoteBindRefused, is_loopback, make_server, start_in_thread
from sync.server.store import Store


def test_parse_range_precisions() -> None:
    lo, hi = clock.parse_range("2026-11-23")
    assert hi - lo == 86_400 * clock.US
    lo, hi = clock.parse_range("2026-11-23T14:00:00.123456Z")
    assert hi - lo == 1 and clock.to_instant(lo) == "2026-11-23T14:00:00.123456Z"
    lo2, _ = clock.parse_range("2026-11-23T15:00:00.123456+01:00")
    assert lo2 == lo
    lo3, _ = clock.parse_range("2026-11-23T15:00:00.123456 01:00")  # '+' decoded to space by a sloppy client
    assert lo3 == lo
    assert clock.parse_range("2026-12")[1] == clock.parse_range("2027-01-01")[0]
    for bad in ("2026-13-01", "2026-11-23T14:00", "yesterday", "2026-02-30"):
        with pytest.raises(FhirError):
            clock.parse_range(bad)


def test_ticker_is_strictly_increasing_even_if_the_clock_goes_back() -> None:
    future = clock.now_us() + 3_600 * clock.US
    t = clock.Ticker(future)
    stamps = [t.tick() for _ in range(5)]
    assert stamps == list(range(future + 1, future + 6))


def test_cursor_from_another_database_is_gone(tmp_path: Path) -> None:
    a = Store(f"sqlite:///{tmp_path / 'a.db'}")
    b = Store(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        token = make_cursor(Cursor(1, "x"), epoch=a.epoch, secret=a._secret, query_hash="q")
        assert read_cursor(token, epoch=a.epoch, secret=a._secret, query_hash="q", ttl_s=60) == Cursor(1, "x")
        with pytest.raises(FhirError) as err:
            read_cursor(token, epoch=b.epoch, secret=b._secret, query_hash="q", ttl_s=60)
        assert err.value.status == 410 and err.value.details == "restart-search"
    finally:
        a.close()
        b.close()


def test_reopening_a_database_keeps_epoch_and_clock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    s = Store(url)
    epoch = s.epoch
    s.close()
    s2 = Store(url)
    assert s2.epoch == epoch
    s2.close()


def test_loopback_rules(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("::")
    app = make_app(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with pytest.raises(RemoteBindRefused):
            make_server(app, "0.0.0.0", 0)
    finally:
        app.store.close()


def _self_signed(tmp_path: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


def test_serves_https_with_a_verified_certificate(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with start_in_thread(f"sqlite:///{tmp_path / 's.db'}", tls_cert=cert, tls_key=key) as running:
        assert running.url.startswith("https://")
        assert requests.get(f"{running.url}/metadata", verify=cert, timeout=10).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{running.url}/metadata", timeout=10)  # not trusted without the CA bundle


def test_missing_postgres_fails_on_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import postgres_missing

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install the 'postgresql' package"):
        postgres_missing()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        postgres_missing()
