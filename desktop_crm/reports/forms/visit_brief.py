"""客户拜访简报: what the visitor takes along for one planned visit — the customer's facts
and contacts, recent purchases and follow-ups, complaints and revisits, and the plan's
purpose and content (DOMAIN §3: "a printable customer brief for the visit").

The data mapping is services.revisit_reports.visit_brief_data. Tables: ``contacts``,
``purchases``, ``followups``, ``complaints``, ``revisits``. A part of the customer's file:
every copy carries the internal mark.
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
    TextBlock,
)

VISIT_BRIEF = FormLayout(
    title="客户拜访简报",
    sheet_name="客户拜访简报",
    subject_key="customer_name",
    number_line=(
        Field("customer_code", "客户编号"),
        Field("planned_on", "拜访日期"),
        Field("plan_assigned", "拜访人"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "本次拜访",
            (
                Field("plan_kind", "回访类型"),
                Field("plan_purpose", "目的"),
                Field("plan_method", "方式"),
                Field("plan_state", "计划状态"),
                Field("plan_place", "地点", 2),
                Field("plan_content", "拜访内容", 2),
                Field("plan_complaint", "所回访的投诉"),
                Field("plan_rescheduled", "改期"),
            ),
        ),
        FieldGrid(
            "客户概况",
            (
                Field("customer_name", "客户名称", 2),
                Field("category", "客户类别"),
                Field("grade", "客户等级"),
                Field("status", "状态"),
                Field("volume_class", "销量分类"),
                Field("settlement", "结算方式"),
                Field("owner_name", "客户经理"),
                Field("customer_head", "客户负责人"),
                Field("phone", "电话"),
                Field("address", "地址", 2),
                Field("main_needs", "主要消费需求", 2),
                Field("product_usage", "使用产品情况", 2),
                Field("payment_method", "付款方式", 2),
            ),
        ),
        TableBlock(
            "联系人",
            "contacts",
            (
                Column("name", "姓名", 1.6),
                Column("title", "职务", 1.3),
                Column("mobile", "手机", 1.6),
                Column("phone", "座机", 1.6),
                Column("email", "邮箱", 2.2),
            ),
            blank_rows=2,
        ),
        TableBlock(
            "近年购货",
            "purchases",
            (
                Column("year", "年度", 1.0, "center"),
                Column("tons", "购货量（吨）", 1.5, "right"),
                Column("amount", "购货金额（元）", 1.8, "right"),
            ),
            blank_rows=1,
        ),
        TableBlock(
            "近期跟进",
            "followups",
            (
                Column("date", "日期", 1.3, "center"),
                Column("way", "方式", 0.8, "center"),
                Column("content", "跟进内容", 3.2),
                Column("result", "结果", 1.6),
                Column("next_step", "下一步", 1.6),
            ),
            blank_rows=1,
        ),
        TableBlock(
            "投诉记录",
            "complaints",
            (
                Column("number", "投诉编号", 1.6),
                Column("received_on", "受理日期", 1.3, "center"),
                Column("category", "类别", 1.2, "center"),
                Column("content", "投诉内容", 3.0),
                Column("state", "状态", 1.4, "center"),
                Column("result", "处理结果", 2.0),
            ),
            blank_rows=1,
        ),
        TableBlock(
            "回访记录",
            "revisits",
            (
                Column("number", "回访编号", 1.6),
                Column("visited_on", "回访日期", 1.3, "center"),
                Column("kind", "类型", 1.4, "center"),
                Column("method", "方式", 0.8, "center"),
                Column("satisfaction", "满意度", 1.0, "center"),
                Column("discussion", "回访内容", 3.2),
            ),
            blank_rows=1,
        ),
        TextBlock("拜访记录", "visit_notes", "拜访情况\n（现场填写）", min_height_mm=35.0),
        SignatureBlock((SignatureLine("拜访人"), SignatureLine("日期"))),
    ),
)

__all__ = ["VISIT_BRIEF"]
