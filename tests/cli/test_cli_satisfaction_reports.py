"""`report satisfaction 调查编号 -o FILE.pdf|FILE.xlsx` and `report questionnaire 调查编号 -o
FILE.pdf` on a real store whose survey went through the survey services: the files read
as the figures counted by hand; exit 0 done, 1 refused with a Chinese message (nothing
written), 2 wrong usage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import AuditEntry, Department, Purchase, User
from desktop_crm.services import (
    customers,
    staff,
    survey_answers,
    survey_improvements,
    survey_respondents,
    surveys,
)
from desktop_crm.services.key_customers import refresh_key_customers
from desktop_crm.services.survey_answers import QuestionnaireInput
from tests.conftest import sqlite_only
from tests.pdf_text import pdf_text as read_pdf

# the regulation's worked example: 76% and 84%
WORKED = ["很满意"] * 10 + ["满意"] * 5 + ["基本满意"] * 6 + ["不满意"] * 3 + ["很不满意"]


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def pages(path: Path) -> list[str]:
    """The text of each page without white space."""
    text = read_pdf(path.read_bytes())
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@dataclass
class Office:
    clerk: User  # 客户服务专员: may print every survey
    seller: User  # 客户开发专员: may view, not print
    earlier: str  # 2026 Q2 key-customer survey
    number: str  # 2026 Q3 key-customer survey
    names: list[str]  # the customers, largest purchases first


def person(session: Session, admin: User, name: str, code: str, role: str, login: str) -> User:
    department = session.scalar(select(Department.id).where(Department.code == code))
    data = staff.StaffInput(name=name, department_id=department, roles=(role,), login=login)
    return staff.save_staff(session, admin, data)


def enter(session: Session, actor: User, survey_id: int, **values: object) -> None:
    survey_answers.save_questionnaire(session, actor, survey_id, QuestionnaireInput(**values))  # type: ignore[arg-type]


@pytest.fixture
def office(db: str, session: Session, admin: User) -> Office:
    """25 customers (the last a 中间商, answering as a dealer) with 2025 purchases.

    Q3 survey, items A = 产品功能（主要性能）, B = 可靠性; every customer rates A as in the
    worked example (the three 不满意 and the 很不满意 say 到货晚) and B 满意: 调查部分
    满意度 (190 + 200) ÷ 500 = 78.0%, 满意率 46 ÷ 50 = 92.0%. 张伟 rates himself 满意 on
    both: 自评 80.0% / 100.0%. Overall 0.4 × 80 + 0.6 × 78 = 78.8% and 0.4 × 100 + 0.6 × 92
    = 95.2% against the targets 85 / 90: 满意度 未达标, 满意率 达标. Three customers rate
    冀东水泥 基本满意 on A and B (60.0%). The Q2 survey has only customers' answers.
    """
    clerk = person(session, admin, "陈客服", "SHB", "客户服务专员", "chen")
    seller = person(session, admin, "张伟", "YXB", "客户开发专员", "zhang")
    ids, names = [], []
    for index in range(25):
        values = {"name": f"西安第{index + 1}建材有限公司", "owner_id": seller.id}
        if index == 24:
            values.update(name="咸阳华盛水泥经销部", category="中间商")
        customer = customers.save_customer(session, admin, values)
        session.add(Purchase(customer_id=customer.id, year=2025, amount=Decimal(100000 - index)))
        ids.append(customer.id)
        names.append(customer.name)
    session.commit()
    refresh_key_customers(session)
    session.commit()

    def survey(name: str, start: str, end: str) -> surveys.SurveyDetail:
        values = {"name": name, "kind": surveys.KIND_KEY, "period_from": start, "period_to": end}
        detail = surveys.create_survey(session, admin, values, competitors=["冀东水泥", "海螺水泥"])
        survey_respondents.generate_respondents(
            session, admin, detail.id, [surveys.GROUP_TOP20], purchase_year=2025
        )
        return surveys.start_survey(session, admin, detail.id)

    earlier = survey("2026年第2季度重点客户满意度调查", "2026-04-01", "2026-06-30")
    a, b = earlier.items[0].id, earlier.items[1].id
    for customer_id in ids[:4]:
        enter(session, clerk, earlier.id, customer_id=customer_id, levels={a: "满意", b: "满意"})

    detail = survey("2026年第3季度重点客户满意度调查", "2026-07-01", "2026-09-30")
    a, b = detail.items[0].id, detail.items[1].id
    for customer_id, level in zip(ids, WORKED, strict=True):
        reasons = {a: "到货晚"} if level in ("不满意", "很不满意") else {}
        enter(
            session, clerk, detail.id, customer_id=customer_id,
            levels={a: level, b: "满意"}, reasons=reasons,
        )  # fmt: skip
    enter(
        session, clerk, detail.id, respondent_type="自评", staff_id=seller.id,
        levels={a: "满意", b: "满意"},
    )  # fmt: skip
    for customer_id in ids[:3]:
        enter(
            session, clerk, detail.id, customer_id=customer_id,
            competitor_id=detail.competitors[0].id, levels={a: "基本满意", b: "基本满意"},
        )  # fmt: skip
    survey_improvements.save_improvement(
        session, clerk, detail.id,
        {"item_id": a, "responsible_id": seller.id, "corrective_action": "增开夜班发运",
         "preventive_action": "按周核对发运计划", "due_on": "2026-10-31"},
    )  # fmt: skip
    return Office(clerk, seller, earlier.number, detail.number, names)


def test_the_analysis_report_as_pdf_reads_the_hand_count(capsys, db, office, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "满意度报告.pdf"
    status, out, err = run(
        capsys, "--db", db, "report", "satisfaction", office.number.lower(), "-o", str(target)
    )
    assert (status, err) == (0, "") and str(target) in out
    text = "".join(pages(target))
    assert "客户满意度调查分析报告" in text and f"调查编号：{office.number}" in text
    assert "2026年第3季度重点客户满意度调查" in text and "2026-07-01至2026-09-30" in text
    assert "客户24份，经销商1份，自评1份，合计26份" in text
    assert "冀东水泥3份" in text
    # per part against the targets 85 / 90, in words
    assert "调查部分（客户、经销商）60%255078.0未达标92.0达标" in text
    assert "自评部分（销售人员）40%1280.0未达标100.0达标" in text
    assert "总体（加权）100%5278.8未达标95.2达标" in text
    # the worked example is the first item of the 调查 part
    assert "产品功能（主要性能）105631" + "2576.084.0" in text
    assert "可靠性0250002580.0100.0" in text
    # trend over the earlier key-customer survey, competitors, dissatisfied items, plan
    assert "2026Q2" in text and "2026Q3（本次）" in text
    assert "冀东水泥360.0100.0+18.0-8.0" in text
    assert "产品功能（主要性能）3144／0到货晚（4次）" in text
    assert "增开夜班发运" in text and "按周核对发运计划" in text and "2026-10-31" in text
    assert "售后服务部（编制）：" in text and "审批（经理）：" in text
    assert not list(tmp_path.glob("*.part"))


def test_the_analysis_report_as_workbook(capsys, db, office, session, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "满意度报告.xlsx"
    status, _, err = run(
        capsys, "--db", db, "report", "satisfaction", office.number, "-o", str(target)
    )
    assert (status, err) == (0, "")
    rows = [
        [v for v in row if v is not None]
        for row in load_workbook(target).active.iter_rows(values_only=True)
    ]
    assert ["调查部分（客户、经销商）", "60%", 25, 50, 78, "未达标", 92, "达标"] in rows
    assert ["产品功能（主要性能）", 10, 5, 6, 3, 1, 25, 76, 84] in rows
    assert ["评价项目", "本公司", "冀东水泥", "海螺水泥"] in rows
    assert ["产品功能（主要性能）", 76, 60, "无"] in rows
    # the copy is in the audit log (导出 for a workbook), as is a printed PDF (打印)
    pdf = tmp_path / "r.pdf"
    assert run(capsys, "--db", db, "report", "satisfaction", office.number, "-o", str(pdf))[0] == 0
    logged = session.execute(
        select(AuditEntry.act, AuditEntry.object_label).where(
            AuditEntry.object_type == "survey", AuditEntry.detail == "客户满意度调查分析报告"
        )
    ).all()
    label = f"{office.number} 2026年第3季度重点客户满意度调查"
    assert sorted(logged) == [("导出", label), ("打印", label)]


def test_blank_questionnaires_one_page_per_respondent(capsys, db, office, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "问卷.pdf"
    status, out, err = run(
        capsys, "--db", db, "report", "questionnaire", office.number, "-o", str(target)
    )
    assert (status, err) == (0, "") and str(target) in out
    found = pages(target)
    assert len(found) == 20  # the top-20 group of the respondent list
    for number, page in enumerate(found):
        assert "客户满意度调查问卷" in page and "2026年第3季度重点客户满意度调查" in page
        assert f"客户名称：{office.names[number]}" in page
        assert page.count("产品功能（主要性能）") == 2 and "售后服务水平" in page
        assert "很满意满意基本满意不满意很不满意" in page
        assert "请于2026-09-30前将问卷寄回" in page
    # the competitors are handed out in turn
    assert "竞争对手名称：冀东水泥" in found[0] and "竞争对手名称：海螺水泥" in found[1]


@pytest.mark.parametrize(
    ("verb", "number", "user", "suffix", "words"),
    [
        ("satisfaction", "MY2026-99", None, ".pdf", "没有调查编号为「MY2026-99」的调查"),
        ("satisfaction", None, "zhang", ".pdf", "您没有「满意度调查·打印」的权限"),
        ("questionnaire", None, "zhang", ".pdf", "您没有「满意度调查·打印」的权限"),
        ("satisfaction", None, None, ".docx", "输出文件名应以 .pdf 或 .xlsx 结尾"),
        ("questionnaire", None, None, ".xlsx", "问卷只能输出为 PDF"),
    ],
)
def test_refused_input_exits_1_and_writes_nothing(
    capsys,
    db,
    office,
    tmp_path,
    verb: str,
    number: str | None,
    user: str | None,
    suffix: str,
    words: str,
) -> None:  # noqa: ANN001
    target = tmp_path / f"r{suffix}"
    login = ["--user", user] if user else []
    status, out, err = run(
        capsys, "--db", db, *login, "report", verb, number or office.number, "-o", str(target)
    )
    assert status == 1 and words in err and "Traceback" not in err and out == ""
    assert not target.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    "args",
    [
        ("report", "satisfaction", "MY2026-01"),  # no -o
        ("report", "questionnaire", "-o", "q.pdf"),  # no number
    ],
)
def test_wrong_usage_exits_2(capsys, db, args) -> None:  # noqa: ANN001
    status, _, err = run(capsys, "--db", db, *args)
    assert status == 2 and "用法错误" in err
