"""Showing refusals and unexpected errors to the user in Chinese, never as a traceback."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from desktop_crm.services.errors import ServiceError

log = logging.getLogger(__name__)


def show_refusal(parent: QWidget | None, error: ServiceError, title: str = "无法完成") -> None:
    """A service's refusal: its Chinese message, nothing else."""
    QMessageBox.warning(parent, title, error.message)


def show_unexpected(parent: QWidget | None, error: BaseException, log_path: str) -> None:
    """Anything that is not a service's refusal: log the whole error, tell the user plainly.

    Database trouble (disk full, file locked, server gone) is told apart from a bug, as the
    user can do something about it.
    """
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    if isinstance(error, ServiceError):
        show_refusal(parent, error)
        return
    if isinstance(error, OperationalError | DBAPIError) and not isinstance(error, ProgrammingError):
        QMessageBox.warning(
            parent,
            "数据库暂时无法使用",
            "刚才的操作没有保存。数据库暂时无法使用：可能是磁盘已满、文件被其他程序锁定，"
            "或与服务器的连接中断。请稍后再试。\n\n"
            f"详细信息已写入日志文件：\n{log_path}",
        )
        return
    QMessageBox.critical(
        parent,
        "程序出错",
        "操作没有完成，程序遇到了意外错误。已保存的数据不受影响。\n\n"
        f"详细信息已写入日志文件：\n{log_path}\n\n请把这个文件发给维护人员。",
    )


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes or no; Enter answers no (every question asks before something is lost)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
