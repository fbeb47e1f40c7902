"""Make the bundle's ICU data library smaller on Linux by leaving out data Qt never reads here.

PySide6's Qt for Linux links ICU 73, whose data library (libicudata.so.73, 30.5 MiB) is the
largest file of the bundle. It holds every locale's display names for units, currencies,
languages and regions, transliterators, spelled-out number rules and about 190 legacy
character-set converters. Qt uses ICU for
collation, time zones, break rules and normalisation, and the app formats dates and numbers
with QLocale, which carries its own CLDR data; so those groups are dropped (about 16 MiB) and
the rest is kept as it was.

How: the data is one symbol (icudt73_dat) in a read-only section; it is copied out, the
unwanted items are removed with ICU's own `icupkg` (Debian: icu-devtools), and the remaining
package is assembled back into a shared library with the same name, soname and symbol with
binutils' `as` and `ld`. Without those tools the library is left as it is, and the build says
so. Windows and macOS builds carry no ICU (Qt uses the system's), so this runs on Linux only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# Item groups inside the ICU data package that Qt does not read (see the module docstring).
# (The word-break dictionaries stay: the break rules refer to them, and icupkg refuses to drop them.)
DROPPED = re.compile(r"^(unit|curr|lang|region|translit|rbnf)/|^[^/]+\.cnv$")
TOOLS = ("icupkg", "readelf", "as", "ld")


def _run(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, cwd=cwd).stdout


def shrink(library: Path) -> str:
    """Replace `library` (libicudataNN.so) by one without the DROPPED items; says what it did."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return (
            f"ICU data kept whole ({library.stat().st_size / 2**20:.1f} MiB): {', '.join(missing)} not found "
            "(Debian/Ubuntu: sudo apt-get install icu-devtools binutils)"
        )
    symbols = _run("readelf", "-Ws", str(library))
    match = re.search(
        r"\s[0-9a-f]+\s+(\d+|0x[0-9a-f]+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt(\d+)_dat)$",
        symbols,
        re.MULTILINE,
    )
    if not match:
        return f"ICU data kept whole: no icudtNN_dat symbol in {library.name}"
    size = int(match.group(1), 0)
    section, symbol, version = int(match.group(2)), match.group(3), match.group(4)
    sections = _run("readelf", "-SW", str(library))
    header = re.search(
        rf"^\s*\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections, re.MULTILINE
    )
    value = re.search(rf"^\s*\d+:\s+([0-9a-f]+)\s.*\s{symbol}$", symbols, re.MULTILINE)
    if not header or not value:
        return f"ICU data kept whole: cannot locate {symbol} in {library.name}"
    address, offset = int(header.group(1), 16), int(header.group(2), 16)
    start = offset + int(value.group(1), 16) - address
    soname = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", _run("readelf", "-d", str(library)))
    package = f"icudt{version}l"  # little-endian ASCII data, as shipped for x86-64 and arm64
    before = library.stat().st_size
    with tempfile.TemporaryDirectory(prefix="icu-data-") as temp:
        work = Path(temp)
        (work / f"{package}.dat").write_bytes(library.read_bytes()[start : start + size])
        items = _run("icupkg", "-l", f"{package}.dat", cwd=work).split()
        dropped = [item for item in items if DROPPED.search(item)]
        (work / "dropped.txt").write_text("\n".join(dropped) + "\n", "utf-8")
        (work / "out").mkdir()
        _run("icupkg", "-r", "dropped.txt", f"{package}.dat", f"out/{package}.dat", cwd=work)
        (work / "data.s").write_text(
            "\n".join(
                [
                    '.section .rodata,"a"',
                    f".globl {symbol}",
                    f".type {symbol}, @object",
                    ".balign 16",
                    f"{symbol}:",
                    f'.incbin "out/{package}.dat"',
                    f".size {symbol}, . - {symbol}",
                    '.section .note.GNU-stack,"",@progbits',
                ]
            )
            + "\n",
            "utf-8",
        )
        _run("as", "-o", "data.o", "data.s", cwd=work)
        name = soname.group(1) if soname else library.name
        _run("ld", "-shared", "-soname", name, "-z", "noexecstack", "-o", "lib.so", "data.o", cwd=work)
        library.unlink()
        shutil.copyfile(work / "lib.so", library)
        library.chmod(0o755)
    return (
        f"ICU data: {len(dropped)} of {len(items)} items Qt does not read left out, "
        f"{before / 2**20:.1f} MiB -> {library.stat().st_size / 2**20:.1f} MiB"
    )
