"""report receipt-book / loan-book / destruction-list on a real store: the files are
written and read back; refusals exit 1 (or 2 for bad usage) with a Chinese message and
leave no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import User
from tests.conftest import sqlite_only
from tests.pdf_text import pdf_text as read_pdf
from tests.reports.archive_flow_setup import TODAY, Flow, make_flow
from tests.services.archive_office import make_office


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def pdf_text(path: Path) -> str:
    return "".join(read_pdf(path.read_bytes()).split())


def cells(path: Path) -> list[object]:
    sheet = load_workbook(path).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def flow(db: str, session: Session, admin: User) -> Flow:
    return make_flow(session, make_office(session, admin))


def test_the_three_registers(capsys, tmp_path, db, flow) -> None:  # noqa: ANN001
    year = str(TODAY.year)
    target = tmp_path / "签收簿.pdf"
    assert run(capsys, "--db", db, "report", "receipt-book", year, "-o", str(target))[0] == 0
    text = pdf_text(target)
    assert text.startswith("档案签收簿") and "不完整" in text and "客户来函" in text
    target = tmp_path / "借阅.xlsx"
    status, out, _ = run(capsys, "--db", db, "report", "loan-book", year, "-o", str(target))
    assert status == 0 and "已生成" in out
    assert flow.loan.number in cells(target)
    target = tmp_path / "清册.pdf"
    batch = flow.destruction.batch_no
    assert run(capsys, "--db", db, "report", "destruction-list", batch, "-o", str(target))[0] == 0
    text = pdf_text(target)
    assert "档案销毁清册" in text and flow.old.number in text and "马兰" in text


def test_refusals(capsys, tmp_path, db, flow) -> None:  # noqa: ANN001
    target = tmp_path / "x.pdf"
    status, _, err = run(
        capsys, "--db", db, "report", "destruction-list", "XH1999-09", "-o", str(target)
    )
    assert status == 1 and err.strip() and not target.exists()
    status, _, err = run(capsys, "--db", db, "report", "loan-book", "99999", "-o", str(target))
    assert status == 1 and "年度" in err and not target.exists()
    status, _, err = run(
        capsys, "--db", db, "report", "receipt-book", "2026", "-o", str(tmp_path / "x.doc")
    )
    assert status == 1 and ".pdf" in err
    status, _, err = run(capsys, "--db", db, "report", "loan-book", "今年", "-o", str(target))
    assert status == 2 and not target.exists()
