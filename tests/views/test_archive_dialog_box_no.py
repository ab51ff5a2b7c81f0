"""盒号 in the 案卷 dialog: typed on 基本信息 when filing or later, saved, a wrong one refused
beside the field with the typing kept, and cleared again."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox  # noqa: E402

from desktop_crm.models import ArchiveVolume, User  # noqa: E402
from desktop_crm.services import archives  # noqa: E402
from desktop_crm.views.archives.archive_dialog import ArchiveDialog  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot, type_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def office(app_context, monkeypatch):  # noqa: ANN001, ANN201
    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(
            QMessageBox, kind, staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes)
        )
    office = office_for(app_context)
    act_as(app_context, office.keeper)
    return office


def open_dialog(qtbot, app_context, volume_id: int | None = None) -> ArchiveDialog:  # noqa: ANN001
    dialog = ArchiveDialog(app_context, volume_id)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def stored_box(app_context, volume_id: int) -> int | None:  # noqa: ANN001
    with app_context.session() as s:
        return s.get(ArchiveVolume, volume_id).box_no


def retype(qtbot, edit: QLineEdit, text: str) -> None:  # noqa: ANN001
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    type_text(qtbot, edit, text)


def test_the_box_is_saved_refused_and_cleared(qtbot, app_context, office) -> None:  # noqa: ANN001
    with app_context.session() as s:
        keeper = s.get(User, office.keeper.id)
        volume_id = archives.file_volume(s, keeper, volume_values(office)).id
    dialog = open_dialog(qtbot, app_context, volume_id)
    box = dialog.findChild(QLineEdit, "archive_box_no")
    assert box is not None and box.isEnabled() and box.text() == ""
    assert box.placeholderText() == "未装盒"

    retype(qtbot, box, "12")
    assert dialog.save()
    assert stored_box(app_context, volume_id) == 12
    assert box.text() == "12"  # read back from the store
    shot(dialog, "dialog_box_no")

    retype(qtbot, box, "0")
    assert not dialog.save()
    error = dialog.findChild(QLabel, "archiveError_box_no")
    assert error.isVisible() and error.text() == "盒号：请填正整数（1—99999），或留空。"
    assert box.text() == "0" and dialog.tabs.currentIndex() == 0  # the typing stays
    assert stored_box(app_context, volume_id) == 12

    retype(qtbot, box, "")
    assert dialog.save()
    assert not error.isVisible()
    assert stored_box(app_context, volume_id) is None


def test_a_new_volume_is_filed_into_its_box(qtbot, app_context, office) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    type_text(qtbot, dialog.editors["title"].widget, "2026年客户来函")
    category = dialog.editors["category_code"].widget
    category.setCurrentIndex(category.findData("WS"))
    department = dialog.editors["department_id"].widget
    department.setCurrentIndex(department.findData(office.yxb))
    type_text(qtbot, dialog.editors["pages"].widget, "8")
    type_text(qtbot, dialog.findChild(QLineEdit, "archive_box_no"), "3")
    assert dialog.save()
    with app_context.session() as s:
        volume = s.query(ArchiveVolume).filter_by(number=dialog.number_edit.text()).one()
        assert (volume.title, volume.box_no) == ("2026年客户来函", 3)
