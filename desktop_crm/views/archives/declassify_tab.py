"""解密: the 秘密/机密/绝密 files whose 保密期限 has ended as of a day (DOMAIN §5, 002 L144),
with 解密… for the archive keeper — the new 密级 (a lower secret level needs its new term)
and the reason; the 卷内备考表 and the audit log keep it (services.archive_declassify)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_declassify
from desktop_crm.services.archive_settings import DEFAULT_SECRECY_YEARS, SECRET_LEVELS
from desktop_crm.views.widgets import date_edit

from ..context import AppContext
from ..service_call import FAILED, run_service
from .receipts_tab import HELP_STYLE, FieldProblems, _item

HEADERS = (
    "档号",
    "题名",
    "年度",
    "密级",
    "保密期限至",
    "已届满",
    "责任部门",
    "状态",
    "卷内涉密文件",
)
DAYS_COLUMN = 5
LIST_LIMIT = 1000  # lines listed; the count says how many more (the earliest come first)


class DeclassifyDialog(QDialog):
    """解密 one volume: the new 密级 (内部 by default), the new term when it stays a secret,
    and the reason. Refusals stay beside the fields; the typing is kept."""

    def __init__(
        self, context: AppContext, row: archive_declassify.DueRow, parent: QWidget
    ) -> None:
        super().__init__(parent, objectName="declassifyDialog")
        self.setWindowTitle(self.tr("解密 %s") % row.number)
        self._context = context
        self._row = row
        about = QLabel(
            f"{row.number}　{row.title}\n"
            + self.tr("现密级：%s，保密期限至 %s") % (row.secrecy, f"{row.secrecy_until:%Y-%m-%d}"),
            objectName="declassifyAbout",
        )
        about.setWordWrap(True)
        self.level = QComboBox(objectName="declassifyLevel")
        for level in archive_declassify.lower_levels(row.secrecy):
            self.level.addItem(level, level)
        self.level.setCurrentIndex(max(self.level.findData("内部"), 0))
        self.until = date_edit(None, "declassifyUntil", date.today())
        self.until.setCalendarPopup(True)
        self.reason = QLineEdit(objectName="declassifyReason")
        self.reason.setPlaceholderText(self.tr("例如：保密期限届满，经核对无需继续保密"))
        self.problems = FieldProblems(self, "declassifyDialog")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("解密"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(about)
        add = self.problems.add_row
        add(form, "secrecy", self.tr("新的密级"), self.level)
        add(form, "secrecy_until", self.tr("新的保密期限至"), self.until)
        add(form, "reason", self.tr("解密理由"), self.reason)
        form.addRow(self.problems.general)
        form.addRow(buttons)
        self.level.currentIndexChanged.connect(lambda _i: self._level_changed())
        self._level_changed()
        self.reason.setFocus()
        self.resize(480, self.sizeHint().height())

    def _level_changed(self) -> None:
        """A lower secret level keeps a term (the law's default years from today)."""
        level = self.level.currentData()
        secret = level in SECRET_LEVELS
        self.until.setEnabled(secret)
        if secret:
            years = DEFAULT_SECRECY_YEARS[level]
            self.until.setDate(date.today() + timedelta(days=round(365.25 * years)))

    def save(self) -> None:
        level = self.level.currentData()
        until = self.until.date().toPython() if level in SECRET_LEVELS else None
        reason = self.reason.text()
        volume_id, version = self._row.volume_id, self._row.version

        def work(session, actor):  # noqa: ANN001, ANN202
            volume = archive_declassify.declassify(
                session, actor, volume_id, level, reason, until, version
            )
            return volume.secrecy

        if run_service(self, self._context, work, self.problems.show) is not FAILED:
            self.accept()


class DeclassifyTab(QWidget):
    """What is due for declassification as of a day, earliest end first."""

    sig_declassified = Signal(int)  # a volume's 密级 changed: the ledger reads it again

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveDeclassify")
        self._context = context
        self.rows: list[archive_declassify.DueRow] = []
        self.dialog: QDialog | None = None
        self._dialogs: set[QWidget] = set()
        self.as_of = date_edit(None, "declassifyAsOf", date.today())
        self.as_of.setCalendarPopup(True)
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.table = QTableWidget(0, len(HEADERS), objectName="declassifyTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._activated)
        self.count_label = QLabel(objectName="declassifyCount")
        self.message = QLabel(objectName="declassifyMessage")  # what was done
        self.message.setStyleSheet(HELP_STYLE)
        self.message.setWordWrap(True)
        self.declassify_button = QPushButton(self.tr("解密…"), objectName="declassifyButton")
        self.declassify_button.setAutoDefault(False)
        self.declassify_button.clicked.connect(self.declassify)
        self.open_button = QPushButton(self.tr("打开案卷"), objectName="declassifyOpen")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_selected)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("保密期限截至")))
        top.addWidget(self.as_of)
        top.addWidget(self.tr_label("届满的涉密档案（秘密、机密、绝密），届满当日起列入"))
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.declassify_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.apply_rights()

    def tr_label(self, text: str) -> QLabel:
        label = QLabel(self.tr(text))
        label.setStyleSheet(HELP_STYLE)
        return label

    def apply_rights(self) -> None:
        """解密 for the archive room only (archives·edit over 全部)."""
        with self._context.session() as session:
            keeper = archive_declassify.may_declassify(session, self._context.actor(session))
        self.declassify_button.setVisible(keeper)

    def reload(self) -> None:
        as_of = self.as_of.date().toPython()
        found = run_service(
            self,
            self._context,
            lambda s, a: archive_declassify.due_first(s, a, as_of, LIST_LIMIT),
        )
        if found is FAILED:
            return
        rows, total = found
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                row.number, row.title, row.year, row.secrecy, f"{row.secrecy_until:%Y-%m-%d}",
                self.tr("%d 天") % row.days_over if row.days_over else self.tr("今天"),
                row.department, row.state, row.documents_text,
            )  # fmt: skip
            for column, value in enumerate(values):
                cell = _item(value)
                if column == DAYS_COLUMN:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, column, cell)
        self.table.resizeColumnsToContents()
        count = self.tr("共 {0} 卷待解密").replace("{0}", f"{total:,}")
        if total > len(self.rows):
            count += self.tr("，列出保密期限最早届满的 {0} 卷").replace(
                "{0}", f"{len(self.rows):,}"
            )
        self.count_label.setText(count)

    def numbers(self) -> list[str]:
        """The 档号 listed, in order (for tests and screen readers)."""
        return [row.number for row in self.rows]

    def select(self, number: str) -> None:
        for r, row in enumerate(self.rows):
            if row.number == number:
                self.table.selectRow(r)

    def _selected(self) -> archive_declassify.DueRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _activated(self, _index: QModelIndex) -> None:
        if self.declassify_button.isVisibleTo(self):
            self.declassify()
        else:
            self.open_selected()

    def declassify(self) -> QDialog | None:
        row = self._selected()
        if row is None:
            self.message.setText(self.tr("请先在列表中选中一个案卷。"))
            return None
        dialog = DeclassifyDialog(self._context, row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda r=row, d=dialog: self._done(r, d.level.currentText()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _done(self, row: archive_declassify.DueRow, level: str) -> None:
        self.message.setText(
            self.tr("已解密：%s（%s → %s），已记入卷内备考表。") % (row.number, row.secrecy, level)
        )
        self.reload()
        self.sig_declassified.emit(row.volume_id)

    def open_selected(self) -> QWidget | None:
        """The volume's dialog (not modal), to look at it before declassifying."""
        from .archive_dialog import ArchiveDialog

        row = self._selected()
        if row is None:
            self.message.setText(self.tr("请先在列表中选中一个案卷。"))
            return None
        dialog = ArchiveDialog(self._context, row.volume_id, parent=self)
        if dialog.failed:
            dialog.deleteLater()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self.reload)
        self._dialogs.add(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._dialogs.discard(d))
        dialog.show()
        return dialog
