"""回访汇总: the 客户回访汇总表 of a period — revisits by kind, method and satisfaction, and
each person's reports — worked out, previewed and exported, each in a worker."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisit_reports, revisits
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    list_table,
    plain_button,
    read_only_item,
    tr_data,
)
from desktop_crm.views.list_export import ask_xlsx_path
from desktop_crm.views.widgets import DATE_FORMAT
from desktop_crm.views.workers import run_job

from .tab_base import RevisitTab


class SummaryTab(RevisitTab):
    """回访汇总 of the days 从…到… (this month to today at first). `summary` is the one last
    worked out."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.summary: revisit_reports.RevisitSummary | None = None
        today = date.today()
        self.summary_from = QDateEdit(QDate(today.replace(day=1)), self)
        self.summary_from.setObjectName("revisitSummaryFrom")
        self.summary_to = QDateEdit(QDate(today), self)
        self.summary_to.setObjectName("revisitSummaryTo")
        for edit in (self.summary_from, self.summary_to):
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setCalendarPopup(True)
        self.summary_run = plain_button(self, self.tr("统计"), "revisitSummaryRun")
        self.summary_run.setDefault(False)
        self.summary_run.clicked.connect(self.run_summary)
        self.summary_print = plain_button(self, self.tr("预览/打印…"), "revisitSummaryPrint")
        self.summary_print.clicked.connect(self.print_summary)
        self.summary_export = plain_button(self, self.tr("导出 Excel…"), "revisitSummaryExport")
        self.summary_export.clicked.connect(self.export_summary)
        self.summary_totals = QLabel(
            self.tr("选择回访日期范围后点击「统计」。"), self, objectName="revisitSummaryTotals"
        )
        self.summary_totals.setWordWrap(True)
        self.summary_totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def table(name: str, headers: list[str]) -> QTableWidget:
            widget = list_table(self, name, [self.tr(h) for h in headers])
            widget.setSortingEnabled(False)
            return widget

        self.summary_tables = {
            "kinds": table("revisitSummaryKinds", ["回访类型", "次数", "占比"]),
            "methods": table("revisitSummaryMethods", ["回访方式", "次数", "占比"]),
            "satisfaction": table(
                "revisitSummarySatisfaction", ["满意程度", "分值", "次数", "占比"]
            ),
            "staff": table(
                "revisitSummaryStaff",
                [
                    "回访人",
                    "回访",
                    "报告已写",
                    "按时",
                    "逾期补写",
                    "逾期未写",
                    "未到期",
                    "已审阅",
                    "按时率",
                ],
            ),  # fmt: skip
        }

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("回访日期从"), self))
        top.addWidget(self.summary_from)
        top.addWidget(QLabel(self.tr("到"), self))
        top.addWidget(self.summary_to)
        top.addWidget(self.summary_run)
        top.addStretch(1)
        top.addWidget(self.summary_print)
        top.addWidget(self.summary_export)
        grid = QGridLayout()
        for column, key in enumerate(("kinds", "methods", "satisfaction")):
            grid.addWidget(self.summary_tables[key], 0, column)
        grid.addWidget(self.summary_tables["staff"], 1, 0, 1, 3)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_totals)
        layout.addLayout(grid, 1)

    def summary_period(self) -> tuple[date, date]:
        return self.summary_from.date().toPython(), self.summary_to.date().toPython()

    def _file_name(self, suffix: str) -> str:
        start, end = self.summary_period()
        return f"{revisit_reports.SUMMARY_TITLE}-{start:%Y%m%d}-{end:%Y%m%d}{suffix}"

    def run_summary(self) -> None:
        """Work the summary out in a worker (a year of revisits takes a second or two)."""
        start, end = self.summary_period()

        def job(session: Session, actor: User, _control: object) -> object:
            return revisit_reports.period_summary(session, actor, start, end)

        run_job(self, self._context, self.tr("正在统计回访…"), job, self.show_summary)

    def show_summary(self, summary: revisit_reports.RevisitSummary) -> None:
        self.summary = summary
        percent = revisit_reports.percent
        lines = [
            self.tr("{start} 至 {end}（{scope}）：回访 {total} 次；满意度 {index}，满意率 {rate}"
                    "（{rated} 次记录了满意程度）")
            .replace("{start}", f"{summary.start:%Y-%m-%d}")
            .replace("{end}", f"{summary.end:%Y-%m-%d}")
            .replace("{scope}", summary.scope_text)
            .replace("{total}", f"{summary.total:,}")
            .replace("{index}", percent(summary.satisfaction_index))
            .replace("{rate}", percent(summary.satisfaction_rate))
            .replace("{rated}", f"{summary.rated:,}"),
            self.tr("回访报告：已写 {written}（按时 {on_time}，逾期补写 {late}），逾期未写 "
                    "{overdue}，未到期 {pending}，按时率 {on_time_rate}；已审阅 {reviewed}，"
                    "待审阅 {to_review}")
            .replace("{written}", f"{summary.written:,}")
            .replace("{on_time}", f"{summary.on_time:,}")
            .replace("{late}", f"{summary.late:,}")
            .replace("{overdue}", f"{summary.overdue:,}")
            .replace("{pending}", f"{summary.pending:,}")
            .replace("{on_time_rate}", percent(summary.on_time_rate))
            .replace("{reviewed}", f"{summary.reviewed:,}")
            .replace("{to_review}", f"{summary.to_review:,}"),
        ]  # fmt: skip
        self.summary_totals.setText("\n".join(lines))
        share_rows = {
            key: [(tr_data(x.name), x.count, percent(x.share)) for x in getattr(summary, key)]
            for key in ("kinds", "methods")
        }
        share_rows["satisfaction"] = [
            (tr_data(x.name), revisits.SATISFACTION_SCORES.get(x.name), x.count, percent(x.share))
            for x in summary.satisfaction
        ]
        share_rows["staff"] = [
            (x.name, x.total, x.written, x.on_time, x.late, x.overdue, x.pending, x.reviewed,
             percent(x.on_time_rate))
            for x in summary.staff
        ]  # fmt: skip
        for key, rows in share_rows.items():
            widget = self.summary_tables[key]
            widget.setRowCount(len(rows))
            for row, values in enumerate(rows):
                for column, value in enumerate(values):
                    widget.setItem(row, column, read_only_item(value, align_right=column > 0))
            widget.resizeColumnsToContents()

    def print_summary(self) -> None:
        """客户回访汇总表 of the chosen period in the preview (print, save as PDF or Excel)."""
        from desktop_crm import documents

        start, end = self.summary_period()
        self.print_from_worker(
            self.tr("正在生成客户回访汇总表…"),
            lambda session, actor: documents.revisit_summary_pdf(session, actor, start, end),
            lambda session, actor: documents.revisit_summary_xlsx(session, actor, start, end),
            revisit_reports.SUMMARY_TITLE,
            self._file_name(".pdf"),
        )

    def export_summary(self, path: str | None = None) -> None:
        """客户回访汇总表 of the chosen period to a workbook, made in a worker."""
        from desktop_crm import documents

        start, end = self.summary_period()
        path = path or ask_xlsx_path(self, self.tr("导出客户回访汇总表"), self._file_name(".xlsx"))
        if not path:
            return
        target = path

        def job(session: Session, actor: User, _control: object) -> str:
            _write_file(target, documents.revisit_summary_xlsx(session, actor, start, end))
            return target

        def failed(error: BaseException) -> bool:
            if isinstance(error, OSError):
                QMessageBox.warning(
                    self,
                    self.tr("导出失败"),
                    self.tr("无法写入文件：") + f"{target}\n{error.strerror or error}",
                )
                return True
            return False

        run_job(
            self, self._context, self.tr("正在导出客户回访汇总表…"), job,
            lambda done: self.say(self.tr("已导出到 {0}").replace("{0}", done)),
            on_failed=failed,
        )  # fmt: skip


def _write_file(target: str, data: bytes) -> None:
    """Beside the target first, then renamed: a failure never leaves half a workbook."""
    temporary = f"{target}.part"
    try:
        Path(temporary).write_bytes(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
