"""Builders the tests share, so each is written once: a real store, and synthetic people in it.

Everything made here is obviously synthetic: people are called "Testperson ...", NHS numbers come
from the 999 range with valid check digits. Stores use the vault's cheap test KDF, so an unlock
takes milliseconds; everything else is the production code path.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from outreach import services
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails, PersonRecord

ADMIN = "Admin Testuser"
PASSPHRASE = "synthetic passphrase one"
NHS_VALID = "9990000018"  # 999 range, valid Modulus 11 check digit


def new_store(
    folder: Path,
    *,
    admin: str = ADMIN,
    passphrase: str = PASSPHRASE,
    users: Sequence[str] = (),
    people: int = 0,
) -> LocalStore:
    """A new store in `folder`, open and unlocked as its admin `admin`; `users` are added as workers
    with the same passphrase, and `people` numbered synthetic people are registered (one commit)."""
    store = LocalStore.create(folder, admin_name=admin, admin_passphrase=passphrase, kdf=TEST_KDF)
    try:
        for name in users:
            store.vault.add_user(name, passphrase, "worker")
        if people:
            with store.db.write():
                for i in range(people):
                    services.register_person(store, numbered_person(i))
    except BaseException:
        store.close()
        raise
    return store


def new_store_closed(folder: Path, **kwargs: object) -> Path:
    """new_store(), closed again at once (for tests that open it as the app or a command would)."""
    new_store(folder, **kwargs).close()  # type: ignore[arg-type]
    return folder


def reopen(folder: Path, *, admin: str = ADMIN, passphrase: str = PASSPHRASE, **kwargs: object) -> LocalStore:
    """The store in `folder` opened again and unlocked as `admin`."""
    store = LocalStore.open(folder, kdf=TEST_KDF, **kwargs)  # type: ignore[arg-type]
    store.unlock(admin, passphrase)
    return store


@functools.cache
def _test_range_numbers(count: int) -> tuple[str, ...]:
    from outreach.clinical.nhs_number import check_digit

    out: list[str] = []
    m = 0
    while len(out) < count:
        first = f"999{m:06d}"
        digit = check_digit(first)
        if digit is not None:
            out.append(first + str(digit))
        m += 1
    return tuple(out)


def nth_nhs_number(n: int) -> str:
    """The n-th valid NHS number of the 999 test range, in order (never issued to a real person):
    distinct for distinct n, the same in every run."""
    return _test_range_numbers((n // 1024 + 1) * 1024)[n]


def synthetic_nhs_number(seed: int) -> str:
    """A valid NHS number in the 999 range (never issued to a real person) made from `seed`:
    999 then the seed's last six digits, or the first valid one seven apart after it."""
    from outreach.clinical.nhs_number import check_digit

    n = seed
    while True:
        first = f"999{n % 1_000_000:06d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        n += 7


def numbered_person(i: int) -> PersonDetails:
    """The i-th of a list of synthetic people: distinct names and birth dates, no NHS number."""
    return PersonDetails(
        given_name="Testperson",
        family_name=f"Number{i}",
        date_of_birth=(date(1960, 1, 1) + timedelta(days=37 * i)).isoformat(),
        sex="female",
    )


def add_person(
    store: LocalStore,
    *,
    given: str = "Testperson",
    family: str = "Alpha",
    dob: str = "1970-01-02",
    sex: str = "male",
    nhs_number: str | None = NHS_VALID,
    ethnic: str | None = "A",
    postcode: str | None = None,
) -> PersonRecord:
    """Register one synthetic person through the same use case the screens use."""
    details = PersonDetails(
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        sex=sex,
        nhs_number=nhs_number,
        ethnic_category=ethnic,
        postcode=postcode,
    )
    return services.register_person(store, details)
