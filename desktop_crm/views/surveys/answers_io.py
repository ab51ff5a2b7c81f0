"""导出答卷 / 导入答卷: a survey's questionnaires to and from a workbook (one row per
questionnaire, one column per item), in a worker with progress and cancel; an import is
checked first, every refused row shown with its reason, then all or only the valid rows
written (the customer import's rules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import survey_answers_io
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table
from desktop_crm.services.survey_answers_io import AnswerImportPreview

from ..context import AppContext
from ..list_export import ask_xlsx_path
from ..workers import run_job

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.csv);;所有文件 (*)"
MAX_SHOWN_PROBLEMS = 5000


def export_answers(
    parent: QWidget,
    context: AppContext,
    survey_id: int,
    number: str,
    done: Callable[[str], None],
    path: str | None = None,
) -> None:
    """Write the survey's questionnaires (within the user's reach) to a workbook."""
    path = path or ask_xlsx_path(parent, parent.tr("导出答卷"), f"满意度调查答卷-{number}.xlsx")
    if not path:
        return
    target = path

    def job(session, actor, control):  # noqa: ANN001, ANN202
        return survey_answers_io.export_answers(session, actor, survey_id, target, control.progress)

    def failed(error: BaseException) -> bool:
        if isinstance(error, OSError):
            QMessageBox.warning(
                parent,
                parent.tr("导出失败"),
                parent.tr("无法写入文件：") + f"{target}\n{error.strerror or error}",
            )
            return True
        return False

    run_job(
        parent,
        context,
        parent.tr("正在导出答卷…"),
        job,
        lambda count: done(parent.tr("已导出 {n} 份问卷到 ").replace("{n}", str(count)) + target),
        on_failed=failed,
    )


class AnswerImportDialog(QDialog):
    """What the check found: counts, every refused row, and the user's choice."""

    def __init__(
        self, file_name: str, preview: AnswerImportPreview, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("answerImportDialog")
        self.setWindowTitle(self.tr("导入答卷 — ") + file_name)
        problems = sorted(preview.problems, key=lambda p: (p.row, p.column))
        summary = QLabel(
            self.tr(
                "共 {total} 行：新问卷 {new} 份，更正 {changed} 份，未变 {same} 份，有问题 {bad} 行。"
            )
            .replace("{total}", str(preview.total_rows))
            .replace("{new}", str(preview.new_rows))
            .replace("{changed}", str(preview.changed_rows))
            .replace("{same}", str(preview.unchanged))
            .replace("{bad}", str(len(preview.bad_rows))),
            self,
        )
        summary.setObjectName("answerImportSummary")
        self.table = QTableWidget(min(len(problems), MAX_SHOWN_PROBLEMS), 3, self)
        self.table.setObjectName("answerImportProblems")
        self.table.setHorizontalHeaderLabels([self.tr("行号"), self.tr("列"), self.tr("原因")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, problem in enumerate(problems[:MAX_SHOWN_PROBLEMS]):
            self.table.setItem(row, 0, QTableWidgetItem(str(problem.row)))
            self.table.setItem(row, 1, QTableWidgetItem(problem.column))
            self.table.setItem(row, 2, QTableWidgetItem(problem.message))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 160)
        self.all_or_nothing = QRadioButton(self.tr("全部导入：有任何问题就一行也不导入"), self)
        self.all_or_nothing.setObjectName("answerImportAll")
        self.only_valid = QRadioButton(self.tr("只导入正确的行，跳过有问题的行"), self)
        self.only_valid.setObjectName("answerImportOnlyValid")
        (self.only_valid if problems else self.all_or_nothing).setChecked(True)
        self.all_or_nothing.setEnabled(not problems)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(
            self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("answerImportConfirm")
        self.import_button.setEnabled(bool(preview.valid))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.unknown_headers:
            layout.addWidget(
                QLabel(self.tr("未使用的列：") + "、".join(preview.unknown_headers), self)
            )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.all_or_nothing)
        layout.addWidget(self.only_valid)
        layout.addWidget(buttons)
        self.resize(760, 520)

    @property
    def skip_invalid(self) -> bool:
        return self.only_valid.isChecked()


def import_answers(
    parent: QWidget,
    context: AppContext,
    survey_id: int,
    done: Callable[[str], None],
    path: str | None = None,
    ask: Callable[[AnswerImportDialog], bool] | None = None,
) -> None:
    """The whole import, from the file dialog to the closing message. `ask` decides on
    the preview (default: the dialog, modal)."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, parent.tr("导入答卷"), "", FILE_FILTER)
        if not path:
            return
    file = Path(path)

    def check(session, actor, control):  # noqa: ANN001, ANN202
        with open_table(file) as source:
            return survey_answers_io.check_answers(
                session, actor, survey_id, source, control.progress, control.is_cancelled
            )

    def on_failed(error: BaseException) -> bool:
        if isinstance(error, SpreadsheetError):
            QMessageBox.warning(parent, parent.tr("无法导入"), error.message)
            return True
        return False

    def checked(preview: AnswerImportPreview) -> None:
        dialog = AnswerImportDialog(file.name, preview, parent)
        accepted = ask(dialog) if ask is not None else dialog.exec() == QDialog.DialogCode.Accepted
        skip = dialog.skip_invalid
        dialog.deleteLater()
        if not accepted:
            return

        def write(session, actor, _control):  # noqa: ANN001, ANN202
            return survey_answers_io.write_answers(
                session, actor, survey_id, preview, skip, file.name
            )

        run_job(
            parent,
            context,
            parent.tr("正在写入答卷…"),
            write,
            lambda count: done(parent.tr("已导入 {n} 份问卷。").replace("{n}", str(count))),
        )

    run_job(parent, context, parent.tr("正在检查答卷表格…"), check, checked, on_failed=on_failed)
