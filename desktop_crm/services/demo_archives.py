"""zh_CN demo archive ledger: the archive room's locations and a few hundred volumes over
the past fifteen years in several 门类, with their documents, some secret ones, customer
files linked to customers, later notes and moves.

Volumes are written in bulk (`insert_volumes`, which the benchmark uses too for 200,000):
their 档号 come from the same number series as filing by hand, reserved per series in one
step, so a volume filed afterwards runs on without a gap.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveItem,
    ArchiveLocation,
    ArchiveMove,
    ArchiveNote,
    ArchivePeriod,
    ArchiveVolume,
    Customer,
    Department,
    User,
    local_now,
)

from . import archive_locations, archive_receipts, archive_search, archive_settings, audit, rights
from .archive_numbers import NumberParts, format_number, series_name
from .archive_settings import CONFIDENTIAL, INTERNAL, PUBLIC, SECRET, TOP_SECRET
from .archives import IN_STORE, appraisal_due_on
from .numbering import take_numbers

YEARS_BACK = 15
CHUNK = 5000


@dataclass
class VolumeSpec:
    """One volume to write in bulk (its 档号 is made by insert_volumes)."""

    title: str
    category_code: str
    year: int
    period_code: str
    department_id: int
    secrecy: str
    filed_on: date
    items: list[dict[str, object]] = field(default_factory=list)
    pages: int = 0
    location_id: int | None = None
    customer_id: int | None = None
    compiler: str | None = None
    checker: str | None = None
    description: str | None = None
    secrecy_until: date | None = None


def insert_volumes(
    session: Session,
    actor: User | None,
    specs: Sequence[VolumeSpec],
    record_audit: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Write volumes and their documents in bulk, in the caller's transaction; their ids."""
    config = archive_settings.current(session)
    departments = {d.id: d.code for d in session.scalars(select(Department))}
    years = {p.code: p.years for p in session.scalars(select(ArchivePeriod))}
    groups: dict[str, list[int]] = {}
    for index, spec in enumerate(specs):
        org = departments[spec.department_id]
        series = series_name(
            config.fonds_code, spec.category_code, spec.year, spec.period_code, org
        )
        groups.setdefault(series, []).append(index)
    case_numbers = [0] * len(specs)
    for series, indexes in groups.items():
        first = take_numbers(session, series, len(indexes))
        for offset, index in enumerate(indexes):
            case_numbers[index] = first + offset
    now = local_now()
    rows = []
    for spec, case_no in zip(specs, case_numbers, strict=True):
        org = departments[spec.department_id]
        parts = NumberParts(
            config.fonds_code, spec.category_code, spec.year, spec.period_code, org, case_no
        )
        pages = sum(int(i.get("pages") or 1) for i in spec.items) if spec.items else spec.pages
        rows.append(
            {
                "number": format_number(config.number_pattern, parts, config.case_digits),
                "fonds_code": config.fonds_code,
                "category_code": spec.category_code,
                "year": spec.year,
                "period_code": spec.period_code,
                "retention_years": years[spec.period_code],
                "appraisal_due_on": appraisal_due_on(spec.year, years[spec.period_code]),
                "department_id": spec.department_id,
                "org_code": org,
                "case_no": case_no,
                "title": spec.title,
                "secrecy": spec.secrecy,
                "secrecy_years": None,
                "secrecy_until": spec.secrecy_until,
                "filed_on": spec.filed_on,
                "pages": pages or 1,
                "copies": len(spec.items) or 1,
                "location_id": spec.location_id,
                "compiler": spec.compiler,
                "checker": spec.checker,
                "compiled_on": spec.filed_on,
                "description": spec.description,
                "customer_id": spec.customer_id,
                "complaint_id": None,
                "state": IN_STORE,
                "destroyed_batch": None,
                "number_printed_at": None,
                "created_by_id": actor.id if actor else None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        rows[-1] |= archive_search.search_columns(rows[-1]["number"], spec.title, spec.items)
    connection = session.connection()
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        connection.execute(insert(ArchiveVolume.__table__), chunk)
        numbers = [row["number"] for row in chunk]
        found = dict(
            session.execute(
                select(ArchiveVolume.number, ArchiveVolume.id).where(
                    ArchiveVolume.number.in_(numbers)
                )
            ).all()
        )
        chunk_ids = [found[number] for number in numbers]
        ids.extend(chunk_ids)
        items = [
            {"volume_id": volume_id, "seq": seq, "doc_number": None, "author": None,
             "doc_date": None, "pages": 1, "kind": None, "secrecy": None, "remarks": None, **item}
            for volume_id, spec in zip(chunk_ids, specs[start : start + CHUNK], strict=True)
            for seq, item in enumerate(spec.items, start=1)
        ]  # fmt: skip
        for item_start in range(0, len(items), CHUNK * 4):
            connection.execute(
                insert(ArchiveItem.__table__), items[item_start : item_start + CHUNK * 4]
            )
        if record_audit:
            audit.record_many(
                session,
                actor,
                [
                    audit.Entry(
                        audit.CREATE, "archive_volume", volume_id, f"{row['number']} {row['title']}"
                    )
                    for volume_id, row in zip(chunk_ids, chunk, strict=True)
                ],
            )
        if progress is not None:
            progress(start + len(chunk))
    return ids


# ------------------------------------------------------------------ the demo ledger

_WORK = ("营销工作", "客户走访", "市场调研", "价格管理", "销售统计", "客户服务", "质量检验",
         "安全生产", "设备检修", "财务核算", "人员培训", "行政事务")  # fmt: skip
_KINDS = {
    "WS": [("关于{w}的请示", "请示"), ("关于{w}的批复", "批复"), ("{y}年{w}总结", "总结"),
           ("{w}实施方案", "其他"), ("关于{w}的通知", "其他"), ("{w}规划（{y}—{y5}年）", "规划")],
    "HY": [("{w}专题会议纪要", "会议文件"), ("{w}会议签到表", "会议文件"), ("{w}会议记录", "会议文件")],
    "HT": [("水泥购销合同", "其他"), ("运输服务合同", "其他"), ("补充协议", "其他")],
    "KJ": [("{m}月记账凭证", "其他"), ("{m}月银行对账单", "其他"), ("{y}年度财务报告", "总结")],
    "JS": [("{w}技术标准", "其他"), ("熟料配料方案", "其他"), ("水泥强度检测报告", "其他")],
    "RS": [("人员任免通知", "其他"), ("劳动合同", "其他"), ("培训考核记录", "其他")],
    "SX": [("{w}活动照片", "其他"), ("{w}录像", "其他")],
}  # fmt: skip
_VOLUME_TITLES = {
    "WS": "{y}年{w}文件", "HY": "{y}年{w}会议文件", "HT": "{y}年销售合同",
    "KJ": "{y}年{m}月会计凭证", "JS": "{w}技术资料", "RS": "{y}年人事文件", "SX": "{y}年{w}声像档案",
}  # fmt: skip
_CATEGORY_WEIGHTS = (("WS", 30), ("KH", 20), ("HT", 15), ("HY", 10), ("KJ", 10), ("JS", 6),
                     ("RS", 5), ("SX", 4))  # fmt: skip
_ISSUERS = {"BGS": "总经办", "YXB": "营销", "SHB": "售后", "ZJB": "质检", "SCB": "生技",
            "CWB": "财务", "ZHB": "综合"}  # fmt: skip
_SECRECY = ((PUBLIC, 20), (INTERNAL, 70), (SECRET, 6), (CONFIDENTIAL, 3), (TOP_SECRET, 1))


def demo_locations(session: Session, actor: User) -> list[int]:
    """一号库房 with 柜 A–D (3 架 of 4 格 each) and 二号库房 with 密集架: the cells' ids."""
    cells: list[int] = []
    room = archive_locations.add_location(session, actor, None, "库房", "一号库房", "K1")
    for cabinet_name in "ABCD":
        cabinet = archive_locations.add_location(session, actor, room.id, "柜", f"{cabinet_name}柜")
        for shelf_no in range(1, 4):
            shelf = archive_locations.add_location(
                session, actor, cabinet.id, "架", f"{shelf_no}架"
            )
            for cell_no in range(1, 5):
                cell = archive_locations.add_location(
                    session, actor, shelf.id, "格", f"{cell_no}格"
                )
                cells.append(cell.id)
    second = archive_locations.add_location(session, actor, None, "库房", "二号库房", "K2")
    for shelf_no in range(1, 4):
        shelf = archive_locations.add_location(session, actor, second.id, "架", f"密集架{shelf_no}")
        cells.append(shelf.id)
    return cells


def demo_specs(
    rng: random.Random,
    count: int,
    departments: Sequence[tuple[int, str]],
    customers: Sequence[tuple[int, str]],
    locations: Sequence[int],
    defaults: dict[str, str],
    today: date,
    items_per_volume: tuple[int, int] = (2, 8),
    compilers: Sequence[str] = ("孙丽", "钱程", "王芳"),
) -> list[VolumeSpec]:
    """`count` volumes spread over the past fifteen years (shared with the benchmark)."""
    codes = [code for code, _ in _CATEGORY_WEIGHTS]
    weights = [weight for _, weight in _CATEGORY_WEIGHTS]
    levels = [level for level, _ in _SECRECY]
    level_weights = [weight for _, weight in _SECRECY]
    specs = []
    for _ in range(count):
        year = today.year - rng.randint(0, YEARS_BACK - 1)
        category = rng.choices(codes, weights)[0]
        department_id, org = rng.choice(departments)
        work = rng.choice(_WORK)
        month = rng.randint(1, 12)
        values = {"y": year, "y5": year + 4, "w": work, "m": month}
        customer_id = None
        secrecy = rng.choices(levels, level_weights)[0]
        if category == "KH" and customers:
            customer_id, name = rng.choice(customers)
            title = f"{name}客户档案"
            secrecy = INTERNAL
            templates = [("{c}客户资料管理卡", "其他"), ("营业执照复印件", "其他"),
                         ("客户走访记录", "其他"), ("购销合同", "其他")]  # fmt: skip
            values["c"] = name
        else:
            category = "WS" if category == "KH" else category
            title = _VOLUME_TITLES[category].format(**values)
            templates = _KINDS[category]
        filed = date(min(year + 1, today.year), rng.randint(1, 3), rng.randint(1, 28))
        filed = min(filed, today)
        items = []
        for number in range(rng.randint(*items_per_volume)):
            template, kind = rng.choice(templates)
            doc_date = date(year, rng.randint(1, 12), rng.randint(1, 28))
            items.append(
                {
                    "title": template.format(**values)[:300],
                    "kind": kind,
                    "doc_number": f"{_ISSUERS.get(org, org)}发〔{year}〕{rng.randint(1, 99)}号"
                    if category in ("WS", "HY") and rng.random() < 0.7
                    else (f"HT-{year}-{rng.randint(1, 999):03d}" if category == "HT" else None),
                    "author": rng.choice(("市场营销部", "总经理办公室", "质检部", "财务部")),
                    "doc_date": doc_date,
                    "pages": rng.randint(1, 12),
                }
            )
            del number
        until = None
        if secrecy in archive_settings.SECRET_LEVELS:
            until = filed.replace(year=filed.year + archive_settings.DEFAULT_SECRECY_YEARS[secrecy])
        specs.append(
            VolumeSpec(
                title=title[:300],
                category_code=category,
                year=year,
                period_code=defaults[category],
                department_id=department_id,
                secrecy=secrecy,
                filed_on=filed,
                items=items,
                location_id=rng.choice(locations) if locations else None,
                customer_id=customer_id,
                compiler=rng.choice(compilers),
                checker="孙丽",
                secrecy_until=until,
            )
        )
    return specs


def fill_demo_archives(
    session: Session, actor: User, count: int = 300, seed: int = 1, today: date | None = None
) -> int:
    """The demo archive room: locations, `count` volumes over fifteen years, a few notes
    and moves. Commits; returns the number of volumes."""
    rights.require(session, actor, "archives", "create")
    rng = random.Random(seed)
    today = today or date.today()
    locations = demo_locations(session, actor)
    departments = [
        (d.id, d.code) for d in session.scalars(select(Department).order_by(Department.id))
    ]
    customers = list(session.execute(select(Customer.id, Customer.name).limit(400)).all())
    defaults = {c.code: c.default_period_code for c in archive_settings.categories(session, False)}
    specs = demo_specs(rng, count, departments, customers, locations, defaults, today)
    ids = insert_volumes(session, actor, specs)
    when = datetime.combine(today - timedelta(days=30), datetime.min.time()).replace(hour=10)
    for volume_id in rng.sample(ids, min(12, len(ids))):
        kind, text = rng.choice(
            (("缺损", "第 2 页右下角破损，已修补。"), ("补充", "补入会议签到表 1 页。"),
             ("其他", "卷皮更换。"))
        )  # fmt: skip
        session.add(ArchiveNote(volume_id=volume_id, kind=kind, text=text, user_id=actor.id,
                                user_name=actor.name[:40], at=when))  # fmt: skip
    for volume_id in rng.sample(ids, min(8, len(ids))):
        volume = session.get(ArchiveVolume, volume_id)
        target = rng.choice(locations)
        if volume is None or volume.location_id == target:
            continue
        source, place = (
            session.get(ArchiveLocation, volume.location_id),
            session.get(ArchiveLocation, target),
        )
        session.add(ArchiveMove(volume_id=volume_id, from_location_id=volume.location_id,
                                to_location_id=target, from_label=source.label if source else None,
                                to_label=place.label if place else None, reason="库房调整",
                                user_id=actor.id, at=when))  # fmt: skip
        volume.location_id = target
    session.commit()
    if archive_receipts.is_keeper(session, actor):
        demo_receipts(session, actor, today)
    return len(ids)


def demo_receipts(session: Session, actor: User, today: date, months: int = 3) -> int:
    """Hand-overs for the last `months` months through archive_receipts (so its rules
    hold): most departments on the 5th, one late (the 15th), one incomplete (an item
    missing). Returns how many were made."""
    departments = [d.id for d in session.scalars(select(Department).order_by(Department.id))]
    made = 0
    for back in range(months, 0, -1):
        first = date(today.year, today.month, 1)
        for _ in range(back):
            first = (first - timedelta(days=1)).replace(day=1)
        handed = first.replace(month=first.month % 12 + 1, year=first.year + first.month // 12)
        for position, department_id in enumerate(departments):
            late = back == 1 and position == 1
            day = handed.replace(day=15 if late else 5)
            if day > today:
                continue
            receipt = archive_receipts.create_receipt(
                session, actor,
                {"received_on": day, "month": first, "department_id": department_id,
                 "handed_by": "部门档案员"},
                [{"doc_number": f"{first:%Y%m}-{n}", "title": f"{first.month}月工作文件之{n}",
                  "pages": 3 + n} for n in (1, 2)],
            )  # fmt: skip
            incomplete = back == 1 and position == 2
            ticks = {item.id: not (incomplete and n == 1) for n, item in enumerate(receipt.items)}
            notes = {
                item.id: "未见原件" for n, item in enumerate(receipt.items) if not ticks[item.id]
            }
            archive_receipts.tick_items(session, actor, receipt.id, ticks, notes)
            made += 1
    return made
