"""The 解密 tab of the 档案 page as the archive keeper uses it: what is due as of a day,
解密… with the new 密级 and the reason (refusals beside the fields), and the row gone; and
打印借阅单 on the 借阅 tab, which opens the chosen loan's slip in the preview."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import ArchiveNote, ArchiveVolume  # noqa: E402
from desktop_crm.services import archives  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot, type_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

TODAY = date.today()
END = TODAY - timedelta(days=10)


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    act_as(app_context, office.keeper)
    return office


def file(app_context, office, **changes):  # noqa: ANN001, ANN003, ANN201
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        values = {"filed_on": TODAY - timedelta(days=400), **changes}
        volume = archives.file_volume(s, keeper, volume_values(office, **values))
        return volume.id, volume.number


def open_tab(qtbot, app_context) -> ArchivePage:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.tabs.setCurrentWidget(page.declassify)
    return page


def ok_button(dialog):  # noqa: ANN001, ANN201
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def test_keeper_declassifies_a_file_whose_term_has_ended(qtbot, app_context, office) -> None:  # noqa: ANN001
    volume_id, number = file(
        app_context, office, title="2024年价格策略", secrecy="机密", secrecy_until=END
    )
    file(
        app_context,
        office,
        title="新的秘密文件",
        secrecy="秘密",
        secrecy_until=TODAY + timedelta(9),
    )
    file(app_context, office, title="普通文件")
    page = open_tab(qtbot, app_context)
    tab = page.declassify
    assert page.tabs.tabText(page.tabs.indexOf(page.declassify)) == "解密"
    assert tab.numbers() == [number]
    assert tab.table.item(0, 3).text() == "机密"
    assert tab.table.item(0, 4).text() == f"{END:%Y-%m-%d}"
    assert tab.table.item(0, 5).text() == "10 天"
    assert tab.count_label.text() == "共 1 卷待解密"
    # the day before the term ended nothing was due; on its last day it was
    tab.as_of.setDate(QDate(END - timedelta(days=1)))
    assert tab.numbers() == [] and tab.count_label.text() == "共 0 卷待解密"
    tab.as_of.setDate(QDate(END))
    assert tab.numbers() == [number] and tab.table.item(0, 5).text() == "今天"
    tab.as_of.setDate(QDate(TODAY))
    shot(page, "declassify_tab")

    tab.select(number)
    qtbot.mouseClick(tab.declassify_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.level.currentText() == "内部"
    assert [dialog.level.itemText(i) for i in range(dialog.level.count())] == [
        "秘密", "内部", "公开",
    ]  # fmt: skip
    assert not dialog.until.isEnabled()
    # no reason: refused beside the field, the dialog stays
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "解密理由：必须填写" in dialog.problems.text()
    # 秘密 keeps a term: the date field opens for it
    dialog.level.setCurrentIndex(dialog.level.findText("秘密"))
    assert dialog.until.isEnabled()
    dialog.level.setCurrentIndex(dialog.level.findText("内部"))
    type_text(qtbot, dialog.reason, "保密期限届满，经核对无需继续保密")
    shot(dialog, "declassify_dialog")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter takes it
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert tab.numbers() == []
    assert f"已解密：{number}（机密 → 内部）" in tab.message.text()
    with app_context.session() as s:
        assert s.get(ArchiveVolume, volume_id).secrecy == "内部"
        notes = list(s.scalars(select(ArchiveNote).where(ArchiveNote.volume_id == volume_id)))
        assert [n.kind for n in notes] == ["解密"]
        assert "保密期限届满，经核对无需继续保密" in notes[0].text


def test_others_see_the_list_without_the_button(qtbot, app_context, office) -> None:  # noqa: ANN001
    file(app_context, office, title="部门秘密文件", secrecy="秘密", secrecy_until=END)
    act_as(app_context, office.clerk)  # 部门档案员 of the department: sees, does not declassify
    page = open_tab(qtbot, app_context)
    tab = page.declassify
    assert page.tabs.isTabVisible(page.tabs.indexOf(page.declassify))
    assert len(tab.numbers()) == 1
    assert not tab.declassify_button.isVisible()
    assert tab.open_button.isVisible()


def test_print_slip_of_the_chosen_loan_opens_its_preview(qtbot, app_context, office) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QPushButton

    from desktop_crm.services import archive_loans
    from desktop_crm.views.pdf_preview import PdfPreviewDialog
    from tests.pdf_text import pdf_text

    volume_id, number = file(app_context, office, title="客户走访记录", pages=12)
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        loan = archive_loans.request_loan(
            s, keeper,
            {"borrower_kind": "本单位职工", "borrower_id": office.clerk.id,
             "purpose": "核对走访记录", "use": "借出", "due_on": TODAY + timedelta(days=7)},
            [volume_id],
        )  # fmt: skip
        loan_no = loan.number
    page = open_tab(qtbot, app_context)
    page.tabs.setCurrentWidget(page.loans)
    page.loans.reload()
    page.loans.select(loan_no)
    button = page.loans.findChild(QPushButton, "loanPrintSlip")
    assert button.text() == "打印借阅单…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    previews = page.loans.findChildren(PdfPreviewDialog)
    assert len(previews) == 1
    text = "".join(pdf_text(previews[0]._pdf_data).split())
    assert "档案借阅单" in text and f"借阅单号：{loan_no}" in text
    assert "借阅人钱程" in text and number in text and "市场营销部部门负责人待审批" in text
    previews[0].reject()


def test_a_long_list_shows_the_earliest_and_says_how_many(
    qtbot, app_context, office, monkeypatch
) -> None:  # noqa: ANN001
    from desktop_crm.views.archives import declassify_tab

    monkeypatch.setattr(declassify_tab, "LIST_LIMIT", 1)
    file(app_context, office, title="较晚届满", secrecy="秘密", secrecy_until=END)
    _id, earliest = file(
        app_context, office, title="最早届满", secrecy="秘密", secrecy_until=END - timedelta(30)
    )
    tab = open_tab(qtbot, app_context).declassify
    assert tab.numbers() == [earliest]
    assert tab.count_label.text() == "共 2 卷待解密，列出保密期限最早届满的 1 卷"
