"""The supervisor's Review workspace: the team's checks to review, one check under review, the dashboards.

`can_review` lives here, with nothing imported, so the main window can ask it at unlock without
loading the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SUPERVISING_ROLES = ("supervisor", "admin")


def can_review(user: Any, users: Sequence[Any] = ()) -> bool:
    """Whether this user gets the Review workspace: a supervisor, or an admin on a supervisor's laptop
    (one of its `users` is a supervisor). Workers never see it, nor does the admin who set up a worker's
    laptop: sync brings the team's checks only to supervisors' laptops (`sync.engine`), so the queue
    there would stay empty."""
    role = getattr(user, "role", None)
    if role == "supervisor":
        return True
    return role in SUPERVISING_ROLES and any(getattr(u, "role", None) == "supervisor" for u in users)
