"""Importing a customer spreadsheet: choose the file, match unknown headers, read every
row in the background, show each bad row with its reason, then write all or only the
valid rows. Nothing is half-written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import customer_import
from desktop_crm.services.customer_import import ImportPreview
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table

from ..context import AppContext
from ..workers import run_job

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.csv);;所有文件 (*)"
MAX_SHOWN_PROBLEMS = 5000


class HeaderMappingDialog(QDialog):
    """Lets the user say which field each unknown header holds, or leave it out."""

    def __init__(
        self, headers: list[str], mapping: dict[int, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("headerMappingDialog")
        self.setWindowTitle(self.tr("表头对应关系"))
        self._headers = headers
        self._mapping = dict(mapping)
        targets = customer_import.target_labels()
        self.table = QTableWidget(len(headers), 2, self, objectName="headerMappingTable")
        self.table.setHorizontalHeaderLabels([self.tr("表格中的列"), self.tr("导入到")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._combos: list[QComboBox] = []
        for row, header in enumerate(headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), customer_import.IGNORED)
            for key, label in targets.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(combo.findData(mapping.get(row, customer_import.IGNORED)), 0))
            self.table.setCellWidget(row, 1, combo)
            self._combos.append(combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("有些列的标题程序不认识。请指定每一列导入到哪个项目，不需要的选“不导入”。")
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 480)

    def mapping(self) -> dict[int, str]:
        return {
            row: combo.currentData()
            for row, combo in enumerate(self._combos)
            if combo.currentData()
        }

    def _check(self) -> None:
        chosen = list(self.mapping().values())
        twice = {key for key in chosen if chosen.count(key) > 1}
        if twice:
            labels = "、".join(customer_import.field_label(k) for k in twice)
            QMessageBox.warning(
                self, self.tr("对应关系"), self.tr("这些项目对应了不止一列：") + labels
            )
            return
        if "name" not in chosen:
            QMessageBox.warning(self, self.tr("对应关系"), self.tr("必须有一列对应“客户名称”。"))
            return
        self.accept()


class ImportPreviewDialog(QDialog):
    """What the check found: counts, every refused row, and the user's choice."""

    def __init__(
        self, file_name: str, preview: ImportPreview, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importPreviewDialog")
        self.setWindowTitle(self.tr("导入预览 — ") + file_name)
        problems = preview.all_problems
        summary = QLabel(
            self.tr("共 {total} 行：可导入 {ok} 行，有问题 {bad} 行（其中客户冲撞 {clash} 行）。")
            .replace("{total}", str(preview.total_rows))
            .replace("{ok}", str(len(preview.valid)))
            .replace("{bad}", str(len(preview.bad_rows)))
            .replace("{clash}", str(len({p.row for p in preview.collisions}))),
            objectName="importSummary",
        )
        self.table = QTableWidget(
            min(len(problems), MAX_SHOWN_PROBLEMS), 3, self, objectName="importProblems"
        )
        self.table.setHorizontalHeaderLabels([self.tr("行号"), self.tr("列"), self.tr("原因")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, problem in enumerate(problems[:MAX_SHOWN_PROBLEMS]):
            self.table.setItem(row, 0, QTableWidgetItem(str(problem.row)))
            self.table.setItem(row, 1, QTableWidgetItem(problem.column))
            self.table.setItem(row, 2, QTableWidgetItem(problem.message))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 160)
        self.all_or_nothing = QRadioButton(
            self.tr("全部导入：有任何问题就一行也不导入"), objectName="importAllOrNothing"
        )
        self.only_valid = QRadioButton(
            self.tr("只导入正确的行，跳过有问题的行"), objectName="importOnlyValid"
        )
        (self.only_valid if problems else self.all_or_nothing).setChecked(True)
        self.all_or_nothing.setEnabled(not problems)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(
            self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importConfirm")
        self.import_button.setEnabled(bool(preview.valid))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.unknown_headers:
            layout.addWidget(QLabel(self.tr("未导入的列：") + "、".join(preview.unknown_headers)))
        if len(problems) > MAX_SHOWN_PROBLEMS:
            layout.addWidget(QLabel(self.tr("只显示前 5000 个问题。")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.all_or_nothing)
        layout.addWidget(self.only_valid)
        layout.addWidget(buttons)
        self.resize(760, 520)

    @property
    def skip_invalid(self) -> bool:
        return self.only_valid.isChecked()


def import_customers(parent: QWidget, context: AppContext, path: str | None = None) -> None:
    """The whole import, from the file dialog to the closing message."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, parent.tr("导入客户表格"), "", FILE_FILTER)
        if not path:
            return
    file = Path(path)
    try:
        with open_table(file) as source:
            headers = list(source.headers)
            total = (source.row_count_estimate or 0) + source.header_row
    except SpreadsheetError as error:
        QMessageBox.warning(parent, parent.tr("无法导入"), error.message)
        return
    mapping, unknown = customer_import.match_headers(headers)
    if unknown or "name" not in mapping.values():
        dialog = HeaderMappingDialog(headers, mapping, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        mapping = dialog.mapping()

    def check(session, actor, control):  # noqa: ANN001, ANN202
        with open_table(file) as source:
            return customer_import.check_rows(
                session, actor, source, mapping, control.progress, control.is_cancelled
            )

    def on_failed(error: BaseException) -> bool:
        if isinstance(error, SpreadsheetError):
            QMessageBox.warning(parent, parent.tr("无法导入"), error.message)
            return True
        return False

    def checked(preview: ImportPreview) -> None:
        dialog = ImportPreviewDialog(file.name, preview, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        skip = dialog.skip_invalid

        def write(session, actor, control):  # noqa: ANN001, ANN202
            return customer_import.write_rows(
                session, actor, preview, skip, file.name, control.progress
            )

        def written(count: int) -> None:
            context.hub.sig_customers_changed.emit()
            QMessageBox.information(
                parent,
                parent.tr("导入完成"),
                parent.tr("已导入 {0} 个客户。").replace("{0}", str(count)),
            )

        run_job(parent, context, parent.tr("正在写入…"), write, written, maximum=len(preview.valid))

    run_job(
        parent,
        context,
        parent.tr("正在检查表格…"),
        check,
        checked,
        maximum=total,
        on_failed=on_failed,
    )
