"""今日待办 on screen: an overdue complaint is listed, marked, and opens on a click."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidget

from desktop_crm.models import RevisitPlan
from desktop_crm.services import complaints, customers
from desktop_crm.services import today as today_service
from desktop_crm.views.today_page import ID_ROLE, OVERDUE_TEXT, SECTION_ROLE, TodayPage


@pytest.fixture
def page(qtbot, app_context):  # noqa: ANN001
    widget = TodayPage(app_context)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def register_overdue(session, admin) -> complaints.Complaint:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "宝鸡周盛混凝土有限公司"})
    received = datetime.combine(date.today() - timedelta(days=10), datetime.min.time())
    return complaints.register(
        session,
        admin,
        {
            "customer_id": customer.id,
            "received_at": received.replace(hour=9),
            "category": "受潮结块",
            "content": "到货水泥结块严重，约二十袋无法使用。",
        },
    )


def test_empty_day_says_so(page) -> None:  # noqa: ANN001
    assert page.objectName() == "todayView"
    empty = page.findChild(QLabel, "todayEmpty")
    assert empty.isVisible() and empty.text() == "今天没有待办事项"
    assert not page.findChild(QTreeWidget, "todayTree").isVisible()


def test_overdue_complaint_is_listed_marked_and_opens(qtbot, page, session, admin) -> None:  # noqa: ANN001
    complaint = register_overdue(session, admin)
    qtbot.mouseClick(page.findChild(QPushButton, "todayRefresh"), Qt.MouseButton.LeftButton)

    tree = page.findChild(QTreeWidget, "todayTree")
    assert tree.isVisible()
    headings = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "已逾期的投诉 (1)" in headings
    assert "尚未上报领导的投诉 (1)" in headings
    assert "今天到期 (0)" in headings

    (line,) = page.line_items(today_service.OVERDUE)
    assert line.text(0) == complaint.number
    assert line.text(1) == "宝鸡周盛混凝土有限公司"
    assert "上报领导" in line.text(3) and "逾期" in line.text(3)
    assert not line.icon(0).isNull()  # not colour alone
    assert line.foreground(0).color() == OVERDUE_TEXT

    tree.scrollToItem(line)
    rect = tree.visualItemRect(line)
    with qtbot.waitSignal(page.sig_open_complaint, timeout=1000) as opened:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [complaint.id]


def test_a_double_click_opens_once_and_keys_open_too(qtbot, page, session, admin) -> None:  # noqa: ANN001
    complaint = register_overdue(session, admin)
    page.refresh()
    tree = page.findChild(QTreeWidget, "todayTree")
    line = page.line_items(today_service.OVERDUE)[0]
    rect = tree.visualItemRect(line)
    opened: list[int] = []
    page.sig_open_complaint.connect(opened.append)
    # A real double click: press and release, then the double-click press and release.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseRelease(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [complaint.id]

    page._last_open = None  # noqa: SLF001 - a fresh keystroke, not part of the double click
    tree.setCurrentItem(line)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == [complaint.id, complaint.id]


def test_revisit_plan_and_customer_lines_emit_their_own_signals(
    qtbot, page, session, admin
) -> None:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "汉中李氏建材经销部"})
    plan = RevisitPlan(
        customer_id=customer.id, kind="定期回访", planned_on=date.today(), method="电话"
    )
    session.add(plan)
    session.commit()
    page.refresh()
    (line,) = page.line_items(today_service.PLANS_TODAY)
    assert line.data(0, ID_ROLE) == plan.id
    with qtbot.waitSignal(page.sig_open_revisit_plan, timeout=1000) as opened:
        page.tree.itemClicked.emit(line, 0)
    assert opened.args == [plan.id]
    # A customer line (服务不到位) opens the customer.
    customer_item = today_service.TodayItem(
        today_service.CUSTOMER, customer.id, "KH000001", customer.name
    )
    lists = today_service.TodayLists(
        date.today(),
        date.today(),
        (
            today_service.TodaySection(
                today_service.NOT_SERVED, "服务不到位的客户", "customer", (customer_item,), 1
            ),
        ),
    )
    page.show_lists(lists)
    (line,) = page.line_items(today_service.NOT_SERVED)
    with qtbot.waitSignal(page.sig_open_customer, timeout=1000) as opened:
        page.tree.itemClicked.emit(line, 0)
    assert opened.args == [customer.id]


def test_cut_sections_say_how_many_more(page) -> None:  # noqa: ANN001
    items = tuple(
        today_service.TodayItem(
            today_service.COMPLAINT, i, f"TS2026-{i:04d}", "客户", None, "", True
        )
        for i in range(1, 4)
    )
    section = today_service.TodaySection(
        today_service.OVERDUE, "已逾期的投诉", "complaint", items, 120
    )
    page.show_lists(today_service.TodayLists(date.today(), date.today(), (section,)))
    heading = page.tree.topLevelItem(0)
    assert heading.text(0) == "已逾期的投诉 (120)"
    assert heading.child(3).text(1) == "另有 117 条未列出，请在列表中查看"
    assert len(page.line_items()) == 3


def test_a_long_not_served_list_is_counted_in_the_background(qtbot, page, session, admin) -> None:  # noqa: ANN001
    for name in ("铜川王氏建材有限公司", "延安李兴商砼有限公司", "榆林张达路桥有限公司"):
        customers.save_customer(session, admin, {"name": name})
    page.limit = 1
    page.today = date.today() + timedelta(days=200)  # three months and more without service
    page.refresh()
    heading = page.tree.topLevelItem(page.tree.topLevelItemCount() - 1)
    assert heading.data(0, SECTION_ROLE) == today_service.NOT_SERVED
    assert heading.text(0).endswith("(1+)")  # shown at once; counted off the GUI thread
    assert len(page.line_items(today_service.NOT_SERVED)) == 1

    def counted() -> None:
        last = page.tree.topLevelItem(page.tree.topLevelItemCount() - 1)
        assert last.text(0).endswith("(3)")
        assert last.child(1).text(1) == "另有 2 条未列出，请在列表中查看"

    qtbot.waitUntil(counted, timeout=5000)
    assert page.lists.section(today_service.NOT_SERVED).total == 3
    assert "共 " in page.summary.text() and "+" not in page.summary.text()


def test_the_archive_keeper_sees_late_filing_and_the_line_opens_the_ledger(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    from dataclasses import replace

    from desktop_crm.models import Department
    from desktop_crm.views.main_window import MainWindow

    from ..services.archive_office import person

    keeper = person(session, admin, "孙丽", "ZHB", "档案管理员")
    window = MainWindow(replace(app_context, user_id=keeper.id))
    qtbot.addWidget(window)
    window.show()
    window.today.today = date(2026, 11, 19)  # past the 10th: October is due
    window.today.refresh()
    lines = window.today.line_items(today_service.FILING_LATE)
    quality = session.query(Department).filter_by(code="ZJB").one()
    (line,) = [item for item in lines if item.text(1) == "质检部"]
    assert "2026-10 的文件尚未移交档案室" in line.text(3)
    tree = window.today.tree
    tree.scrollToItem(line)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(line).center()
    )
    assert window.pages.currentWidget() is window.archives
    assert window.archives.ledger.department_filter.currentData() == quality.id
