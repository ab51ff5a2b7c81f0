"""客户资料管理卡 as PDF and XLSX."""

from __future__ import annotations

import io

from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.reports.forms.customer_card import CUSTOMER_CARD
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.xlsx_render import render_xlsx
from desktop_crm.services import audit, customers, rights


def customer_card_pdf(
    session: Session, actor: User, customer_id: int, font_path: str | None = None
) -> bytes:
    rights.require(session, actor, "customers", "print")
    buffer = io.BytesIO()
    render_pdf(
        CUSTOMER_CARD,
        customers.card_data(session, actor, customer_id, audit.PRINT),
        buffer,
        font_path,
    )
    return buffer.getvalue()


def customer_card_xlsx(session: Session, actor: User, customer_id: int) -> bytes:
    rights.require(session, actor, "customers", "print")
    buffer = io.BytesIO()
    render_xlsx(
        CUSTOMER_CARD, customers.card_data(session, actor, customer_id, audit.EXPORT), buffer
    )
    return buffer.getvalue()
