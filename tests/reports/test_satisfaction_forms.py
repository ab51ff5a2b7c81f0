"""The satisfaction forms as a reader sees them: the 客户满意度调查分析报告 (PDF text read back
with pdftotext, workbook cells with openpyxl) and the blank 客户满意度调查问卷 bundle —
built from hand-made data (tests/reports/satisfaction_data.py), no store involved."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import openpyxl
import pytest

from desktop_crm.reports.forms.questionnaire import (
    QUESTIONNAIRE,
    QuestionnaireSheet,
    render_questionnaires_pdf,
)
from desktop_crm.reports.forms.satisfaction_report import (
    Figures,
    SatisfactionReport,
    check_text,
    percent,
    percent_text,
    reasons_text,
    render_report_pdf,
    render_report_xlsx,
)
from tests.pdf_text import pdf_text
from tests.reports.satisfaction_data import ITEMS, sample_report, sample_sheets, sample_survey

LEVELS = ("很满意", "满意", "基本满意", "不满意", "很不满意")


def compact(text: str) -> str:
    """The text without white space: a table row reads as its cells run together."""
    return "".join(text.split())


def report_pdf(report: SatisfactionReport) -> str:
    buffer = io.BytesIO()
    render_report_pdf(report, buffer)
    return pdf_text(buffer.getvalue())


def report_rows(report: SatisfactionReport) -> list[list[object]]:
    buffer = io.BytesIO()
    render_report_xlsx(report, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    return [
        [v for v in row if v is not None]
        for row in sheet.iter_rows(values_only=True)
        if any(v is not None for v in row)
    ]


def row_starting(rows: list[list[object]], first: object) -> list[object]:
    return next(row for row in rows if row and row[0] == first)


def questionnaire_pages(sheets: list[QuestionnaireSheet], items: tuple[str, ...] = ITEMS):
    """(pages reported, text of each page)."""
    buffer = io.BytesIO()
    count = render_questionnaires_pdf(sample_survey(items), sheets, buffer)
    pages = pdf_text(buffer.getvalue()).split("\f")
    return count, [page for page in pages if page.strip()]


# ------------------------------------------------------------------ the numbers as printed


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("76.25", "76.3"),
        ("76.35", "76.4"),
        ("76.24", "76.2"),
        ("76", "76.0"),
        ("66.6666666666", "66.7"),
        ("99.95", "100.0"),
    ],
)
def test_percentages_have_one_decimal_rounded_half_up(value: str, shown: str) -> None:
    assert str(percent(Decimal(value))) == shown
    assert percent_text(Decimal(value)) == f"{shown}%"


def test_targets_are_judged_in_words_on_the_printed_figure() -> None:
    assert check_text(Decimal("80"), Decimal("80")) == "达标"
    assert check_text(Decimal("79.94"), Decimal("80")) == "未达标"
    assert check_text(Decimal("79.95"), Decimal("80")) == "达标"  # printed as 80.0
    assert check_text(None, Decimal("80")) == "无法判定"
    assert check_text(85, None) == "—"


def test_identical_reasons_are_counted_and_the_rest_summed() -> None:
    assert reasons_text(["破袋", " 破袋", "结块", ""]) == "破袋（2 次）；结块"
    assert reasons_text([]) == "（未说明原因）"
    many = [f"原因{n}" for n in range(10)] + ["原因0"]
    assert reasons_text(many, limit=3).endswith("另有 7 条其他原因")


# ------------------------------------------------------------------ the analysis report


def test_report_pdf_reads_facts_figures_verdicts_and_plan() -> None:
    text = report_pdf(sample_report())
    flat = compact(text)
    assert "客户满意度调查分析报告" in flat
    for fact in (
        "调查编号：MY2026-03",
        "2026年第三季度重点客户满意度调查",
        "常规-重点客户",
        "2026-07-01至2026-09-30",
        "书面问卷（邮寄、上门发放）",
        "满意度80.0%，满意率90.0%",
        "客户18份，经销商7份，自评6份，合计31份",
        "华北化工6份，鲁中化肥5份，合计11份",
        "调查部分只收回25份问卷，少于100份。",
    ):
        assert fact in flat, fact
    # per part against the targets (满意度 80, 满意率 90), verdicts in words
    assert "调查部分（客户、经销商）60%2517579.7未达标90.9达标" in flat
    assert "其中：经销商74979.2未达标89.8未达标" in flat
    assert "分组：前20名客户85688.6—100.0达标" in flat
    assert "自评部分（销售人员）40%64281.9达标95.2达标" in flat
    assert "总体（加权）100%21780.6达标92.6达标" in flat
    assert "总体（自评40%＋调查60%）：满意度80.6%（指标80.0%，达标）" in flat
    assert "前20名客户：满意率100.0%（指标100.0%，达标）。" in flat
    assert "总体满意度上升1.5个百分点" in flat
    # the regulation's worked example is the first item: 76% and 84%
    assert "产品功能(主要性能)105631" + "2576.084.0" in flat
    assert "合计695337133" + "17579.790.9" in flat
    # the charts: captions, legends, the items under the bars, the surveys on the trend
    for words in (
        "各项目满意度（%）",
        "调查部分",
        "自评部分",
        "满意度指标",
        "总体满意度趋势",
        "MY2025-03",
        "MY2026-03（本次）",
        "各项目满意度：本公司与竞争对手",
        "售后服务水平",
    ):
        assert words in flat, words
    # competitors: the table and our lead over each
    assert "华北化工668.681.0+11.1+9.9" in flat
    assert "鲁中化肥575.488.6+4.3+2.3" in flat
    # dissatisfied items with their reasons, the plan, the meeting, the signatures
    assert "1包装质量5276／1包装袋易破（3次）；封口不严；破袋率偏高" in flat
    assert "3交货期303（未说明原因）" in flat
    assert "更换供应商的包装袋，增加封口检验" in flat
    assert "进货检验增加拉力试验" in flat
    assert "2026-11-30" in flat and "破袋投诉下降（2026-12-15验证）" in flat
    assert "会议日期2026-10-12状态已召开" in flat
    assert "会议纪要包装质量为主要问题，由质检部牵头改进。" in flat
    assert "调查对象名单30家，已收回24家（回收率80.0%）" in flat
    assert "王强（市场营销部）、李敏（质检部）" in flat
    assert "售后服务部（编制）：" in flat and "审批（经理）：" in flat
    assert "第1页共" in flat


def test_a_part_without_answers_says_so_instead_of_a_number() -> None:
    report = sample_report(with_self=False)
    flat = compact(report_pdf(report))
    assert "自评部分（销售人员）40%00无答卷无法判定无答卷无法判定" in flat
    assert "总体（加权）100%无法计算无法判定无法计算无法判定" in flat
    assert "自评部分：无答卷，无满意度和满意率数值。" in flat
    assert "总体：自评部分无答卷，不计算总体满意度和满意率（缺少的部分不以零计）。" in flat
    # every item of the empty part says it too, and its bars are marked, not zero
    assert "外观00000" + "0无答卷无答卷" in flat
    # the service's own reason is printed when it gives one
    reason = "自评部分（销售人员）没有答卷，无法按“自评 40%＋调查 60%”计算总体满意度和满意率。"
    told = dataclasses.replace(report, overall=Figures(note=reason))
    assert compact(reason) in compact(report_pdf(told))


def test_half_up_figures_in_pdf_and_workbook() -> None:
    report = dataclasses.replace(
        sample_report(),
        survey_part=Figures(Decimal("76.25"), Decimal("76.35"), 40),
        overall=Figures(Decimal("80.05"), Decimal("90.15"), 46),
    )
    flat = compact(report_pdf(report))
    assert "调查部分（客户、经销商）60%254076.3未达标76.4未达标" in flat
    assert "总体（加权）100%4680.1达标90.2达标" in flat
    rows = report_rows(report)
    survey_row = row_starting(rows, "调查部分（客户、经销商）")
    assert survey_row[4:] == [76.3, "未达标", 76.4, "未达标"]


def test_report_workbook_cells() -> None:
    rows = report_rows(sample_report())
    assert rows[0] == ["客户满意度调查分析报告"]
    assert ["调查编号", "MY2026-03", "调查名称", "2026年第三季度重点客户满意度调查"] in rows
    assert row_starting(rows, "回收问卷") == [
        "回收问卷",
        "客户 18 份，经销商 7 份，自评 6 份，合计 31 份",
    ]
    assert row_starting(rows, "总体（加权）") == [
        "总体（加权）", "100%", 217, 80.6, "达标", 92.6, "达标",
    ]  # fmt: skip
    header = ["评价项目", *LEVELS, "评价数", "满意度\n(%)", "满意率\n(%)"]
    assert rows.count(header) == 2  # one table per part
    first = rows.index(header)
    assert rows[first + 1] == ["产品功能(主要性能)", 10, 5, 6, 3, 1, 25, 76, 84]
    # the charts' figures as tables; a survey without an overall figure reads 无
    trend = rows.index(["调查", "总体满意度", "总体满意率"])
    assert rows[trend + 3] == ["MY2026-01", "无", "无"]
    assert rows[trend + 5] == ["MY2026-03（本次）", 80.6, 92.6]
    versus = rows.index(["评价项目", "本公司", "华北化工", "鲁中化肥"])
    assert rows[versus + 7] == ["售后服务水平", 83.2, 76.0, "无"]
    assert row_starting(rows, 1)[:6] == [1, "包装质量", 5, 2, 7, "6／1"]
    assert ["售后服务部（编制）：", "日期："] in rows
    # the numbers are numbers in Excel, shown with their one decimal
    buffer = io.BytesIO()
    render_report_xlsx(sample_report(), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == 79.7)
    assert cell.number_format == "0.0"


def test_empty_survey_still_prints_with_words_for_every_chart() -> None:
    report = SatisfactionReport(number="MY2026-09", name="特殊调查", kind="特殊")
    flat = compact(report_pdf(report))
    assert "未收回问卷" in flat and "未收回竞争对手问卷" in flat
    assert flat.count("（无数据）") == 1  # the per-item chart
    assert "（无数据：尚无同类调查的总体数值）" in flat
    assert "（无数据：未收回竞争对手问卷）" in flat
    assert "总体：调查部分和自评部分均无答卷，不计算总体满意度和满意率。" in flat
    assert "售后服务部（编制）：" in flat
    rows = report_rows(report)
    assert row_starting(rows, "总体（加权）")[-4:] == ["无法计算", "—", "无法计算", "—"]


# ------------------------------------------------------------------ the questionnaires


def test_questionnaire_bundle_one_page_per_respondent() -> None:
    sheets = sample_sheets(3)
    count, pages = questionnaire_pages(sheets)
    assert count == 3 and len(pages) == 3
    for sheet, page in zip(sheets, pages, strict=True):
        flat = compact(page)
        assert "客户满意度调查问卷" in flat
        assert "2026年第三季度重点客户满意度调查" in flat
        assert f"客户名称：{sheet.customer}" in flat
        assert f"竞争对手名称：{sheet.competitor}" in flat
        assert f"客户编号：{sheet.code}" in flat and "调查编号：MY2026-03" in flat
        # the instruction, both rating tables with every item and the five levels
        assert "打“√”" in flat and "请于2026-09-20前将问卷寄回" in flat
        assert "对河北某某化肥有限公司的支持" in flat
        assert flat.count("".join(LEVELS)) == 2
        for item in ITEMS:
            assert flat.count(item) == 2, item
        assert "不满意的原因" in flat and "（选“不满意”“很不满意”时填写）" in flat
        assert "一、对本公司产品和服务的评价" in flat
        assert "二、对竞争对手的评价" in flat
        assert "三、意见和建议（反馈）" in flat
        assert "填表人身份：客户经销商" in flat
        assert "填表人（签字）：" in flat and "联系电话：" in flat and "日期：" in flat
    assert "石家庄第2农资有限公司" not in compact(pages[0])


def test_blank_questionnaire_and_ticked_respondent_type() -> None:
    count, pages = questionnaire_pages([])
    assert count == 1
    flat = compact(pages[0])
    assert "客户名称：填表人身份" in flat  # a blank line to write the name on
    assert "√" not in flat.replace("打“√”", "")
    _count, pages = questionnaire_pages([QuestionnaireSheet("某经销处", respondent_type="经销商")])
    assert "√" in compact(pages[0]).replace("打“√”", "")


def test_many_items_move_the_competitor_part_to_a_second_page() -> None:
    items = (
        *ITEMS,
        "价格",
        "技术服务",
        "订货便利",
        "发票及时",
        "物流跟踪",
        "投诉处理",
        "业务员拜访",
    )
    count, pages = questionnaire_pages(sample_sheets(2), items)
    assert count == 4 and len(pages) == 4
    first, second = compact(pages[0]), compact(pages[1])
    assert "一、对本公司产品和服务的评价" in first and "二、对竞争对手的评价" not in first
    assert "客户满意度调查问卷（续）" in second and "客户名称：石家庄第1农资有限公司" in second
    assert "二、对竞争对手的评价" in second and "业务员拜访" in second
    assert "第1页共2页" in first and "第2页共2页" in second
    assert "石家庄第2农资有限公司" in compact(pages[2])


def test_five_hundred_questionnaires_make_five_hundred_pages() -> None:
    count, pages = questionnaire_pages(sample_sheets(500))
    assert count == 500 and len(pages) == 500
    assert "石家庄第500农资有限公司" in compact(pages[-1])


def test_the_questionnaire_text_is_layout_data() -> None:
    """The office's own wording is one edit of the layout."""
    layout = dataclasses.replace(
        QUESTIONNAIRE, title="顾客满意度测评表", levels=("5", "4", "3", "2", "1")
    )
    buffer = io.BytesIO()
    render_questionnaires_pdf(sample_survey(), sample_sheets(1), buffer, layout=layout)
    flat = compact(pdf_text(buffer.getvalue()))
    assert "顾客满意度测评表" in flat and "54321" in flat and "很满意" not in flat
