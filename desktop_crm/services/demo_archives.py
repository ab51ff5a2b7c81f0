"""zh_CN demo archive ledger: the archive room's locations and a few hundred volumes over
the past fifteen years in several 门类, with their documents, some secret ones, customer
files linked to customers and to closed complaints, later notes and moves; hand-overs;
loans in every state (three overdue); an appraisal and one carried-out destruction.

Volumes are written in bulk (`insert_volumes`, which the benchmark uses too for 200,000):
their 档号 come from the same number series as filing by hand, reserved per series in one
step, so a volume filed afterwards runs on without a gap.

Loans, the appraisal and the destruction go through the services as the office would do
them: the archive keeper (孙丽) registers, lends and takes back, the staff holding the roles
decide the approvals in the program. Loans of the past are lent "as of" their day
(`archive_loans.lend(..., today=...)`), and the services' time stamps are then dated back
to the stories' moments, as demo_complaints does; the audit log, the access log and the
备考表 (append-only) keep the real time the demo was loaded.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Approval,
    ApprovalStep,
    ArchiveAppraisal,
    ArchiveDestruction,
    ArchiveItem,
    ArchiveLoan,
    ArchiveLoanExtension,
    ArchiveLocation,
    ArchiveMove,
    ArchiveNote,
    ArchivePeriod,
    ArchiveVolume,
    Complaint,
    Customer,
    Department,
    User,
    local_now,
)

from . import (
    approvals,
    archive_appraisal,
    archive_loans,
    archive_locations,
    archive_receipts,
    archive_search,
    archive_settings,
    audit,
    rights,
    workdays,
)
from .archive_numbers import NumberParts, format_number, series_name
from .archive_settings import (
    CLASSIFIED,
    CONFIDENTIAL,
    CUSTOMER_CATEGORY,
    INTERNAL,
    PUBLIC,
    SECRET,
    TOP_SECRET,
)
from .archives import IN_STORE, appraisal_due_on
from .complaints import CLOSED
from .numbering import take_numbers
from .staff import StaffInput, save_staff

YEARS_BACK = 15
CHUNK = 5000
MARKETING = "YXB"
BOX_VOLUMES = 3  # volumes to a demo box


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
    complaint_id: int | None = None


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
                "complaint_id": spec.complaint_id,
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
            # customer files are the 市场营销部's (its head reviews their destruction)
            department_id, org = next(
                ((i, code) for i, code in departments if code == MARKETING), (department_id, org)
            )
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
    """The demo archive room: locations, `count` volumes over fifteen years, files of closed
    complaints and old customer files, a few notes and moves; then (when `actor` works as
    the archive room) hand-overs, loans in every state and an appraisal with a destruction
    (`demo_loans`, `demo_destruction`). Commits; returns the number of volumes."""
    rights.require(session, actor, "archives", "create")
    rng = random.Random(seed)
    real_today = date.today()
    today = today or real_today
    if today > real_today:
        raise ValueError("演示数据不能晚于今天。")
    locations = demo_locations(session, actor)
    departments = [
        (d.id, d.code) for d in session.scalars(select(Department).order_by(Department.id))
    ]
    customers = list(session.execute(select(Customer.id, Customer.name).limit(400)).all())
    defaults = {c.code: c.default_period_code for c in archive_settings.categories(session, False)}
    specs = demo_specs(rng, count, departments, customers, locations, defaults, today)
    marketing = next((i for i, code in departments if code == MARKETING), departments[0][0])
    complaint_specs = _complaint_specs(session, rng, marketing, locations, defaults, today)
    expired_specs = _expired_specs(session, rng, marketing, locations, customers, today)
    every = insert_volumes(session, actor, specs + complaint_specs + expired_specs)
    ids = every[: len(specs)]
    expired = every[len(specs) + len(complaint_specs) :]
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
    # 盒号: the volumes of a series stand three to a box, in 案卷号 order
    session.execute(
        update(ArchiveVolume)
        .where(ArchiveVolume.id.in_(every))
        .values(box_no=(ArchiveVolume.case_no - 1) // BOX_VOLUMES + 1)
    )
    session.commit()
    if archive_receipts.is_keeper(session, actor):
        demo_receipts(session, actor, today)
    office = demo_office(session, actor)
    if office is not None:
        stamps = _Stamps(real_today)
        story_rng = random.Random(f"{seed}-loans")
        demo_loans(session, office, story_rng, today, stamps, set(expired))
        demo_destruction(session, office, expired, today, stamps)
        stamps.write(session)
    return len(every)


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


# ------------------------------------------------------------------ files of complaints, old files


def _complaint_specs(
    session: Session,
    rng: random.Random,
    department_id: int,
    locations: Sequence[int],
    defaults: dict[str, str],
    today: date,
    limit: int = 10,
) -> list[VolumeSpec]:
    """A 客户档案 volume for each of the first closed complaints, linked to the customer and
    the complaint: its record, the site check, the test report (product complaints), the
    handling report and the call-back."""
    rows = session.execute(
        select(Complaint.number, Complaint.id, Complaint.customer_id, Customer.name,
               Complaint.received_at, Complaint.closed_at, Complaint.is_service)
        .join(Customer, Customer.id == Complaint.customer_id)
        .where(Complaint.state == CLOSED, Complaint.closed_at.is_not(None))
        .order_by(Complaint.closed_at, Complaint.id)
        .limit(limit)
    ).all()  # fmt: skip
    specs = []
    for number, complaint_id, customer_id, name, received_at, closed_at, service in rows:
        received, closed = received_at.date(), closed_at.date()
        if closed.year < today.year:
            filed = date(closed.year + 1, 1, rng.randint(5, 25))
        else:
            filed = closed + timedelta(days=rng.randint(3, 10))
        documents = [
            ("客户投诉记录表" if service else "顾客产品质量投诉调查处理记录", received, number, 2),
            ("投诉现场调查记录及照片", received + timedelta(days=1), None, rng.randint(2, 6)),
        ]
        if not service:
            documents.append(
                ("水泥质量检验报告（留样复检）", received + timedelta(days=3), None, 3)
            )
        documents += [
            ("顾客投诉处理报告表", closed, None, 2),
            ("客户投诉回访记录", closed, None, 1),
        ]
        specs.append(
            VolumeSpec(
                title=f"{name}{'服务' if service else '质量'}投诉处理档案（{number}）"[:300],
                category_code=CUSTOMER_CATEGORY,
                year=closed.year,
                period_code=defaults.get(CUSTOMER_CATEGORY, "D10"),
                department_id=department_id,
                secrecy=INTERNAL,
                filed_on=min(filed, today),
                items=[
                    {
                        "title": title,
                        "kind": "其他",
                        "doc_number": doc_number,
                        "author": "市场营销部",
                        "doc_date": min(day, closed),
                        "pages": pages,
                    }
                    for title, day, doc_number, pages in documents
                ],  # fmt: skip
                location_id=rng.choice(locations) if locations else None,
                customer_id=customer_id,
                complaint_id=complaint_id,
                compiler="王芳",
                checker="孙丽",
            )
        )
    return specs


def _expired_specs(
    session: Session,
    rng: random.Random,
    department_id: int,
    locations: Sequence[int],
    customers: Sequence[tuple[int, str]],
    today: date,
    count: int = 8,
) -> list[VolumeSpec]:
    """Customer files 11 to 14 years old, kept ten years (定期10年) and so due for appraisal,
    of customers the office no longer serves where there are such: `demo_destruction`
    destroys most of them and keeps two longer."""
    if session.get(ArchivePeriod, EXPIRED_PERIOD) is None:
        return []
    gone = [
        (row.id, row.name)
        for row in session.execute(
            select(Customer.id, Customer.name)
            .where(Customer.status.in_(("已淘汰", "未成交")))
            .order_by(Customer.id)
            .limit(count)
        )
    ]
    pool = gone + [(c[0], c[1]) for c in customers if (c[0], c[1]) not in gone]
    specs = []
    for n in range(count):
        year = today.year - YEARS_BACK + 1 + n % 4
        customer_id, name = pool[n % len(pool)] if pool else (None, None)
        values = {"c": name or "客户", "y": year}
        specs.append(
            VolumeSpec(
                title=(f"{name}客户档案" if name else f"{year}年终止合作客户档案")[:300],
                category_code=CUSTOMER_CATEGORY,
                year=year,
                period_code=EXPIRED_PERIOD,
                department_id=department_id,
                secrecy=INTERNAL,
                filed_on=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
                items=[
                    {
                        "title": template.format(**values)[:300],
                        "kind": "其他",
                        "author": "市场营销部",
                        "doc_date": date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        "pages": rng.randint(1, 8),
                    }
                    for template in (
                        "{c}客户资料管理卡",
                        "营业执照复印件",
                        "{y}年度水泥购销合同",
                        "客户走访记录",
                    )
                ],  # fmt: skip
                location_id=rng.choice(locations) if locations else None,
                customer_id=customer_id,
                compiler="孙丽",
                checker="孙丽",
            )
        )
    return specs


# ------------------------------------------------------------------ the office's people

# Added to the demo staff for the archive stories: the archive's head (综合服务部负责人),
# who approves loans to other units and outside people, and a staff borrower of 质检部.
ARCHIVE_STAFF = (("吴刚", "ZHB", ["部门负责人"]), ("郑洁", "ZJB", ["质检员"]))
KEEPER = "孙丽"
BORROWERS = ("王芳", "张伟", "刘洋", "郑洁")  # staff of departments with a head
SUPERVISORS = ("吴刚", "李明")  # 监销人: the archive's head and the files' department head
EXPIRED_PERIOD = "D10"


@dataclass
class DemoOffice:
    """Who plays the archive stories: the archive keeper registers and lends, the staff
    holding the roles decide the approvals."""

    keeper: User
    people: dict[str, User]
    calendar: workdays.WorkCalendar
    profiles: dict[str, tuple[int, frozenset[str], int | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.profiles = {
            name: (u.id, frozenset(u.role_names), u.department_id)
            for name, u in self.people.items()
        }

    def workday(self, day: date) -> date:
        """The day, or the working day before it (weekends and holidays)."""
        for _ in range(14):
            if self.calendar.is_workday(day):
                break
            day -= timedelta(days=1)
        return day

    def decider(self, session: Session, approval: Approval, step: ApprovalStep) -> User | None:
        """Someone (not the requester) who may decide this step in the program. (Roles and
        departments are read once: the services' commits expire every loaded person.)"""
        for name, (user_id, roles, department_id) in self.profiles.items():
            if (
                step.role in roles
                and step.department_id in (None, department_id)
                and user_id != approval.requested_by_id
                and approvals.may_decide(session, self.people[name], approval, step)
            ):
                return self.people[name]
        return None

    def id_of(self, name: str) -> int:
        return self.profiles[name][0]


def demo_office(session: Session, actor: User) -> DemoOffice | None:
    """The demo office's staff (added when `actor` may add staff) with the archive keeper
    (孙丽, or `actor` when they work as the archive room); None when people the stories
    need are missing: then they are left out."""
    if rights.may(session, actor, "accounts", "create"):
        from .demo_data import ensure_demo_staff

        ensure_demo_staff(session, actor)
        departments = {d.code: d.id for d in session.scalars(select(Department))}
        existing = set(session.scalars(select(User.name)))
        for name, code, roles in ARCHIVE_STAFF:
            if name not in existing and code in departments:
                save_staff(session, actor, StaffInput(name, departments[code], roles))
        session.commit()
    people = {
        u.name: u
        for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    }
    keeper = people.get(KEEPER)
    if keeper is None or not archive_receipts.is_keeper(session, keeper, "delete"):
        keeper = actor if archive_receipts.is_keeper(session, actor, "delete") else None
    if keeper is None or any(name not in people for name in (*BORROWERS, *SUPERVISORS)):
        return None
    return DemoOffice(keeper, people, workdays.load_calendar(session))


class _Stamps:
    """The demo's past written as if it had happened then, as demo_complaints does: the
    services stamp requests, decisions, lending, returns and batches with the time of the
    call. What happens on the real today keeps its real stamp; the audit log and the
    append-only access log and 备考表 keep the real time the demo was loaded."""

    def __init__(self, real_today: date) -> None:
        self.real_today = real_today
        self.rows: dict[tuple[Any, str], list[dict[str, object]]] = {}

    def put(self, model: type, column: str, row_id: int | None, at: datetime) -> None:
        if row_id is not None and at.date() < self.real_today:
            self.rows.setdefault((model.__table__, column), []).append({"b_id": row_id, "b_at": at})  # type: ignore[attr-defined]

    def write(self, session: Session) -> None:
        for (table, column), rows in self.rows.items():
            session.execute(
                update(table).where(table.c.id == bindparam("b_id")).values({column: bindparam("b_at")}),
                rows,
            )  # fmt: skip
        session.commit()
        session.expire_all()


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute))


# ------------------------------------------------------------------ loans


@dataclass
class LoanStory:
    """One loan as it went: requested, decided, perhaps lent, extended and returned."""

    requested: date
    values: dict[str, object]  # borrower, purpose, use
    volume_ids: list[int]
    due: date
    decide: int | None = None  # how many steps are decided (None: all)
    refuse: str | None = None  # the first step refuses, with this comment
    withdraw_on: date | None = None  # the request is withdrawn (while pending)
    lend_on: date | None = None
    extend: tuple[date, date, str] | None = None  # on, new due date, reason
    return_on: date | None = None
    damage: str | None = None  # returned 缺损 (a page fewer), with this note


@dataclass(frozen=True)
class _Volume:
    id: int
    category: str
    filed_on: date
    department: str
    pages: int


_PURPOSES = {
    "KH": ("了解客户历年供货及回款情况", "客户资信复核", "准备客户年度走访资料"),
    "HT": ("核对合同条款", "办理合同续签，查阅原合同", "核对供货价格及结算方式"),
    "WS": ("查找历年文件依据", "编写部门年度工作总结", "核对上级批复内容"),
    "HY": ("查阅会议决定事项", "核对会议纪要"),
    "KJ": ("核对往来账目", "配合年度审计"),
    "JS": ("质量追溯，查阅检验记录", "修订企业技术标准"),
    "RS": ("核实人事档案信息",),
    "SX": ("制作企业宣传资料",),
}
_GROUP_UNITS = (
    ("孟涛", "集团财务有限公司", "集团财务公司证明〔{y}〕5号", "配合集团年度审计，借阅会计凭证"),
    ("白雪", "集团审计部", "集团审计部函〔{y}〕12号", "专项审计抽查"),
)
_OUTSIDERS = (
    ("郑宏", "陕西秦风律师事务所", "秦律函〔{y}〕18号", "诉讼取证：查阅购销合同原件", "610103"),
    ("马丽", "西安市市场监督管理局", "市监函〔{y}〕42号", "产品质量专项检查", "610113"),
    ("高峰", "陕西建工第八建设有限公司", "建八介字〔{y}〕7号", "核对工程供货合同", "610112"),
)


def _id_number(name: str, place: str) -> str:
    """A 居民身份证号码 with a correct check digit, the same for the same person."""
    from stdnum.cn import ric

    rng = random.Random(name)
    body = f"{place}{rng.randint(1985, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


class _Borrowers:
    def __init__(self, office: DemoOffice, rng: random.Random) -> None:
        self.office, self.rng = office, rng

    def staff(self, name: str, use: str, purpose: str) -> dict[str, object]:
        return {"borrower_kind": archive_loans.STAFF, "borrower_id": self.office.id_of(name),
                "purpose": purpose, "use": use}  # fmt: skip

    def group(self, index: int, day: date) -> dict[str, object]:
        name, unit, letter, purpose = _GROUP_UNITS[index % len(_GROUP_UNITS)]
        return {"borrower_kind": archive_loans.GROUP, "borrower_name": name,
                "borrower_unit": unit, "letter": letter.format(y=day.year), "purpose": purpose,
                "use": archive_loans.TAKE}  # fmt: skip

    def outside(self, index: int, day: date) -> dict[str, object]:
        name, unit, letter, purpose, place = _OUTSIDERS[index % len(_OUTSIDERS)]
        return {"borrower_kind": archive_loans.OUTSIDE, "borrower_name": name,
                "borrower_unit": unit, "letter": letter.format(y=day.year),
                "id_number": _id_number(name, place), "purpose": purpose,
                "use": archive_loans.READ}  # fmt: skip


class _Shelf:
    """The volumes the stories borrow: open loans hold theirs to the end; a returned one's
    volume is free again from the day after."""

    def __init__(self, volumes: list[_Volume], rng: random.Random) -> None:
        self.volumes, self.rng = volumes, rng
        self.held: set[int] = set()
        self.busy: dict[int, date] = {}

    def take(
        self, day: date, categories: Sequence[str] = (), department: str | None = None,
        until: date | None = None,
    ) -> _Volume | None:  # fmt: skip
        """A volume filed by `day` and free then, of one of `categories` (any when none
        is free); held for good when `until` is None."""
        free = [
            v for v in self.volumes
            if v.id not in self.held and v.filed_on <= day and self.busy.get(v.id, date.min) < day
        ]  # fmt: skip
        fitting = [
            v for v in free
            if (not categories or v.category in categories)
            and (department is None or v.department == department)
        ]  # fmt: skip
        found = self.rng.choice(fitting or free) if (fitting or free) else None
        if found is not None:
            if until is None:
                self.held.add(found.id)
            else:
                self.busy[found.id] = until
        return found


def _open_stories(borrowers: _Borrowers, shelf: _Shelf, today: date) -> list[LoanStory]:
    """The loans on the keeper's desk today: one of each state, three overdue."""
    office = borrowers.office
    TAKE = archive_loans.TAKE  # noqa: N806
    stories = []

    def add(requested: date, values: dict[str, object], categories: Sequence[str], due: date,
            department: str | None = None, **how: Any) -> None:  # fmt: skip
        volume = shelf.take(requested, categories, department)
        if volume is not None:
            stories.append(LoanStory(requested, values, [volume.id], due, **how))

    def staff(name: str, use: str, category: str) -> dict[str, object]:
        return borrowers.staff(name, use, borrowers.rng.choice(_PURPOSES[category]))

    day = office.workday(today - timedelta(days=1))
    # 申请中: the 市场营销部 head agreed, the 总经理 has not decided yet
    add(day, staff("王芳", TAKE, "KH"), ["KH"], today + timedelta(days=14), decide=1)
    # 申请中: an outside person asks today to read a contract in the archive room
    add(today, borrowers.outside(2, today), ["HT"], today, decide=0)
    day = office.workday(today - timedelta(days=2))
    add(day, staff("张伟", TAKE, "HT"), ["HT"], today + timedelta(days=10))  # 已批准
    day = office.workday(today - timedelta(days=5))
    add(day, staff("刘洋", TAKE, "WS"), ["WS"], today + timedelta(days=9), lend_on=day)
    # overdue: a customer file, a group unit's accounts, a test record
    day = office.workday(today - timedelta(days=30))
    add(day, staff("张伟", TAKE, "KH"), ["KH"], today - timedelta(days=9),
        lend_on=office.workday(day + timedelta(days=1)))  # fmt: skip
    day = office.workday(today - timedelta(days=20))
    add(day, borrowers.group(0, day), ["KJ"], today - timedelta(days=6), lend_on=day)
    day = office.workday(today - timedelta(days=16))
    add(day, staff("郑洁", TAKE, "JS"), ["JS"], today - timedelta(days=2), lend_on=day)
    # extended before it fell due
    day = office.workday(today - timedelta(days=25))
    due = day + timedelta(days=14)
    add(day, staff("王芳", TAKE, "HT"), ["HT"], due, lend_on=day,
        extend=(due - timedelta(days=1), today + timedelta(days=5), "合同续签谈判尚未结束"))  # fmt: skip
    # back today, a page short and one torn: noted in the 备考表, the head told
    day = office.workday(today - timedelta(days=12))
    add(day, staff("刘洋", TAKE, "WS"), ["WS"], today + timedelta(days=2), MARKETING,
        lend_on=day, return_on=today,
        damage="归还时少 1 页（借阅人称复印时遗失），另有一页右上角撕裂")  # fmt: skip
    # an outside lawyer read a contract in the archive room
    day = office.workday(today - timedelta(days=33))
    add(day, borrowers.outside(0, day), ["HT"], day, lend_on=day, return_on=day)
    # refused by the department head; withdrawn by the keeper the next day
    day = office.workday(today - timedelta(days=8))
    add(day, staff("刘洋", TAKE, "KH"), ["KH"], today + timedelta(days=6),
        refuse="借阅目的与本人负责的客户无关，不予批准。")  # fmt: skip
    day = office.workday(today - timedelta(days=4))
    add(day, staff("张伟", TAKE, "WS"), ["WS"], today + timedelta(days=10), decide=0,
        withdraw_on=office.workday(day + timedelta(days=1)) if day < today else day)  # fmt: skip
    return stories


def _past_stories(borrowers: _Borrowers, shelf: _Shelf, today: date, count: int) -> list[LoanStory]:
    """Loans of the past three years, all back (most in time, a few late, one extended)."""
    office = borrowers.office
    rng = borrowers.rng
    days = sorted(
        office.workday(today - timedelta(days=rng.randint(40, 3 * 365))) for _ in range(count)
    )
    stories = []
    for index, day in enumerate(days):
        kind = rng.choices(archive_loans.BORROWER_KINDS, (80, 10, 10))[0]
        use = archive_loans.READ if rng.random() < 0.25 else archive_loans.TAKE
        if kind == archive_loans.OUTSIDE:
            values, use, categories = (
                borrowers.outside(index, day),
                archive_loans.READ,
                ("HT", "JS"),
            )
        elif kind == archive_loans.GROUP:
            values, use, categories = borrowers.group(index, day), archive_loans.TAKE, ("KJ", "HT")
        else:
            category = rng.choice(tuple(_PURPOSES))
            values = borrowers.staff(rng.choice(BORROWERS), use, rng.choice(_PURPOSES[category]))
            categories = (category,)
        extend = None
        if use == archive_loans.READ:
            due = lend = back = day
        else:
            due = day + timedelta(days=rng.choice((7, 14, 30)))
            lend = (
                office.workday(day + timedelta(days=rng.randint(0, 1)))
                if day.weekday() < 4
                else day
            )
            back = lend + timedelta(days=rng.randint(1, (due - lend).days))
            if index % 9 == 4:  # kept a few days past the due date
                back = due + timedelta(days=rng.randint(1, 5))
            elif index % 9 == 7:  # extended the day before it fell due
                extend = (due - timedelta(days=1), due + timedelta(days=14), "工作需要，续借两周")
                back = due + timedelta(days=rng.randint(3, 12))
            back = office.workday(min(back, today - timedelta(days=1)))
            if back < lend or (extend and back < extend[0]):
                back, extend = max(lend, day), None
        volume = shelf.take(day, categories, until=back)
        if volume is not None:
            stories.append(LoanStory(day, values, [volume.id], due, lend_on=lend, extend=extend,
                                     return_on=back))  # fmt: skip
    return stories


def demo_loans(
    session: Session,
    office: DemoOffice,
    rng: random.Random,
    today: date,
    stamps: _Stamps,
    exclude: Collection[int] = (),
    past: int = 24,
) -> list[int]:
    """Loans through archive_loans and approvals, registered and lent by the archive
    keeper, decided by the staff holding the roles: `past` loans of the last three years,
    all back, and today's desk — waiting for approval, approved, lent, overdue (three),
    extended, back 完好 and 缺损, refused, withdrawn; staff, a group unit and outside
    people; 查阅 and 借出. Played in the order they were asked for (numbers run with the
    dates). Returns the loans' ids."""
    rows = session.execute(
        select(ArchiveVolume.id, ArchiveVolume.category_code, ArchiveVolume.filed_on,
               ArchiveVolume.org_code, ArchiveVolume.pages)
        .where(ArchiveVolume.state == IN_STORE, ArchiveVolume.secrecy.not_in(CLASSIFIED))
        .order_by(ArchiveVolume.id)
    ).all()  # fmt: skip
    shelf = _Shelf([_Volume(*row) for row in rows if row[0] not in exclude], rng)
    borrowers = _Borrowers(office, rng)
    stories = _open_stories(borrowers, shelf, today) + _past_stories(borrowers, shelf, today, past)
    stories.sort(key=lambda story: story.requested)
    return [play_loan(session, office, story, rng, stamps) for story in stories]


def play_loan(
    session: Session, office: DemoOffice, story: LoanStory, rng: random.Random, stamps: _Stamps
) -> int:
    """One loan through the services; its moments noted for `stamps`. Returns its id."""
    keeper = office.keeper
    values = {**story.values, "requested_on": story.requested, "due_on": story.due}
    loan = archive_loans.request_loan(session, keeper, values, story.volume_ids)
    loan_id, approval_id = loan.id, loan.approval_id
    moment = _at(story.requested, 8, 40 + rng.randint(0, 19))
    stamps.put(ArchiveLoan, "created_at", loan_id, moment)
    stamps.put(Approval, "requested_at", approval_id, moment)
    decided = 0
    while story.decide is None or decided < story.decide:
        approval = session.get(Approval, approval_id)
        step = approvals.open_step(approval) if approval is not None else None
        person = office.decider(session, approval, step) if step is not None else None
        if step is None or person is None:
            break
        moment += timedelta(minutes=rng.randint(20, 50))
        approvals.decide(session, person, step.id, story.refuse is None, story.refuse)
        stamps.put(ApprovalStep, "decided_at", step.id, moment)
        if approval.state != approvals.PENDING:
            stamps.put(Approval, "decided_at", approval_id, moment)
        decided += 1
        if story.refuse:
            break
    if story.withdraw_on is not None:
        archive_loans.withdraw_loan(session, keeper, loan_id)
        stamps.put(
            Approval, "decided_at", approval_id, _at(story.withdraw_on, 9, rng.randint(0, 59))
        )
    if story.lend_on is None:
        return loan_id
    pages = dict(
        session.execute(
            select(ArchiveVolume.id, ArchiveVolume.pages).where(
                ArchiveVolume.id.in_(story.volume_ids)
            )
        ).all()
    )
    archive_loans.lend(session, keeper, loan_id, {v: (pages[v], pages[v]) for v in story.volume_ids},
                       today=story.lend_on)  # fmt: skip
    if story.lend_on == story.requested:
        lent = moment + timedelta(minutes=rng.randint(30, 90))
    else:
        lent = _at(story.lend_on, 9, rng.randint(0, 59))
    stamps.put(ArchiveLoan, "lent_at", loan_id, lent)
    if story.extend is not None:
        on, new_due, reason = story.extend
        archive_loans.extend_loan(session, keeper, loan_id, new_due, reason, today=on)
        extension = session.scalar(
            select(func.max(ArchiveLoanExtension.id)).where(ArchiveLoanExtension.loan_id == loan_id)
        )
        stamps.put(ArchiveLoanExtension, "at", extension, _at(on, 10, rng.randint(0, 59)))
    if story.return_on is not None:
        returns: dict[int, dict[str, object]] = {}
        for index, volume_id in enumerate(story.volume_ids):
            if story.damage and index == 0:
                returns[volume_id] = {"pages": max(pages[volume_id] - 1, 0),
                                      "condition": archive_loans.DAMAGED, "note": story.damage}  # fmt: skip
            else:
                returns[volume_id] = {"pages": pages[volume_id], "condition": archive_loans.INTACT}
        archive_loans.return_loan(session, keeper, loan_id, returns)
        if story.return_on == story.lend_on:
            back = lent + timedelta(minutes=rng.randint(40, 150))
        else:
            back = _at(story.return_on, 14, rng.randint(0, 59))
        stamps.put(ArchiveLoan, "returned_at", loan_id, back)
    return loan_id


# ------------------------------------------------------------------ appraisal and destruction


def demo_destruction(
    session: Session, office: DemoOffice, expired: Sequence[int], today: date, stamps: _Stamps
) -> int | None:
    """An appraisal batch some forty days ago over the expired customer files (all but two
    销毁, two 延长 to 定期30年), then their destruction through archive_appraisal: asked ten
    days ago, reviewed by the 市场营销部 head, approved by the 总经理, carried out by the
    archive keeper before two 监销人 — on the real today, since the service takes the
    approval's day as the earliest. Returns the destruction's id (None when not made)."""
    keeper = office.keeper
    appraised = office.workday(today - timedelta(days=40))
    due = list(
        session.scalars(
            select(ArchiveVolume.id)
            .where(ArchiveVolume.id.in_(list(expired)), ArchiveVolume.state == IN_STORE,
                   ArchiveVolume.appraisal_due_on <= appraised)
            .order_by(ArchiveVolume.year, ArchiveVolume.id)
        )
    )  # fmt: skip
    if len(due) < 3:
        return None
    destroy, keep = due[:-2], due[-2:]
    decisions = [
        {"volume_id": v, "decision": archive_appraisal.DESTROY,
         "reason": "客户已终止合作多年，保管期满，无继续保存价值"}
        for v in destroy
    ] + [
        {"volume_id": v, "decision": archive_appraisal.EXTEND, "period_code": "D30",
         "reason": "该客户仍有未了结的质量索赔，延长保管备查"}
        for v in keep
    ]  # fmt: skip
    batch = archive_appraisal.create_appraisal(
        session, keeper, decisions, appraised_on=appraised,
        appraisers="、".join((SUPERVISORS[0], SUPERVISORS[1], keeper.name)),
        note=f"{appraised.year}年到期客户档案鉴定",
    )  # fmt: skip
    stamps.put(ArchiveAppraisal, "created_at", batch.id, _at(appraised, 15, 30))
    asked = max(office.workday(today - timedelta(days=10)), appraised)
    destruction = archive_appraisal.request_destruction(
        session, keeper, destroy, "到期鉴定为销毁的客户档案", as_of=asked
    )
    destruction_id, approval_id = destruction.id, destruction.approval_id
    moment = _at(asked, 9, 10)
    stamps.put(ArchiveDestruction, "created_at", destruction_id, moment)
    stamps.put(Approval, "requested_at", approval_id, moment)
    for offset in (1, 3, 4, 5):
        approval = session.get(Approval, approval_id)
        step = approvals.open_step(approval) if approval is not None else None
        if step is None:
            break
        person = office.decider(session, approval, step)
        if person is None:
            return destruction_id
        approvals.decide(session, person, step.id, True, "同意销毁，按规定监销。")
        moment = _at(min(office.workday(asked + timedelta(days=offset)), today), 10, 20)
        stamps.put(ApprovalStep, "decided_at", step.id, moment)
        if approval.state != approvals.PENDING:
            stamps.put(Approval, "decided_at", approval_id, moment)
    first, second = (office.id_of(name) for name in SUPERVISORS)
    archive_appraisal.carry_out_destruction(
        session, keeper, destruction_id, [first, second], date.today(),
        "综合楼一层档案室碎纸间", archive_appraisal.SHRED,
    )  # fmt: skip
    return destruction_id
