"""工作日历 as a user works it: click a day, mark it 休息 with a note, see it everywhere."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import date  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QMessageBox, QTableView, QTableWidget  # noqa: E402

from desktop_crm.services import accounts, bootstrap, workdays  # noqa: E402
from desktop_crm.views.settings import CalendarDialog  # noqa: E402
from desktop_crm.views.settings.calendar_dialog import (  # noqa: E402
    OFFICE_FRAME,
    REST_BACKGROUND,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder: save what the dialog looks like


@pytest.fixture
def warnings(monkeypatch) -> list[str]:  # noqa: ANN001
    """Message boxes answer by themselves; what they said is kept."""
    said: list[str] = []

    def show(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Ok

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, show)
    return said


@pytest.fixture
def dialog(qtbot, app_context, warnings):  # noqa: ANN001, ANN201
    shown = CalendarDialog(app_context)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def rows(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def day_cell(dialog: CalendarDialog, day: date) -> tuple[QTableView, QRect]:
    """Where `day` is drawn on the shown month page (the user's click target)."""
    view = dialog.calendar.findChild(QTableView, "qt_calendar_calendarview")
    model = view.model()
    hits = [
        model.index(row, column)
        for row in range(1, model.rowCount())  # row 0 holds the weekday names
        for column in range(model.columnCount())
        if model.index(row, column).data() == day.day
    ]
    # Small numbers also appear at the next month's start, large ones at the previous end.
    index = hits[0] if day.day <= 14 else hits[-1]
    return view, view.visualRect(index)


def click_day(qtbot, dialog: CalendarDialog, day: date) -> None:  # noqa: ANN001
    dialog.year_spin.setValue(day.year)
    dialog.calendar.setCurrentPage(day.year, day.month)
    view, rect = day_cell(dialog, day)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.selected_day() == day


def pixels(view: QTableView, rect: QRect, points: list[QPoint]) -> list[QColor]:
    image = view.viewport().grab().toImage()
    return [image.pixelColor(rect.topLeft() + point) for point in points]


def test_mark_a_day_rest_with_a_note(qtbot, dialog, session_factory, warnings) -> None:  # noqa: ANN001
    national_day_after = date(2026, 10, 8)
    click_day(qtbot, dialog, national_day_after)
    assert dialog.day_label.text() == "2026-10-08 星期四：上班（工作日）"
    assert not dialog.reset_button.isEnabled()

    dialog.note_edit.setFocus()
    dialog.note_edit.insert("公司统一调休")  # Chinese comes from the input method, not keys
    qtbot.mouseClick(dialog.rest_button, Qt.MouseButton.LeftButton)

    assert warnings == []
    assert dialog.status_label.text() == "已将 2026-10-08 设为休息。"
    assert dialog.day_label.text() == "2026-10-08 星期四：休息（本单位设置）"
    [row] = rows(dialog.office_table)
    assert row[:4] == ["2026-10-08", "星期四", "休息（休）", "公司统一调休"]
    assert row[4] == "系统管理员"
    assert dialog.office_heading.text() == "本单位录入（优先于法定安排）：1 天"
    assert dialog.reset_button.isEnabled()
    with session_factory() as session:
        [entry] = workdays.office_days(session, 2026)
        assert (entry.day, entry.is_workday, entry.note) == (
            national_day_after,
            False,
            "公司统一调休",
        )
        assert workdays.load_calendar(session).add_working_days(date(2026, 9, 30), 1) == date(
            2026, 10, 9
        )

    # Look at the cell as the user does once another day is selected: pink, 「休」, a frame.
    click_day(qtbot, dialog, date(2026, 10, 12))
    assert dialog.calendar.mark_for(national_day_after) == "休"
    view, rect = day_cell(dialog, national_day_after)
    qtbot.wait(10)
    background, *frame = pixels(
        view,
        rect,
        [QPoint(8, rect.height() - 8), *(QPoint(x, rect.height() // 2) for x in range(6))],
    )
    assert background == REST_BACKGROUND
    assert OFFICE_FRAME in frame
    if SCREENSHOTS:
        dialog.grab().save(os.path.join(SCREENSHOTS, "settings_calendar.png"))


def test_reset_gives_the_day_back_to_the_library(qtbot, dialog, session_factory) -> None:  # noqa: ANN001
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        workdays.set_day(session, admin, date(2026, 10, 3), True, "盘点加班")
    dialog.reload()
    click_day(qtbot, dialog, date(2026, 10, 3))
    assert dialog.note_edit.text() == "盘点加班"
    assert dialog.day_label.text() == "2026-10-03 星期六：上班（本单位设置）"

    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)

    assert rows(dialog.office_table) == []
    assert dialog.day_label.text() == "2026-10-03 星期六：休息（国庆节放假）"
    with session_factory() as session:
        assert workdays.office_days(session, 2026) == []


def test_the_library_days_of_the_year_are_listed(qtbot, dialog) -> None:  # noqa: ANN001
    dialog.year_spin.setValue(2026)
    listed = {row[0]: row for row in rows(dialog.library_table)}
    assert listed["2026-10-01"][2:] == ["休息（休）", "国庆节放假"]
    assert listed["2026-10-10"][1:] == ["星期六", "上班（班）", "国庆节调休上班"]
    assert listed["2026-02-14"][3] == "春节调休上班"
    assert "国务院公布" in dialog.coverage_label.text()


def test_an_uncovered_year_is_told(qtbot, dialog) -> None:  # noqa: ANN001
    dialog.year_spin.setValue(2031)
    assert dialog.coverage_label.isVisible()
    assert dialog.coverage_label.text() == (
        "2031 年的法定节假日安排尚未收录，暂按周一至周五上班计算。请在此录入国务院公布的安排。"
    )
    assert rows(dialog.library_table) == []
    assert dialog.calendar.yearShown() == 2031
    click_day(qtbot, dialog, date(2031, 1, 1))  # 元旦 unknown: a plain Wednesday
    assert dialog.day_label.text().startswith("2031-01-01 星期三：上班（工作日）")
    assert "按周一至周五" in dialog.day_label.text()


def test_someone_without_the_settings_right_only_looks(
    qtbot, app_context, session_factory, warnings
) -> None:  # noqa: ANN001
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        seller = accounts.add_account(
            session, admin, "zhangwei", "张伟", "市场营销部", ["客户开发专员"]
        )
        context = replace(app_context, user_id=seller.id)
    dialog = CalendarDialog(context)
    qtbot.addWidget(dialog)
    assert not dialog.rest_button.isEnabled()
    assert not dialog.work_button.isEnabled()
    assert dialog.status_label.text() == "您没有「设置·修改」的权限，只能查看工作日历。"
    dialog.mark_selected(False)  # even if the button were pressed, the service refuses
    assert warnings == ["您没有「设置·修改」的权限。如需办理，请联系系统管理员。"]
    assert rows(dialog.office_table) == []


def test_the_main_window_tells_of_a_year_without_holidays_until_one_is_entered(
    qtbot, app_context, session_factory
) -> None:  # noqa: ANN001
    from desktop_crm.views.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    window.refresh_calendar_hint(date(2025, 6, 1))  # a year the library has
    assert window.calendar_hint.isHidden()
    window.refresh_calendar_hint(date(2030, 12, 20))  # December: next year's days matter
    assert window.calendar_hint.isVisible()
    assert window.calendar_hint.text().startswith(
        "2030、2031 年的法定节假日安排尚未录入，期限暂按周一至周五计算。"
    )
    assert "录入工作日历" in window.calendar_hint.text()
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        workdays.set_day(session, admin, date(2030, 10, 1), False, "国庆节")
        workdays.set_day(session, admin, date(2031, 1, 1), False, "元旦")
    window.refresh_calendar_hint(date(2030, 12, 20))
    assert window.calendar_hint.isHidden()
