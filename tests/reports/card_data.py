"""Realistic data for the 客户资料管理卡 tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡"
TITLES = ["采购经理", "总经理", "财务主管", "技术负责人", "项目经理", "材料员", "副总经理"]


def business_scope(length: int = 600) -> str:
    """A long 经营内容 text of exactly ``length`` characters."""
    base = (
        "水泥、水泥制品、商品混凝土、预拌砂浆的生产与销售；建筑材料、装饰材料、五金交电的批发零售；"
        "道路货物运输（不含危险货物）；建设工程施工；市政设施管理；园林绿化工程施工；"
        "固体废物治理；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；"
    )
    text = base
    while len(text) < length:
        text += base
    return text[:length]


def card_data(contacts: int = 15, complaints: bool = False) -> dict[str, Any]:
    """One customer's card as the service would hand it over."""
    return {
        "code": "KH000123",
        "name": "陕西秦岭建设集团商品混凝土有限公司",
        "short_name": "秦岭商混",
        "credit_code": "91610131MA6U1QXX7K",
        "nature": "国有控股",
        "supervisor_unit": "陕西省国资委",
        "business_scope": business_scope(600),
        "qualifications": "预拌混凝土专业承包资质（不分等级）；ISO 9001 质量管理体系认证",
        "relationship": "=1+1",
        "address": "陕西省西安市高新区锦业路 69 号创业研发园 B 座 12 层",
        "region": "关中片区·西安",
        "phone": "029-88886666",
        "website": "https://www.qinling-concrete.example.cn",
        "customer_head": "赵建国",
        "main_needs": "P·O 42.5 散装水泥，每月约 8000 吨，旺季需保证连续供货",
        "payment_method": "+银行承兑汇票（六个月）",
        "product_usage": "-用于西安地铁 15 号线及周边市政工程，反馈早期强度稳定",
        "category": "商混站",
        "volume_class": "大客户",
        "settlement": "月结客户",
        "quality": "优质客户",
        "grade": "A",
        "is_key": True,
        "status": "合作客户",
        "source": "老客户介绍",
        "intermediary": "@西安恒通建材经销部",
        "credit_rating": "AA",
        "financial_strength": "雄厚",
        "performance_ability": "强",
        "management_level": "规范",
        "owner_name": "李晓明",
        "registered_at": dt.datetime(2021, 3, 15, 9, 30),
        "first_contact_date": dt.date(2021, 3, 10),
        "notes": "年度框架合同 2026 年 12 月到期，续签前需部门负责人审核价格条款。\n客户要求每月 5 日前提供对账单。",
        "internal_mark": True,
        "printed_by": "王丽",
        "printed_at": dt.datetime(2026, 11, 26, 14, 5),
        "contacts": [
            {
                "name": SURNAMES[i % len(SURNAMES)] + "志" + "强明华伟芳"[i % 5],
                "title": TITLES[i % len(TITLES)],
                "gender": "男" if i % 3 else "女",
                "mobile": f"1390291{i:04d}",
                "phone": f"029-8{i:03d}5566",
                "email": f"contact{i}@qinling-concrete.example.cn",
                "birthday": dt.date(1970 + i, 1 + i % 12, 1 + i),
                "is_primary": i == 0,
                "is_emergency": i == 1,
            }
            for i in range(contacts)
        ],
        "purchases": [
            {"year": 2024, "tons": Decimal("86500.500"), "amount": Decimal("30275175.00")},
            {"year": 2025, "tons": Decimal("92010"), "amount": Decimal("3.2203500E+7")},
        ],
        "followups": [
            {
                "date": dt.date(2026, 10, 12),
                "way": "上门拜访",
                "content": "拜访采购部，了解四季度工程计划与用量",
                "result": "客户确认 11 月增加 2000 吨",
                "problems": "散装车排队时间长",
                "next_step": "协调发运部安排夜间装车",
            },
            {
                "date": dt.date(2026, 11, 3),
                "way": "电话",
                "content": "回访袋重异议处理结果",
                "result": "满意",
                "problems": "",
                "next_step": None,
            },
        ],
        "complaints": (
            [
                {
                    "number": "TS2026-0042",
                    "received_at": dt.datetime(2026, 9, 1, 10, 20),
                    "category": "袋重异议",
                    "state": "已结案",
                }
            ]
            if complaints
            else []
        ),
    }
