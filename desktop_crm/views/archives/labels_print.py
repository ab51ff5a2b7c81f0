"""打印标签: a 年度's labels on A4 label sheets — the 档号章 of every volume and one spine per
box (盒号) — made in the background, then shown in the preview. See
documents.archive_labels_for_year; the labels of one volume print from its dialog."""

from __future__ import annotations

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

from ..context import AppContext
from ..widgets import year_spin
from ..workers import JobControl, run_job

KINDS = (
    ("档号章和档案盒盒脊标签", ("stamp", "spine")),
    ("只印档号章", ("stamp",)),
    ("只印盒脊标签", ("spine",)),
)


class LabelsDialog(QDialog):
    """Which 年度 and which labels; 预览打印… in the background."""

    sig_finished = Signal(str)  # what became of it, for the ledger's message line

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelsDialog")
        self.setWindowTitle(self.tr("打印标签"))
        self._context = context
        self.preview = None  # the preview dialog once made
        self.year = year_spin(self, "labelsYear", self.tr(" 年度"))
        self.kind = QComboBox(self, objectName="labelsKind")
        for text, kinds in KINDS:
            self.kind.addItem(self.tr(text), kinds)
        note = QLabel(
            self.tr("档号章每卷一枚（全宗号、年度、保管期限、案卷号、页数、机构和档号二维码）；"
                    "盒脊标签每盒一张（全宗号、年度、保管期限、起止档号、盒号），未填盒号的案卷各占一盒。"),
            self,
        )  # fmt: skip
        note.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("预览打印…"), self, objectName="labelsPreview")
        self.preview_button.setDefault(True)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("关闭"))
        close.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.print_preview)
        form = QFormLayout(self)
        form.addRow(self.tr("年度："), self.year)
        form.addRow(self.tr("标签："), self.kind)
        form.addRow(note)
        form.addRow(buttons)
        self.resize(460, self.sizeHint().height())

    def print_preview(self) -> JobControl:
        """Make the PDF in the background, then open the preview (打印, 另存为)."""
        from ..pdf_preview import open_preview

        year, kinds = self.year.value(), self.kind.currentData()

        def job(session, actor, _control: JobControl) -> bytes:  # noqa: ANN001
            return documents.archive_labels_for_year(session, actor, year, kinds)

        def done(content: bytes) -> None:
            self.preview_button.setEnabled(True)
            parent = self.parentWidget() or self
            self.sig_finished.emit(self.tr("已生成 {0} 年度的标签。").replace("{0}", str(year)))
            self.accept()
            self.preview = open_preview(parent, content, self.tr("档案标签"), f"档案标签{year}")

        def failed(_error: BaseException) -> bool:
            self.preview_button.setEnabled(True)
            return False  # shown as a refusal (an empty year) or an error

        self.preview_button.setEnabled(False)
        return run_job(self, self._context, self.tr("正在生成标签…"), job, done, on_failed=failed)


def open_labels_dialog(context: AppContext, parent: QWidget) -> LabelsDialog:
    dialog = LabelsDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
