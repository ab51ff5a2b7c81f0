"""The shared print preview: page count, save as PDF/XLSX, printing to a PDF printer."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import io  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSize, Qt  # noqa: E402
from PySide6.QtGui import QPageSize  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtPdfWidgets import QPdfView  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from desktop_crm.views.pdf_preview import PdfPreviewDialog, print_pdf_document  # noqa: E402

# Qt's offscreen platform warns whenever a top-level widget with a layout is shown.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

XLSX_BYTES = b"PK\x03\x04 pretend workbook"


def make_pdf(pages: int = 3) -> bytes:
    """A small A4 PDF with one line of text per page."""
    stream = io.BytesIO()
    pdf = canvas.Canvas(stream, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 14)
        pdf.drawString(72, 760, f"Service form page {number}")
        pdf.showPage()
    pdf.save()
    return stream.getvalue()


def count_pages(path: Path) -> int:
    """Count pages the way the preview itself reads them."""
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    count = document.pageCount()
    document.close()
    return count


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf(3)


@pytest.fixture
def dialog(qtbot, pdf_bytes):
    preview = PdfPreviewDialog(
        pdf_bytes,
        "客户档案",
        "客户档案.pdf",
        xlsx_factory=lambda: XLSX_BYTES,
    )
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    return preview


@pytest.fixture
def recorded_errors(monkeypatch) -> list[tuple[str, str]]:
    """Replace the error/warning boxes with a recorder so nothing modal opens."""
    calls: list[tuple[str, str]] = []

    def record(_parent, title, text, *_args, **_kwargs):
        calls.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(record))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(record))
    return calls


def choose_save_target(monkeypatch, path: Path, chosen_filter: str) -> list[tuple]:
    """Make the save dialog answer ``path`` with ``chosen_filter``; return its call args."""
    calls: list[tuple] = []

    def answer(*args, **kwargs):
        calls.append(args)
        return str(path), chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return calls


def test_shows_page_count(dialog):
    assert dialog.objectName() == "pdfPreviewDialog"
    assert dialog.page_count() == 3
    assert dialog.page_count_label.text() == "共 3 页"
    assert dialog.print_button.isEnabled()


def test_save_as_pdf_writes_identical_bytes(
    qtbot, dialog, pdf_bytes, tmp_path, monkeypatch, recorded_errors
):
    target = tmp_path / "form.pdf"
    calls = choose_save_target(monkeypatch, target, "PDF 文件 (*.pdf)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == pdf_bytes
    assert recorded_errors == []
    _parent, _caption, suggested, filters, *_rest = calls[0]
    assert suggested.endswith("客户档案.pdf")
    assert "PDF 文件 (*.pdf)" in filters and "Excel 工作簿 (*.xlsx)" in filters
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.pdf"]  # no temp file left


def test_save_as_replaces_an_existing_file(qtbot, dialog, pdf_bytes, tmp_path, monkeypatch):
    target = tmp_path / "form.pdf"
    target.write_bytes(b"old")
    choose_save_target(monkeypatch, target, "PDF 文件 (*.pdf)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == pdf_bytes


def test_save_as_xlsx_writes_factory_bytes(qtbot, dialog, tmp_path, monkeypatch, recorded_errors):
    target = tmp_path / "form"
    choose_save_target(monkeypatch, target, "Excel 工作簿 (*.xlsx)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "form.xlsx").read_bytes() == XLSX_BYTES
    assert recorded_errors == []


def test_without_xlsx_factory_only_pdf_is_offered(qtbot, pdf_bytes, tmp_path, monkeypatch):
    preview = PdfPreviewDialog(pdf_bytes, "投诉单", "投诉单.pdf")
    qtbot.addWidget(preview)
    target = tmp_path / "complaint.pdf"
    calls = choose_save_target(monkeypatch, target, "PDF 文件 (*.pdf)")
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert "xlsx" not in calls[0][3]
    assert target.read_bytes() == pdf_bytes


def test_cancelled_save_writes_nothing(qtbot, dialog, tmp_path, monkeypatch, recorded_errors):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert list(tmp_path.iterdir()) == []
    assert recorded_errors == []


def test_save_into_missing_folder_shows_error_and_leaves_no_file(
    qtbot, dialog, tmp_path, monkeypatch, recorded_errors
):
    target = tmp_path / "no-such-folder" / "form.pdf"
    choose_save_target(monkeypatch, target, "PDF 文件 (*.pdf)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(recorded_errors) == 1
    title, text = recorded_errors[0]
    assert title == "保存失败"
    assert "文件夹不存在" in text
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_failing_xlsx_factory_shows_error(qtbot, pdf_bytes, tmp_path, monkeypatch, recorded_errors):
    def broken() -> bytes:
        raise ValueError("列定义有误")

    preview = PdfPreviewDialog(pdf_bytes, "回访单", "回访单.pdf", xlsx_factory=broken)
    qtbot.addWidget(preview)
    choose_save_target(monkeypatch, tmp_path / "x.xlsx", "Excel 工作簿 (*.xlsx)")
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert len(recorded_errors) == 1 and "列定义有误" in recorded_errors[0][1]
    assert list(tmp_path.iterdir()) == []


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_pdf_document_prints_every_page(dialog, tmp_path):
    output = tmp_path / "printed.pdf"
    printed = print_pdf_document(dialog.document, pdf_printer(output))
    assert printed == 3
    assert output.read_bytes().startswith(b"%PDF")
    assert count_pages(output) == 3


def test_print_pdf_document_honours_page_range(dialog, tmp_path):
    output = tmp_path / "range.pdf"
    assert print_pdf_document(dialog.document, pdf_printer(output), 2, 3) == 2
    assert count_pages(output) == 2


def test_printed_page_is_painted_on_white(dialog, tmp_path):
    output = tmp_path / "one.pdf"
    print_pdf_document(dialog.document, pdf_printer(output), 1, 1)
    document = QPdfDocument()
    document.load(str(output))
    image = document.render(0, QSize(120, 170))
    document.close()
    # QtPdf leaves unpainted areas transparent; a flattened page is opaque white at the corner.
    corner = image.pixelColor(2, 2)
    assert corner.alpha() == 255 and corner.lightness() > 250


def test_print_can_be_cancelled_between_pages(dialog, tmp_path):
    output = tmp_path / "cancelled.pdf"
    printed = print_pdf_document(
        dialog.document, pdf_printer(output), progress=lambda done, total: done < 2
    )
    assert printed == 2


def test_print_button_prints_through_the_print_dialog(
    qtbot, dialog, tmp_path, monkeypatch, recorded_errors
):
    output = tmp_path / "from-dialog.pdf"
    seen: dict[str, object] = {}

    def accept_to_file(print_dialog: QPrintDialog) -> int:
        printer = print_dialog.printer()
        seen["page_size"] = printer.pageLayout().pageSize().id()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        return QPrintDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept_to_file)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert recorded_errors == []
    assert seen["page_size"] == QPageSize.PageSizeId.A4
    assert count_pages(output) == 3


def test_zoom_buttons_switch_to_fixed_zoom(qtbot, dialog):
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    bigger = dialog.view.zoomFactor()
    qtbot.mouseClick(dialog.zoom_out_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomFactor() < bigger
