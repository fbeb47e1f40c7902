"""The default passphrase cost: the one test that runs the real Argon2id parameters."""

from __future__ import annotations

import os
import time

from outreach.store.crypto import DEFAULT_KDF, TEST_KDF, derive_kek


def test_default_kdf_meets_rfc9106_floor_and_costs_a_fraction_of_a_second() -> None:
    # RFC 9106 section 4, second recommended option: Argon2id, t=3, p=4, m=64 MiB.
    assert DEFAULT_KDF.iterations >= 3 and DEFAULT_KDF.memory_kib >= 64 * 1024
    timings: list[float] = []
    for _ in range(5):  # the fastest of up to five runs: other work on the machine only adds time
        start = time.perf_counter()
        derive_kek("synthetic passphrase for timing", os.urandom(16), DEFAULT_KDF)
        timings.append(time.perf_counter() - start)
        if 0.2 <= timings[-1] <= 0.5:
            break
    fastest = min(timings)
    # Target 0.2-0.5 s on the development machine; the band is widened on both sides
    # because the test may share its cores with a parallel suite. Much faster would
    # mean the parameters were not applied; much slower would make unlocking a chore.
    assert 0.15 <= fastest <= 0.9, f"one unlock took {fastest:.3f} s with {DEFAULT_KDF}"


def test_the_test_profile_is_cheap_and_different() -> None:
    assert TEST_KDF.memory_kib < DEFAULT_KDF.memory_kib
    start = time.perf_counter()
    derive_kek("synthetic passphrase for timing", os.urandom(16), TEST_KDF)
    assert time.perf_counter() - start < 0.05
