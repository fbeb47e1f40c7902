"""Demo data moved out of the store to `outreach.demo_data` (it fills the store through the use
cases in `outreach.services`, which the store itself must never import).

This old import path stays only until the callers still using it are moved; import from
`outreach.demo_data`.
"""

from __future__ import annotations

from outreach.demo_data import (  # noqa: F401 - re-exported for callers not yet moved
    RECIPIENTS,
    SHARING_CHOICES,
    DemoSummary,
    Sharing,
    _CheckPool,
    fill_demo_data,
    finalise_demo_check,
    sharing_plan,
    synthetic_nhs_numbers,
    synthetic_person,
)
