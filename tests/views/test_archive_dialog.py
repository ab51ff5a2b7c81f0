"""The 案卷 dialog as the archive keeper types into it: file a volume with its documents by
keyboard, refusals beside the fields and in the grid, lines added and reordered by keys with
页号 following, a note appended, a move with its history, a 档号 corrected with a reason;
and 归档 from a customer card."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import ArchiveVolume, User  # noqa: E402
from desktop_crm.services import archive_items, archive_locations, archives, customers  # noqa: E402
from desktop_crm.views.archives.archive_dialog import ArchiveDialog  # noqa: E402
from desktop_crm.views.archives.item_grid import KEYS  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import (  # noqa: E402
    act_as,
    answer_forms,
    office_for,
    shot,
    type_cells,
    type_text,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    act_as(app_context, office.keeper)
    return office


def open_dialog(qtbot, app_context, volume_id: int | None = None) -> ArchiveDialog:  # noqa: ANN001
    dialog = ArchiveDialog(app_context, volume_id)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def column(dialog: ArchiveDialog, key: str) -> list[str]:
    table = dialog.grid.table
    return [table.item(r, KEYS.index(key)).text() for r in range(table.rowCount())]


def error_text(dialog: ArchiveDialog, key: str) -> str:
    label = dialog.findChild(QLabel, f"archiveError_{key}")
    return label.text() if label.isVisible() else ""


def filed(app_context, keeper_id: int, office, items=(), **changes) -> int:  # noqa: ANN001
    with app_context.session() as s:
        keeper = s.get(User, keeper_id)
        return archives.file_volume(s, keeper, volume_values(office, **changes), items).id


def stored_items(app_context, volume_id: int) -> list[tuple[str, int]]:
    with app_context.session() as s:
        volume = s.get(ArchiveVolume, volume_id)
        return [(row["title"], row["page_no"]) for row in archive_items.catalogue(volume)]


def test_file_a_volume_by_typing_with_three_documents(qtbot, app_context, office, boxes):
    dialog = open_dialog(qtbot, app_context)
    title = dialog.editors["title"].widget
    type_text(qtbot, title, "2026年客户走访工作文件")
    category = dialog.editors["category_code"].widget
    category.setCurrentIndex(category.findData("WS"))
    department = dialog.editors["department_id"].widget
    department.setCurrentIndex(department.findData(office.yxb))
    year = dialog.editors["year"].widget
    year.clear()

    dialog.tabs.setCurrentIndex(dialog.items_index)
    table = dialog.grid.table
    table.setFocus()
    table.setCurrentCell(0, KEYS.index("doc_number"))
    # 文号, 责任者, 题名, 日期, 页数, 文种, 密级, 备注 — Enter after each, on to the next line
    type_cells(
        qtbot,
        table,
        ["YX-2025-031", "市场营销部", "关于走访计划的请示", "2025-12-20", "3", "请示", None, None],
    )
    assert table.currentRow() == 1
    type_cells(
        qtbot,
        table,
        [
            "BGS-2026-002",
            "总经理办公室",
            "关于走访计划的批复",
            "2026-01-05",
            "2",
            "批复",
            None,
            None,
        ],
    )
    type_cells(
        qtbot, table, [None, "市场营销部", "走访记录汇总", "2026-02-10", "5", None, None, None]
    )
    assert column(dialog, "seq")[:3] == ["1", "2", "3"]
    assert column(dialog, "page_no")[:3] == ["1", "4", "6-10"]
    # a 请示 with its 批复 belongs to the year of the reply
    assert not dialog.year_hint.isHidden() and "2026" in dialog.year_hint.text()
    dialog.year_use.click()
    assert year.text() == "2026"
    assert dialog.editors["pages"].get() == "10"
    shot(dialog, "dialog_items_new")

    assert dialog.save()
    number = dialog.number_edit.text()
    assert number.startswith("Z001-WS·2026-D30-YXB-")  # 文书: 30 years by the 保管期限表
    with app_context.session() as s:
        volume = s.scalar(select(ArchiveVolume).where(ArchiveVolume.number == number))
        assert volume.pages == 10 and volume.copies == 3 and volume.compiler == "孙丽"
        assert [i.title for i in volume.items] == [
            "关于走访计划的请示", "关于走访计划的批复", "走访记录汇总",
        ]  # fmt: skip
    assert dialog.editors["category_code"].widget.isEnabled() is False  # part of the 档号 now
    dialog.tabs.setCurrentIndex(0)
    shot(dialog, "dialog_basics")


def test_refusals_are_shown_beside_the_fields_and_in_the_grid(qtbot, app_context, office, boxes):
    dialog = open_dialog(qtbot, app_context)
    category = dialog.editors["category_code"].widget
    category.setCurrentIndex(category.findData("WS"))
    table = dialog.grid.table
    dialog.tabs.setCurrentIndex(dialog.items_index)
    table.setFocus()
    table.setCurrentCell(0, KEYS.index("title"))
    type_cells(qtbot, table, ["会议纪要", None, "abc"])
    assert not dialog.save()
    assert error_text(dialog, "title") == "题名：必须填写。"
    assert "第 1 行 页数：请填整数。" in dialog.grid.error_label.text()
    assert dialog.tabs.currentIndex() == 0  # the first field at fault is shown
    with app_context.session() as s:
        assert s.scalar(select(ArchiveVolume.id)) is None  # nothing written
    # the typing stays; correcting it files the volume
    type_text(qtbot, dialog.editors["title"].widget, "2026年会议文件")
    table.setCurrentCell(0, KEYS.index("pages"))
    type_cells(qtbot, table, ["4"])
    assert dialog.save()
    assert error_text(dialog, "title") == ""


def test_lines_are_added_and_reordered_by_keys_and_kept(qtbot, app_context, office, boxes):
    items = [{"title": "甲文件", "pages": 2}, {"title": "乙文件", "pages": 3}]
    volume_id = filed(app_context, office.keeper.id, office, items)
    dialog = open_dialog(qtbot, app_context, volume_id)
    dialog.tabs.setCurrentIndex(dialog.items_index)
    table = dialog.grid.table
    table.setFocus()
    assert column(dialog, "page_no") == ["1", "3-5"]

    # Insert before the second line, type it: written when the keeper leaves the line
    table.setCurrentCell(1, KEYS.index("title"))
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    assert table.rowCount() == 3 and table.currentRow() == 1
    table.setCurrentCell(1, KEYS.index("title"))
    type_cells(qtbot, table, ["丙文件", None, "4"])
    table.setCurrentCell(2, KEYS.index("title"))  # leaving the line writes it
    assert stored_items(app_context, volume_id) == [
        ("甲文件", "1"), ("丙文件", "3"), ("乙文件", "7-9"),
    ]  # fmt: skip
    assert column(dialog, "page_no") == ["1", "3", "7-9"]

    # Ctrl+Up moves 乙文件 up; 序号 and 页号 follow, on screen and in the store
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert column(dialog, "title") == ["甲文件", "乙文件", "丙文件"]
    assert column(dialog, "page_no") == ["1", "3", "6-9"]
    assert stored_items(app_context, volume_id) == [
        ("甲文件", "1"), ("乙文件", "3"), ("丙文件", "6-9"),
    ]  # fmt: skip
    # Delete asks, then removes
    table.setCurrentCell(0, KEYS.index("title"))
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert any("甲文件" in said for said in boxes)
    assert [t for t, _p in stored_items(app_context, volume_id)] == ["乙文件", "丙文件"]
    assert dialog.editors["pages"].get() == "7"
    shot(dialog, "dialog_items")


def test_refused_line_of_a_filed_volume_stays_as_typed(qtbot, app_context, office, boxes):
    volume_id = filed(app_context, office.keeper.id, office, [{"title": "甲文件", "pages": 2}])
    dialog = open_dialog(qtbot, app_context, volume_id)
    table = dialog.grid.table
    dialog.tabs.setCurrentIndex(dialog.items_index)
    table.setFocus()
    table.setCurrentCell(0, KEYS.index("pages"))
    type_cells(qtbot, table, ["x"])
    table.setCurrentCell(0, KEYS.index("title"))
    assert dialog.save() is False
    assert "页数" in dialog.grid.error_label.text()
    assert column(dialog, "pages") == ["x"]
    assert dialog.is_dirty()


def test_note_move_and_number_correction(qtbot, app_context, office, boxes):
    volume_id = filed(app_context, office.keeper.id, office)
    with app_context.session() as s:
        keeper = s.get(User, office.keeper.id)
        store = archive_locations.add_location(s, keeper, None, "库房", "一号库房").id
        shelf = archive_locations.add_location(s, keeper, store, "柜", "A柜").id
    dialog = open_dialog(qtbot, app_context, volume_id)
    # the choices were read when the dialog opened
    assert [label for label, _id in dialog.choices.places] == ["一号库房", "一号库房 › A柜"]

    def note(form):  # noqa: ANN001, ANN202
        form.fields["kind"].setCurrentIndex(form.fields["kind"].findData("缺损"))
        form.fields["text"].setPlainText("第3页右下角破损，已修补。")

    answer_forms(note)
    assert dialog.add_note()
    assert dialog.notes_table.rowCount() == 1
    assert dialog.notes_table.item(0, 1).text() == "缺损"
    assert dialog.notes_table.item(0, 3).text() == "孙丽"
    dialog.tabs.setCurrentIndex(2)
    shot(dialog, "dialog_remarks")

    def move_to(target: int, reason: str):  # noqa: ANN202
        def fill(form) -> None:  # noqa: ANN001
            form.fields["location_id"].setCurrentIndex(form.fields["location_id"].findData(target))
            form.fields["reason"].setText(reason)

        return fill

    refused = answer_forms(move_to(store, ""), move_to(store, "上架"))
    assert dialog.move_volume()
    assert refused == ["原因：必须填写。"]
    answer_forms(move_to(shelf, "调整库位"))
    assert dialog.move_volume()
    assert dialog.place_label.text() == "一号库房 › A柜"
    moves = [
        [dialog.moves_table.item(r, c).text() for c in range(1, 4)]
        for r in range(dialog.moves_table.rowCount())
    ]
    assert moves == [["（无）", "一号库房", "上架"], ["一号库房", "一号库房 › A柜", "调整库位"]]
    dialog.tabs.setCurrentIndex(dialog.place_index)
    shot(dialog, "dialog_place")

    old = dialog.number_edit.text()
    new = old[:-4] + "0099"

    def correct(reason: str):  # noqa: ANN202
        def fill(form) -> None:  # noqa: ANN001
            form.fields["new_number"].setText(new)
            form.fields["reason"].setText(reason)

        return fill

    refused = answer_forms(correct(""), correct("与纸质案卷上已打印的档号一致"))
    assert dialog.correct_number()
    assert refused == ["更正原因：必须填写。"]
    assert dialog.number_edit.text() == new
    assert [dialog.changes_table.item(0, c).text() for c in (1, 2, 3)] == [
        old, new, "与纸质案卷上已打印的档号一致",
    ]  # fmt: skip
    dialog.tabs.setCurrentIndex(dialog.changes_index)
    shot(dialog, "dialog_changes")

    # an ordinary correction of a field is saved; the 档号 stays
    title = dialog.editors["title"].widget
    title.setText("2026年客户走访工作文件（补）")
    assert dialog.save()
    with app_context.session() as s:
        volume = s.get(ArchiveVolume, volume_id)
        assert volume.title == "2026年客户走访工作文件（补）" and volume.number == new


def test_view_only_people_get_a_read_only_volume(qtbot, app_context, office, boxes):
    volume_id = filed(app_context, office.keeper.id, office)
    act_as(app_context, office.head)  # 部门负责人: view only
    dialog = open_dialog(qtbot, app_context, volume_id)
    assert not dialog.failed
    assert not dialog.save_button.isVisible()
    assert dialog.editors["title"].widget.isReadOnly()
    assert not dialog.move_button.isVisible() and not dialog.note_button.isVisible()
    assert dialog.status_label.text().startswith("只读")


def test_uncleared_person_cannot_open_a_secret_volume(qtbot, app_context, office, boxes):
    volume_id = filed(app_context, office.keeper.id, office, secrecy="机密")
    act_as(app_context, office.head)
    dialog = ArchiveDialog(app_context, volume_id)
    qtbot.addWidget(dialog)
    assert dialog.failed
    assert any("机密档案" in said for said in boxes)


def test_file_a_customer_from_the_card(qtbot, app_context, office, boxes):
    from desktop_crm.services import staff
    from desktop_crm.views.customers.card_dialog import CustomerCardDialog

    with app_context.session() as s:
        admin = s.get(User, office.admin.id)
        # the 市场营销部 head, who also keeps the department's files
        filer = staff.save_staff(
            s, admin, staff.StaffInput("吴敏", office.yxb, ["部门负责人", "部门档案员"])
        )
        filer_id = filer.id
        customer = customers.save_customer(
            s, admin, {"name": "西安宏达建材有限公司", "owner_id": filer_id}
        )
        customer_id = customer.id
    app_context.user_id = filer_id
    card = CustomerCardDialog(app_context, customer_id)
    qtbot.addWidget(card)
    card.resize(1280, 800)
    card.show()
    tab = card.archives_tab
    assert card.tabs.isTabVisible(card.archives_tab_index)
    assert not tab.file_button.isHidden(), (boxes, tab._customer_id, tab.may_file)
    assert tab.table.rowCount() == 0

    def year(form):  # noqa: ANN001, ANN202
        form.fields["year"].setText("2026")

    answer_forms(year)
    number = tab.file_customer()
    assert number and "-KH·2026-" in number
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 1).text() == "西安宏达建材有限公司客户档案"
    assert "已归档" in card.status_label.text()
    card.tabs.setCurrentIndex(card.archives_tab_index)
    shot(card, "card_archives")
    dialog = tab.open_volume(0)
    assert dialog is not None and dialog.objectName() == "archiveDialog"
    assert dialog.editors["customer_id"].get().endswith("西安宏达建材有限公司")
    dialog.close()
    # filing twice the same year is refused in words
    answer_forms(year)
    assert tab.file_customer() is None
    assert any("已有客户档案案卷" in said for said in boxes)


def test_people_without_archive_rights_do_not_see_the_card_tab(qtbot, app_context, office, boxes):
    from desktop_crm.services import staff
    from desktop_crm.views.customers.card_dialog import CustomerCardDialog

    with app_context.session() as s:
        admin = s.get(User, office.admin.id)
        seller = staff.save_staff(s, admin, staff.StaffInput("赵六", office.yxb, ["客户开发专员"]))
        seller_id = seller.id
    app_context.user_id = seller_id
    with app_context.session() as s:
        customer_id = customers.save_customer(s, app_context.actor(s), {"name": "测试客户"}).id
    card = CustomerCardDialog(app_context, customer_id)
    qtbot.addWidget(card)
    assert not card.tabs.isTabVisible(card.archives_tab_index)


def test_print_the_contents_list_from_the_dialog(qtbot, app_context, office, boxes):
    from desktop_crm.views.pdf_preview import PdfPreviewDialog
    from tests.pdf_text import pdf_text

    items = [{"title": "关于走访计划的请示", "pages": 3}, {"title": "走访记录汇总", "pages": 5}]
    volume_id = filed(app_context, office.keeper.id, office, items)
    dialog = open_dialog(qtbot, app_context, volume_id)
    button = dialog.findChild(QPushButton, "archivePrintItems")
    assert button is not None and not button.isHidden()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    preview = dialog.findChild(PdfPreviewDialog)
    assert preview is not None
    text = pdf_text(preview._pdf_data)
    assert "卷内文件目录" in text and "走访记录汇总" in text and "4-8" in text
    preview.close()


def test_print_the_volumes_labels_from_the_dialog(qtbot, app_context, office, boxes):
    from desktop_crm.views.pdf_preview import PdfPreviewDialog
    from tests.pdf_text import pdf_text

    volume_id = filed(app_context, office.keeper.id, office, [{"title": "走访记录", "pages": 4}])
    dialog = open_dialog(qtbot, app_context, volume_id)
    button = dialog.findChild(QPushButton, "archivePrintVolumeLabels")
    assert button is not None and not button.isHidden() and button.text() == "打印标签…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    preview = dialog.findChild(PdfPreviewDialog)
    assert preview is not None and preview._xlsx_factory is None  # labels: PDF only
    text = "".join(pdf_text(preview._pdf_data).split())
    assert dialog.stored.number in text and "2026年客户走访工作文件" in text  # the spine
    assert text.count("全宗号Z001年度2026案卷号0001") == 2  # the 档号章 and the 归档章
    preview.close()
