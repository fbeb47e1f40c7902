"""A table view over a paged model, with the one QTableWidget convenience the screens and tests use."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView


class ListTable(QTableView):
    """A QTableView that answers rowCount() like a QTableWidget does: the rows loaded so far."""

    def rowCount(self) -> int:
        model = self.model()
        return model.rowCount() if model is not None else 0
