"""Loading translations: Qt's own (standard buttons and dialogs) and the app's.

Every user-visible string in `ui/` goes through ``tr`` / ``QCoreApplication.translate``,
so a translation is a file, not a code change: ``outreach_<language>.qm`` in
``resources/translations/`` (made from a ``.ts`` file with pyside6-lrelease).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP as _translate_noop
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from outreach.resources import resource_path

APP_CATALOGUE = "outreach"

# Marks a text for pyside6-lupdate (which finds the calls by this name) and returns the text itself,
# translated later where it is shown. PySide6's stubs say it returns `object`: typed here as it is.
QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], _translate_noop)


def install_translations(
    app: QCoreApplication, language: str | None = None, folder: Path | None = None
) -> list[QTranslator]:
    """Install the translators for `language` (e.g. "cy-GB"; default: the system's); return them.

    Missing files are normal (English needs none) and are not an error.
    """
    locale = QLocale(language.replace("-", "_")) if language else QLocale.system()
    installed = []
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalogue, where in (
        ("qtbase", qt_folder),
        (APP_CATALOGUE, str(folder or resource_path("translations"))),
    ):
        translator = QTranslator(app)
        if translator.load(locale, catalogue, "_", where):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed
