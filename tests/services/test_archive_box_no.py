"""盒号 (the box a volume stands in): typed when filing or later, checked like the other
fields (a positive whole number or blank), kept in the audit log, and carried by the
ledger's workbook — exported, then imported into an empty store, it comes back the same."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.config import sqlite_store
from desktop_crm.models import ArchiveVolume, AuditEntry, User
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import upgrade_database
from desktop_crm.services import archive_import, archives, bootstrap
from desktop_crm.services.errors import ValidationError
from desktop_crm.services.spreadsheet_reader import open_table
from tests.services.archive_office import ArchiveOffice, file, make_office

BAD_BOX = "盒号：请填正整数（1—99999），或留空。"


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    return make_office(session, admin)


def box_of(session: Session, volume_id: int) -> int | None:
    session.expire_all()
    return session.get(ArchiveVolume, volume_id).box_no


def test_the_box_is_typed_when_filing_and_corrected_later(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office, box_no=" 3 ")
    assert box_of(session, volume.id) == 3
    archives.update_volume(session, office.keeper, volume.id, {"box_no": "１２"})  # full width
    assert box_of(session, volume.id) == 12
    change = session.scalars(
        select(AuditEntry).where(AuditEntry.field == "盒号").order_by(AuditEntry.id.desc())
    ).first()
    assert (change.old_value, change.new_value, change.user_name) == ("3", "12", "孙丽")
    archives.update_volume(session, office.keeper, volume.id, {"box_no": ""})
    assert box_of(session, volume.id) is None  # taken out of its box


@pytest.mark.parametrize("typed", ["0", "-2", "1.5", "第3盒", "100000"])
def test_a_box_that_is_no_positive_whole_number_is_refused(session, office, typed) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office, box_no=7)
    with pytest.raises(ValidationError) as refused:
        archives.update_volume(session, office.keeper, volume.id, {"box_no": typed})
    assert refused.value.by_field == {"box_no": BAD_BOX}
    assert box_of(session, volume.id) == 7  # nothing changed
    with pytest.raises(ValidationError) as refused:
        file(session, office.keeper, office, title="新卷", box_no=typed)
    assert refused.value.by_field == {"box_no": BAD_BOX}


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.append(["档号", "题名", "门类", "年度", "保管期限", "责任部门", "页数", "盒号"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _boxes(session: Session) -> dict[str, int | None]:
    session.expire_all()
    return {v.number: v.box_no for v in session.scalars(select(ArchiveVolume))}


def test_the_box_goes_out_with_the_ledger_and_comes_back(session, office, tmp_path) -> None:  # noqa: ANN001
    keeper = office.keeper
    boxed = file(session, keeper, office, title="2015年客户走访记录", year=2015, box_no=4)
    file(session, keeper, office, title="2015年营销会议纪要", year=2015)  # in no box
    exported = tmp_path / "台账.xlsx"
    assert documents.export_archives(session, keeper, exported) == 2
    sheet = openpyxl.load_workbook(exported).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    header = next(r for r in rows if r[0] == "档号")
    box_column = header.index("盒号")
    by_number = {r[0]: r[box_column] for r in rows[rows.index(header) + 1 :]}
    assert by_number[boxed.number] == 4 and list(by_number.values()).count(None) == 1

    engine = make_engine(sqlite_store(tmp_path / "empty.sqlite3").url)
    upgrade_database(engine)
    with make_session_factory(engine)() as empty:
        bootstrap.ensure_defaults(empty)
        empty_keeper = make_office(empty, bootstrap.administrator(empty)).keeper
        with open_table(exported) as source:
            preview = archive_import.check_rows(empty, empty_keeper, source)
        assert preview.problem_lines() == [] and preview.unknown_headers == []
        assert archive_import.write_rows(empty, empty_keeper, preview, False) == 2
        assert _boxes(empty) == _boxes(session)
    engine.dispose()


def test_an_imported_box_is_read_as_an_office_writes_it(session, office, tmp_path) -> None:  # noqa: ANN001
    path = _sheet(tmp_path / "台账.xlsx", [
        [None, "甲卷", "文书", 2015, "D10", "YXB", 3, 2.0],  # Excel keeps 2 as 2.0
        [None, "乙卷", "文书", 2015, "D10", "YXB", 4, " 2 "],
        [None, "丙卷", "文书", 2015, "D10", "YXB", 5, None],
        [None, "丁卷", "文书", 2015, "D10", "YXB", 6, "二"],
    ])  # fmt: skip
    with open_table(path) as source:
        preview = archive_import.check_rows(session, office.keeper, source)
    assert preview.problem_lines() == [f"第 5 行，H 盒号 列：{BAD_BOX.split('：', 1)[1]}"]
    archive_import.write_rows(session, office.keeper, preview, True)
    titles = {v.title: v.box_no for v in session.scalars(select(ArchiveVolume))}
    assert titles == {"甲卷": 2, "乙卷": 2, "丙卷": None}
