"""Office settings that are plain numbers: complaint deadlines and the visit rhythm.

Each setting has a default (DOMAIN §1–§3); the office changes it in the program, and what it
entered wins. Read once per session (a session is one user action).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Setting, User, local_now

from . import audit, rights
from .errors import ValidationError


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    default: int
    minimum: int = 0
    maximum: int = 60


SETTINGS = (
    SettingDef("complaint.report_days", "投诉上报期限（受理后第几个工作日内，0 = 当日）", 0),
    SettingDef("complaint.solution_days", "产品投诉：认定我方原因后提出方案的工作日数", 3, 1),
    SettingDef("complaint.service_investigate_days", "服务投诉：受理后开始调查的工作日数", 1, 0),
    SettingDef("complaint.service_reply_days", "服务投诉：受理后给出满意答复的工作日数", 2, 1),
    SettingDef("visits.per_week.A", "A 级客户每周拜访次数", 2, 0, 7),
    SettingDef("visits.per_week.B", "B 级客户每周拜访次数", 1, 0, 7),
    SettingDef("visits.per_week.C", "C 级客户每周拜访次数", 1, 0, 7),
    SettingDef("visits.per_week.D", "D 级客户每周拜访次数", 1, 0, 7),
    SettingDef("service.gap_months", "多久无服务记为服务不到位（月）", 3, 1, 24),
    # 客户满意度调查 (DOMAIN §4): this year's targets (指标, percent) a new survey starts
    # from, and the returned questionnaires a routine survey wants (warnings, not refusals)
    SettingDef("survey.target.degree", "满意度指标（%，新建调查的默认值）", 85, 0, 100),
    SettingDef("survey.target.rate", "满意率指标（%，新建调查的默认值）", 90, 0, 100),
    SettingDef("survey.target.top20", "前20名客户满意率指标（%）", 100, 0, 100),
    SettingDef(
        "survey.min_questionnaires", "常规调查至少回收的客户与经销商问卷（份）", 100, 0, 10000
    ),
    SettingDef(
        "survey.min_competitor_questionnaires", "常规调查至少回收的竞争对手问卷（份）", 10, 0, 10000
    ),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}
_CACHE_KEY = "office_settings"


def values(session: Session) -> dict[str, int]:
    """Every setting's value: the office's entry, else the default."""
    cached = session.info.get(_CACHE_KEY)
    if cached is None:
        cached = {setting.key: setting.default for setting in SETTINGS}
        for row in session.scalars(select(Setting)):
            if row.key in cached:
                cached[row.key] = int(row.value)
        session.info[_CACHE_KEY] = cached
    return cached


def value(session: Session, key: str) -> int:
    return values(session)[key]


def set_value(session: Session, actor: User, key: str, new: object) -> None:
    """Change one setting (settings edit right); recorded in the audit log. Commits."""
    rights.require(session, actor, "settings", "edit")
    setting = BY_KEY.get(key)
    if setting is None:
        raise ValidationError(f"没有这项设置：{key}")
    try:
        number = int(str(new).strip())
    except ValueError:
        raise ValidationError(f"{setting.label}：请填整数。", field=key) from None
    if not setting.minimum <= number <= setting.maximum:
        raise ValidationError(
            f"{setting.label}：应在 {setting.minimum} 到 {setting.maximum} 之间。", field=key
        )
    old = value(session, key)
    if old == number:
        return
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=str(number))
        session.add(row)
    row.value, row.updated_by_id, row.updated_at = str(number), actor.id, local_now()
    audit.record(
        session, actor, audit.EDIT, "setting", key, setting.label, field=setting.label,
        old=str(old), new=str(number),
    )  # fmt: skip
    session.commit()
    session.info.pop(_CACHE_KEY, None)
