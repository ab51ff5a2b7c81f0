"""档案设置 as the office uses it: 全宗名称 reaches the printed 案卷目录 cover, a new 门类 with its
default period files new volumes under that period, a refused 档号 pattern changes nothing,
a new loan approval line is asked for, the 总经理 names and revokes a 绝密 reader, and
people without the settings·edit right only read."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QSpinBox,
)

from desktop_crm import documents  # noqa: E402
from desktop_crm.models import User  # noqa: E402
from desktop_crm.services import archive_loans, archive_settings  # noqa: E402
from desktop_crm.views.settings.archive_settings_dialog import (  # noqa: E402
    NO_RIGHT,
    ArchiveSettingsDialog,
)
from tests.pdf_text import pdf_text  # noqa: E402
from tests.services.archive_office import file, person  # noqa: E402
from tests.views.archive_helpers import act_as, answer_forms, office_for, type_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
SHOTS = os.environ.get("ARCHIVE_SCREENSHOTS")


def shot(dialog: ArchiveSettingsDialog, index: int, name: str) -> None:
    if SHOTS:
        dialog.tabs.setCurrentIndex(index)
        dialog.grab().save(os.path.join(SHOTS, f"archive_settings_{name}.png"))


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    return office_for(app_context)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


def open_dialog(qtbot, app_context) -> ArchiveSettingsDialog:  # noqa: ANN001
    dialog = ArchiveSettingsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def column(table, index: int) -> list[str]:  # noqa: ANN001
    return [table.item(row, index).text() for row in range(table.rowCount())]


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def catalogue_text(app_context, office) -> str:  # noqa: ANN001
    with app_context.session() as s:
        keeper = s.get(User, office.keeper.id)
        return pdf_text(documents.archive_catalogue(s, keeper, True, {"year": 2026}))


def test_fonds_name_reaches_the_catalogue_cover(qtbot, app_context, office, boxes) -> None:  # noqa: ANN001
    with app_context.session() as s:
        file(s, s.get(User, office.keeper.id), office, title="2026年客户走访工作文件")
    assert "陕西秦岭水泥有限公司" not in catalogue_text(app_context, office)

    dialog = open_dialog(qtbot, app_context)
    assert dialog.fonds_code.text() == "Z001" and dialog.fonds_name.text() == ""
    assert dialog.example.text().startswith("Z001-WS·")  # the next 档号 of the pattern
    type_text(qtbot, dialog.fonds_name, "陕西秦岭水泥有限公司")
    dialog.fonds_code.selectAll()
    qtbot.keyClicks(dialog.fonds_code, "Z002")
    assert dialog.example.text().startswith("Z002-WS·")  # follows the typing
    shot(dialog, 0, "fonds")
    qtbot.keyClick(dialog.fonds_code, Qt.Key.Key_Return)
    assert "已保存" in dialog.status.text(), boxes

    text = catalogue_text(app_context, office)
    assert "陕西秦岭水泥有限公司" in text and "Z002" in text


def test_refused_pattern_is_shown_beside_it_and_nothing_is_written(
    qtbot, app_context, office, boxes
) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    type_text(qtbot, dialog.fonds_name, "陕西秦岭水泥有限公司")
    dialog.pattern.selectAll()
    type_text(qtbot, dialog.pattern, "全宗号-门类代码-年度")
    assert "必须包含" in dialog.example.text()  # said while typing
    dialog.fonds_save.click()
    error = dialog.findChild(QLabel, "number_pattern_error")
    assert error.isVisible() and "案卷号" in error.text() and "档号格式" in error.text()
    assert dialog.pattern.text() == "全宗号-门类代码-年度"  # the typing stays
    assert "已保存" not in dialog.status.text() and not boxes

    with app_context.session() as s:
        config = archive_settings.current(s)
    assert config.fonds_name == "" and config.number_pattern == archive_settings.DEFAULT_PATTERN

    dialog.fonds_code.selectAll()
    qtbot.keyClicks(dialog.fonds_code, "Z-1")  # the service's own refusal, beside 全宗号
    dialog.pattern.setText(archive_settings.DEFAULT_PATTERN)
    dialog.fonds_save.click()
    error = dialog.findChild(QLabel, "fonds_code_error")
    assert error.isVisible() and "不含“-”" in error.text()
    assert not dialog.findChild(QLabel, "number_pattern_error").isVisible()
    with app_context.session() as s:
        assert archive_settings.current(s).fonds_name == ""  # 全宗号 is written first


def test_new_category_with_its_default_period_files_new_volumes(
    qtbot, app_context, office, boxes
) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    dialog.tabs.setCurrentIndex(1)

    def period_form(form) -> None:  # noqa: ANN001
        form.findChild(QLineEdit, "periodCode").setText("D5")
        form.findChild(QLineEdit, "periodName").setText("定期5年")
        form.findChild(QSpinBox, "periodYears").setValue(5)

    answer_forms(period_form)
    dialog.period_add.click()
    assert "D5" in column(dialog.period_table, 0)
    assert column(dialog.period_table, 2)[column(dialog.period_table, 0).index("Y")] == "永久"
    assert "5 年" in column(dialog.period_table, 2)

    def empty_name(form) -> None:  # noqa: ANN001
        form.findChild(QLineEdit, "categoryCode").setText("GC")

    def category_form(form) -> None:  # noqa: ANN001
        form.findChild(QLineEdit, "categoryName").setText("工程档案")
        choose(form.findChild(QComboBox, "categoryPeriod"), "定期5年")

    refused = answer_forms(empty_name, category_form)
    dialog.category_add.click()
    assert refused == ["名称：请填写，最多 20 个字。"]
    codes = column(dialog.category_table, 0)
    assert column(dialog.category_table, 2)[codes.index("GC")] == "定期5年"
    shot(dialog, 1, "tables")

    with app_context.session() as s:
        keeper = s.get(User, office.keeper.id)
        volume = file(s, keeper, office, title="厂区道路工程资料", category_code="GC",
                      period_code=None)  # fmt: skip
        assert volume.period_code == "D5"
        assert "-GC·2026-D5-" in volume.number

    # The code is in the 档号: an edit keeps it and changes only the rest.
    dialog.category_table.selectRow(codes.index("GC"))

    def retire(form) -> None:  # noqa: ANN001
        code = form.findChild(QLineEdit, "categoryCode")
        assert code.isReadOnly() and code.text() == "GC"
        form.findChild(QCheckBox, "categoryActive").setChecked(False)

    answer_forms(retire)
    dialog.category_edit.click()
    codes = column(dialog.category_table, 0)
    assert column(dialog.category_table, 3)[codes.index("GC")] == "停用"


def test_a_new_loan_rule_is_asked_for(qtbot, app_context, office, boxes) -> None:  # noqa: ANN001
    secret = SimpleNamespace(category_code="WS", customer_id=None, secrecy="机密")

    def steps() -> list[tuple[str, int | None]]:
        with app_context.session() as s:
            found = archive_loans.required_steps(
                s, archive_loans.STAFF, archive_loans.TAKE, [secret], office.yxb
            )
            return [(step.role, step.department_id) for step in found]

    assert steps() == [("部门负责人", office.yxb)]
    dialog = open_dialog(qtbot, app_context)
    dialog.tabs.setCurrentIndex(2)
    assert dialog.rule_table.rowCount() == len(archive_loans.DEFAULT_RULES)
    assert any("市场营销部 部门负责人" in t for t in column(dialog.rule_table, 5))

    def rule_form(form) -> None:  # noqa: ANN001
        choose(form.findChild(QComboBox, "ruleSecrecy"), "机密")
        choose(form.findChild(QComboBox, "ruleUse"), "借出")
        choose(form.findChild(QComboBox, "ruleRole"), "总经理")
        form.findChild(QSpinBox, "rulePosition").setValue(95)
        form.findChild(QLineEdit, "ruleNote").setText("机密档案借出：总经理批准")
        if SHOTS:
            form.grab().save(os.path.join(SHOTS, "archive_settings_rule_form.png"))

    answer_forms(rule_form)
    dialog.rule_add.click()
    assert dialog.rule_table.rowCount() == len(archive_loans.DEFAULT_RULES) + 1
    last = dialog.rule_table.rowCount() - 1  # the highest 顺序 comes last
    shown = [dialog.rule_table.item(last, c).text() for c in range(8)]
    assert shown[:6] == ["95", "（不限）", "（不限）", "机密", "借出", "→ 总经理"], shown
    assert steps() == [("部门负责人", office.yxb), ("总经理", None)]
    shot(dialog, 2, "rules")

    dialog.rule_table.selectRow(last)
    assert dialog.rule_retire.text() == "停用"
    dialog.rule_retire.click()
    assert dialog.rule_table.item(last, 7).text() == "停用"
    assert steps() == [("部门负责人", office.yxb)]


def test_the_general_manager_names_and_revokes_a_secret_reader(
    qtbot, app_context, office, boxes
) -> None:  # noqa: ANN001
    act_as(app_context, office.gm)
    dialog = open_dialog(qtbot, app_context)
    assert dialog.tabs.isTabVisible(dialog.readers_index)
    assert not dialog.readers_note.isVisible()
    assert not dialog.fonds_save.isEnabled()  # the 总经理 has no settings·edit right
    dialog.tabs.setCurrentIndex(dialog.readers_index)
    assert "总经理或副总经理" in dialog.reader_how.text()
    assert dialog.reader_name.isEnabled()

    def outsider_without_id(form) -> None:  # noqa: ANN001
        form.findChild(QRadioButton, "readerIsOutside").setChecked(True)
        form.findChild(QLineEdit, "readerNameEdit").setText("王审计")
        form.findChild(QLineEdit, "readerUnit").setText("集团审计部")

    def with_id(form) -> None:  # noqa: ANN001
        form.findChild(QLineEdit, "readerIdNumber").setText("610102198001011234")
        form.findChild(QLineEdit, "readerValidUntil").setText("2027-12-31")

    refused = answer_forms(outsider_without_id, with_id)
    dialog.reader_name.click()
    assert refused == ["证件号码：单位外人员必须填写。"]

    def staff_member(form) -> None:  # noqa: ANN001
        choose(form.findChild(QComboBox, "readerUser"), "钱程")

    answer_forms(staff_member)
    dialog.reader_name.click()
    table = dialog.reader_table
    assert column(table, 0) == ["王审计", "钱程"]
    assert column(table, 2) == ["全部绝密档案", "全部绝密档案"]
    assert column(table, 3) == ["2027-12-31", "长期"]
    assert column(table, 4) == ["周强", "周强"]
    shot(dialog, dialog.readers_index, "readers")
    with app_context.session() as s:
        assert archive_loans.is_named(s, SimpleNamespace(id=1), office.clerk.id, None)

    table.selectRow(1)
    assert dialog.reader_revoke.isEnabled()
    dialog.reader_revoke.click()
    assert any("钱程" in text for text in boxes)  # asked first
    assert column(table, 0) == ["王审计"]
    assert "已撤销 钱程" in dialog.status.text()
    dialog.show_past.setChecked(True)
    assert column(table, 8) == ["有效", "已撤销"]
    with app_context.session() as s:
        assert not archive_loans.is_named(s, SimpleNamespace(id=1), office.clerk.id, None)


def test_the_keeper_records_a_paper_naming_with_its_scan(
    qtbot, app_context, office, boxes, tmp_path
) -> None:  # noqa: ANN001
    with app_context.session() as s:
        secret = file(s, s.get(User, office.keeper.id), office, title="重大质量事故调查材料",
                      secrecy="绝密").number  # fmt: skip
    scan = tmp_path / "指定书.png"
    scan.write_bytes(b"\x89PNG signed paper")
    act_as(app_context, office.keeper)
    dialog = open_dialog(qtbot, app_context)
    assert dialog.tabs.isTabVisible(dialog.readers_index)
    dialog.tabs.setCurrentIndex(dialog.readers_index)
    assert "纸质指定" in dialog.reader_how.text()

    def without_scan(form) -> None:  # noqa: ANN001
        choose(form.findChild(QComboBox, "readerUser"), "李明")
        form.findChild(QLineEdit, "readerVolume").setText(secret)
        form.findChild(QLineEdit, "readerNamedBy").setText("周强")
        form.findChild(QLineEdit, "readerNamedOn").setText("2026-11-02")

    def with_scan(form) -> None:  # noqa: ANN001
        form.findChild(QLineEdit, "readerScan").setText(str(scan))
        if SHOTS:
            form.grab().save(os.path.join(SHOTS, "archive_settings_paper_form.png"))

    refused = answer_forms(without_scan, with_scan)
    dialog.reader_name.click()
    assert refused == ["签字扫描件：请附上总经理或副总经理签字的指定书。"]
    row = [dialog.reader_table.item(0, c).text() for c in range(9)]
    assert row[0] == "李明" and row[2] == f"档号 {secret}"
    assert row[4:7] == ["周强", "2026-11-02", "指定书.png"] and row[8] == "有效"


def test_without_the_right_everything_is_read_only(qtbot, app_context, office, boxes) -> None:  # noqa: ANN001
    act_as(app_context, office.head)
    dialog = open_dialog(qtbot, app_context)
    assert dialog.fonds_code.text() == "Z001" and dialog.fonds_code.isReadOnly()
    assert dialog.pattern.isReadOnly() and not dialog.digits.isEnabled()
    for button in (dialog.fonds_save, dialog.category_add, dialog.category_edit,
                   dialog.period_add, dialog.rule_add, dialog.rule_edit, dialog.rule_retire):  # fmt: skip
        assert not button.isEnabled() and button.toolTip() == NO_RIGHT, button.objectName()
    assert dialog.category_table.rowCount() == len(archive_settings.DEFAULT_CATEGORIES)
    assert dialog.rule_table.rowCount() == len(archive_loans.DEFAULT_RULES)
    # Enter in a field does not save either
    assert "只能查看" in dialog.status.text()
    qtbot.keyClick(dialog.fonds_name, Qt.Key.Key_Return)
    assert "已保存" not in dialog.status.text()
    # 绝密 readers are not theirs to see: no page, and a plain reason
    assert not dialog.tabs.isTabVisible(dialog.readers_index)
    assert dialog.readers_note.isVisible() and "总经理或副总经理" in dialog.readers_note.text()
    shot(dialog, 0, "read_only")


def test_the_settings_menu_offers_it_to_the_archives_people(qtbot, app_context, office) -> None:  # noqa: ANN001
    from desktop_crm.views.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "actionArchiveSettings")
    assert action is window.archive_settings_action
    assert action.text() == "档案设置…" and action.isVisible()
    # the keeper has no settings right but records paper 绝密 namings here
    keeper = MainWindow(replace(app_context, user_id=office.keeper.id))
    qtbot.addWidget(keeper)
    assert keeper.archive_settings_action.isVisible()
    with app_context.session() as s:
        service_id = person(s, s.get(User, office.admin.id), "赵员工", "YXB", "客户服务专员").id
    service = MainWindow(replace(app_context, user_id=service_id))
    qtbot.addWidget(service)
    assert not service.archive_settings_action.isVisible()
