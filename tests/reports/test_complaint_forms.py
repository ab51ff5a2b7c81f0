"""The complaint forms and reports as a user reads them: the record of one complaint, the
record of one revisit, the week's 客户投诉记录表 and the month's 顾客投诉统计分析报告表 —
PDF text read back with pdftotext, workbook cells with openpyxl, the month's figures against a
count by hand (October 2026 against September 2026)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import AuditEntry, Complaint, Department, Revisit, User
from desktop_crm.reports.forms.complaint_month import COMPLAINT_MONTH
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.services import complaint_stats, complaints, customers, revisits, staff
from desktop_crm.services.errors import PermissionDenied, ValidationError
from tests.pdf_text import pdf_text

HEADS = [("市场营销部负责人 王强", "电话"), ("质检部负责人 李敏", "电子邮件")]
TODAY = date(2026, 11, 26)  # the overdue counts are taken as of this day


# ------------------------------------------------------------------ the office's complaints


def department_id(session: Session, code: str) -> int:
    found = session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None
    return found


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


@dataclass
class Book:
    """Complaints C1–C8 received in October 2026, S1–S3 in September 2026 (see build)."""

    clerk: User
    zhang: User
    li: User
    archivist: User
    qinling: int  # customer of 张伟
    huasheng: int  # customer of 李娜
    c: dict[str, Complaint] = field(default_factory=dict)
    r: dict[str, Revisit] = field(default_factory=dict)


def build(session: Session, admin: User) -> Book:
    """Every complaint goes through the complaint service, every revisit through the
    revisit service, with the moments the users would type in.

    October 2026 (1–7 holiday, 10 Saturday a working day; 12–30 plain weeks):
      C1 受潮结块  10-19 reported same day, 我方原因 质检部 10-20, solution 10-21,
                   done 10-22 (3 working days, on time); revisit 10-23 满意, closed
      C2 袋重异议  10-20 reported 10-21 (late), 非我方原因 售后服务部, done 10-23 (3, late)
      C3 受潮结块  10-21 (李娜's customer) 我方原因 质检部 10-21, solution 10-27 (due
                   10-26: late), done 10-28 (5)
      C4 服务态度  10-22 service, 投诉不成立 10-23 (1, on time); revisit 10-26 基本满意
      C5 产品质量  10-26 reported, being investigated (no deadline yet)
      C6 服务效率  10-27 reported, investigation due 10-28: overdue
      C7 产品质量  10-28 未遂质量事故, never reported: overdue
      C8 破损过大  10-12 我方原因 质检部, done 10-14; revisit 10-15 不满意 → round 2:
                   我方原因 10-16, solution 10-19, done 10-20 (6, on time); revisit 10-21 很满意
    September 2026:
      S1 受潮结块  09-14 我方原因 质检部, solution 09-15, done 09-16 (2); revisit 09-17 很满意
      S2 袋数不足  09-15 (李娜's customer) 非我方原因, done 09-18 (3)
      S3 受潮结块  09-16 never reported: overdue
    """
    book = Book(
        clerk=person(session, admin, "陈客服", "YXB", "客户服务专员"),
        zhang=person(session, admin, "张伟", "YXB", "客户开发专员"),
        li=person(session, admin, "李娜", "SHB", "客户开发专员"),
        archivist=person(session, admin, "钱档案", "BGS", "档案管理员"),
        qinling=0,
        huasheng=0,
    )
    book.qinling = customers.save_customer(
        session,
        admin,
        {"name": "陕西秦岭建设集团商品混凝土有限公司", "owner_id": book.zhang.id},
    ).id
    book.huasheng = customers.save_customer(
        session, admin, {"name": "西安华盛商混站", "owner_id": book.li.id}
    ).id
    zjb, shb = department_id(session, "ZJB"), department_id(session, "SHB")
    clerk = book.clerk

    def register(label: str, received: str, category: str, customer: int = 0, **more) -> int:
        values = {
            "received_at": received,
            "channel": "电话",
            "customer_id": customer or book.qinling,
            "category": category,
            "content": f"{category}：工地反映的问题（{label}）",
            "demand": "尽快处理",
            "product": "P·O 42.5 袋装水泥",
            "spec_batch": "P·O42.5 / 20261002-03",
            "quantity": "30 吨",
            "contact_name": "赵建国",
            "contact_phone": "13809180001",
            **more,
        }
        complaint = complaints.register(session, clerk, values)
        book.c[label] = complaint
        return complaint.id

    def ours(cid: int, found: str, proposed: str, done: str) -> None:
        complaints.find_cause(session, clerk, cid, "我方原因", zjb, "包装车间 刘强", found_at=found)
        complaints.propose_solution(
            session, clerk, cid, "更换受损水泥并赔偿运费", proposed_at=proposed
        )
        complaints.finish(session, clerk, cid, "已更换 30 袋，客户签收", handled_at=done)

    def revisit(label: str, cid: int, day: str, level: str) -> None:
        book.r[label] = revisits.record_revisit(
            session,
            clerk,
            {
                "complaint_id": cid,
                "visited_on": day,
                "method": "电话",
                "contact_name": "赵建国",
                "discussion": "询问处理结果及使用情况",
                "needs": "希望雨季加强包装防潮",
                "satisfaction": level,
            },
        )

    # September 2026
    s1 = register("S1", "2026-09-14 09:00", "受潮结块")
    complaints.report(session, clerk, s1, HEADS, "2026-09-14 10:00")
    ours(s1, "2026-09-14 15:00", "2026-09-15 09:00", "2026-09-16 16:00")
    revisit("S1", s1, "2026-09-17", "很满意")
    s2 = register("S2", "2026-09-15 09:00", "袋数不足", book.huasheng)
    complaints.report(session, clerk, s2, HEADS, "2026-09-15 11:00")
    complaints.find_cause(
        session, clerk, s2, "非我方原因", explanation="发货单数量无误", found_at="2026-09-16 10:00"
    )
    complaints.finish(session, clerk, s2, "已向客户说明", handled_at="2026-09-18 10:00")
    register("S3", "2026-09-16 09:00", "受潮结块")

    # October 2026
    c8 = register("C8", "2026-10-12 09:00", "破损过大")
    complaints.report(session, clerk, c8, HEADS, "2026-10-12 09:30")
    ours(c8, "2026-10-12 15:00", "2026-10-13 09:00", "2026-10-14 16:00")
    revisit("C8-1", c8, "2026-10-15", "不满意")
    ours(c8, "2026-10-16 10:00", "2026-10-19 09:00", "2026-10-20 16:00")
    revisit("C8-2", c8, "2026-10-21", "很满意")

    c1 = register("C1", "2026-10-19 09:00", "受潮结块")
    complaints.report(session, clerk, c1, HEADS, "2026-10-19 10:00")
    complaints.site_check(
        session, clerk, c1, "赵质检", "2026-10-19 15:00", "现场 30 袋结块", True, True
    )
    ours(c1, "2026-10-20 10:00", "2026-10-21 09:00", "2026-10-22 16:00")
    revisit("C1", c1, "2026-10-23", "满意")
    complaints.close(session, clerk, c1, "客户满意")

    c2 = register("C2", "2026-10-20 09:00", "袋重异议")
    complaints.report(session, clerk, c2, HEADS, "2026-10-21 09:00")
    complaints.find_cause(
        session,
        clerk,
        c2,
        "非我方原因",
        shb,
        explanation="抽检袋重合格",
        found_at="2026-10-21 15:00",
    )
    complaints.finish(session, clerk, c2, "已书面答复客户", handled_at="2026-10-23 10:00")

    c3 = register("C3", "2026-10-21 09:00", "受潮结块", book.huasheng)
    complaints.report(session, clerk, c3, HEADS, "2026-10-21 10:00")
    ours(c3, "2026-10-21 14:00", "2026-10-27 09:00", "2026-10-28 16:00")

    c4 = register("C4", "2026-10-22 09:00", "服务态度")
    complaints.report(session, clerk, c4, HEADS, "2026-10-22 09:30")
    complaints.find_cause(
        session,
        clerk,
        c4,
        "投诉不成立",
        explanation="录音证实司机态度正常",
        found_at="2026-10-23 10:00",
    )
    revisit("C4", c4, "2026-10-26", "基本满意")

    c5 = register("C5", "2026-10-26 09:00", "产品质量")
    complaints.report(session, clerk, c5, HEADS, "2026-10-26 10:00")
    c6 = register("C6", "2026-10-27 09:00", "服务效率")
    complaints.report(session, clerk, c6, HEADS, "2026-10-27 10:00")
    register("C7", "2026-10-28 09:00", "产品质量", accident="未遂质量事故")
    return book


@pytest.fixture
def book(session: Session, admin: User) -> Book:
    return build(session, admin)


# ------------------------------------------------------------------ reading the files


def compact(text: str) -> str:
    """The text without white space: a table row reads as its cells run together."""
    return "".join(text.split())


def sheet_rows(content: bytes) -> list[list[object]]:
    """Each row's non-empty cells, in order."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    return [row for row in rows if row]


def labelled(rows: list[list[object]]) -> dict[object, object]:
    """label → the cell after it, for the label/value grids."""
    found: dict[object, object] = {}
    for row in rows:
        for label, value in zip(row[::2], row[1::2], strict=False):
            found.setdefault(label, value)
    return found


def row_starting(rows: list[list[object]], first: object) -> list[object]:
    return next(row for row in rows if row[0] == first)


# ------------------------------------------------------------------ one complaint


def test_complaint_record_pdf_holds_every_section_round_and_signature(
    session: Session, book: Book
) -> None:
    c8 = book.c["C8"]
    text = pdf_text(documents.complaint_record_pdf(session, book.clerk, c8.id))
    flat = compact(text)
    assert "顾客产品质量投诉调查处理记录" in text
    assert f"投诉编号：{c8.number}" in flat and "状态：已回访" in flat
    assert "陕西秦岭建设集团商品混凝土有限公司" in flat
    assert "投诉类别破损过大" in flat and "投诉方式电话" in flat
    assert "规格/批号P·O42.5/20261002-03" in flat and "受理人陈客服" in flat
    # 上报 to the heads, on the day
    assert "市场营销部负责人王强电话2026-10-1209:30陈客服" in flat
    assert "上报情况已于受理当日上报" in flat
    # the finding, the solution and the result of the current round
    assert "原因我方原因" in flat and "责任部门质检部" in flat and "责任人包装车间刘强" in flat
    assert "处理方案更换受损水泥并赔偿运费" in flat
    assert "处理用时(工作日)6" in flat and "是否按期按期" in flat
    assert "处理轮次第2轮" in flat and "处理级别部门负责人" in flat
    # both rounds' steps and both revisits
    assert "第1轮" in flat and "第2轮" in flat and flat.count("处理完毕") >= 2
    assert "不满意" in flat and "重新处理" in flat
    assert book.r["C8-1"].number in flat and book.r["C8-2"].number in flat
    for label in ("受理人：", "质检部：", "责任部门：", "市场营销部负责人：", "日期："):
        assert label in flat
    assert flat.count("日期：") == 4
    assert "内部资料" in text


def test_complaint_record_xlsx_cells(session: Session, book: Book) -> None:
    c2 = book.c["C2"]
    rows = sheet_rows(documents.complaint_record_xlsx(session, book.clerk, c2.id))
    cells = labelled(rows)
    assert rows[0] == ["内部资料"] and rows[1] == ["顾客产品质量投诉调查处理记录"]
    assert cells["受理时间"] == datetime(2026, 10, 20, 9, 0)
    assert cells["客户名称"] == "陕西秦岭建设集团商品混凝土有限公司"
    assert cells["投诉类别"] == "袋重异议"
    assert cells["原因"] == "非我方原因" and cells["责任部门"] == "售后服务部"
    assert cells["向客户的说明"] == "抽检袋重合格"
    assert cells["处理用时(工作日)"] == 3
    assert cells["是否按期"] == "超期"  # reported the day after it was received
    assert cells["上报情况"] == "未按期上报（2026-10-21 09:00 上报）"
    assert ["受理人：", "日期：", "质检部：", "日期："] in rows
    assert ["责任部门：", "日期：", "市场营销部负责人：", "日期："] in rows


def test_complaint_record_needs_the_print_right_and_is_audited(
    session: Session, book: Book
) -> None:
    c1 = book.c["C1"]
    with pytest.raises(PermissionDenied):
        documents.complaint_record_pdf(session, book.archivist, c1.id)
    with pytest.raises(PermissionDenied):  # 李娜 prints only her own customers' complaints
        documents.complaint_record_pdf(session, book.li, c1.id)
    documents.complaint_record_pdf(session, book.zhang, c1.id)
    documents.complaint_record_xlsx(session, book.zhang, c1.id)
    acts = session.execute(
        select(AuditEntry.act, AuditEntry.object_label, AuditEntry.user_name).where(
            AuditEntry.object_type == "complaint",
            AuditEntry.object_id == str(c1.id),
            AuditEntry.act.in_(("打印", "导出")),
        )
    ).all()
    label = f"{c1.number} 陕西秦岭建设集团商品混凝土有限公司"
    assert sorted(acts) == [("导出", label, "张伟"), ("打印", label, "张伟")]


# ------------------------------------------------------------------ one revisit


def test_revisit_record_pdf_and_xlsx(session: Session, book: Book) -> None:
    unsatisfied = book.r["C8-1"]
    flat = compact(pdf_text(documents.revisit_record_pdf(session, book.clerk, unsatisfied.id)))
    assert "客户投诉回访记录" in flat and f"回访编号：{unsatisfied.number}" in flat
    assert "陕西秦岭建设集团商品混凝土有限公司" in flat
    assert f"投诉编号{book.c['C8'].number}" in flat and "处理轮次第1轮" in flat
    assert "■不满意" in flat and "□很满意" in flat
    assert "转入重新处理" in flat
    assert "回访人：" in flat and "客户：" in flat

    rows = sheet_rows(documents.revisit_record_xlsx(session, book.clerk, book.r["C1"].id))
    cells = labelled(rows)
    assert cells["回访日期"] == datetime(2026, 10, 23)
    assert cells["回访人"] == "陈客服" and cells["回访方式"] == "电话"
    assert cells["客户需求与意见"] == "希望雨季加强包装防潮"
    assert cells["满意程度"] == "□很满意　■满意　□基本满意　□不满意　□很不满意"
    assert "可以结案" in str(cells["回访结论"])
    assert ["回访人：", "日期：", "客户：", "日期："] in rows
    with pytest.raises(PermissionDenied):
        documents.revisit_record_pdf(session, book.archivist, unsatisfied.id)


# ------------------------------------------------------------------ the week


def test_week_register_lists_the_weeks_complaints_one_row_each(
    session: Session, book: Book
) -> None:
    data = complaint_stats.week_report_data(session, book.clerk, "2026-W43", as_of=TODAY)
    assert data["period_text"] == "2026-10-19 至 2026-10-25"
    assert [row["number"] for row in data["rows"]] == [
        book.c[label].number for label in ("C1", "C2", "C3", "C4")
    ]
    assert (data["total"], data["handled"], data["late"], data["average_days"]) == (
        4,
        4,
        2,
        Decimal("3.0"),  # (3 + 3 + 5 + 1) / 4
    )
    flat = compact(pdf_text(documents.complaint_week_pdf(session, book.clerk, "2026-W43")))
    assert "客户投诉记录表" in flat and "周次：2026年第43周" in flat
    c1, c3 = book.c["C1"].number, book.c["C3"].number
    assert f"1{c1}2026-10-19陕西秦岭建设集团商品混凝土有限公司受潮结块" in flat
    assert "已结案按期" in flat and "已处理超期" in flat
    assert "受理（件）4已处理（件）4未处理（件）0" in flat
    for label in ("填表人：", "部门负责人：", "日期："):
        assert label in flat

    quality = department_id(session, "ZJB")
    rows = sheet_rows(documents.complaint_week_xlsx(session, book.clerk, "2026-W43", quality))
    assert "部门：质检部" in rows[2]
    numbers = [row[1] for row in rows if isinstance(row[0], int)]
    assert numbers == [c1, c3]
    c3_row = next(row for row in rows if c3 in row)
    assert c3_row[2] == datetime(2026, 10, 21) and "西安华盛商混站" in c3_row


def test_week_of_the_overdue_complaints(session: Session, book: Book) -> None:
    data = complaint_stats.week_report_data(session, book.clerk, "2026-W44", as_of=TODAY)
    states = {row["number"]: row["handling"] for row in data["rows"]}
    assert states == {
        book.c["C5"].number: "已上报",
        book.c["C6"].number: "已上报\n逾期",
        book.c["C7"].number: "已登记\n逾期",
    }
    assert (data["total"], data["open"], data["overdue"]) == (3, 3, 2)


# ------------------------------------------------------------------ the month


def test_month_statistics_match_a_count_by_hand(session: Session, book: Book) -> None:
    data = complaint_stats.month_report_data(session, book.clerk, "2026-10", as_of=TODAY)
    october, september = data["stats"], data["previous_stats"]
    assert october.total == 8 and september.total == 3
    assert october.by_category == {
        "受潮结块": 2, "袋重异议": 1, "服务态度": 1, "产品质量": 2, "服务效率": 1, "破损过大": 1,
    }  # fmt: skip
    assert october.by_cause == {"我方原因": 3, "非我方原因": 1, "投诉不成立": 1, "未认定": 3}
    assert october.by_department == {"质检部": 3, "售后服务部": 1, "未定责任部门": 4}
    assert october.accidents == 1 and october.overdue_open == 2
    # handled: C1 3, C2 3, C3 5, C4 1, C8 6 working days; C2 and C3 late
    assert (october.handled, october.handling_days) == (5, 18)
    assert october.average_days == Decimal("3.6") and october.on_time_rate == Decimal("60.0")
    assert (september.handled, september.average_days, september.on_time_rate) == (
        2,
        Decimal("2.5"),
        Decimal("100.0"),
    )
    # revisits: 很满意 10 + 满意 8 + 基本满意 6 + 不满意 4 = 28 of 40
    assert october.satisfaction == {"很满意": 1, "满意": 1, "基本满意": 1, "不满意": 1}
    assert october.satisfaction_degree == Decimal("70.0")
    assert october.satisfaction_rate == Decimal("75.0")
    quality = next(row for row in data["departments"] if row["name"] == "质检部")
    assert quality == {
        "name": "质检部", "count": 3, "share": "37.5%", "last": 1, "change": "+2",
        "average_days": Decimal("4.7"), "on_time_rate": "66.7%",  # (3 + 5 + 6) / 3; C3 late
    }  # fmt: skip


def test_month_report_pdf_reads_as_the_hand_count(session: Session, book: Book) -> None:
    text = pdf_text(documents.complaint_month_pdf(session, book.clerk, "2026-10"))
    flat = compact(text)
    assert "顾客投诉统计分析报告表" in flat and "统计月份：2026年10月" in flat
    assert "2026年10月共受理顾客投诉8件，比上月增加5件" in flat
    rows = (
        "投诉总数（件）83+5",
        "已处理（件）52+3",
        "平均处理用时（工作日）3.62.5+1.1",
        "按期处理率60.0%100.0%-40.0个百分点",
        "逾期未处理（件）21+1",
        "重大/未遂质量事故（件）10+1",
        "回访满意度70.0%100.0%-30.0个百分点",
        "回访满意率75.0%100.0%-25.0个百分点",
        "受潮结块225.0%20",  # category, this month, share, last month, change
        "袋数不足00.0%1-1",
        "质检部337.5%1+24.766.7%",
        "我方原因337.5%1+2",
        "未认定337.5%1+2",
        "不满意4125.0%0+1",
        "合计8100.0%3+5",
    )
    for row in rows:
        assert row in flat, row
    # the bar chart: its caption, legend and the category names under the bars
    assert "投诉类别分布（本月与上月）" in flat and "本月上月" in flat
    assert flat.count("散装亏吨超标") >= 2  # in the table and under its bar
    for label in ("制表人：", "市场营销部负责人：", "总经室审阅："):
        assert label in flat


def test_month_report_xlsx_cells(session: Session, book: Book) -> None:
    rows = sheet_rows(documents.complaint_month_xlsx(session, book.clerk, "2026-10"))
    assert row_starting(rows, "投诉总数（件）") == ["投诉总数（件）", 8, 3, "+5"]
    assert row_starting(rows, "平均处理用时（工作日）")[1:] == [3.6, 2.5, "+1.1"]  # numbers
    assert row_starting(rows, "按期处理率")[1:] == ["60.0%", "100.0%", "-40.0个百分点"]
    assert row_starting(rows, "受潮结块") == ["受潮结块", 2, "25.0%", 2, "0"]
    # the chart's figures as a table: category, this month, last month
    chart = rows.index(["投诉类别", "本月", "上月"])
    assert rows[chart + 4] == ["受潮结块", 2, 2]
    assert ["合计", 8, "100.0%", 3, "+5"] in rows


def test_month_counts_only_what_the_reader_may_see(session: Session, book: Book) -> None:
    zhang = complaint_stats.month_stats(
        session, book.zhang, complaint_stats.parse_month("2026-10"), as_of=TODAY
    )
    assert zhang.total == 7  # C3 is 李娜's customer's
    assert (zhang.handled, zhang.handling_days, zhang.on_time_rate) == (4, 13, Decimal("75.0"))
    li = complaint_stats.month_report_data(session, book.li, "2026-10", as_of=TODAY)
    assert (li["stats"].total, li["previous_stats"].total) == (1, 1)
    assert li["scope_text"] == "本人负责的客户（李娜）"
    with pytest.raises(PermissionDenied):
        documents.complaint_month_pdf(session, book.archivist, "2026-10")
    documents.complaint_month_xlsx(session, book.li, "2026-10")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.object_label == "顾客投诉统计分析报告表 2026-10")
    ).one()
    assert (entry.act, entry.user_name) == ("导出", "李娜")


def test_an_empty_month_still_prints(session: Session, admin: User) -> None:
    text = compact(pdf_text(documents.complaint_month_pdf(session, admin, "2026-01")))
    assert "2026年1月未受理顾客投诉" in text and "（无数据）" in text
    assert "投诉总数（件）000" in text


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (complaint_stats.parse_iso_week, "2026-47", "2026-W47"),
        (complaint_stats.parse_iso_week, "2026-W60", "没有第 60 周"),
        (complaint_stats.parse_iso_week, "2026-W00", "没有第 0 周"),
        (complaint_stats.parse_month, "2026-13", "2026-11"),
        (complaint_stats.parse_month, "十一月", "2026-11"),
    ],
)
def test_bad_week_or_month_is_refused_in_chinese(parse, text: str, words: str) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        parse(text)
    assert words in refused.value.message and text in refused.value.message


def test_periods() -> None:
    week = complaint_stats.parse_iso_week("2026-w1")
    assert (week.start, week.end, week.code) == (date(2025, 12, 29), date(2026, 1, 5), "2026-W01")
    december = complaint_stats.parse_month("2026-12")
    assert (december.start, december.end, december.label) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
        "2026年12月",
    )
    assert complaint_stats.previous_month(complaint_stats.parse_month("2026-01")).code == "2025-12"


def test_chart_block_draws_bars_and_many_labels_slant(tmp_path) -> None:  # noqa: ANN001
    """The chart alone, with long labels and decimals: the PDF is made and names each bar."""
    names = ["散装亏吨超标", "袋重异议", "破损过大", "受潮结块", "服务效率", "其他服务"]
    data = {
        "month_text": "2026年10月",
        "category_chart": [{"name": n, "this": i * 3, "last": 2.5} for i, n in enumerate(names)],
    }
    buffer = io.BytesIO()
    render_pdf(COMPLAINT_MONTH, data, buffer)
    flat = compact(pdf_text(buffer.getvalue()))
    for name in names:
        assert name in flat
    assert "2.5" in flat and "15" in flat
