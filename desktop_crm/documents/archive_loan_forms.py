"""档案借阅单: the printed slip of one loan (DOMAIN §5 use of files, §6 item 9).

The data comes from services.archive_loans (get_loan: the loan as the lists show it) and
services.approvals (each step with its approver and day). Like the other archive forms, the
volumes it names first go through archive_scope.record_use — the print/export reach of each
is checked and the use of 机密/绝密 and customer files is written to the access log — before
the file is made; the print or export itself goes into the audit log.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_crm.models import User, local_now
from desktop_crm.services import audit

from .archive_forms import (
    _archive_act,
    _fonds_code,
    _one_note,
    _render_archive_form,
    _secrecy_mark,
)


def _steps(session: Session, approval_id: int | None) -> list[dict]:
    """Each approval step: the step, its decision, who took it and on which day, in the
    program (系统) or from the signed paper (纸质)."""
    from desktop_crm.services import approvals

    if approval_id is None:
        return []
    row = approvals.approval_rows(session, [approval_id]).get(approval_id)
    if row is None:
        return []
    return [
        {
            "step": step.label,
            "decision": step.decision or "待审批",
            "who": step.paper_approver or step.decided_by or "",
            "on": step.paper_date or (step.decided_at.date() if step.decided_at else None),
            "way": "纸质" if step.paper_approver else ("系统" if step.decision else ""),
            "comment": step.comment,
        }
        for step in row.steps
    ]


def archive_loan_slip_data(session: Session, actor: User, loan_id: int) -> dict:
    """档案借阅单's data for one loan (reads only; archives·view over every volume of it)."""
    from desktop_crm.services import archive_loans

    loan = archive_loans.get_loan(session, actor, loan_id)
    volumes = [
        {
            "number": v.number,
            "title": v.title,
            "secrecy": v.secrecy,
            "pages": v.pages,
            "pages_out": v.pages_out,
            "pages_out_borrower": v.pages_out_borrower,
            "pages_back": v.pages_back,
            "condition": v.condition,
            "note": v.note,
        }
        for v in loan.volumes
    ]
    extensions = "；".join(
        f"{old:%Y-%m-%d} 延至 {new:%Y-%m-%d}（{reason}）" for old, new, reason in loan.extensions
    )
    returned = "，".join(p for p in (loan.condition, _one_note(loan)) if p)
    state = f"{loan.state}（逾期）" if loan.overdue else loan.state
    return {
        "loan_id": loan.id,
        "number": loan.number,
        "state": state,
        "fonds_code": _fonds_code(session),
        "borrower": loan.borrower,
        "borrower_kind": loan.borrower_kind,
        "unit": loan.unit,
        # No masking helper exists in the program: the 证件号码 is printed whole.
        "letter": loan.letter or None,
        "id_number": loan.id_number or None,
        "use": loan.use,
        "purpose": loan.purpose,
        "volumes": volumes,
        "requested_on": loan.requested_on,
        "lent_at": loan.lent_at,
        "due_on": loan.due_on,
        "returned_at": loan.returned_at,
        "extensions": extensions or "无",
        "return_condition": returned or None,
        "approvals": _steps(session, loan.approval_id),
        "lent_by": loan.lent_by or None,
        "lent_on": loan.lent_at.date() if loan.lent_at else None,
        "returned_by": loan.returned_by or None,
        "returned_on": loan.returned_at.date() if loan.returned_at else None,
        "secrecy_mark": _secrecy_mark(v.secrecy for v in loan.volumes),
        "printed_by": actor.name,
        "printed_at": local_now(),
        "_volume_ids": [v.volume_id for v in loan.volumes],
    }


def archive_loan_slip(
    session: Session, actor: User, loan_id: int, pdf: bool, font_path: str | None = None
) -> bytes:
    """档案借阅单 of one loan, as PDF (pdf=True, 打印) or workbook (导出). Commits the
    access-log rows of its confidential and customer volumes and the audit entry."""
    from desktop_crm.reports.forms.archive_loan_slip import ARCHIVE_LOAN_SLIP
    from desktop_crm.services import archive_scope

    data = archive_loan_slip_data(session, actor, loan_id)
    volume_ids = data.pop("_volume_ids")
    detail = f"{ARCHIVE_LOAN_SLIP.title} {data['number']}（{data['borrower']}）"
    archive_scope.record_use(session, actor, volume_ids, _archive_act(pdf), detail)
    content = _render_archive_form(ARCHIVE_LOAN_SLIP, data, pdf, font_path)
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_loan", loan_id,
        f"{data['number']} {data['borrower']}", detail=ARCHIVE_LOAN_SLIP.title,
    )  # fmt: skip
    session.commit()
    return content
