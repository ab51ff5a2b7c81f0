"""今日待办, the first screen: what is due, overdue or waiting today, one line per record.

The lists are short (the first lines of each section, with the full count in the heading),
so they are read in one go from `services.today` and shown in a tree: a heading per
section, a line per record; a click on a line opens its record (the window listens to the
page's signals). A revisit line (回访报告待写/逾期, 回访报告待审阅) opens the revisit's
回访报告 tab here, without the window's help.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import today as today_service
from desktop_crm.services.today import TodayItem, TodayLists, TodaySection

from .context import AppContext
from .service_call import FAILED, run_service

log = logging.getLogger(__name__)

OVERDUE_TEXT = QColor("#b3261e")
MUTED_TEXT = QColor("#6b6b6b")
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # what a line opens: complaint / revisit / …
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the id of the record it opens
SECTION_ROLE = Qt.ItemDataRole.UserRole + 3  # the section key of a heading
# Shown again on return to the page when read longer ago than this.
STALE_SECONDS = 120
WEEKDAYS = "一二三四五六日"
COLUMNS = ("编号", "客户/对象", "日期", "说明")  # 对象: a loan's borrower, a department


class _CountSignals(QObject):
    # (which refresh, how many or -1 when the count failed, this signals object)
    sig_done = Signal(int, int, object)


# Signal objects of running counts: they live in the GUI thread and are released there once
# the count has reported, so no Qt object is destroyed from a worker thread (as in workers).
_counting: set[_CountSignals] = set()
_COUNT_LOCK = threading.Lock()


class _NotServedCounter(QRunnable):
    """Counts the 服务不到位 customers with its own session (a second or more at a million
    customers), off the GUI thread."""

    def __init__(
        self, context: AppContext, day: date | None, token: int, signals: _CountSignals
    ) -> None:
        super().__init__()
        self._context, self._day, self._token, self._signals = context, day, token, signals

    def run(self) -> None:
        try:
            with self._context.session() as session:
                actor = self._context.actor(session)
                total = today_service.not_served_count(session, actor, self._day)
        except Exception:  # the heading keeps its "50+"; the error goes to the log
            log.exception("counting the customers not served failed")
            total = -1
        with _COUNT_LOCK:
            signals, self._signals = self._signals, None
            signals.sig_done.emit(self._token, total, signals)  # type: ignore[union-attr]
            del signals


class TodayPage(QWidget):
    """今日待办 (objectName `todayView`). Emits which record to open; `refresh()` rereads."""

    sig_open_complaint = Signal(int)
    sig_open_revisit_plan = Signal(int)
    sig_open_customer = Signal(int)
    sig_open_revisit = Signal(int)  # the page opens it itself (open_revisit)
    # an overdue improvement action: the page opens its survey at 改进计划 itself
    sig_open_survey_improvement = Signal(int)
    sig_open_archive_volume = Signal(int)  # the page opens it itself (open_archive_volume)
    # a department late with its filing: whoever shows the ledger filters it
    sig_open_archive_department = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self._context = context
        self.today: date | None = None  # None: the real date (tests and demos may fix it)
        self.lists: TodayLists | None = None
        self._loaded_at = 0.0
        self._token = 0  # which refresh a background count belongs to
        self.limit = today_service.LIMIT  # lines per section
        self._last_open: tuple[tuple[str, int], float] | None = None
        self.current_dialog: QWidget | None = None  # a revisit opened from a line
        self.sig_open_revisit.connect(self.open_revisit)
        self.sig_open_survey_improvement.connect(self.open_survey_improvement)
        self.sig_open_archive_volume.connect(self.open_archive_volume)

        self.title = QLabel(objectName="todayTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel(objectName="todaySummary")
        self.refresh_button = QPushButton(self.tr("刷新"), objectName="todayRefresh")
        self.refresh_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        )
        self.refresh_button.clicked.connect(self.refresh)

        self.tree = QTreeWidget(objectName="todayTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([self.tr(t) for t in COLUMNS])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setMouseTracking(True)
        self.tree.itemClicked.connect(lambda item, _column: self._open(item))
        self.tree.itemActivated.connect(lambda item, _column: self._open(item))
        self.tree.itemEntered.connect(self._hover)
        header = self.tree.header()
        header.setStretchLastSection(True)
        metrics = self.tree.fontMetrics()
        icon = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        # The number column holds the line's indentation and the overdue icon too.
        header.resizeSection(
            0, self.tree.indentation() + icon + metrics.horizontalAdvance("TS2026-00000") + 40
        )
        header.resizeSection(1, metrics.horizontalAdvance("中") * 18)
        header.resizeSection(2, metrics.horizontalAdvance("2026-11-26") + 24)

        self.empty_label = QLabel(self.tr("今天没有待办事项"), objectName="todayEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_font = self.empty_label.font()
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.4)
        self.empty_label.setFont(empty_font)
        self.empty_label.setStyleSheet("color: #4a7f3a;")
        self.stack = QStackedWidget(objectName="todayStack")
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(16)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        hub = context.hub
        for name in (
            "sig_customers_changed",
            "sig_user_changed",
            "sig_complaints_changed",
            "sig_revisits_changed",
        ):
            signal = getattr(hub, name, None)  # complaint and revisit signals come with them
            if signal is not None:
                signal.connect(self._changed)
        self._refresh_due = False
        self.refresh()

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read the lists afresh and show them; a long 服务不到位 list is counted in a
        worker thread and its heading filled in when the count arrives."""
        day, limit = self.today, self.limit
        self._token += 1
        found = run_service(
            self,
            self._context,
            lambda session, actor: today_service.today_items(
                session, actor, day, limit, count_not_served=False
            ),
        )
        self._loaded_at = time.monotonic()
        if found is FAILED:
            return
        self.show_lists(found)  # type: ignore[arg-type]
        section = found.section(today_service.NOT_SERVED)  # type: ignore[union-attr]
        if section is not None and section.total is None:
            self._count_not_served(self._token, day)

    def _count_not_served(self, token: int, day: date | None) -> None:
        signals = _CountSignals()
        signals.sig_done.connect(self._not_served_counted)
        _counting.add(signals)
        QThreadPool.globalInstance().start(_NotServedCounter(self._context, day, token, signals))

    def _not_served_counted(self, token: int, total: int, signals: QObject) -> None:
        with _COUNT_LOCK:
            _counting.discard(signals)  # type: ignore[arg-type]
        if token != self._token or self.lists is None or total < 0:
            return  # refreshed in the meantime, or the count failed (logged)
        section = self.lists.section(today_service.NOT_SERVED)
        if section is None:
            return
        counted = section.counted(total)
        self.lists = self.lists.with_section(counted)
        self._show_summary(self.lists)
        for index in range(self.tree.topLevelItemCount()):
            old = self.tree.topLevelItem(index)
            if old.data(0, SECTION_ROLE) == counted.key:
                expanded = old.isExpanded()
                self.tree.takeTopLevelItem(index)
                heading = self._section_item(counted)
                self.tree.insertTopLevelItem(index, heading)
                heading.setFirstColumnSpanned(True)
                heading.setExpanded(expanded)
                break

    def _changed(self) -> None:
        """Something changed elsewhere: reread now when shown, else when next shown."""
        if self.isVisible():
            self._refresh_due = False
            QTimer.singleShot(0, self.refresh)
        else:
            self._refresh_due = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        stale = time.monotonic() - self._loaded_at > STALE_SECONDS
        new_day = self.today is None and self.lists is not None and self.lists.today != date.today()
        if self._refresh_due or stale or new_day:
            self._refresh_due = False
            QTimer.singleShot(0, self.refresh)

    # ------------------------------------------------------------------ showing

    def show_lists(self, lists: TodayLists) -> None:
        self.lists = lists
        day = lists.today
        self.title.setText(
            self.tr("今日待办")
            + f"  {day.year}年{day.month}月{day.day}日 "
            + self.tr("星期")
            + WEEKDAYS[day.weekday()]
        )
        self._show_summary(lists)
        self.tree.clear()
        for section in lists.sections:
            heading = self._section_item(section)
            self.tree.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            heading.setExpanded(True)
        self.stack.setCurrentWidget(self.empty_label if lists.empty else self.tree)

    def _show_summary(self, lists: TodayLists) -> None:
        overdue = sum(1 for section in lists.sections for item in section.items if item.overdue)
        uncounted = any(section.total is None for section in lists.sections)
        total = f"{lists.total:,}" + ("+" if uncounted else "")
        summary = self.tr("共 {0} 项").replace("{0}", total)
        if overdue:
            summary += self.tr("，其中 {0} 项已逾期").replace("{0}", f"{overdue:,}")
        self.summary.setText(summary if not lists.empty else "")

    def _section_item(self, section: TodaySection) -> QTreeWidgetItem:
        count = f"{section.total:,}" if section.total is not None else f"{len(section.items)}+"
        heading = QTreeWidgetItem([f"{self.tr(section.title)} ({count})"])
        heading.setData(0, SECTION_ROLE, section.key)
        font = QFont(self.tree.font())
        font.setBold(True)
        heading.setFont(0, font)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if section.total == 0:
            heading.setForeground(0, QBrush(MUTED_TEXT))
        for item in section.items:
            heading.addChild(self._line(item))
        if section.more is None:
            text = self.tr("另有更多未列出（正在计数…），请在列表中查看")
        elif section.more:
            text = self.tr("另有 {0} 条未列出，请在列表中查看").replace("{0}", f"{section.more:,}")
        if section.more is None or section.more:
            more = QTreeWidgetItem(["", text])
            more.setFlags(Qt.ItemFlag.ItemIsEnabled)
            more.setForeground(1, QBrush(MUTED_TEXT))
            heading.addChild(more)
        return heading

    def _line(self, item: TodayItem) -> QTreeWidgetItem:
        day = f"{item.day:%Y-%m-%d}" if item.day else ""
        line = QTreeWidgetItem([item.code, item.title, day, item.extra])
        line.setData(0, KIND_ROLE, item.kind)
        line.setData(0, ID_ROLE, item.id)
        line.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        tip = self.tr("单击打开")
        if item.overdue:
            # Not colour alone: an icon and the words 逾期 / 未在受理当日上报 in the line.
            line.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            for column in range(len(COLUMNS)):
                line.setForeground(column, QBrush(OVERDUE_TEXT))
            tip = self.tr("已逾期 · 单击打开")
        for column in range(len(COLUMNS)):
            line.setToolTip(column, f"{item.code} {item.title}\n{item.extra}\n{tip}")
        return line

    # ------------------------------------------------------------------ opening

    def line_items(self, key: str | None = None) -> list[QTreeWidgetItem]:
        """The lines (not headings) on screen, of one section or all."""
        found = []
        for index in range(self.tree.topLevelItemCount()):
            heading = self.tree.topLevelItem(index)
            if key is not None and heading.data(0, SECTION_ROLE) != key:
                continue
            for child in range(heading.childCount()):
                line = heading.child(child)
                if line.data(0, KIND_ROLE):
                    found.append(line)
        return found

    def _hover(self, item: QTreeWidgetItem, _column: int) -> None:
        clickable = bool(item.data(0, KIND_ROLE))
        self.tree.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )

    def _open(self, item: QTreeWidgetItem) -> None:
        kind, record_id = item.data(0, KIND_ROLE), item.data(0, ID_ROLE)
        if not kind:
            return
        # A double click is a click and an activation: open the record once.
        now = time.monotonic()
        if self._last_open is not None:
            last, at = self._last_open
            if last == (kind, record_id) and now - at < QApplication.doubleClickInterval() / 1000:
                return
        self._last_open = ((kind, record_id), now)
        signal = {
            today_service.COMPLAINT: self.sig_open_complaint,
            today_service.REVISIT_PLAN: self.sig_open_revisit_plan,
            today_service.CUSTOMER: self.sig_open_customer,
            today_service.REVISIT: self.sig_open_revisit,
            today_service.SURVEY_IMPROVEMENT: self.sig_open_survey_improvement,
            today_service.ARCHIVE_VOLUME: self.sig_open_archive_volume,
            today_service.ARCHIVE_DEPARTMENT: self.sig_open_archive_department,
        }[kind]
        signal.emit(int(record_id))

    def open_revisit(self, revisit_id: int) -> None:
        """The revisit on its 回访报告 tab (write or review the report); the lists are read
        again when it closes."""
        from .revisits.revisit_dialog import RevisitDialog

        dialog = RevisitDialog(self._context, parent=self, revisit_id=revisit_id, show_report=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._revisit_closed())
        self.current_dialog = dialog
        dialog.open()

    def _revisit_closed(self) -> None:
        self.current_dialog = None
        QTimer.singleShot(0, self.refresh)

    def open_archive_volume(self, volume_id: int) -> None:
        """The 案卷 of an overdue loan (opening it is logged like any opening); the lists
        are read again when it closes."""
        from .archives.archive_dialog import ArchiveDialog

        dialog = ArchiveDialog(self._context, volume_id, parent=self)
        if dialog.failed:  # refused (said in a box) or gone: no empty form on screen
            dialog.deleteLater()
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._revisit_closed())
        self.current_dialog = dialog
        dialog.open()

    def open_survey_improvement(self, improvement_id: int) -> None:
        """The survey of an overdue improvement action, at its 改进计划 tab with the action
        selected; the lists are read again when it closes."""
        from desktop_crm.services import survey_improvements

        from .surveys.survey_dialog import TAB_IMPROVEMENTS, SurveyDialog

        found = run_service(
            self,
            self._context,
            lambda session, actor: (
                survey_improvements.get_improvement(session, actor, improvement_id).survey_id
            ),
        )
        if found is FAILED:
            return
        dialog = SurveyDialog(
            self._context,
            int(found),  # type: ignore[arg-type]
            parent=self,
            tab=TAB_IMPROVEMENTS,
            improvement_id=improvement_id,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._revisit_closed())
        self.current_dialog = dialog
        dialog.open()
