"""Opening the 回访 forms in the print preview, besides pdf_preview.preview_form (for the forms
made at once): `preview_from_worker` for those that take seconds (a month of plans, a year's
summary), and `remember_form`, which keeps the open preview in a screen's `current_form`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.views.context import AppContext
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.workers import run_job

MakeForm = Callable[[Session, User], bytes]


def remember_form(owner: QWidget, preview: QDialog | None) -> None:
    """`owner.current_form` is `preview` until that preview closes."""
    owner.current_form = preview  # type: ignore[attr-defined]
    if preview is None:
        return

    def forget(_result: int) -> None:
        if getattr(owner, "current_form", None) is preview:
            owner.current_form = None  # type: ignore[attr-defined]

    preview.finished.connect(forget)


def preview_from_worker(
    parent: QWidget,
    context: AppContext,
    busy_text: str,
    make_pdf: MakeForm,
    make_xlsx: MakeForm,
    title: str,
    suggested_name: str,
    on_open: Callable[[PdfPreviewDialog], None],
) -> None:
    """Make a form's PDF in a worker behind a progress dialog (`busy_text`), then open its
    preview, window-modal, deleted on close, handed to `on_open` first; 另存为 offers the
    Excel made by `make_xlsx` in a fresh session. Refusals and failures are shown."""

    def job(session: Session, actor: User, _control: object) -> bytes:
        return make_pdf(session, actor)

    def xlsx() -> bytes:
        with context.session() as session:
            return make_xlsx(session, context.actor(session))

    def done(pdf: bytes) -> None:
        preview = PdfPreviewDialog(pdf, title, suggested_name, parent, xlsx)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        on_open(preview)
        preview.open()

    run_job(parent, context, busy_text, job, done)
