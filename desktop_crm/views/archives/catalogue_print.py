"""打印案卷目录: the catalogue of a 年度 (this year unless chosen), optionally of one
保管期限 or 门类, made in a worker behind a progress bar with 取消 (a year runs to 20,000
volumes, some 900 pages), then shown in the preview — or written to an Excel workbook.
One booklet (cover and pages) per 保管期限; see documents.archive_catalogue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop_crm import documents
from desktop_crm.reports.table_xlsx import ExportCancelled
from desktop_crm.services import archive_settings, rights

from ..context import AppContext
from ..list_export import ask_xlsx_path
from ..widgets import refill_combo, year_spin
from ..workers import JobControl, run_job

PROGRESS_STEPS = 100  # the bar counts percent: a signal per step, not per row


def progress_in_steps(control: JobControl):  # noqa: ANN201 - Callable[[int, int], None]
    """documents' progress(done, total) as at most PROGRESS_STEPS signals to the bar. The
    bar stops one short of full: QProgressDialog hides itself at its maximum, and the file
    is still being written then."""
    shown = [-1]
    top = PROGRESS_STEPS - 1

    def progress(done: int, total: int) -> None:
        step = top if total <= 0 else min(top, done * PROGRESS_STEPS // total)
        if step != shown[0]:
            shown[0] = step
            control.progress(step)

    return progress


class CatalogueDialog(QDialog):
    """Which 年度, 保管期限 and 门类; 预览打印… or 导出 Excel…, each in the background."""

    sig_finished = Signal(str)  # what became of it, for the ledger's message line

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogueDialog")
        self.setWindowTitle(self.tr("打印案卷目录"))
        self._context = context
        self.preview = None  # the preview dialog once made
        self.year = year_spin(self, "catalogueYear", self.tr(" 年度"))
        self.period = QComboBox(self, objectName="cataloguePeriod")
        self.category = QComboBox(self, objectName="catalogueCategory")
        with context.session() as session:
            periods = [(p.name, p.code) for p in archive_settings.periods(session)]
            categories = [(c.name, c.code) for c in archive_settings.categories(session)]
            may_export = rights.may(session, context.actor(session), "archives", "export")
        refill_combo(self.period, self.tr("全部期限（每个期限一册）"), periods)
        refill_combo(self.category, self.tr("全部门类"), categories)
        note = QLabel(
            self.tr("每个保管期限装订一册：封面（全宗号、全宗名称、年度、保管期限、起止档号、"
                    "案卷数）和目录页，页码每册重新编排。"),
            self,
        )  # fmt: skip
        note.setWordWrap(True)
        self.message = QLabel(self, objectName="catalogueMessage")
        self.message.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("预览打印…"), self, objectName="cataloguePreview")
        self.preview_button.setDefault(True)
        self.export_button = QPushButton(self.tr("导出 Excel…"), self, objectName="catalogueExport")
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("关闭"))
        close.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.print_preview)
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        self.export_button.setVisible(may_export)
        form = QFormLayout(self)
        form.addRow(self.tr("年度："), self.year)
        form.addRow(self.tr("保管期限："), self.period)
        form.addRow(self.tr("门类："), self.category)
        form.addRow(note)
        form.addRow(self.message)
        form.addRow(buttons)
        self.resize(440, self.sizeHint().height())

    def filters(self) -> dict[str, object]:
        chosen: dict[str, object] = {"year": self.year.value()}
        if self.period.currentData() is not None:
            chosen["period_code"] = self.period.currentData()
        if self.category.currentData() is not None:
            chosen["category_code"] = self.category.currentData()
        return chosen

    def _busy(self, busy: bool) -> None:
        for button in (self.preview_button, self.export_button):
            button.setEnabled(not busy)

    def _failed(self, error: BaseException) -> bool:
        self._busy(False)
        if isinstance(error, ExportCancelled):
            self.message.setText(self.tr("已取消，没有生成案卷目录。"))
            return True
        if isinstance(error, OSError):
            self.message.setText(self.tr("无法写入文件：") + str(error.strerror or error))
            return True
        return False

    def _run(self, pdf: bool, on_done, path: str | None = None) -> JobControl:  # noqa: ANN001
        filters = self.filters()

        def job(session, actor, control: JobControl) -> bytes:  # noqa: ANN001
            content = documents.archive_catalogue(
                session, actor, pdf, filters,
                progress=progress_in_steps(control), is_cancelled=control.is_cancelled,
            )  # fmt: skip
            if path is not None:
                Path(path).write_bytes(content)
            return content

        self.message.clear()
        self._busy(True)
        title = self.tr("正在生成案卷目录…") if pdf else self.tr("正在导出案卷目录…")
        return run_job(
            self, self._context, title, job, on_done, PROGRESS_STEPS, on_failed=self._failed
        )

    def print_preview(self) -> JobControl:
        """Make the PDF in the background, then open the preview (打印, 另存为)."""
        from ..pdf_preview import open_preview

        year = self.year.value()
        period = self.period.currentText() if self.period.currentData() is not None else ""

        def done(content: bytes) -> None:
            self._busy(False)
            parent = self.parentWidget() or self
            self.sig_finished.emit(self.tr("已生成 {0} 年度案卷目录。").replace("{0}", str(year)))
            self.accept()
            self.preview = open_preview(
                parent, content, self.tr("案卷目录"), f"案卷目录{year}{period}"
            )

        return self._run(True, done)

    def export_xlsx(self, path: str | None = None) -> JobControl | None:
        """Write the workbook (a sheet per 保管期限) in the background."""
        year = self.year.value()
        path = path or ask_xlsx_path(self, self.tr("导出案卷目录"), f"案卷目录{year}.xlsx")
        if path is None:
            return None

        def done(_content: bytes) -> None:
            self._busy(False)
            text = self.tr("已导出案卷目录：") + path
            self.message.setText(text)
            self.sig_finished.emit(text)

        return self._run(False, done, path)


def open_catalogue_dialog(context: AppContext, parent: QWidget) -> CatalogueDialog:
    dialog = CatalogueDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
