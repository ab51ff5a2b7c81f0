"""The audit log: every act recorded, chained by hashes, refused any change, checked."""

from __future__ import annotations

import importlib.util
from datetime import datetime

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from desktop_crm import documents
from desktop_crm.models import AuditEntry
from desktop_crm.models.migrate import MIGRATIONS_DIR
from desktop_crm.services import accounts, audit, customers, staff
from desktop_crm.services.customer_list import customer_query


def _migration_0004():  # noqa: ANN202
    path = next((MIGRATIONS_DIR / "versions").glob("0004_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_hash_is_the_service_hash() -> None:
    content = (
        7,
        datetime(2026, 11, 26, 9, 30, 5),
        3,
        "张伟",
        "PC-01",
        "修改",
        "customer",
        "42",
        "KH000042 河北工程集团有限公司",
        "电话",
        "0311-1",
        None,
        '说明 "引号"',
    )
    prev = "ab" * 32
    assert _migration_0004().entry_hash(prev, *content) == audit.entry_hash(prev, *content)


def _tamper(session, statement: str) -> None:  # noqa: ANN001
    """Change the table behind the program's back, with its guard switched off."""
    session.rollback()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("DROP TRIGGER audit_log_no_update"))
        session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    session.execute(text(statement))
    session.commit()


def test_acts_are_recorded_and_the_chain_verifies(session, admin, tmp_path) -> None:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    customers.save_customer(session, admin, {"phone": "0311-87654321"}, customer_id=customer.id)
    documents.export_list(
        session,
        admin,
        customer_query(session, admin, "河北"),
        tmp_path / "a.xlsx",
        "客户名册",
        detail="查找：河北",
    )
    documents.customer_card_xlsx(session, admin, customer.id)
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    acts = [(r.act, r.object_type, r.field) for r in rows]
    assert ("新建", "customer", "登记") in acts
    assert ("修改", "customer", "电话") in acts
    assert ("导出", "customer_list", None) in acts
    assert ("导出", "customer", None) in acts
    export = next(r for r in rows if r.object_type == "customer_list")
    assert "查找：河北" in export.detail and export.workstation == audit.workstation()
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.entry_hash for a, b in zip(rows, rows[1:], strict=False))
    assert audit.verify_chain(session) is None
    # The card's history shows the changes only, newest first, as before.
    history = customers.history(session, admin, customer.id)
    assert [h.field for h in history] == ["电话", "登记"]
    assert history[0].user.name == admin.name and history[0].changed_at == history[0].at


def test_sign_in_and_passwords_are_recorded_never_the_password(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "secret-123")
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(session, admin.login, "wrong-pass")
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(session, "nobody", "wrong-pass")
    accounts.sign_in(session, admin.login, "secret-123")
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    acts = [(r.act, r.user_name) for r in rows]
    assert ("权限变更", admin.name) in acts
    assert ("登录失败", admin.name) in acts and ("登录失败", "nobody") in acts
    assert acts[-1] == ("登录", admin.name)
    every_text = " ".join(str(v) for r in rows for v in (r.old_value, r.new_value, r.detail))
    assert "secret-123" not in every_text and "wrong-pass" not in every_text
    assert audit.verify_chain(session) is None


def test_reassign_and_role_change_recorded(session, admin) -> None:  # noqa: ANN001
    a = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    b = staff.save_staff(
        session, admin, staff.StaffInput(name="王芳", department_id=None, roles=["客户开发专员"])
    )
    for i in range(3):
        customers.save_customer(session, admin, {"name": f"客户{i}", "owner_id": a.id})
    customers.reassign_customers(session, admin, a.id, b.id)
    moved = session.scalars(select(AuditEntry).where(AuditEntry.field == "客户经理")).all()
    assert len(moved) == 3 and {m.act for m in moved} == {"修改"}
    assert all(m.object_label.startswith("KH") for m in moved)
    rights = session.scalars(select(AuditEntry).where(AuditEntry.act == "权限变更")).all()
    assert {r.object_label for r in rights} >= {"张伟", "王芳"}
    assert audit.verify_chain(session) is None


def test_update_and_delete_are_refused_by_the_store(session, admin) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "甲公司"})
    with pytest.raises(DBAPIError, match="审计日志不可修改"):
        session.execute(update(AuditEntry).values(new_value="乙公司"))
    session.rollback()
    with pytest.raises(DBAPIError, match="审计日志不可修改"):
        session.execute(delete(AuditEntry))
    session.rollback()
    assert audit.verify_chain(session) is None


def test_a_row_changed_by_hand_is_found(session, admin) -> None:  # noqa: ANN001
    for name in ("甲公司", "乙公司", "丙公司"):
        customers.save_customer(session, admin, {"name": name})
    target = session.scalar(select(AuditEntry.seq).where(AuditEntry.object_label.like("%乙公司")))
    _tamper(session, f"UPDATE audit_log SET new_value = '丁公司' WHERE seq = {target}")
    assert audit.verify_chain(session) == target


def test_a_row_removed_by_hand_is_found(session, admin) -> None:  # noqa: ANN001
    for name in ("甲公司", "乙公司", "丙公司"):
        customers.save_customer(session, admin, {"name": name})
    last = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    _tamper(session, f"DELETE FROM audit_log WHERE seq = {last}")
    assert audit.verify_chain(session) == last
    _tamper_more = f"DELETE FROM audit_log WHERE seq = {last - 2}"
    session.execute(text(_tamper_more))
    session.commit()
    assert audit.verify_chain(session) == last - 2


def test_bulk_entries_chain_in_one_pass(session, admin) -> None:  # noqa: ANN001
    entries = [audit.Entry("查看", "customer", i, f"KH{i:06d}") for i in range(1, 12_001)]
    first = audit.record_many(session, admin, entries)
    session.commit()
    assert audit.count(session) == first + 12_000 - 1
    assert audit.verify_chain(session) is None
