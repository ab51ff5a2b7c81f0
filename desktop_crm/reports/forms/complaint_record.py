"""顾客产品质量投诉调查处理记录: one complaint on A4 (DOMAIN §2, §6 item 1).

The data mapping comes from services.complaint_stats.complaint_record_data; its keys are the
``key`` values below. Tables: ``reports`` (上报), ``steps`` (every round's moves) and
``revisits`` (lists of dicts). Signed by hand by the 受理人, 质检部, the responsible
department and the 市场营销部负责人.
"""

from __future__ import annotations

from ..layout import (
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
)

COMPLAINT_RECORD = FormLayout(
    title="顾客产品质量投诉调查处理记录",
    sheet_name="投诉调查处理记录",
    subject_key="number",
    number_line=(
        Field("number", "投诉编号"),
        Field("state", "状态"),
        Field("received_at", "受理时间"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "投诉登记",
            (
                Field("received_at", "受理时间"),
                Field("received_by", "受理人"),
                Field("channel", "投诉方式"),
                Field("category", "投诉类别"),
                Field("customer_name", "客户名称"),
                Field("customer_code", "客户编号"),
                Field("contact_name", "联系人"),
                Field("contact_phone", "联系电话"),
                Field("product", "产品"),
                Field("spec_batch", "规格/批号"),
                Field("shipped_on", "发货日期"),
                Field("quantity", "数量"),
                Field("occurred_on", "发生时间"),
                Field("place", "地点"),
                Field("parties", "当事人"),
                Field("kind", "投诉性质"),
                Field("narrative", "经过", 2),
                Field("content", "投诉内容", 2),
                Field("demand", "客户要求", 2),
            ),
        ),
        TableBlock(
            "上报记录",
            "reports",
            (
                Column("recipient", "上报对象", 3.0),
                Column("way", "上报方式", 1.2, "center"),
                Column("reported_at", "上报时间", 1.8, "center"),
                Column("reported_by", "上报人", 1.2, "center"),
            ),
            blank_rows=3,
            numbered=True,
        ),
        FieldGrid(None, (Field("report_status", "上报情况", 2),)),
        FieldGrid(
            "调查核实",
            (
                Field("site_checker", "现场核实人"),
                Field("site_arrived_at", "到达时间"),
                Field("findings", "核实情况", 2),
                Field("customer_confirmed", "客户确认"),
                Field("qc_confirmed", "质检部确认"),
            ),
        ),
        FieldGrid(
            "原因认定",
            (
                Field("cause", "原因"),
                Field("cause_found_at", "认定时间"),
                Field("responsible_department", "责任部门"),
                Field("responsible_person", "责任人"),
                Field("explanation", "向客户的说明", 2),
            ),
        ),
        FieldGrid(
            "处理",
            (
                Field("solution", "处理方案", 2),
                Field("solution_at", "方案提出时间"),
                Field("handled_at", "处理完毕时间"),
                Field("result", "处理结果", 2),
                Field("handling_days", "处理用时(工作日)"),
                Field("on_time", "是否按期"),
                Field("round", "处理轮次"),
                Field("escalation", "处理级别"),
                Field("next_deadline", "下一期限"),
                Field("closed_at", "结案时间"),
            ),
        ),
        FieldGrid(
            "质量事故",
            (
                Field("accident", "事故类别"),
                Field("accident_class", "生产技术部界定"),
                Field("accident_opinion", "处理意见", 2),
            ),
        ),
        TableBlock(
            "处理经过（各轮）",
            "steps",
            (
                Column("round", "轮次", 0.9, "center"),
                Column("at", "时间", 1.8, "center"),
                Column("action", "办理", 1.1, "center"),
                Column("change", "状态", 2.0, "center"),
                Column("user", "办理人", 1.1, "center"),
                Column("note", "说明", 3.6),
            ),
            blank_rows=3,
        ),
        TableBlock(
            "回访记录",
            "revisits",
            (
                Column("number", "回访编号", 1.6),
                Column("visited_on", "回访日期", 1.4, "center"),
                Column("round", "轮次", 0.9, "center"),
                Column("method", "方式", 0.9, "center"),
                Column("staff", "回访人", 1.1, "center"),
                Column("satisfaction", "满意程度", 1.2, "center"),
                Column("needs", "客户意见", 3.0),
            ),
            blank_rows=2,
        ),
        SignatureBlock(
            (
                SignatureLine("受理人"),
                SignatureLine("日期"),
                SignatureLine("质检部"),
                SignatureLine("日期"),
            )
        ),
        SignatureBlock(
            (
                SignatureLine("责任部门"),
                SignatureLine("日期"),
                SignatureLine("市场营销部负责人"),
                SignatureLine("日期"),
            )
        ),
    ),
)

__all__ = ["COMPLAINT_RECORD"]
