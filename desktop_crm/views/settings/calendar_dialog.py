"""工作日历: the working-day calendar complaint deadlines count on, and the office's corrections.

The State Council publishes next year's holidays late: the office enters them here, and what
it enters wins over the holiday library. Off days show in colour and with a 「休」 mark, the
adjusted working weekends with 「班」, and the office's own days with a frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import rights, workdays
from desktop_crm.services.errors import ValidationError
from desktop_crm.services.workdays import LibraryDay, OfficeDay, WorkCalendar
from desktop_crm.views.admin.record_table import CENTER, cell, show_records
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE
from desktop_crm.views.service_call import FAILED, run_service

REST_TEXT = QColor("#b3261e")
REST_BACKGROUND = QColor("#fde7e4")
WORK_WEEKEND_TEXT = QColor("#1a5fb4")
WORK_WEEKEND_BACKGROUND = QColor("#e3edfb")
OFFICE_FRAME = QColor("#c77700")
REST_MARK, WORK_MARK = "休", "班"
WEEKDAYS = "一二三四五六日"
FIRST_YEAR, LAST_YEAR = 2000, 2100
_WARNING_STYLE = "background: #fff4d6; border: 1px solid #e0b34c; border-radius: 3px; padding: 6px;"


def weekday_name(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


@dataclass(frozen=True)
class YearData:
    """Everything the dialog shows for one year, as plain values."""

    year: int
    calendar: WorkCalendar
    office: list[OfficeDay]
    library: list[LibraryDay]
    can_edit: bool
    office_by_day: dict[date, OfficeDay] = field(default_factory=dict)


def _load_year(session: Session, actor: User, year: int) -> YearData:
    office = workdays.office_days(session, year)
    return YearData(
        year=year,
        calendar=workdays.load_calendar(session),
        office=office,
        library=workdays.library_days(year),
        can_edit=rights.may(session, actor, "settings", "edit"),
        office_by_day={entry.day: entry for entry in office},
    )


class WorkCalendarWidget(QCalendarWidget):
    """A month view that marks off days (colour + 「休」), 调休 weekends (「班」), office days."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.work_calendar = workdays.LIBRARY_CALENDAR
        self.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        self.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        # Qt paints every Saturday and Sunday red; here only real off days are.
        plain = QTextCharFormat()
        plain.setForeground(self.palette().color(QPalette.ColorRole.Text))
        for weekend in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(weekend, plain)
        self.currentPageChanged.connect(lambda year, month: self.refresh_formats())

    def set_work_calendar(self, calendar: WorkCalendar) -> None:
        self.work_calendar = calendar
        self.refresh_formats()

    def mark_for(self, day: date) -> str:
        """The mark a cell carries besides its colour: 休, 班 (working weekend) or none."""
        if not self.work_calendar.is_workday(day):
            return REST_MARK
        return WORK_MARK if day.weekday() >= 5 else ""

    def refresh_formats(self) -> None:
        """Colour the days on the visible page (with the neighbouring months' edges)."""
        self.setDateTextFormat(QDate(), QTextCharFormat())  # forget the previous page's
        first = QDate(self.yearShown(), self.monthShown(), 1).addDays(-7)
        for offset in range(50):
            shown = first.addDays(offset)
            mark = self.mark_for(shown.toPython())
            if mark:
                self.setDateTextFormat(shown, self._format(mark))
        self.updateCells()

    @staticmethod
    def _format(mark: str) -> QTextCharFormat:
        style = QTextCharFormat()
        rest = mark == REST_MARK
        style.setForeground(REST_TEXT if rest else WORK_WEEKEND_TEXT)
        style.setBackground(REST_BACKGROUND if rest else WORK_WEEKEND_BACKGROUND)
        style.setFontWeight(QFont.Weight.Bold)
        return style

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate | date) -> None:  # noqa: N802
        super().paintCell(painter, rect, qdate)
        day = qdate.toPython() if isinstance(qdate, QDate) else qdate
        mark = self.mark_for(day)
        office = self.work_calendar.office_setting(day) is not None
        if not mark and not office:
            return
        painter.save()
        if office:
            painter.setPen(QPen(OFFICE_FRAME, 2))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
        if mark:
            selected = self.selectedDate() == _qdate(day)
            colour = REST_TEXT if mark == REST_MARK else WORK_WEEKEND_TEXT
            if selected:
                colour = self.palette().color(QPalette.ColorRole.HighlightedText)
            font = painter.font()
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.7))
            painter.setFont(font)
            painter.setPen(colour)
            corner = rect.adjusted(3, 2, -4, -2)
            painter.drawText(corner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, mark)
        painter.restore()


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(64)
    header.setStretchLastSection(True)
    return table


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class CalendarDialog(QDialog):
    """工作日历: pick a year and a day, mark it 上班 / 休息 or give it back to the default."""

    sig_calendar_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarDialog")
        self.setWindowTitle(self.tr("工作日历"))
        self._context = context
        self._data: YearData | None = None

        self.year_spin = QSpinBox(self)
        self.year_spin.setObjectName("yearSpin")
        self.year_spin.setRange(FIRST_YEAR, LAST_YEAR)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setValue(date.today().year)
        self.coverage_label = QLabel(self)
        self.coverage_label.setObjectName("coverageLabel")
        self.coverage_label.setWordWrap(True)
        self.coverage_label.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )

        self.calendar = WorkCalendarWidget(self)
        self.calendar.setObjectName("calendarWidget")
        self.calendar.setMinimumSize(420, 300)
        self.day_label = QLabel(self)
        self.day_label.setObjectName("dayLabel")
        self.day_label.setWordWrap(True)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setMaxLength(workdays.NOTE_MAX)
        self.note_edit.setPlaceholderText(self.tr("备注，如：国务院办公厅通知 / 本公司安排"))
        self.note_error = QLabel(self)
        self.note_error.setObjectName("noteError")
        self.note_error.setStyleSheet(ERROR_STYLE)
        self.note_error.setWordWrap(True)
        self.note_error.hide()
        self.work_button = QPushButton(self.tr("设为上班"), self)
        self.work_button.setObjectName("markWorkButton")
        self.rest_button = QPushButton(self.tr("设为休息"), self)
        self.rest_button.setObjectName("markRestButton")
        self.reset_button = QPushButton(self.tr("恢复默认"), self)
        self.reset_button.setObjectName("resetButton")
        self.reset_button.setToolTip(self.tr("删除本单位的设置，按法定安排（或周一至周五）计算"))
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)

        self.office_table = _table(
            self,
            "officeTable",
            [
                self.tr("日期"),
                self.tr("星期"),
                self.tr("安排"),
                self.tr("备注"),
                self.tr("录入人"),
                self.tr("录入时间"),
            ],
        )
        self.library_table = _table(
            self,
            "libraryTable",
            [self.tr("日期"), self.tr("星期"), self.tr("安排"), self.tr("说明")],
        )
        self.office_heading = _heading("", self)
        self.library_heading = _heading("", self)

        self._lay_out()
        self.work_button.clicked.connect(lambda: self.mark_selected(True))
        self.rest_button.clicked.connect(lambda: self.mark_selected(False))
        self.reset_button.clicked.connect(self.reset_selected)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.calendar.currentPageChanged.connect(self._page_changed)
        self.calendar.selectionChanged.connect(self._day_changed)
        self.office_table.itemSelectionChanged.connect(
            lambda: self._table_picked(self.office_table)
        )
        self.library_table.itemSelectionChanged.connect(
            lambda: self._table_picked(self.library_table)
        )
        self.resize(1040, 620)
        self.reload()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份："), self))
        top.addWidget(self.year_spin)
        top.addWidget(self.coverage_label, 1)

        legend = QLabel(
            self.tr(
                "<span style='color:#b3261e;background:#fde7e4'>&nbsp;8 休&nbsp;</span> 休息日"
                "&nbsp;&nbsp;&nbsp;<span style='color:#1a5fb4;background:#e3edfb'>&nbsp;10 班"
                "&nbsp;</span> 调休上班"
                "&nbsp;&nbsp;&nbsp;<span style='color:#c77700;font-weight:bold'>□</span>"
                " 橙色框：本单位设置"
            ),
            self,
        )
        legend.setObjectName("legendLabel")
        buttons = QHBoxLayout()
        for button in (self.work_button, self.rest_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        edit = QGridLayout()
        edit.addWidget(QLabel(self.tr("备注："), self), 0, 0)
        edit.addWidget(self.note_edit, 0, 1)
        edit.addWidget(self.note_error, 1, 1)
        edit.addLayout(buttons, 2, 1)

        left = QVBoxLayout()
        left.addWidget(self.calendar, 1)
        left.addWidget(legend)
        left.addWidget(self.day_label)
        left.addLayout(edit)
        left.addWidget(self.status_label)

        right = QVBoxLayout()
        right.addWidget(self.office_heading)
        right.addWidget(self.office_table, 1)
        right.addWidget(self.library_heading)
        right.addWidget(self.library_table, 1)

        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 6)

        close_button = QPushButton(self.tr("关闭"), self)
        close_button.setObjectName("closeButton")
        close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ state

    def year(self) -> int:
        return self.year_spin.value()

    def selected_day(self) -> date:
        return self.calendar.selectedDate().toPython()

    def select_day(self, day: date) -> None:
        """Show `day`'s year and month and select it, as a click on it would."""
        self.year_spin.setValue(day.year)
        self.calendar.setSelectedDate(_qdate(day))

    def reload(self) -> None:
        year = self.year()
        data = run_service(self, self._context, lambda s, a: _load_year(s, a, year))
        if data is FAILED:
            return
        self._data = data
        self.calendar.set_work_calendar(data.calendar)
        self._show_coverage(data)
        self._show_office(data)
        self._show_library(data)
        self._day_changed()

    def _show_coverage(self, data: YearData) -> None:
        if workdays.library_covers(data.year):
            self.coverage_label.setStyleSheet("")
            self.coverage_label.setText(
                self.tr("{year} 年按国务院公布的节假日安排计算；本单位录入的日期优先。").format(
                    year=data.year
                )
            )
            return
        text = self.tr(
            "{year} 年的法定节假日安排尚未收录，暂按周一至周五上班计算。"
            "请在此录入国务院公布的安排。"
        ).format(year=data.year)
        if data.office:
            text += self.tr("（已录入 {count} 天）").format(count=len(data.office))
        self.coverage_label.setStyleSheet(_WARNING_STYLE)
        self.coverage_label.setText(text)

    def _state(self, is_workday: bool) -> str:
        return self.tr("上班") if is_workday else self.tr("休息")

    def _show_office(self, data: YearData) -> None:
        self.office_heading.setText(
            self.tr("本单位录入（优先于法定安排）：{count} 天").format(count=len(data.office))
        )
        rows = [
            (
                entry.day,
                True,
                [
                    cell(entry.day.isoformat()),
                    cell(weekday_name(entry.day)),
                    self._state_cell(entry.is_workday),
                    cell(entry.note, tooltip=entry.note or ""),
                    cell(entry.updated_by),
                    cell(entry.updated_at.strftime("%Y-%m-%d %H:%M")),
                ],
            )
            for entry in data.office
        ]
        self._fill(self.office_table, rows)

    def _show_library(self, data: YearData) -> None:
        self.library_heading.setText(
            self.tr("法定节假日与调休上班日（国务院公布）：{count} 天").format(
                count=len(data.library)
            )
            if data.library
            else self.tr("法定节假日与调休上班日：{year} 年尚未收录").format(year=data.year)
        )
        rows = [
            (
                entry.day,
                True,
                [
                    cell(entry.day.isoformat()),
                    cell(weekday_name(entry.day)),
                    self._state_cell(entry.is_workday),
                    cell(entry.description),
                ],
            )
            for entry in data.library
        ]
        self._fill(self.library_table, rows)

    def _state_cell(self, is_workday: bool):  # noqa: ANN202
        item = cell(
            f"{self._state(is_workday)}（{WORK_MARK if is_workday else REST_MARK}）", CENTER
        )
        item.setForeground(QBrush(WORK_WEEKEND_TEXT if is_workday else REST_TEXT))
        return item

    def _fill(self, table: QTableWidget, rows: list) -> None:
        table.blockSignals(True)  # filling is not the user picking a row
        show_records(table, rows, self.selected_day())
        table.blockSignals(False)

    def _year_changed(self, year: int) -> None:
        if self.selected_day().year != year:
            self.calendar.setSelectedDate(QDate(year, self.calendar.monthShown(), 1))
        self.status_label.clear()
        self.reload()

    def _page_changed(self, year: int, month: int) -> None:
        if year != self.year():
            self.year_spin.setValue(year)  # reloads through _year_changed
        self._scroll_to_month(month)

    def _scroll_to_month(self, month: int) -> None:
        """Bring the shown month's holidays into view in the library's table."""
        table = self.library_table
        for row in range(table.rowCount()):
            if date.fromisoformat(table.item(row, 0).text()).month >= month:
                table.scrollToItem(table.item(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
                return

    def _table_picked(self, table: QTableWidget) -> None:
        rows = table.selectionModel().selectedRows()
        if rows:
            picked = date.fromisoformat(table.item(rows[0].row(), 0).text())
            if picked != self.selected_day():
                self.calendar.setSelectedDate(_qdate(picked))

    def _day_changed(self) -> None:
        data = self._data
        if data is None:
            return
        day = self.selected_day()
        calendar = data.calendar
        entry = data.office_by_day.get(day)
        text = self.tr("{day} {weekday}：{state}（{reason}）").format(
            day=day.isoformat(),
            weekday=weekday_name(day),
            state=self._state(calendar.is_workday(day)),
            reason=calendar.reason(day),
        )
        if not workdays.library_covers(day.year) and entry is None:
            text += self.tr(" — 该年未收录法定安排，按周一至周五")
        self.day_label.setText(text)
        self.note_edit.setText((entry.note or "") if entry else "")
        self.note_error.hide()
        for button in (self.work_button, self.rest_button):
            button.setEnabled(data.can_edit)
        self.reset_button.setEnabled(data.can_edit and entry is not None)
        if not data.can_edit:
            self.status_label.setText(self.tr("您没有「设置·修改」的权限，只能查看工作日历。"))
        for table in (self.office_table, self.library_table):
            self._fill_selection(table, day)

    def _fill_selection(self, table: QTableWidget, day: date) -> None:
        table.blockSignals(True)
        table.clearSelection()
        for row in range(table.rowCount()):
            if table.item(row, 0).text() == day.isoformat():
                table.selectRow(row)
                table.scrollToItem(table.item(row, 0))
                break
        table.blockSignals(False)

    # ------------------------------------------------------------------ actions

    def mark_selected(self, is_workday: bool) -> None:
        """设为上班 / 设为休息: the office's entry for the selected day, with the note."""
        day, note = self.selected_day(), self.note_edit.text()
        self.note_error.hide()
        result = run_service(
            self,
            self._context,
            lambda s, a: workdays.set_day(s, a, day, is_workday, note),
            on_invalid=self._show_invalid,
        )
        if result is FAILED:
            return
        self._changed(
            self.tr("已将 {day} 设为{state}。").format(
                day=day.isoformat(), state=self._state(is_workday)
            )
        )

    def reset_selected(self) -> None:
        """恢复默认: drop the office's entry; the library (or Monday–Friday) decides again."""
        day = self.selected_day()
        if run_service(self, self._context, lambda s, a: workdays.clear_day(s, a, day)) is FAILED:
            return
        self._changed(self.tr("已将 {day} 恢复为默认安排。").format(day=day.isoformat()))

    def _changed(self, status: str) -> None:
        self.reload()
        self.status_label.setText(status)
        self.sig_calendar_changed.emit()

    def _show_invalid(self, error: ValidationError) -> None:
        self.note_error.setText(error.message)
        self.note_error.show()
        self.note_edit.setFocus()
