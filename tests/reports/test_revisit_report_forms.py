"""The revisit forms as a user reads them: 客户回访报告表 of one revisit, 客户拜访简报 of a
plan, 客户回访计划 of a date range and 客户回访汇总表 of a period — PDF text read back with
pdftotext, workbook cells with openpyxl; each copy recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import AuditEntry, Contact, Purchase, Revisit, RevisitPlan, User
from desktop_crm.services import revisit_reports, revisits
from desktop_crm.services.errors import PermissionDenied, ValidationError
from tests.pdf_text import pdf_text
from tests.reports.test_complaint_forms import compact, labelled, sheet_rows
from tests.services.test_revisits import customer, person

TODAY = date.today()


@dataclass
class Office:
    clerk: User
    supervisor: User
    salesman: User
    archivist: User
    revisit: Revisit  # visited 2026-09-30, report written late on 10-09, reviewed
    plan: RevisitPlan  # planned, moved once
    other_plan: RevisitPlan


@pytest.fixture
def office(session: Session, admin: User) -> Office:
    clerk = person(session, admin, "杨帆", "SHB", "客户服务专员")
    supervisor = person(session, admin, "陈静", "SHB", "客户服务主管")
    salesman = person(session, admin, "王芳", "YXB", "客户开发专员")
    archivist = person(session, admin, "孙丽", "ZHB", "档案管理员")
    buyer = customer(session, admin, "陕西秦岭建设集团商品混凝土有限公司", salesman)
    other = customer(session, admin, "咸阳张兴商砼有限公司", clerk)
    session.add_all(
        [
            Contact(customer_id=buyer.id, name="王建国", title="采购经理", mobile="13891234567",
                    is_primary=True),
            Purchase(customer_id=buyer.id, year=2025, tons=12500, amount=5125000),
        ]
    )  # fmt: skip
    session.commit()
    revisit = revisits.record_revisit(
        session,
        clerk,
        {
            "customer_id": buyer.id,
            "kind": "定期回访",
            "visited_on": date(2026, 9, 30),
            "method": "上门",
            "contact_name": "王建国",
            "discussion": "了解P·O 42.5水泥在高速公路标段的使用情况",
            "needs": "希望节前保证供货",
            "satisfaction": "满意",
        },
    )
    revisit_reports.write_report(
        session,
        clerk,
        revisit.id,
        "九月三十日上门回访王建国，工地用量稳定，对强度和交货均认可。",
        "客户满意，可列为重点维护对象。",
    )
    session.execute(
        update(Revisit)
        .where(Revisit.id == revisit.id)
        .values(report_at=datetime(2026, 10, 9, 9, 30))
    )
    session.commit()
    revisit_reports.review_report(
        session, supervisor, revisit.id, "节前安排专车保供，月底再回访一次。"
    )
    plan = revisits.plan_revisit(
        session,
        admin,
        {
            "customer_id": buyer.id,
            "planned_on": TODAY + timedelta(days=1),
            "purpose": "礼节性拜访",
            "method": "上门",
            "place": "西安高速公路第三标段",
            "content": "节前拜访，了解下季度用量",
            "assigned_id": clerk.id,
        },
    )
    revisits.reschedule_plan(session, admin, plan.id, TODAY + timedelta(days=3), "客户出差")
    other_plan = revisits.plan_revisit(
        session,
        admin,
        {"customer_id": other.id, "planned_on": TODAY + timedelta(days=2), "method": "电话",
         "purpose": "有事相访", "assigned_id": clerk.id},
    )  # fmt: skip
    return Office(clerk, supervisor, salesman, archivist, revisit, plan, other_plan)


def copies(session: Session, act: str) -> list[tuple[str, str | None]]:
    return [
        (e.object_type, e.detail)
        for e in session.scalars(select(AuditEntry).where(AuditEntry.act == act))
    ]


def test_revisit_report_pdf_and_xlsx(session: Session, office: Office) -> None:
    number = office.revisit.number
    flat = compact(pdf_text(documents.revisit_report_pdf(session, office.clerk, office.revisit.id)))
    assert "客户回访报告表" in flat and f"回访编号：{number}" in flat
    assert "报告期限：2026-10-08" in flat
    assert "陕西秦岭建设集团商品混凝土有限公司" in flat and "回访人杨帆" in flat
    assert "满意程度满意（8分）" in flat
    assert "九月三十日上门回访王建国" in flat and "客户满意，可列为重点维护对象。" in flat
    assert "填报情况逾期1个工作日补写（期限2026-10-08）" in flat
    assert "指导意见节前安排专车保供，月底再回访一次。" in flat
    assert "填表人：杨帆" in flat and "客户服务主管：陈静" in flat and "日期：2026-10-09" in flat
    assert "内部资料" in flat

    rows = sheet_rows(documents.revisit_report_xlsx(session, office.clerk, office.revisit.id))
    cells = labelled(rows)
    assert cells["客户名称"] == "陕西秦岭建设集团商品混凝土有限公司"
    assert cells["填表人"] == "杨帆" and cells["审阅人"] == "陈静"
    assert cells["评价"] == "客户满意，可列为重点维护对象。"
    assert cells["指导意见"] == "节前安排专车保供，月底再回访一次。"
    assert [c for c in copies(session, "打印") if c[0] == "revisit"] == [
        ("revisit", "客户回访报告表")
    ]
    assert ("revisit", "客户回访报告表") in copies(session, "导出")


def test_an_unwritten_report_prints_empty_lines_to_fill_by_hand(
    session: Session, admin: User, office: Office
) -> None:
    fresh = revisits.record_revisit(
        session, admin, {"customer_id": office.revisit.customer_id, "visited_on": TODAY}
    )
    flat = compact(pdf_text(documents.revisit_report_pdf(session, admin, fresh.id)))
    assert "客户回访报告表" in flat and "回访过程与结果概述" in flat and "指导意见" in flat
    assert "应于" in flat and "前填写" in flat


def test_visit_brief_pdf_and_xlsx(session: Session, office: Office) -> None:
    flat = compact(pdf_text(documents.visit_brief_pdf(session, office.clerk, office.plan.id)))
    assert "客户拜访简报" in flat
    assert "陕西秦岭建设集团商品混凝土有限公司" in flat and "客户经理王芳" in flat
    assert "王建国（主要）采购经理13891234567" in flat
    assert "2025年12500.005125000.00" in flat
    assert office.revisit.number in flat and "了解P·O42.5水泥" in flat
    assert "目的礼节性拜访" in flat and "地点西安高速公路第三标段" in flat
    assert f"改期1次（原定{TODAY + timedelta(days=1):%Y-%m-%d}）" in flat
    assert "拜访人：" in flat

    rows = sheet_rows(documents.visit_brief_xlsx(session, office.clerk, office.plan.id))
    cells = labelled(rows)
    assert cells["拜访内容"] == "节前拜访，了解下季度用量"
    assert ["王建国（主要）", "采购经理", "13891234567"] in rows
    details = [detail for kind, detail in copies(session, "打印") if kind == "customer"]
    assert len(details) == 1 and details[0].startswith("客户拜访简报")


def test_revisit_plan_list_pdf_and_xlsx(session: Session, office: Office) -> None:
    start, end = TODAY, TODAY + timedelta(days=10)
    flat = compact(pdf_text(documents.revisit_plans_pdf(session, office.clerk, start, end)))
    assert "客户回访计划" in flat
    assert f"计划日期：{start:%Y-%m-%d}至{end:%Y-%m-%d}" in flat
    assert "咸阳张兴商砼有限公司" in flat and "西安高速公路第三标段" in flat
    assert "改期1次" in flat and "制表人：" in flat
    # The other customer's plan is two days out, the moved one three: by day.
    assert flat.index("咸阳张兴商砼") < flat.index("陕西秦岭建设")

    rows = sheet_rows(documents.revisit_plans_xlsx(session, office.clerk, start, end))
    planned = [row for row in rows if row and row[0] in (1, 2)]
    assert [row[2] for row in planned] == [
        "咸阳张兴商砼有限公司",
        "陕西秦岭建设集团商品混凝土有限公司",
    ]
    assert planned[1][-1] == "改期 1 次" and planned[1][-2] == "计划"
    assert labelled(rows)["计划（条）"] == 2
    # The salesman sees his own customer's plan only.
    own = compact(pdf_text(documents.revisit_plans_pdf(session, office.salesman, start, end)))
    assert "陕西秦岭建设" in own and "咸阳张兴商砼" not in own
    with pytest.raises(PermissionDenied):
        documents.revisit_plans_pdf(session, office.archivist, start, end)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        documents.revisit_plans_pdf(session, office.clerk, end, start)


def test_revisit_summary_pdf_and_xlsx(session: Session, office: Office) -> None:
    flat = compact(
        pdf_text(documents.revisit_summary_pdf(session, office.clerk, "2026-09-01", "2026-10-31"))
    )
    assert "客户回访汇总表" in flat and "回访日期：2026-09-01至2026-10-31" in flat
    assert "回访（次）1" in flat and "其中逾期补写1" in flat and "已审阅1" in flat
    assert "定期回访1100.0%" in flat and "满意81100.0%" in flat
    # 杨帆: 1 revisit, 1 written, 0 on time, 1 late, none missing, 1 reviewed, 0.0% on time.
    assert "杨帆11010010.0%" in flat

    rows = sheet_rows(
        documents.revisit_summary_xlsx(session, office.supervisor, "2026-09-01", "2026-10-31")
    )
    cells = labelled(rows)
    assert cells["回访（次）"] == 1 and cells["报告按时率"] == "0.0%"
    assert ["杨帆", 1, 1, 0, 1, 0, 0, 1, "0.0%"] in rows
    assert ("revisit", "1 次回访；全部客户") in copies(session, "导出")
