"""档号 (DOMAIN §5, DA/T 13): the pattern, the 案卷号 that runs on without gaps within
门类 + 年度 + 保管期限 + 机构, corrections with their reason, and the year a cross-year
document belongs to.

The 案卷号 comes from `numbering.take_numbers` (one series per 全宗 + 门类 + 年度 + 期限 +
机构), taken inside the filing's transaction: two PCs filing at once on one server never get
the same number, and a refused or rolled-back filing gives its number back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveNumberChange,
    ArchiveVolume,
    Department,
    NumberSequence,
    User,
    local_now,
)

from . import archive_settings, audit
from .archive_scope import get_volume, volume_label
from .errors import Conflict, FieldProblem, ValidationError
from .numbering import take_numbers
from .text_keys import normalise_text

# ------------------------------------------------------------------ the pattern

FONDS, CATEGORY, YEAR, PERIOD, ORG, CASE = (
    "全宗号",
    "门类代码",
    "年度",
    "保管期限代码",
    "机构代码",
    "案卷号",
)
TOKENS = (FONDS, CATEGORY, YEAR, PERIOD, ORG, CASE)
# Every part that separates two series must be in the 档号, or two volumes would share one.
REQUIRED_TOKENS = (CATEGORY, YEAR, PERIOD, ORG, CASE)
_TOKEN_RE = re.compile("|".join(sorted(TOKENS, key=len, reverse=True)))


def check_pattern(pattern: str) -> str | None:
    """Why the 档号 pattern cannot be used (Chinese), or None."""
    if not pattern:
        return "请填写。"
    if len(pattern) > 100:
        return "最多 100 个字。"
    found = _TOKEN_RE.findall(pattern)
    missing = [token for token in REQUIRED_TOKENS if token not in found]
    if missing:
        return f"必须包含：{'、'.join(missing)}（否则不同案卷会得到相同档号）。"
    twice = sorted({token for token in found if found.count(token) > 1})
    if twice:
        return f"{'、'.join(twice)}只能出现一次。"
    return None


@dataclass(frozen=True)
class NumberParts:
    """What a 档号 is made of."""

    fonds: str
    category: str
    year: int
    period: str
    org: str
    case_no: int


def format_number(pattern: str, parts: NumberParts, digits: int = 4) -> str:
    values = {
        FONDS: parts.fonds,
        CATEGORY: parts.category,
        YEAR: f"{parts.year:04d}",
        PERIOD: parts.period,
        ORG: parts.org,
        CASE: f"{parts.case_no:0{digits}d}",
    }
    return _TOKEN_RE.sub(lambda match: values[match.group(0)], pattern)


def parse_number(pattern: str, number: str) -> NumberParts | None:
    """The parts of a 档号 written by `pattern` (an imported ledger's), or None."""
    regex = ""
    position = 0
    for match in _TOKEN_RE.finditer(pattern):
        regex += re.escape(pattern[position : match.start()])
        token = match.group(0)
        regex += {
            FONDS: r"(?P<fonds>.+?)",
            CATEGORY: r"(?P<category>[0-9A-Za-z]+?)",
            YEAR: r"(?P<year>\d{4})",
            PERIOD: r"(?P<period>[0-9A-Za-z]+?)",
            ORG: r"(?P<org>[0-9A-Za-z]+?)",
            CASE: r"(?P<case>\d+)",
        }[token]
        position = match.end()
    regex += re.escape(pattern[position:])
    found = re.fullmatch(regex, normalise_text(number))
    if found is None:
        return None
    groups = found.groupdict()
    return NumberParts(
        fonds=groups.get("fonds") or "",
        category=groups["category"].upper(),
        year=int(groups["year"]),
        period=groups["period"].upper(),
        org=groups["org"].upper(),
        case_no=int(groups["case"]),
    )


def series_name(fonds: str, category: str, year: int, period: str, org: str) -> str:
    """The number series of one 全宗 + 门类 + 年度 + 期限 + 机构 (≤ 60 characters)."""
    return f"DA:{fonds}:{category}:{year}:{period}:{org}"[:60]


def take_number(session: Session, parts_without_case: NumberParts) -> tuple[int, str]:
    """The next 案卷号 of the series and its 档号, inside the caller's transaction. A number
    already held by a volume (an imported ledger's) is passed over: it is not a gap."""
    config = archive_settings.current(session)
    p = parts_without_case
    series = series_name(p.fonds, p.category, p.year, p.period, p.org)
    while True:
        case_no = take_numbers(session, series)
        parts = NumberParts(p.fonds, p.category, p.year, p.period, p.org, case_no)
        number = format_number(config.number_pattern, parts, config.case_digits)
        if session.scalar(select(ArchiveVolume.id).where(ArchiveVolume.number == number)) is None:
            return case_no, number


def note_number_taken(session: Session, parts: NumberParts) -> None:
    """A 档号 given by hand (an imported ledger): its series runs on after it."""
    series = series_name(parts.fonds, parts.category, parts.year, parts.period, parts.org)
    take_numbers(session, series, 0)  # makes sure the row exists, locks it
    session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == series, NumberSequence.next_value <= parts.case_no)
        .values(next_value=parts.case_no + 1)
    )


# ------------------------------------------------------------------ corrections

MAX_REASON = 300


def _reason(reason: str | None) -> str:
    text = normalise_text(reason or "")
    if not text:
        raise ValidationError("更正档号必须填写原因。", field="reason")
    if len(text) > MAX_REASON:
        raise ValidationError(f"原因最多 {MAX_REASON} 个字。", field="reason")
    return text


def _record_change(
    session: Session, actor: User, volume: ArchiveVolume, new_number: str, reason: str
) -> None:
    old = volume.number
    session.add(
        ArchiveNumberChange(
            volume_id=volume.id,
            old_number=old,
            new_number=new_number,
            reason=reason,
            user_id=actor.id,
            at=local_now(),
        )
    )
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="档号", old=old, new=new_number, detail=reason,
    )  # fmt: skip


def correct_number(
    session: Session, actor: User, volume_id: int, new_number: str, reason: str
) -> ArchiveVolume:
    """Give a volume a 档号 typed by hand (e.g. to match what was printed on the paper
    volume); the reason is required and the change recorded. The volume's other fields stay.
    Commits."""
    volume = get_volume(session, actor, volume_id, "edit")
    why = _reason(reason)
    number = normalise_text(new_number or "").replace(" ", "")
    if not number or len(number) > 60:
        raise ValidationError("新档号：请填写，最多 60 个字符。", field="number")
    if number == volume.number:
        raise ValidationError("新档号与原档号相同。", field="number")
    if session.scalar(select(ArchiveVolume.id).where(ArchiveVolume.number == number)):
        raise Conflict(f"档号「{number}」已被另一个案卷使用。")
    _record_change(session, actor, volume, number, why)
    volume.number = number
    volume.updated_at = local_now()
    session.commit()
    return volume


def renumber(
    session: Session,
    actor: User,
    volume_id: int,
    reason: str,
    category_code: str | None = None,
    year: int | None = None,
    period_code: str | None = None,
    department_id: int | None = None,
) -> ArchiveVolume:
    """Move a volume to another 门类, 年度, 保管期限 or 机构: it takes the next 案卷号 there
    and a new 档号; the old one is recorded with the reason (it leaves a documented hole in
    the old series, never a silent one). Commits."""
    from .archives import apply_period  # the due date follows the period

    volume = get_volume(session, actor, volume_id, "edit")
    why = _reason(reason)
    problems: list[FieldProblem] = []
    category = archive_settings.find_category(session, category_code or volume.category_code)
    if category is None:
        problems.append(FieldProblem("category_code", "门类：请从列表中选择。"))
    period = archive_settings.find_period(session, period_code or volume.period_code)
    if period is None:
        problems.append(FieldProblem("period_code", "保管期限：请从列表中选择。"))
    new_year = volume.year if year is None else year
    if not 1900 <= new_year <= date.today().year + 1:
        problems.append(FieldProblem("year", "年度：不在有效范围内。"))
    department = session.get(Department, department_id or volume.department_id)
    if department is None:
        problems.append(FieldProblem("department_id", "责任部门：请从列表中选择。"))
    if problems:
        raise ValidationError(problems)
    assert category is not None and period is not None and department is not None
    same = (
        category.code == volume.category_code
        and new_year == volume.year
        and period.code == volume.period_code
        and department.code == volume.org_code
    )
    if same:
        raise ValidationError("门类、年度、保管期限和责任部门都没有变，档号不用更正。")
    parts = NumberParts(volume.fonds_code, category.code, new_year, period.code, department.code, 0)
    case_no, number = take_number(session, parts)
    _record_change(session, actor, volume, number, why)
    volume.number, volume.case_no = number, case_no
    volume.category_code, volume.year = category.code, new_year
    volume.department_id, volume.org_code = department.id, department.code
    apply_period(volume, period)
    volume.updated_at = local_now()
    session.commit()
    return volume


def number_changes(session: Session, actor: User, volume_id: int) -> list[ArchiveNumberChange]:
    get_volume(session, actor, volume_id)
    return list(
        session.scalars(
            select(ArchiveNumberChange)
            .where(ArchiveNumberChange.volume_id == volume_id)
            .order_by(ArchiveNumberChange.at, ArchiveNumberChange.id)
        )
    )


# ------------------------------------------------------------------ the year of filing

REQUEST, REPLY, PLAN, SUMMARY, MEETING, OTHER = "请示", "批复", "规划", "总结", "会议文件", "其他"
DOCUMENT_KINDS = (REQUEST, REPLY, PLAN, SUMMARY, MEETING, OTHER)


def suggest_year(
    kind: str | None,
    dated: date | None = None,
    *,
    replied_on: date | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    opened_on: date | None = None,
) -> int | None:
    """The 年度 a document belongs to (002 L38), from its kind and dates:
    1. a document belongs to the year of its date;
    2. a 请示 with its 批复 → the year of the reply (`replied_on`);
    3. a 请示 without reply → the year of the request (`dated`);
    4. a 规划 (plan over several years) → its first year (`period_from`);
    5. a 总结 → its last year (`period_to`);
    6. 会议文件 → the year the meeting opened (`opened_on`).
    Falls back to `dated` when the kind's own date is missing; None when there is none."""
    chosen: date | None = None
    if kind == REQUEST:
        chosen = replied_on or dated
    elif kind == REPLY:
        chosen = dated or replied_on
    elif kind == PLAN:
        chosen = period_from or dated
    elif kind == SUMMARY:
        chosen = period_to or dated
    elif kind == MEETING:
        chosen = opened_on or dated
    else:
        chosen = dated
    return chosen.year if chosen is not None else None
