"""Shared by the archive screen tests: the archive room's people, volumes, and driving the
small modal forms and the register grid by keyboard."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget

from tests.services.archive_office import ArchiveOffice, make_office

SCREENSHOTS = os.environ.get("ARCHIVE_SCREENSHOTS")  # a folder: save what the screens look like


def shot(widget: QWidget, name: str) -> None:
    if SCREENSHOTS:
        widget.grab().save(os.path.join(SCREENSHOTS, f"archive_{name}.png"))


def office_for(app_context) -> ArchiveOffice:  # noqa: ANN001
    with app_context.session() as session:
        office = make_office(session, app_context.actor(session))
        for user in (office.admin, office.keeper, office.clerk, office.head, office.gm):
            _ = user.id, user.name, user.department_id  # loaded before the session closes
        session.expunge_all()
        return office


def act_as(app_context, user) -> None:  # noqa: ANN001
    app_context.user_id = user.id


def answer_forms(*fills: Callable[[QWidget], None]) -> list[str]:
    """The next modal forms, each filled by its `fill` and accepted (in order). Returns
    what the forms showed as refusals when they came back."""
    seen: list[str] = []
    queue = list(fills)

    def answer() -> None:
        form = QApplication.activeModalWidget()
        if form is None:
            QTimer.singleShot(10, answer)
            return
        errors = [
            label.text()
            for label in form.findChildren(QWidget)
            if label.objectName().endswith("_error") and label.isVisible()  # type: ignore[attr-defined]
        ]
        seen.extend(errors)
        fill = queue.pop(0)
        fill(form)
        form.accept()  # type: ignore[attr-defined]
        if queue:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    return seen


def type_text(qtbot, widget: QWidget, text: str) -> None:  # noqa: ANN001
    """Latin text key by key; Chinese as an input method commits it (QTest cannot press
    keys that do not exist on the keyboard)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    QApplication.sendEvent(widget, QInputMethodEvent("pinyin", []))
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


def type_cells(qtbot, table, texts: list[str | None]) -> None:  # noqa: ANN001
    """Type a line cell by cell from the current one, as the keeper does: text then Enter
    (None: just Enter, leaving the cell)."""
    for text in texts:
        if text is None:
            qtbot.keyClick(table, Qt.Key.Key_Return)
            continue
        qtbot.keyClick(table, Qt.Key.Key_F2)
        editor = QApplication.focusWidget()
        if not isinstance(editor, QLineEdit):
            editor = table.viewport().findChildren(QLineEdit)[-1]
        editor.selectAll()
        type_text(qtbot, editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
        qtbot.wait(5)
