"""`desktop-crm check audit`: exit 0 on an intact log, 1 naming the first altered row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_crm.app import main


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_audit_intact_then_tampered(capsys, tmp_path: Path) -> None:  # noqa: ANN001
    db = str(tmp_path / "cli.sqlite3")
    assert run(capsys, "--db", db, "demo-data", "--customers", "5", "--seed", "3")[0] == 0
    status, out, _ = run(capsys, "--db", db, "check", "audit")
    assert status == 0
    connection = sqlite3.connect(db)
    total = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert total >= 5 and out.strip() == f"审计日志完整（{total} 条）"

    # By hand, as someone with the file and a SQLite tool would: the guard first.
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET new_value = '改过的' WHERE seq = 3")
    connection.commit()
    connection.close()
    status, out, err = run(capsys, "--db", db, "check", "audit")
    assert status == 1
    assert err.strip() == "审计日志在第 3 条被改动"


def test_check_audit_refuses_unknown_what(capsys, tmp_path: Path) -> None:  # noqa: ANN001
    db = str(tmp_path / "cli.sqlite3")
    assert run(capsys, "--db", db, "check", "nothing")[0] == 2
