"""Strings in the UI are translatable: a compiled catalogue changes what the worker sees."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outreach.errors import ValidationError
from outreach.settings import OrgConfig
from tests.conftest import ROOT
from ui.errors import describe_error
from ui.i18n import install_translations
from ui.start_window import StartInfo, StartWindow

CATALOGUE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="cy_GB">
<context><name>StartWindow</name>
<message><source>Outreach Health Checks</source><translation>Synthetic title CY</translation></message>
</context>
<context><name>errors</name>
<message><source>Please check</source><translation>Synthetic check CY</translation></message>
</context>
</TS>
"""


def lrelease() -> str:
    found = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    if not Path(found).exists():
        pytest.skip("pyside6-lrelease is not installed")
    return found


def test_a_compiled_translation_changes_window_and_error_texts(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    source = tmp_path / "outreach_cy_GB.ts"
    source.write_text(CATALOGUE, "utf-8")
    subprocess.run(
        [lrelease(), str(source), "-qm", str(tmp_path / "outreach_cy_GB.qm")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    translators = install_translations(qapp, "cy-GB", folder=tmp_path)
    try:
        assert any(not t.isEmpty() for t in translators)
        window = StartWindow(StartInfo(data_dir=tmp_path, organisation=OrgConfig()))
        qtbot.addWidget(window)
        assert window.windowTitle() == "Synthetic title CY"
        assert describe_error(ValidationError("Weight 900 kg is not possible")).title == "Synthetic check CY"  # type: ignore[union-attr]
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
    assert (
        StartWindow(StartInfo(data_dir=tmp_path, organisation=OrgConfig())).windowTitle()
        == "Outreach Health Checks"
    )


def test_no_catalogue_for_a_language_is_not_an_error(qapp: QApplication, tmp_path: Path) -> None:
    translators = install_translations(qapp, "xx-XX", folder=tmp_path)
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    assert all(t.language() != "xx_XX" for t in translators)


def test_the_translation_template_lists_the_ui_strings() -> None:
    template = (ROOT / "resources" / "translations" / "outreach.ts").read_text("utf-8")
    for text in ("Check this installation", "Not sent yet", "Something went wrong"):
        assert f"<source>{text}</source>" in template
