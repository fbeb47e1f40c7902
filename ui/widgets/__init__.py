"""Small widgets the screens share: a labelled field with its own message line, a busy strip, a notice."""

from ui.widgets.busy import BusyIndicator
from ui.widgets.field import LabelledField
from ui.widgets.notice import Notice

__all__ = ["BusyIndicator", "LabelledField", "Notice"]
