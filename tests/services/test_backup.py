"""数据库备份: a whole, consistent copy; copying customer files needs the copy right."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from desktop_crm.app import main
from desktop_crm.models import AuditEntry
from desktop_crm.services import audit, backup, customers, staff
from desktop_crm.services.errors import PermissionDenied, ValidationError
from tests.conftest import sqlite_only


def test_backup_holds_every_customer_and_is_recorded(store, session, admin, tmp_path) -> None:  # noqa: ANN001
    sqlite_only(store)
    customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    target = tmp_path / backup.default_name()
    assert "内部资料" in target.name
    size = backup.back_up(session, admin, target)
    assert size == target.stat().st_size > 0
    assert not list(tmp_path.glob("*.part"))
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM customer").fetchall() == [("河北工程集团有限公司",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    last = select(AuditEntry.act, AuditEntry.object_label).order_by(AuditEntry.seq.desc())
    assert session.execute(last.limit(1)).one() == (audit.EXPORT, "数据库备份")


def test_backup_refused_without_the_copy_right_or_over_a_file(
    store, session, admin, tmp_path
) -> None:  # noqa: ANN001
    sqlite_only(store)
    seller = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    with pytest.raises(PermissionDenied, match="客户档案·导出"):
        backup.back_up(session, seller, tmp_path / "b.sqlite3")
    assert not (tmp_path / "b.sqlite3").exists()
    taken = tmp_path / "taken.sqlite3"
    taken.write_bytes(b"mine")
    with pytest.raises(ValidationError, match="已存在"):
        backup.back_up(session, admin, taken)
    assert taken.read_bytes() == b"mine"
    with pytest.raises(ValidationError, match=r"\.sqlite3"):
        backup.back_up(session, admin, tmp_path / "b.txt")


def test_backup_from_the_command_line(capsys, tmp_path) -> None:  # noqa: ANN001
    db, target = str(tmp_path / "cli.sqlite3"), tmp_path / "备份.sqlite3"
    assert main(["--db", db, "demo-data", "--customers", "5"]) == 0
    assert main(["--db", db, "backup", "-o", str(target)]) == 0
    assert "已备份到" in capsys.readouterr().out
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM customer").fetchone() == (5,)
    assert main(["--db", db, "backup", "-o", str(target)]) == 1  # never over a file
    assert "已存在" in capsys.readouterr().err
