"""The 客户资料管理卡 dialog: typing, saving, refusals beside the field, collisions, tabs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
)
from reportlab.pdfgen import canvas  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import Customer  # noqa: E402
from desktop_crm.services import customers  # noqa: E402
from desktop_crm.services.staff import StaffInput, save_staff  # noqa: E402
from desktop_crm.views.customers import card_dialog  # noqa: E402
from desktop_crm.views.customers.card_dialog import ContactDialog, CustomerCardDialog  # noqa: E402
from desktop_crm.views.customers.collision_dialog import CollisionDialog  # noqa: E402
from desktop_crm.views.pdf_preview import PdfPreviewDialog  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

VALID_CODE = "91110000600037341L"
WRONG_CODE = "91110000600037341X"  # last character is not the check digit
NAME = "陕西秦岭建设集团商品混凝土有限公司"


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Message boxes answered without blocking; what they said is kept per kind."""
    said: dict[str, list[str]] = {"question": [], "warning": [], "critical": [], "information": []}
    answers = {"question": QMessageBox.StandardButton.Yes}

    def fake(kind: str):
        def show(_parent, _title, text, *args, **kwargs):
            said[kind].append(text)
            return answers.get(kind, QMessageBox.StandardButton.Ok)

        return show

    for kind in said:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(fake(kind)))
    said["_answers"] = answers  # type: ignore[assignment]
    return said


def open_card(qtbot, app_context, customer_id: int | None = None) -> CustomerCardDialog:
    dialog = CustomerCardDialog(app_context, customer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def field(dialog: CustomerCardDialog, key: str, kind=QLineEdit):
    widget = dialog.findChild(kind, f"field_{key}")
    assert widget is not None, key
    return widget


def click(qtbot, dialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None and button.isVisible(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def all_customers(app_context) -> list[tuple[str, str, str | None, int | None, str | None]]:
    with app_context.session() as s:
        return [
            (c.code, c.name, c.credit_code, c.owner_id, c.status)
            for c in s.scalars(select(Customer).order_by(Customer.id))
        ]


def make_customer(app_context, owner_name: str | None = None, **values) -> tuple[int, str]:
    with app_context.session() as s:
        actor = app_context.actor(s)
        if owner_name:
            owner = save_staff(s, actor, StaffInput(owner_name, None, ["客户开发专员"]))
            values["owner_id"] = owner.id
        customer = customers.save_customer(s, actor, {"name": NAME, **values})
        return customer.id, customer.code


def table_texts(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


# ---------------------------------------------------------------- creating


def test_new_customer_is_saved_and_card_switches_to_edit(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context)
    assert dialog.objectName() == "customerDialog"
    assert not dialog.findChild(QPushButton, "customerPrint").isVisible()
    field(dialog, "name").setText(NAME)  # IME text arrives committed
    qtbot.keyClicks(field(dialog, "credit_code"), VALID_CODE.lower())
    qtbot.keyClicks(field(dialog, "phone"), "029-88886666")
    field(dialog, "category", QComboBox).setCurrentText("商混站")
    changes: list[bool] = []
    app_context.hub.sig_customers_changed.connect(lambda: changes.append(True))

    click(qtbot, dialog, "customerSave")

    assert all_customers(app_context) == [
        ("KH000001", NAME, VALID_CODE, app_context.user_id, "潜在客户")
    ]
    assert "KH000001" in dialog.findChild(QLabel, "customerHeader").text()
    assert dialog.isVisible() and dialog.customer_id is not None
    assert dialog.findChild(QPushButton, "customerPrint").isVisible()
    assert field(dialog, "credit_code").text() == VALID_CODE
    assert changes == [True]
    assert not dialog.is_dirty()
    assert boxes["warning"] == [] and boxes["critical"] == []


def test_category_help_is_shown_where_the_user_picks(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context)
    combo = field(dialog, "category", QComboBox)
    assert combo.itemText(0) == ""
    combo.setCurrentText("商混站")
    help_label = dialog.findChild(QLabel, "help_category")
    assert help_label.text() == "有固定经营场所，持续经营，以生产、销售商品混凝土为主业的企业法人。"
    assert combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole) == help_label.text()


def test_wrong_credit_code_is_shown_beside_the_field_and_nothing_is_saved(
    qtbot, app_context, boxes
):
    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText(NAME)
    qtbot.keyClicks(field(dialog, "credit_code"), WRONG_CODE)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)

    click(qtbot, dialog, "customerSave")

    error = dialog.findChild(QLabel, "error_credit_code")
    assert error.isVisible() and "校验位" in error.text()
    assert "校验位" in dialog.findChild(QLabel, "customerErrors").text()
    assert dialog.tabs.currentIndex() == 0  # the tab of the bad field
    assert field(dialog, "credit_code").text() == WRONG_CODE  # the typing is kept
    assert field(dialog, "name").text() == NAME
    assert all_customers(app_context) == []

    # Correcting the field clears its error; saving then works.
    field(dialog, "credit_code").setText(VALID_CODE)
    assert not error.isVisible()
    click(qtbot, dialog, "customerSave")
    assert len(all_customers(app_context)) == 1


def test_missing_name_is_refused(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context)
    click(qtbot, dialog, "customerSave")
    assert "必须填写" in dialog.findChild(QLabel, "error_name").text()
    assert all_customers(app_context) == []


# ---------------------------------------------------------------- collisions


def test_name_collision_shows_owner_and_proceeding_saves(qtbot, app_context, boxes):
    existing_id, existing_code = make_customer(app_context, owner_name="张伟")
    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText("陕西秦岭建设集团商品混凝土有限责任公司")  # same once normalised

    click(qtbot, dialog, "customerSave")

    collision = dialog.findChild(CollisionDialog, "collisionDialog")
    assert collision is not None and collision.isVisible()
    table = collision.findChild(QTableWidget, "collisionTable")
    row = table_texts(table, 0)
    assert row[0] == existing_code and row[2] == "张伟" and "名称相同" in row[4]
    assert len(all_customers(app_context)) == 1

    click(qtbot, collision, "collisionProceed")

    saved = all_customers(app_context)
    assert len(saved) == 2 and saved[1][0] == "KH000002"
    assert "KH000002" in dialog.findChild(QLabel, "customerHeader").text()
    history = dialog.findChild(QTableWidget, "historyTable")
    labels = [history.item(r, 2).text() for r in range(history.rowCount())]
    assert "客户冲撞" in labels


def test_credit_code_collision_cannot_be_overridden_and_opens_the_existing(
    qtbot, app_context, boxes
):
    existing_id, existing_code = make_customer(app_context, credit_code=VALID_CODE)
    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText("另一个名字的公司")
    field(dialog, "credit_code").setText(VALID_CODE)
    opened: list[int] = []
    dialog.sig_open_customer.connect(opened.append)

    click(qtbot, dialog, "customerSave")

    collision = dialog.findChild(CollisionDialog, "collisionDialog")
    assert collision.findChild(QPushButton, "collisionProceed") is None
    assert table_texts(collision.findChild(QTableWidget, "collisionTable"), 0)[0] == existing_code

    click(qtbot, collision, "collisionOpen")

    assert opened == [existing_id]
    assert not dialog.isVisible()
    assert len(all_customers(app_context)) == 1


def test_open_existing_without_listener_opens_a_new_card(qtbot, app_context, boxes):
    existing_id, existing_code = make_customer(app_context)
    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText(NAME)
    click(qtbot, dialog, "customerSave")
    collision = dialog.findChild(CollisionDialog, "collisionDialog")
    click(qtbot, collision, "collisionOpen")

    cards = [c for c in card_dialog._open_cards if c.customer_id == existing_id]
    assert len(cards) == 1
    qtbot.addWidget(cards[0])
    assert cards[0].isVisible()
    assert field(cards[0], "name").text() == NAME
    assert existing_code in cards[0].findChild(QLabel, "customerHeader").text()


def test_back_to_edit_keeps_the_typing(qtbot, app_context, boxes):
    make_customer(app_context)
    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText(NAME)
    click(qtbot, dialog, "customerSave")
    click(qtbot, dialog.findChild(CollisionDialog, "collisionDialog"), "collisionBack")
    assert dialog.isVisible() and field(dialog, "name").text() == NAME
    assert len(all_customers(app_context)) == 1


# ---------------------------------------------------------------- editing


def test_edit_records_old_and_new_value_in_history(qtbot, app_context, boxes):
    customer_id, code = make_customer(app_context, phone="029-88886666")
    dialog = open_card(qtbot, app_context, customer_id)
    header = dialog.findChild(QLabel, "customerHeader").text()
    assert code in header and "登记时间" in header and "系统管理员" in header
    phone = field(dialog, "phone")
    phone.clear()
    qtbot.keyClicks(phone, "029-88886688")
    assert dialog.is_dirty()

    click(qtbot, dialog, "customerSave")

    history = dialog.findChild(QTableWidget, "historyTable")
    assert table_texts(history, 0)[1:] == ["系统管理员", "电话", "029-88886666", "029-88886688"]
    assert not dialog.is_dirty()
    assert dialog.findChild(QLabel, "customerStatus").text().startswith("已保存")


def test_stale_card_is_refused_with_a_warning(qtbot, app_context, boxes):
    customer_id, _code = make_customer(app_context)
    dialog = open_card(qtbot, app_context, customer_id)
    with app_context.session() as s:  # someone else saves meanwhile
        customers.save_customer(
            s, app_context.actor(s), {"phone": "13900000000"}, None, customer_id
        )
    field(dialog, "short_name").setText("秦岭商混")
    click(qtbot, dialog, "customerSave")
    assert boxes["warning"] and "别人修改" in boxes["warning"][0]
    assert field(dialog, "short_name").text() == "秦岭商混"


def test_unsaved_changes_guard(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context)
    click(qtbot, dialog, "customerCancel")  # nothing typed: closes without asking
    assert not dialog.isVisible() and boxes["question"] == []

    dialog = open_card(qtbot, app_context)
    field(dialog, "name").setText(NAME)
    boxes["_answers"]["question"] = QMessageBox.StandardButton.No
    click(qtbot, dialog, "customerCancel")
    assert dialog.isVisible() and "放弃修改" in boxes["question"][0]
    boxes["_answers"]["question"] = QMessageBox.StandardButton.Yes
    dialog.close()
    assert not dialog.isVisible()


# ---------------------------------------------------------------- contacts


def fill_contact(monkeypatch, people: list[dict]) -> None:
    """Answer the contact sub-dialog as a user would, one person per opening."""
    queue = list(people)

    def fake_exec(self: ContactDialog) -> int:
        person = queue.pop(0)
        self.findChild(QLineEdit, "contact_name").setText(person["name"])
        self.findChild(QLineEdit, "contact_mobile").setText(person.get("mobile", ""))
        self.findChild(QLineEdit, "contact_title").setText(person.get("title", ""))
        self.findChild(QComboBox, "contact_gender").setCurrentText(person.get("gender", ""))
        if person.get("birthday"):
            self.birthday_edit.set_value(person["birthday"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ContactDialog, "exec", fake_exec)


def test_contacts_added_and_one_marked_primary(qtbot, app_context, boxes, monkeypatch):
    customer_id, _code = make_customer(app_context)
    dialog = open_card(qtbot, app_context, customer_id)
    fill_contact(
        monkeypatch,
        [
            {"name": "王建军", "mobile": "13991234567", "title": "采购经理", "gender": "男"},
            {"name": "李娜", "mobile": "13709876543", "birthday": date(1985, 6, 1)},
        ],
    )
    dialog.tabs.setCurrentIndex(dialog.contacts_tab_index)
    table = dialog.findChild(QTableWidget, "contactTable")
    click(qtbot, dialog, "contactAdd")
    click(qtbot, dialog, "contactAdd")
    assert table.rowCount() == 2
    assert table_texts(table, 0)[:4] == ["王建军", "采购经理", "男", "13991234567"]
    assert table_texts(table, 0)[7] == "是"  # the first contact starts as the main one
    assert table_texts(table, 1)[6] == "1985-06-01"

    table.selectRow(1)
    click(qtbot, dialog, "contactPrimary")
    assert [table.item(r, 7).text() for r in range(2)] == ["", "是"]

    click(qtbot, dialog, "customerSave")

    with app_context.session() as s:
        saved = customers.get_customer(s, app_context.actor(s), customer_id).contacts
        assert [(c.name, c.is_primary) for c in saved] == [("王建军", False), ("李娜", True)]
    history = dialog.findChild(QTableWidget, "historyTable")
    assert "联系人" in [history.item(r, 2).text() for r in range(history.rowCount())]


def test_removing_the_primary_contact_makes_the_next_one_primary(
    qtbot, app_context, boxes, monkeypatch
):
    dialog = open_card(qtbot, app_context)
    fill_contact(monkeypatch, [{"name": "王建军"}, {"name": "李娜"}])
    dialog.tabs.setCurrentIndex(dialog.contacts_tab_index)
    click(qtbot, dialog, "contactAdd")
    click(qtbot, dialog, "contactAdd")
    table = dialog.findChild(QTableWidget, "contactTable")
    table.selectRow(0)
    click(qtbot, dialog, "contactRemove")
    assert table.rowCount() == 1 and table_texts(table, 0)[7] == "是"


# ---------------------------------------------------------------- follow-ups, purchases, files


def test_new_card_says_save_first(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context)
    dialog.tabs.setCurrentIndex(dialog.followups_tab_index)
    placeholder = dialog.findChild(QLabel, "followupPlaceholder")
    assert placeholder.isVisible() and "保存后可添加" in placeholder.text()
    assert not dialog.findChild(QPushButton, "followupAdd").isVisible()


def test_followup_and_purchase(qtbot, app_context, boxes):
    customer_id, _code = make_customer(app_context)
    dialog = open_card(qtbot, app_context, customer_id)
    dialog.tabs.setCurrentIndex(dialog.followups_tab_index)
    click(qtbot, dialog, "followupAdd")  # no content: refused beside the form
    assert "必须填写" in dialog.findChild(QLabel, "followupError").text()
    dialog.followup_way.setCurrentText("上门")
    dialog.followup_content.setPlainText("拜访王经理，了解明年一季度用量计划")
    dialog.followup_next.setText("12 月初报送供货方案")
    click(qtbot, dialog, "followupAdd")
    row = table_texts(dialog.findChild(QTableWidget, "followupTable"), 0)
    assert row[1:3] == ["上门", "拜访王经理，了解明年一季度用量计划"]
    assert row[5] == "12 月初报送供货方案"

    dialog.tabs.setCurrentIndex(dialog.purchases_tab_index)
    dialog.purchase_year.setValue(2025)
    qtbot.keyClicks(dialog.purchase_tons, "96000")
    qtbot.keyClicks(dialog.purchase_amount, "33600000")
    click(qtbot, dialog, "purchaseSave")
    purchases = dialog.findChild(QTableWidget, "purchaseTable")
    assert table_texts(purchases, 0) == ["2025", "96,000.00", "33,600,000.00"]
    assert not dialog.is_dirty()  # committed at once, not part of the card's unsaved edits


def small_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 760, "Business licence scan")
    pdf.save()
    return path


def test_attachment_added_listed_and_removed(qtbot, app_context, boxes, monkeypatch, tmp_path):
    customer_id, _code = make_customer(app_context)
    file = small_pdf(tmp_path / "营业执照.pdf")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(file), ""))
    )
    dialog = open_card(qtbot, app_context, customer_id)
    dialog.tabs.setCurrentIndex(dialog.attachments_tab_index)
    dialog.findChild(QComboBox, "attachmentKind").setCurrentText("营业执照")

    click(qtbot, dialog, "attachmentAdd")

    table = dialog.findChild(QTableWidget, "attachmentTable")
    assert table.rowCount() == 1
    kind, name, size, added, who = table_texts(table, 0)
    assert (kind, name, who) == ("营业执照", "营业执照.pdf", "系统管理员")
    assert size.endswith("B") and added

    opened = []
    monkeypatch.setattr(
        card_dialog.QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url) or True),
    )
    table.selectRow(0)
    click(qtbot, dialog, "attachmentOpen")
    assert Path(opened[0].toLocalFile()).read_bytes() == file.read_bytes()

    click(qtbot, dialog, "attachmentRemove")
    assert boxes["question"] and table.rowCount() == 0


# ---------------------------------------------------------------- printing


def test_print_opens_the_preview(qtbot, app_context, boxes):
    customer_id, _code = make_customer(app_context, phone="029-88886666")
    dialog = open_card(qtbot, app_context, customer_id)
    click(qtbot, dialog, "customerPrint")
    preview = dialog.findChild(PdfPreviewDialog, "pdfPreviewDialog")
    assert preview is not None and preview.document.pageCount() >= 1
    assert boxes["critical"] == []
    preview.close()


def test_missing_customer_is_reported_and_the_card_closes(qtbot, app_context, boxes):
    dialog = open_card(qtbot, app_context, 999)
    assert len(boxes["warning"]) == 1 and "不存在" in boxes["warning"][0]
    qtbot.waitUntil(lambda: not dialog.isVisible())


# ---------------------------------------------------------------- shared widgets


def test_optional_date_and_choice_widgets(qtbot):
    from desktop_crm.views.widgets import ChoiceCombo, OptionalDateEdit, StaffCombo

    edit = OptionalDateEdit()
    qtbot.addWidget(edit)
    assert edit.value() is None and edit.edit.text() == "（未填）"
    edit.set_value(date(2025, 3, 12))
    assert edit.value() == date(2025, 3, 12) and edit.edit.text() == "2025-03-12"
    qtbot.mouseClick(edit.clear_button, Qt.MouseButton.LeftButton)
    assert edit.value() is None

    combo = ChoiceCombo()
    qtbot.addWidget(combo)
    combo.set_choices([("A", "每周拜访两次"), ("B", None)])
    assert combo.value() is None
    combo.set_value("Z")  # a value retired from the list is kept, not lost
    assert combo.value() == "Z" and combo.count() == 4
    combo.set_value("A")
    assert combo.toolTip() == "每周拜访两次"

    staff = StaffCombo()
    qtbot.addWidget(staff)
    staff.set_staff([(1, "张伟")])
    staff.set_value(7, "李强（已离职）")
    assert staff.value() == 7 and staff.currentText() == "李强（已离职）"
