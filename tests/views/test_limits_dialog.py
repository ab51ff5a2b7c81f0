"""期限与指标设置: the office changes a deadline and the open complaints follow."""

from __future__ import annotations

from datetime import datetime

from desktop_crm.services import complaints, customers, settings
from desktop_crm.views.settings.limits_dialog import LimitsDialog


def test_a_changed_limit_is_stored_and_open_deadlines_follow(
    qtbot, app_context, session_factory, session, admin
) -> None:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    complaint = complaints.register(
        session,
        admin,
        {"customer_id": customer.id, "category": "袋重异议", "content": "袋重不足",
         "received_at": datetime(2026, 11, 23, 9, 0)},
    )  # fmt: skip
    complaints.report(
        session, admin, complaint.id, [("市场营销部负责人", "电话")], "2026-11-23 10:00"
    )
    complaints.find_cause(
        session, admin, complaint.id, "我方原因", customer.owner.department_id or 1
    )
    session.refresh(complaint)
    before = complaint.due_on

    dialog = LimitsDialog(app_context)
    qtbot.addWidget(dialog)
    spin = dialog.spins["complaint.solution_days"]
    assert spin.value() == 3 and spin.isEnabled()
    spin.setValue(5)
    dialog.save_button.click()
    assert "1 件未结案投诉" in dialog.status.text()

    with session_factory() as fresh:  # settings are read once per session (one action)
        assert settings.value(fresh, "complaint.solution_days") == 5
        assert fresh.get(type(complaint), complaint.id).due_on > before
