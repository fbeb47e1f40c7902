"""The person's summary as an A4 PDF (or on any printer), drawn by Qt's rich-text engine.

Threads: QTextDocument and its layout are reentrant, and QPainter may paint on a
QPdfWriter or QPrinter outside the GUI thread (Qt's "Thread-Support in Qt Modules";
fonts come from fontconfig on Linux, which supports that). So `render_summary_pdf` and
`write_summary_pdf` create every Qt object they use inside the calling thread and may
be run with ``TaskRunner.run_background``. A QGuiApplication must exist (it owns the
font database). Rendering takes tens of milliseconds, so calling it on the GUI thread
is also acceptable; the preview dialog does, because QPrintPreviewWidget paints there.

Personal data: the PDF holds the person's given name and health results. Nothing here
chooses where it goes: `render_summary_pdf` returns bytes in memory (for a printer, or
for the caller to encrypt), and `write_summary_pdf` writes only to the path the caller
gives (a place the worker chose, see ui.summary_export). The file is owner-only, written
beside its final name and renamed into place, so a crash never leaves half a PDF under
that name; nothing goes to a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from outreach.durable_files import PRIVATE_FILE_MODE, write_atomic
from outreach.errors import StoreError, UserFacingError
from outreach.summary.render import NUMBERS_PAGE_BREAK, print_size

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PDF_RESOLUTION_DPI: Final = 300
PAGE_MARGIN_MM: Final = 15.0
FONT_FAMILIES: Final = ["DejaVu Sans", "Noto Sans", "Segoe UI", "Arial"]
CREATOR: Final = "Outreach Health Checks"


@dataclass(frozen=True, slots=True)
class SummaryPdf:
    """A rendered summary: the PDF bytes, its page count, and the scale it was drawn at."""

    data: bytes
    pages: int
    scale: float


def _prepare(device: QPagedPaintDevice) -> None:
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
                          QPageLayout.Unit.Millimeter)


def _layout(
    html: str, device: QPagedPaintDevice, body_pt: float, width: float, height: float
) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)  # point sizes in device pixels, not the screen's
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(body_pt)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    doc.setPageSize(QSizeF(width, height))
    return doc


def paint_summary(
    html: str, device: QPdfWriter | QPrinter, *, large_print: bool = False
) -> tuple[int, float]:
    """Draw the summary HTML onto a PDF writer or printer set up for A4; return (pages, scale).

    The caller owns `device` and must not paint on it from another thread meanwhile.
    """
    size = print_size(large_print)
    _prepare(device)
    rect = device.pageLayout().paintRectPixels(device.resolution())
    width, height = float(rect.width()), float(rect.height())
    scale = 1.0
    doc = _layout(html, device, size.body_pt, width, height)
    if doc.pageCount() > 1 and NUMBERS_PAGE_BREAK in html:
        together = _layout(html.replace(NUMBERS_PAGE_BREAK, ""), device, size.body_pt, width, height)
        if together.pageCount() == 1:  # a short large-print page needs no second sheet
            doc = together
    if doc.pageCount() > size.max_pages:
        # Try drawing slightly smaller before giving the page another sheet.
        # Steps of 3%, and the smallest allowed size last, so a page that only fits there still does.
        trials = [1 - 0.03 * i for i in range(1, 34) if 1 - 0.03 * i > size.min_scale] + [size.min_scale]
        for trial in trials:
            candidate = _layout(html, device, size.body_pt, width / trial, height / trial)
            if candidate.pageCount() <= size.max_pages:
                doc, scale = candidate, trial
                break
    pages = doc.pageCount()
    page_height = doc.pageSize().height()
    page_width = doc.pageSize().width()
    painter = QPainter()
    if not painter.begin(device):
        raise UserFacingError("The summary could not be drawn: the printer or PDF file is not ready.")
    try:
        painter.scale(scale, scale)
        for index in range(pages):
            if index:
                device.newPage()
            painter.save()
            painter.translate(0, -index * page_height)
            doc.drawContents(painter, QRectF(0, index * page_height, page_width, page_height))
            painter.restore()
    finally:
        painter.end()
    return pages, scale


def render_summary_pdf(html: str, *, large_print: bool = False, title: str = "") -> SummaryPdf:
    """The summary as PDF bytes in memory. `title` goes in the PDF's properties: keep names out of it."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION_DPI)
    writer.setCreator(CREATOR)
    writer.setTitle(title)
    pages, scale = paint_summary(html, writer, large_print=large_print)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return SummaryPdf(bytes(data.data()), pages, scale)


def write_summary_pdf(
    html: str, path: str | os.PathLike[str], *, large_print: bool = False, title: str = ""
) -> SummaryPdf:
    """Write the summary PDF to exactly `path` (which the worker chose); return what was written.

    The file is readable by its owner only (0600 on Linux and macOS) from its first byte, not
    after a chmod, and replaces any file of that name atomically. On Windows the file takes the
    folder's permissions: the user's Documents folder is private to them by default.
    Raises StoreError with a message for the worker when the file cannot be written.
    """
    target = Path(path)
    pdf = render_summary_pdf(html, large_print=large_print, title=title)
    try:
        write_atomic(target, pdf.data, mode=PRIVATE_FILE_MODE)
    except OSError as exc:
        raise StoreError(
            f"The summary could not be saved to {target.name}: "
            f"{exc.strerror or 'the folder cannot be written'}. "
            "Choose another folder or a USB stick with space."
        ) from None
    return pdf
