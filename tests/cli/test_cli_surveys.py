"""Survey answers from the command line: export, import with --dry-run, the refusal rules
and exit statuses of the customer import (0 done, 1 refused with each problem on stderr and
nothing written, 2 wrong usage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import SurveyQuestionnaire, User
from tests.conftest import sqlite_only
from tests.services.test_survey_answers_io import entered
from tests.services.test_surveys import build_office


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def number(db: str, session: Session, admin: User) -> str:
    return entered(session, build_office(session, admin)).number


def sheets(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(SurveyQuestionnaire))


def test_export_then_import_the_same_file(capsys, db, number, session, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "答案.xlsx"
    status, out, _ = run(
        capsys, "--db", db, "export", "survey-answers", number.lower(), str(target)
    )
    assert status == 0 and out.strip() == f"已导出 3 份问卷到 {target}。"
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("问卷号", "答卷人类型", "客户编号", "答卷人", "竞争对手")
    assert rows[1][5] == "很满意" and len(rows) == 4
    status, out, err = run(capsys, "--db", db, "import", "survey-answers", number, str(target))
    assert status == 0 and "已导入 0 份问卷" in out and err == ""
    assert sheets(session) == 3


def test_a_refused_row_stops_the_import_and_dry_run_writes_nothing(
    capsys,
    db,
    number,
    session,
    tmp_path,  # noqa: ANN001
) -> None:
    target = tmp_path / "答案.xlsx"
    run(capsys, "--db", db, "export", "survey-answers", number, str(target))
    book = load_workbook(target)
    book.active.append([None, None, "KH000003", None, None, "满意"])
    book.active.append([None, None, "KH000004", None, None, "好极了"])
    book.save(target)
    status, out, err = run(
        capsys, "--db", db, "import", "survey-answers", number, str(target), "--dry-run"
    )
    assert status == 1
    assert "检查完毕：共 5 行：新问卷 1 份" in out and "未写入" in out
    assert err.splitlines() == [
        "第 6 行，F 产品功能（主要性能） 列：「好极了」不是满意程度，应为：很满意、满意、基本满意、不满意、很不满意（或 1–5）。"
    ]
    status, _, err = run(capsys, "--db", db, "import", "survey-answers", number, str(target))
    assert status == 1 and err.splitlines()[-1] == "有 1 行有问题，没有导入任何数据。"
    assert sheets(session) == 3
    status, out, err = run(
        capsys, "--db", db, "import", "survey-answers", number, str(target), "--skip-invalid"
    )
    assert status == 0 and "已导入 1 份问卷" in out and err.startswith("已跳过 第 6 行")
    assert sheets(session) == 4


def test_refusals_and_wrong_usage(capsys, db, number, tmp_path) -> None:  # noqa: ANN001
    status, _, err = run(
        capsys, "--db", db, "export", "survey-answers", "MY2020-09", str(tmp_path / "a.xlsx")
    )
    assert status == 1 and err.strip() == "没有调查编号为「MY2020-09」的调查。"
    status, _, err = run(
        capsys, "--db", db, "export", "survey-answers", number, str(tmp_path / "a.csv")
    )
    assert status == 1 and "应以 .xlsx 结尾" in err
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook at all")
    status, _, err = run(capsys, "--db", db, "import", "survey-answers", number, str(broken))
    assert status == 1 and "不是有效的 Excel 工作簿" in err
    status, _, err = run(capsys, "--db", db, "import", "survey-answers", number)
    assert status == 2 and "用法错误" in err
    assert not list(tmp_path.glob("*.part"))


def test_demo_data_makes_surveys_too(capsys, db, session) -> None:  # noqa: ANN001
    # a fresh store: the `number` fixture is not used here
    status, out, _ = run(capsys, "--db", db, "demo-data", "--customers", "40")
    assert status == 0
    from desktop_crm.models import Survey

    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Survey)) >= 18
    assert Path(db).exists()
