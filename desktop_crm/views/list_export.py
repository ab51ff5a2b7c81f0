"""Exporting any SQL-backed list as the user sees it: file dialog, worker with progress and
cancel, and the plain-Chinese outcome. One flow for every list's 导出."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_crm import documents
from desktop_crm.reports.table_xlsx import ExportCancelled
from desktop_crm.services.listing import ListQuery

from .context import AppContext
from .workers import run_job


def ask_xlsx_path(parent: QWidget, title: str, suggested: str) -> str | None:
    """The target workbook chosen by the user (with .xlsx added), or None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    return path if path.lower().endswith(".xlsx") else path + ".xlsx"


def export_in_background(
    parent: QWidget,
    context: AppContext,
    query: ListQuery,
    path: str,
    sheet_title: str,
    total: int,
    on_done: Callable[[int], None],
    show_message: Callable[[str], None],
    detail: str | None = None,
    object_type: str = "customer_list",
) -> None:
    """Write `query` to `path` in a worker; cancel and file errors are told, not raised."""

    def job(session, actor, control):  # noqa: ANN001, ANN202
        return documents.export_list(
            session,
            actor,
            query,
            path,
            sheet_title,
            control.progress,
            control.is_cancelled,
            detail=detail,
            object_type=object_type,
        )

    def failed(error: BaseException) -> bool:
        if isinstance(error, ExportCancelled):
            show_message(parent.tr("导出已取消，没有生成文件。"))
            return True
        if isinstance(error, OSError):
            QMessageBox.warning(
                parent,
                parent.tr("导出失败"),
                parent.tr("无法写入文件：") + f"{path}\n{error.strerror or error}",
            )
            return True
        return False

    run_job(
        parent,
        context,
        parent.tr("正在导出") + sheet_title + "…",
        job,
        on_done,
        maximum=total,
        on_failed=failed,
    )
