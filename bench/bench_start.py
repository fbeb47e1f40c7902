#!/usr/bin/env python3
"""Benchmark: start to the unlock screen, against a bare PySide6 window, in the same run.

    .venv/bin/python bench/bench_start.py [--runs 15] [--bundle dist/outreach]

What is timed: from just before the process is started to the moment the page is on screen
(the app prints "shown unlock <time>" when OUTREACH_REPORT_SHOWN=unlock, on the turn of the event
loop after the window's first paint; the bare window prints the same after its own first paint).
Both are started alternately, --runs times each (21 by default), and the medians are compared, with
the fastest runs (on a busy machine the least disturbed) and the median of each app start over its
neighbouring bare start (the pair shares the machine's state). Target: the app at most 1.3x the bare
window.

  * source: `python -m cli --data-dir <store>` and the bare window with the same Python. Both use
    compiled bytecode (PYTHONPYCACHEPREFIX in a temporary folder, written by a warm-up run), as an
    installed app does; PYTHONDONTWRITEBYTECODE is removed for them.
  * bundle (with --bundle DIR): the bundled `outreach` against a bare window bundled the same way
    (PyInstaller, one folder; built once into bench/results/bare-window-bundle, about a minute),
    since a bundle starts differently from a source tree (its own loader, an archive of modules).

The store is a real one (one user, the product's Argon2id profile) in a temporary folder: the
unlock screen lists its users. Qt runs offscreen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TARGET_RATIO = 1.3

# Shows `window`, then prints "shown LABEL <time>" on the turn of the event loop after its first paint
# and quits: the same moment the app reports (ui.app, OUTREACH_REPORT_SHOWN).
_AFTER_FIRST_PAINT = """
def report():
    print(f"shown LABEL {time.time():.6f}", flush=True)
    app.quit()
class AfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False
window.installEventFilter(AfterPaint(window))
window.show()
app.exec()
"""

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Bare window"))
window.resize(800, 600)
""" + _AFTER_FIRST_PAINT.replace("LABEL", "bare")


# The same unlock form in plain PySide6, with none of the app's code: a heading, a name list, a
# passphrase field, a button, the menus with their shortcuts, focus in the passphrase field. PySide6
# makes each Qt class's Python type (and its enums) the first time it is used, and a real form uses
# many more classes than the bare window (Qt's own namespace alone holds 93 enums), so this line
# tells how much of the gap is PySide6 drawing a real form and how much is the app's own start-up.
BARE_FORM = """
import sys, time
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMainWindow,
    QPushButton, QStackedWidget, QVBoxLayout, QWidget)
app = QApplication(sys.argv[:1])
window = QMainWindow()
MENUS = (("&File", ("&Lock", "&Quit")), ("&Work", ("&Find a person", "&Home")), ("&Help", ("&About",)))
for title, names in MENUS:
    menu = window.menuBar().addMenu(title)
    for n, name in enumerate(names):
        action = QAction(name, window)
        action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        menu.addAction(action)
stack = QStackedWidget()
page = QWidget()
column = QVBoxLayout(page)
heading = QLabel("Unlock")
font = heading.font()
font.setBold(True)
heading.setFont(font)
column.addWidget(heading)
column.addWidget(QLabel("Choose your name and type your passphrase."))
names = QComboBox()
names.addItem("Bench Synthetic")
column.addWidget(QLabel("Who are you?"))
column.addWidget(names)
passphrase = QLineEdit()
passphrase.setEchoMode(QLineEdit.EchoMode.Password)
column.addWidget(QLabel("Passphrase"))
column.addWidget(passphrase)
row = QHBoxLayout()
row.addStretch(1)
row.addWidget(QPushButton("Unlock"))
column.addLayout(row)
stack.addWidget(page)
window.setCentralWidget(stack)
window.resize(800, 600)
passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
""" + _AFTER_FIRST_PAINT.replace("LABEL", "form")


def make_store(folder: Path) -> None:
    from outreach.store.local_store import LocalStore

    LocalStore.create(
        folder, admin_name="Bench Synthetic", admin_passphrase="synthetic bench passphrase"
    ).close()


def shown_after(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` to its "shown ..." line."""
    started = time.time()
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("shown "):
            return float(line.split()[-1]) - started
    raise RuntimeError(f"no 'shown' line from {command[:3]}: {out.stderr[-800:]}")


def compare(app: list[str], bare: list[str], env: dict[str, str], runs: int) -> dict[str, object]:
    app_env = dict(env, OUTREACH_REPORT_SHOWN="unlock")
    for _ in range(2):  # warm the disk cache and write the bytecode cache for both
        shown_after(bare, env)
        shown_after(app, app_env)
    app_times: list[float] = []
    bare_times: list[float] = []
    for i in range(runs):
        if i % 2:  # alternate which goes first, so neither always follows the other
            app_times.append(shown_after(app, app_env))
            bare_times.append(shown_after(bare, env))
        else:
            bare_times.append(shown_after(bare, env))
            app_times.append(shown_after(app, app_env))
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    return {
        # Each app start over the bare start made just before or after it: the two share the machine's
        # state at that moment (its clock speed, other load), which on a busy laptop moves both by 50%.
        "paired_ratio": statistics.median(a / b for a, b in zip(app_times, bare_times, strict=True)),
        "fastest_ratio": min(app_times) / min(bare_times),  # least disturbed by other load on the machine
        "app_ms": app_median * 1000,
        "bare_ms": bare_median * 1000,
        "ratio": app_median / bare_median,
        "app_all_ms": sorted(round(t * 1000) for t in app_times),
        "bare_all_ms": sorted(round(t * 1000) for t in bare_times),
    }


def bare_bundle() -> Path:
    """A bare PySide6 window bundled like the app (one folder), built once and kept (built again
    when the bare window's script changes)."""
    folder = RESULTS / "bare-window-bundle"
    program = folder / "dist" / "bare" / ("bare.exe" if os.name == "nt" else "bare")
    script = folder / "bare.py"
    if program.exists() and script.exists() and script.read_text("utf-8") == BARE_WINDOW:
        return program
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bare.py").write_text(BARE_WINDOW, "utf-8")
    print("building the bare-window bundle (once) ...", file=sys.stderr)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--onedir",
            "--name",
            "bare",
            "--distpath",
            str(folder / "dist"),
            "--workpath",
            str(folder / "work"),
            "--specpath",
            str(folder),
            str(folder / "bare.py"),
        ],
        check=True,
    )
    return program


def bundle_size(bundle: Path) -> str:
    """The bundle's size and its largest parts (what each costs), in MiB."""
    parts: dict[str, int] = {}
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(bundle).parts
            inner = relative[1:] if relative[0] == "_internal" else relative
            key = "/".join(inner[:3]) if inner[0] == "PySide6" else inner[0]
            parts[key] = parts.get(key, 0) + path.stat().st_size
    total = sum(parts.values())
    largest = sorted(parts.items(), key=lambda item: -item[1])[:12]
    lines = [f"bundle size: {total / 2**20:.1f} MiB ({total / 1e6:.1f} MB); largest parts:"]
    lines += [f"    {size / 2**20:6.1f} MiB  {name}" for name, size in largest]
    return "\n".join(lines)


def report(label: str, result: dict[str, object]) -> None:
    ratio = float(result["ratio"])  # type: ignore[arg-type]
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(
        f"{label}: unlock screen {float(result['app_ms']):.0f} ms, bare PySide6 window "  # type: ignore[arg-type]
        f"{float(result['bare_ms']):.0f} ms, ratio {ratio:.2f} (target <= {TARGET_RATIO}) [{verdict}]"  # type: ignore[arg-type]
    )
    print(f"    fastest run of each: ratio {float(result['fastest_ratio']):.2f}")  # type: ignore[arg-type]
    print(f"    median of each start over its neighbouring bare start: {float(result['paired_ratio']):.2f}")  # type: ignore[arg-type]
    print(f"    app  runs (ms, sorted): {result['app_all_ms']}")
    print(f"    bare runs (ms, sorted): {result['bare_all_ms']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--bundle", type=Path, help="a built bundle folder (dist/outreach) to measure too")
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="bench-start-"))
    try:
        store = temp / "data"
        make_store(store)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(temp / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("OUTREACH_RESOURCES_DIR", None)
        source = compare(
            [sys.executable, "-m", "cli", "--data-dir", str(store)],
            [sys.executable, "-c", BARE_WINDOW],
            env,
            args.runs,
        )
        report("source (python -m cli)", source)
        form = compare(
            [sys.executable, "-m", "cli", "--data-dir", str(store)],
            [sys.executable, "-c", BARE_FORM],
            env,
            args.runs,
        )
        form_ms, ratio, fastest = (float(form[key]) for key in ("bare_ms", "ratio", "fastest_ratio"))  # type: ignore[arg-type]
        print(
            f"    the same form in plain PySide6: {form_ms:.0f} ms; the app's own start-up on top of it: "
            f"ratio {ratio:.2f} (fastest runs {fastest:.2f})"
        )
        if args.bundle:
            print(bundle_size(args.bundle))
            program = args.bundle / ("outreach.exe" if os.name == "nt" else "outreach")
            bundled = compare([str(program), "--data-dir", str(store)], [str(bare_bundle())], env, args.runs)
            report(f"bundle ({args.bundle})", bundled)
        print(
            f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
            if hasattr(os, "getloadavg")
            else f"machine: {os.cpu_count()} CPUs"
        )
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
