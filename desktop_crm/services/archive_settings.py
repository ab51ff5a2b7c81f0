"""The archive's settings (DOMAIN §5): 全宗号, the 档号 pattern, 门类 with their codes and
default 保管期限 (the office's 保管期限表), 保管期限 with codes and years, and 密级.

门类 and 保管期限 carry a code that goes into the 档号, and 保管期限 its years, so they are
small tables of their own (archive_category, archive_period) rather than lookup lists; a
volume stores the codes, so a renamed 门类 keeps its volumes. 全宗号, 全宗名称, the pattern
and the digits of the 案卷号 are text rows of app_setting ("archive.*"; services.settings
holds only numbers and ignores them). 密级 is fixed: the three levels are the law's
(保守国家秘密法: 绝密, 机密, 秘密), and 公开 / 内部 are 非密, not levels — the rules below
(clearance, 绝密 in volumes of its own, 保密期限) depend on exactly these.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveCategory,
    ArchivePeriod,
    ArchiveVolume,
    Setting,
    User,
    local_now,
)

from . import audit, rights
from .errors import Conflict, FieldProblem, NotFound, ValidationError
from .text_keys import normalise_text

# ------------------------------------------------------------------ 密级

PUBLIC, INTERNAL, SECRET, CONFIDENTIAL, TOP_SECRET = "公开", "内部", "秘密", "机密", "绝密"
SECRECY_LEVELS = (PUBLIC, INTERNAL, SECRET, CONFIDENTIAL, TOP_SECRET)  # low to high
SECRET_LEVELS = (SECRET, CONFIDENTIAL, TOP_SECRET)  # carry a 保密期限
CLASSIFIED = (CONFIDENTIAL, TOP_SECRET)  # left out of the list without clearance; logged
# 保密法 第十五条: without a fixed term, 绝密 up to 30 years, 机密 20, 秘密 10.
DEFAULT_SECRECY_YEARS = {TOP_SECRET: 30, CONFIDENTIAL: 20, SECRET: 10}
SECRECY_ALIASES = {"非密": INTERNAL, "无": PUBLIC}


def secrecy_rank(level: str | None) -> int:
    return SECRECY_LEVELS.index(level) if level in SECRECY_LEVELS else 0


# ------------------------------------------------------------------ 门类 and 保管期限

# (code, name, years): years None is 永久. The seed's old 长期 / 短期 map to D30 / D10.
DEFAULT_PERIODS = (("Y", "永久", None), ("D30", "定期30年", 30), ("D10", "定期10年", 10))
PERIOD_ALIASES = {
    "长期": "D30",
    "短期": "D10",
    "30年": "D30",
    "10年": "D10",
    "定期30": "D30",
    "定期10": "D10",
}
# (code, name, default 保管期限 code): the office's 保管期限表; 客户档案 10 years (002 L222).
DEFAULT_CATEGORIES = (
    ("WS", "文书", "D30"),
    ("SX", "声像", "Y"),
    ("KH", "客户档案", "D10"),
    ("HT", "合同协议", "D30"),
    ("HY", "会议记录", "D30"),
    ("JS", "技术资料", "D30"),
    ("TZ", "工程图纸", "Y"),
    ("RS", "人事", "Y"),
    ("KJ", "会计", "D30"),
)
CUSTOMER_CATEGORY = "KH"

# ------------------------------------------------------------------ text settings

FONDS_CODE, FONDS_NAME, NUMBER_PATTERN, CASE_DIGITS = (
    "archive.fonds_code",
    "archive.fonds_name",
    "archive.number_pattern",
    "archive.case_digits",
)
DEFAULT_PATTERN = "全宗号-门类代码·年度-保管期限代码-机构代码-案卷号"
TEXT_DEFAULTS = {
    FONDS_CODE: "Z001",
    FONDS_NAME: "",
    NUMBER_PATTERN: DEFAULT_PATTERN,
    CASE_DIGITS: "4",
}
TEXT_LABELS = {
    FONDS_CODE: "全宗号",
    FONDS_NAME: "全宗名称",
    NUMBER_PATTERN: "档号格式",
    CASE_DIGITS: "案卷号位数",
}
_CACHE_KEY = "archive_settings"


@dataclass(frozen=True)
class ArchiveSettings:
    fonds_code: str
    fonds_name: str
    number_pattern: str
    case_digits: int


def seed_defaults(session: Session) -> None:
    """Give a store without 门类 / 保管期限 the defaults (the caller commits)."""
    if session.scalar(select(func.count()).select_from(ArchivePeriod)) == 0:
        for order, (code, name, years) in enumerate(DEFAULT_PERIODS):
            session.add(ArchivePeriod(code=code, name=name, years=years, sort_order=order))
    if session.scalar(select(func.count()).select_from(ArchiveCategory)) == 0:
        for order, (code, name, period) in enumerate(DEFAULT_CATEGORIES):
            session.add(
                ArchiveCategory(code=code, name=name, default_period_code=period, sort_order=order)
            )
    session.flush()


def current(session: Session) -> ArchiveSettings:
    """全宗号, 全宗名称, the 档号 pattern and the 案卷号 digits (read once per session)."""
    cached = session.info.get(_CACHE_KEY)
    if cached is None:
        found = dict(TEXT_DEFAULTS)
        for row in session.scalars(select(Setting).where(Setting.key.in_(list(TEXT_DEFAULTS)))):
            found[row.key] = row.value
        cached = ArchiveSettings(
            fonds_code=found[FONDS_CODE],
            fonds_name=found[FONDS_NAME],
            number_pattern=found[NUMBER_PATTERN],
            case_digits=int(found[CASE_DIGITS]),
        )
        session.info[_CACHE_KEY] = cached
    return cached


def set_text(session: Session, actor: User, key: str, value: object) -> None:
    """Change 全宗号, 全宗名称, the 档号 pattern or the 案卷号 digits (settings edit right);
    recorded in the audit log. New 档号 follow it; filed ones keep theirs. Commits."""
    rights.require(session, actor, "settings", "edit")
    if key not in TEXT_DEFAULTS:
        raise NotFound(f"没有这项设置：{key}")
    label = TEXT_LABELS[key]
    text = normalise_text(str(value or ""))
    if key == FONDS_CODE and not (text and len(text) <= 20 and "-" not in text):
        raise ValidationError(f"{label}：请填写，最多 20 个字符，不含“-”。", field=key)
    if key == FONDS_NAME and len(text) > 100:
        raise ValidationError(f"{label}：最多 100 个字。", field=key)
    if key == NUMBER_PATTERN:
        from .archive_numbers import check_pattern

        problem = check_pattern(text)
        if problem:
            raise ValidationError(f"{label}：{problem}", field=key)
    if key == CASE_DIGITS and text not in {"3", "4", "5", "6"}:
        raise ValidationError(f"{label}：应为 3 到 6。", field=key)
    row = session.get(Setting, key)
    old = row.value if row is not None else TEXT_DEFAULTS[key]
    if old == text:
        return
    if row is None:
        row = Setting(key=key, value=text)
        session.add(row)
    row.value, row.updated_by_id, row.updated_at = text, actor.id, local_now()
    audit.record(session, actor, audit.EDIT, "setting", key, label, field=label, old=old, new=text)
    session.commit()
    session.info.pop(_CACHE_KEY, None)


def categories(session: Session, active_only: bool = True) -> list[ArchiveCategory]:
    query = select(ArchiveCategory).order_by(ArchiveCategory.sort_order, ArchiveCategory.code)
    if active_only:
        query = query.where(ArchiveCategory.active.is_(True))
    return list(session.scalars(query))


def periods(session: Session, active_only: bool = True) -> list[ArchivePeriod]:
    query = select(ArchivePeriod).order_by(ArchivePeriod.sort_order, ArchivePeriod.code)
    if active_only:
        query = query.where(ArchivePeriod.active.is_(True))
    return list(session.scalars(query))


def find_category(session: Session, text: object) -> ArchiveCategory | None:
    """A 门类 by code (WS) or name (文书), as an office writes it."""
    value = normalise_text(str(text or ""))
    if not value:
        return None
    found = session.get(ArchiveCategory, value.upper())
    if found is None:
        found = session.scalar(select(ArchiveCategory).where(ArchiveCategory.name == value))
    return found


def find_period(session: Session, text: object) -> ArchivePeriod | None:
    """A 保管期限 by code (Y, D30), name (永久, 定期30年) or the usual short forms (30年, 长期)."""
    value = normalise_text(str(text or "")).replace(" ", "")
    if not value:
        return None
    value = PERIOD_ALIASES.get(value, value)
    found = session.get(ArchivePeriod, value.upper())
    if found is None:
        found = session.scalar(select(ArchivePeriod).where(ArchivePeriod.name == value))
    return found


def find_secrecy(text: object) -> str | None:
    value = normalise_text(str(text or ""))
    if not value:
        return None
    value = SECRECY_ALIASES.get(value, value)
    return value if value in SECRECY_LEVELS else None


def default_period(session: Session, category_code: str) -> ArchivePeriod | None:
    """The 保管期限表's period for a 门类."""
    category = session.get(ArchiveCategory, category_code)
    return session.get(ArchivePeriod, category.default_period_code) if category else None


def _check_code(code: str, problems: list[FieldProblem]) -> str:
    code = normalise_text(code).upper()
    if not code or len(code) > 10 or not code.isalnum() or not code.isascii():
        problems.append(FieldProblem("code", "代码：请填写 1 到 10 个字母或数字。"))
    return code


def save_category(
    session: Session,
    actor: User,
    code: str,
    name: str,
    default_period_code: str,
    active: bool = True,
) -> ArchiveCategory:
    """Add a 门类 or change an existing one's name, default period or active flag (its code
    is in 档号 and cannot change). Commits."""
    rights.require(session, actor, "settings", "edit")
    problems: list[FieldProblem] = []
    code = _check_code(code, problems)
    name = normalise_text(name or "")
    if not name or len(name) > 20:
        problems.append(FieldProblem("name", "名称：请填写，最多 20 个字。"))
    if session.get(ArchivePeriod, default_period_code) is None:
        problems.append(FieldProblem("default_period_code", "默认保管期限：请从列表中选择。"))
    if problems:
        raise ValidationError(problems)
    clash = session.scalar(
        select(ArchiveCategory.code).where(
            ArchiveCategory.name == name, ArchiveCategory.code != code
        )
    )
    if clash:
        raise Conflict(f"门类「{name}」已存在（代码 {clash}）。")
    row = session.get(ArchiveCategory, code)
    old = None
    if row is None:
        order = session.scalar(select(func.max(ArchiveCategory.sort_order))) or 0
        row = ArchiveCategory(code=code, sort_order=order + 1)
        session.add(row)
    else:
        old = f"{row.name} {row.default_period_code}{'' if row.active else ' 停用'}"
    row.name, row.default_period_code, row.active = name, default_period_code, active
    new = f"{name} {default_period_code}{'' if active else ' 停用'}"
    if old != new:
        audit.record(
            session, actor, audit.EDIT if old else audit.CREATE, "setting",
            f"archive_category:{code}", f"门类 {code}", field="门类", old=old, new=new,
        )  # fmt: skip
    session.commit()
    return row


def save_period(
    session: Session, actor: User, code: str, name: str, years: int | None, active: bool = True
) -> ArchivePeriod:
    """Add a 保管期限 or rename / retire one. Its years cannot change once volumes use it
    (their due dates were counted from them). Commits."""
    rights.require(session, actor, "settings", "edit")
    problems: list[FieldProblem] = []
    code = _check_code(code, problems)
    name = normalise_text(name or "")
    if not name or len(name) > 20:
        problems.append(FieldProblem("name", "名称：请填写，最多 20 个字。"))
    if years is not None and not (isinstance(years, int) and 1 <= years <= 100):
        problems.append(FieldProblem("years", "年限：请填 1 到 100 的整数；永久不填。"))
    if problems:
        raise ValidationError(problems)
    row = session.get(ArchivePeriod, code)
    if row is not None and row.years != years:
        used = session.scalar(
            select(func.count()).select_from(ArchiveVolume).where(ArchiveVolume.period_code == code)
        )
        if used:
            raise Conflict(f"保管期限 {code} 已有 {used} 个案卷使用，不能改年限；请新增一个期限。")
    old = None
    if row is None:
        order = session.scalar(select(func.max(ArchivePeriod.sort_order))) or 0
        row = ArchivePeriod(code=code, sort_order=order + 1)
        session.add(row)
    else:
        old = f"{row.name} {row.years or '永久'}"
    row.name, row.years, row.active = name, years, active
    new = f"{name} {years or '永久'}"
    if old != new:
        audit.record(
            session, actor, audit.EDIT if old else audit.CREATE, "setting",
            f"archive_period:{code}", f"保管期限 {code}", field="保管期限", old=old, new=new,
        )  # fmt: skip
    session.commit()
    return row
