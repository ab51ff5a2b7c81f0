"""Refusals shown beside the fields they concern (DESIGN rule 2), in any small form dialog."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from desktop_crm.services.errors import ValidationError


def show_field_errors(
    form: QWidget,
    error: ValidationError,
    labels: Mapping[str, QLabel],
    general: QLabel,
    focus: Mapping[str, QWidget],
) -> None:
    """Each problem under its field (those without a field together in `general`), the
    form grown to fit the word-wrapped messages, and the first field at fault focused."""
    loose = []
    for problem in error.problems:
        label = labels.get(problem.field)
        if label is None:
            loose.append(problem.message)
            continue
        label.setText(problem.message)
        label.show()
    if loose:
        general.setText("\n".join(loose))
        general.show()
    form.layout().activate()
    form.resize(form.width(), max(form.height(), form.sizeHint().height()))
    for problem in error.problems:
        if problem.field in focus:
            focus[problem.field].setFocus()
            break
