"""In-program print preview shared by every printable form.

Shows a PDF (bytes made by ``desktop_crm.reports``) with QtPdf, prints it through the system
print dialog and saves it, or an XLSX twin of the same form, without ever leaving half a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QPointF,
    QRectF,
    QSize,
    QSizeF,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User

from .context import AppContext
from .service_call import FAILED, run_service

MAX_PRINT_DPI = 300
"""Pages are rendered as images for printing; above 300 dpi only memory and spool size grow."""

ProgressCallback = Callable[[int, int], bool]
"""``(pages_done, pages_total) -> keep_going``; return False to cancel the print run."""

_ZOOM_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
_FIT_WIDTH = "fit-width"
_FIT_PAGE = "fit-page"


class PrintError(RuntimeError):
    """The printer could not start, take a new page, or a page could not be rendered."""


def _page_numbers(
    document: QPdfDocument, printer: QPrinter, from_page: int | None, to_page: int | None
) -> list[int]:
    """0-based page indexes to print: explicit range first, then the printer's page ranges."""
    count = document.pageCount()
    if from_page is not None or to_page is not None:
        first = max(1, from_page or 1)
        last = min(count, to_page or count)
        return [n - 1 for n in range(first, last + 1)]
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [n - 1 for n in range(1, count + 1) if ranges.contains(n)]
        if printer.fromPage() > 0:
            last = printer.toPage() or count
            return [n - 1 for n in range(printer.fromPage(), min(last, count) + 1)]
    return list(range(count))


def _render_on_white(document: QPdfDocument, page: int, size: QSize) -> QImage:
    """Render one page at ``size``; QtPdf gives a transparent image, so flatten it on white."""
    rendered = document.render(page, size)
    if rendered.isNull():
        raise PrintError(f"page {page + 1} could not be rendered")
    image = QImage(rendered.size(), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


def print_pdf_document(
    document: QPdfDocument,
    printer: QPrinter,
    from_page: int | None = None,
    to_page: int | None = None,
    progress: ProgressCallback | None = None,
) -> int:
    """Paint ``document`` onto ``printer`` page by page and return the number of sheets painted.

    ``from_page``/``to_page`` are 1-based and inclusive, like ``QPrinter.fromPage``; when
    both are None the printer's own page range (set by the print dialog) is used. Each page is
    rendered alone at the printer's resolution capped at ``MAX_PRINT_DPI``, painted on white
    and scaled to fit the printer's page rect, centred, keeping its aspect ratio. Copies are
    repeated here only when the print system cannot make them itself. Raises ``PrintError``
    when the printer cannot start or take a new page; returns early if ``progress`` says stop.
    """
    pages = _page_numbers(document, printer, from_page, to_page)
    if not pages:
        return 0
    copies = 1
    if not printer.supportsMultipleCopies():
        copies = max(1, printer.copyCount())
    if printer.collateCopies():
        sequence = pages * copies
    else:
        sequence = [page for page in pages for _ in range(copies)]

    printer_dpi = max(1, printer.resolution())
    render_dpi = min(printer_dpi, MAX_PRINT_DPI)
    target_area = printer.pageRect(QPrinter.Unit.DevicePixel)
    area = QRectF(0, 0, target_area.width(), target_area.height())

    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("the printer could not be opened")
    printed = 0
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for index, page in enumerate(sequence):
            if index > 0 and not printer.newPage():
                raise PrintError("the printer refused a new page")
            points = document.pagePointSize(page)
            if points.isEmpty():
                points = QSizeF(595.0, 842.0)  # A4, for a page QtPdf cannot measure
            fitted = points.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            scale = render_dpi / printer_dpi
            pixels = QSize(
                max(1, round(fitted.width() * scale)), max(1, round(fitted.height() * scale))
            )
            image = _render_on_white(document, page, pixels)
            target = QRectF(QPointF(0, 0), fitted)
            target.moveCenter(area.center())
            painter.drawImage(target, image)
            printed += 1
            if progress is not None and not progress(printed, len(sequence)):
                printer.abort()
                break
    finally:
        painter.end()
    return printed


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then move it into place."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class PdfPreviewDialog(QDialog):
    """Preview of one printable form with 打印…, 另存为… and 关闭."""

    def __init__(
        self,
        pdf_data: bytes,
        title: str,
        suggested_name: str,
        parent: QWidget | None = None,
        xlsx_factory: Callable[[], bytes] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._pdf_data = bytes(pdf_data)
        self._title = title
        self._suggested_name = suggested_name
        self._xlsx_factory = xlsx_factory

        # The buffer is the document's child: QtPdf reads it lazily, so it must live exactly
        # as long as the document and die after it.
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self.document)
        self._buffer.setData(QByteArray(self._pdf_data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)

        self.view = QPdfView(self)
        self.view.setObjectName("previewView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        self.view.setDocument(self.document)

        self.print_button = QPushButton(self.tr("打印…"), self)
        self.print_button.setObjectName("previewPrint")
        self.print_button.setToolTip(self.tr("用系统打印对话框打印 (Ctrl+P)"))
        self.save_button = QPushButton(self.tr("另存为…"), self)
        self.save_button.setObjectName("previewSaveAs")
        self.save_button.setToolTip(self.tr("保存为文件 (Ctrl+S)"))
        self.zoom_out_button = QPushButton(self.tr("缩小"), self)
        self.zoom_out_button.setObjectName("previewZoomOut")
        self.zoom_combo = QComboBox(self)
        self.zoom_combo.setObjectName("previewZoom")
        self.zoom_combo.addItem(self.tr("适合宽度"), _FIT_WIDTH)
        self.zoom_combo.addItem(self.tr("整页"), _FIT_PAGE)
        for step in _ZOOM_STEPS:
            self.zoom_combo.addItem(f"{round(step * 100)}%", step)
        self.zoom_in_button = QPushButton(self.tr("放大"), self)
        self.zoom_in_button.setObjectName("previewZoomIn")
        self.page_count_label = QLabel(self)
        self.page_count_label.setObjectName("previewPageCount")
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setObjectName("previewClose")
        for button in (
            self.print_button,
            self.save_button,
            self.zoom_out_button,
            self.zoom_in_button,
            self.close_button,
        ):
            button.setAutoDefault(False)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.print_button)
        toolbar.addWidget(self.save_button)
        toolbar.addSpacing(16)
        toolbar.addWidget(self.zoom_out_button)
        toolbar.addWidget(self.zoom_combo)
        toolbar.addWidget(self.zoom_in_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.page_count_label)
        toolbar.addSpacing(16)
        toolbar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(toolbar)
        layout.addWidget(self.view, 1)

        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        self.zoom_in_button.clicked.connect(lambda: self._step_zoom(+1))
        self.zoom_out_button.clicked.connect(lambda: self._step_zoom(-1))
        self.zoom_combo.activated.connect(self._zoom_chosen)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_as)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self._step_zoom(+1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self._step_zoom(-1))

        self.document.statusChanged.connect(self._update_page_count)
        self.document.pageCountChanged.connect(self._update_page_count)
        self.document.load(self._buffer)
        self._update_page_count()
        self._set_default_size()

    # ----------------------------------------------------------------- layout and zoom
    def _set_default_size(self) -> None:
        """900×1000, shrunk to fit small office screens."""
        width, height = 900, 1000
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.95))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)

    def _update_page_count(self, *_args: object) -> None:
        """Show 共 N 页, or say plainly that the PDF could not be opened."""
        ready = self.document.status() == QPdfDocument.Status.Ready
        if self.document.status() == QPdfDocument.Status.Error:
            self.page_count_label.setText(self.tr("无法打开此 PDF"))
        else:
            self.page_count_label.setText(self.tr("共 %n 页", "", self.document.pageCount()))
        self.print_button.setEnabled(ready and self.document.pageCount() > 0)

    def page_count(self) -> int:
        """Number of pages in the previewed document."""
        return self.document.pageCount()

    def _effective_zoom(self) -> float:
        """The zoom factor shown now, also when QPdfView fits the page itself."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.document.pageCount() == 0:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(0)
        if page.isEmpty():
            return 1.0
        dpi_scale = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        by_width = (viewport.width() - margins.left() - margins.right()) / (
            page.width() * dpi_scale
        )
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return max(0.1, by_width)
        by_height = (viewport.height() - margins.top() - margins.bottom()) / (
            page.height() * dpi_scale
        )
        return max(0.1, min(by_width, by_height))

    def _set_custom_zoom(self, factor: float) -> None:
        """Switch to a fixed zoom and show it in the combo box."""
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        index = self.zoom_combo.findData(factor)
        if index >= 0:
            self.zoom_combo.setCurrentIndex(index)

    def _step_zoom(self, direction: int) -> None:
        """Go to the next larger (+1) or smaller (-1) zoom step."""
        current = self._effective_zoom()
        if direction > 0:
            candidates = [step for step in _ZOOM_STEPS if step > current + 0.01]
            target = candidates[0] if candidates else _ZOOM_STEPS[-1]
        else:
            candidates = [step for step in _ZOOM_STEPS if step < current - 0.01]
            target = candidates[-1] if candidates else _ZOOM_STEPS[0]
        self._set_custom_zoom(target)

    def _zoom_chosen(self, index: int) -> None:
        """Apply the zoom picked in the combo box."""
        choice = self.zoom_combo.itemData(index)
        if choice == _FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif choice == _FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self._set_custom_zoom(float(choice))

    # ----------------------------------------------------------------- printing
    def _make_printer(self) -> QPrinter:
        """A high-resolution A4 printer; the PDF carries its own margins, so print full page."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        if self.document.pageCount() > 0:
            first = self.document.pagePointSize(0)
            if first.width() > first.height():
                printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def print_document(self) -> None:
        """Ask for a printer in the system print dialog, then print the chosen pages."""
        if self.document.status() != QPdfDocument.Status.Ready:
            return
        count = self.document.pageCount()
        printer = self._make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        dialog.setMinMax(1, count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        from_page = to_page = None
        if printer.printRange() == QPrinter.PrintRange.CurrentPage:
            from_page = to_page = self.view.pageNavigator().currentPage() + 1
        self._print_with_progress(printer, from_page, to_page)

    def _print_with_progress(
        self, printer: QPrinter, from_page: int | None, to_page: int | None
    ) -> None:
        """Print with a cancellable progress dialog; failures become a Chinese message."""
        progress = QProgressDialog(self.tr("正在打印…"), self.tr("取消"), 0, 0, self)
        progress.setWindowTitle(self.tr("打印"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def report(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)  # a modal progress dialog processes events here
            return not progress.wasCanceled()

        try:
            print_pdf_document(self.document, printer, from_page, to_page, report)
        except PrintError:
            QMessageBox.critical(
                self,
                self.tr("打印失败"),
                self.tr("无法打印：打印机没有响应或拒绝了打印任务。请检查打印机后重试。"),
            )
        finally:
            progress.close()
            progress.deleteLater()

    # ----------------------------------------------------------------- saving
    def _suggested_path(self) -> str:
        """The suggested name, in the user's Documents folder unless it names a folder."""
        suggested = Path(self._suggested_name)
        if suggested.is_absolute():
            return str(suggested)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return str(Path(documents) / suggested) if documents else str(suggested)

    def save_as(self) -> None:
        """Ask for a file name and save the PDF, or the Excel workbook when that is chosen."""
        pdf_filter = self.tr("PDF 文件 (*.pdf)")
        xlsx_filter = self.tr("Excel 工作簿 (*.xlsx)")
        filters = [pdf_filter] + ([xlsx_filter] if self._xlsx_factory is not None else [])
        start = self._suggested_path()
        path_text, chosen_filter = QFileDialog.getSaveFileName(
            self, self.tr("另存为"), start, ";;".join(filters), pdf_filter
        )
        if not path_text:
            return
        target = Path(path_text)
        wants_xlsx = self._xlsx_factory is not None and (
            chosen_filter == xlsx_filter or target.suffix.lower() == ".xlsx"
        )
        suffix = ".xlsx" if wants_xlsx else ".pdf"
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        data = self._pdf_data
        if wants_xlsx:
            assert self._xlsx_factory is not None
            try:
                data = self._xlsx_factory()
            except Exception as error:  # a failed export must not take the preview down
                QMessageBox.critical(
                    self,
                    self.tr("保存失败"),
                    self.tr("生成 Excel 工作簿时出错：%1").replace("%1", str(error)),
                )
                return
        try:
            _write_atomically(target, data)
        except OSError as error:
            QMessageBox.critical(self, self.tr("保存失败"), self._describe_os_error(error, target))

    def _describe_os_error(self, error: OSError, target: Path) -> str:
        """A Chinese sentence an office user can act on."""
        code = error.errno
        if code in (errno.EACCES, errno.EPERM):
            reason = self.tr("没有写入权限，或文件正被其他程序（如 Excel）打开。")
        elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            reason = self.tr("磁盘空间不足。")
        elif code in (errno.ENOENT, errno.ENOTDIR):
            reason = self.tr("文件夹不存在。")
        elif code == errno.EROFS:
            reason = self.tr("该位置是只读的。")
        else:
            reason = self.tr("系统错误：%1").replace("%1", error.strerror or str(error))
        return self.tr("无法保存到“%1”。").replace("%1", str(target)) + "\n" + reason


def preview_form(
    parent: QWidget,
    context: AppContext,
    make_pdf: Callable[[Session, User], bytes],
    make_xlsx: Callable[[Session, User], bytes] | None,
    title: str,
    suggested_name: str,
) -> PdfPreviewDialog | None:
    """Make a form's PDF through a service call (a refusal or failure is shown, None
    returned) and open its preview, window-modal, deleted on close; 另存为 offers the
    Excel made by `make_xlsx` in a fresh session."""
    pdf = run_service(parent, context, make_pdf, refusal_title=parent.tr("无法打印"))
    if pdf is FAILED:
        return None
    xlsx_factory = None
    if make_xlsx is not None:

        def xlsx_factory() -> bytes:
            with context.session() as session:
                return make_xlsx(session, context.actor(session))

    return open_preview(parent, pdf, title, suggested_name, xlsx_factory)  # type: ignore[arg-type]


def open_preview(
    parent: QWidget,
    pdf: bytes,
    title: str,
    suggested_name: str,
    xlsx_factory: Callable[[], bytes] | None = None,
) -> PdfPreviewDialog:
    """The preview of a PDF made already (in a worker, say), window-modal, deleted on close."""
    preview = PdfPreviewDialog(pdf, title, suggested_name, parent, xlsx_factory)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.open()
    return preview
