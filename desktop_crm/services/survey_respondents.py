"""The survey's planned respondents (调查名单, DOMAIN §4): generated the way the regulation
asks — 重点客户, 普通客户, and the 20 customers with the largest purchases of a chosen year
— and edited by hand while the survey is 准备.

Rights: changing the list needs surveys·edit over the survey (services.surveys) and
takes only customers within the actor's surveys·edit reach; the list shows the
customers within their surveys·view reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import (
    Customer,
    Survey,
    SurveyQuestionnaire,
    SurveyRespondent,
    User,
    local_now,
)

from . import access, audit
from .errors import PermissionDenied, ValidationError
from .key_customers import top_purchasers
from .survey_figures import GROUP_KEY, GROUP_ORDINARY, GROUP_TOP20, GROUPS
from .surveys import PREPARING, expect_version, get_survey, guarded, label_of

ADDED_GENERATED, ADDED_BY_HAND = "生成", "手工"
PARTNER = "合作客户"  # 普通客户: the customers the company supplies, other than 重点客户


@dataclass(frozen=True, slots=True)
class RespondentRow:
    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    group: str
    added_how: str
    owner: str  # the customer's 客户经理
    returned: bool  # a questionnaire about us came back


@dataclass(frozen=True)
class RespondentSummary:
    added: int
    total: int
    by_group: dict[str, int] = field(default_factory=dict)


def _require_preparing(survey: Survey) -> None:
    if survey.state != PREPARING:
        raise ValidationError(
            f"调查已「{survey.state}」，名单不能再改（只有「准备」中的调查可以改名单）。",
            field="respondents",
        )


def _customers_in_reach(session: Session, actor: User) -> ColumnElement[bool] | None:
    return access.scope_condition(
        session, actor, "surveys", "edit", Customer.owner_id, for_count=True
    )


def group_candidates(session: Session, actor: User, group: str, purchase_year: int) -> list[int]:
    """Customer ids of a respondent group, within `actor`'s reach: 重点客户 (the flag in
    effect), 普通客户 (合作客户 that are not 重点客户), 前20名 (largest 购货金额 of
    `purchase_year`)."""
    if group == GROUP_TOP20:
        query = select(Customer.id).where(Customer.id.in_(top_purchasers(purchase_year)))
    elif group == GROUP_KEY:
        query = select(Customer.id).where(Customer.key_customer.is_(True))
    elif group == GROUP_ORDINARY:
        query = select(Customer.id).where(
            Customer.key_customer.is_(False), Customer.status == PARTNER
        )
    else:
        raise ValidationError(f"名单分组应为：{'、'.join(GROUPS)}。", field="groups")
    reach = _customers_in_reach(session, actor)
    if reach is not None:
        query = query.where(reach)
    return list(session.scalars(query.order_by(Customer.id)))


@guarded()
def generate_respondents(
    session: Session,
    actor: User,
    survey_id: int,
    groups: Iterable[str],
    purchase_year: int | None = None,
    replace: bool = False,
    expected_version: int | None = None,
) -> RespondentSummary:
    """Fill the planned respondent list the way the regulation asks: 重点客户, 普通客户
    and/or the 20 largest purchasers of `purchase_year` (default: the survey's, else the
    year before it starts). A customer in several groups is listed once, in the first of
    前20名, 重点客户, 普通客户. `replace` drops the generated rows first (hand-added ones
    stay). Only while the survey is 准备 (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    expect_version(survey, expected_version)
    _require_preparing(survey)
    wanted = [g for g in GROUPS if g in set(groups)]
    unknown = set(groups) - set(GROUPS)
    if unknown or not wanted:
        raise ValidationError(f"名单分组应为：{'、'.join(GROUPS)}。", field="groups")
    year = purchase_year or survey.purchase_year or survey.period_from.year - 1
    if replace:
        session.execute(
            delete(SurveyRespondent).where(
                SurveyRespondent.survey_id == survey.id,
                SurveyRespondent.added_how == ADDED_GENERATED,
            )
        )
    existing = {
        row.customer_id: row
        for row in session.scalars(
            select(SurveyRespondent).where(SurveyRespondent.survey_id == survey.id)
        )
    }
    now = local_now()
    added: dict[str, int] = {}
    new_rows = []
    placed: set[int] = set()
    for group in wanted:
        for customer_id in group_candidates(session, actor, group, year):
            if customer_id in placed:
                continue
            placed.add(customer_id)
            row = existing.get(customer_id)
            if row is None:
                new_rows.append(
                    {
                        "survey_id": survey.id,
                        "customer_id": customer_id,
                        "respondent_group": group,
                        "added_how": ADDED_GENERATED,
                        "added_by_id": actor.id,
                        "added_at": now,
                    }
                )
                added[group] = added.get(group, 0) + 1
            elif GROUPS.index(group) < GROUPS.index(row.respondent_group):
                row.respondent_group = group  # a better group found for a listed customer
    if new_rows:
        session.execute(insert(SurveyRespondent), new_rows)
    if GROUP_TOP20 in wanted:
        survey.purchase_year = year
    survey.updated_at = now
    total = session.scalar(select(func.count()).where(SurveyRespondent.survey_id == survey.id)) or 0
    audit.record(
        session, actor, audit.EDIT, "survey", survey.id, label_of(survey), field="调查名单",
        detail=f"生成名单（{'、'.join(wanted)}"
        + (f"，{year} 年购货额" if GROUP_TOP20 in wanted else "")
        + f"）：新增 {len(new_rows)} 个，共 {total} 个" + ("；已替换原生成名单" if replace else ""),
    )  # fmt: skip
    session.commit()
    return RespondentSummary(len(new_rows), total, added)


@guarded()
def add_respondents(
    session: Session,
    actor: User,
    survey_id: int,
    customer_ids: Iterable[int],
    group: str = GROUP_ORDINARY,
) -> RespondentSummary:
    """Add customers to the list by hand (those already listed are left as they are);
    only customers within `actor`'s reach, only while 准备 (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    _require_preparing(survey)
    if group not in GROUPS:
        raise ValidationError(f"名单分组应为：{'、'.join(GROUPS)}。", field="group")
    ids = sorted(set(int(i) for i in customer_ids))
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    missing = [i for i in ids if i not in customers]
    if missing:
        raise ValidationError("所选客户已不存在。", field="customer_id")
    for customer in customers.values():
        if not access.owner_in_reach(session, actor, "surveys", "edit", customer.owner_id):
            raise PermissionDenied(f"客户「{customer.name}」不归您或您的部门负责，不能加入名单。")
    listed = set(
        session.scalars(
            select(SurveyRespondent.customer_id).where(
                SurveyRespondent.survey_id == survey.id, SurveyRespondent.customer_id.in_(ids)
            )
        )
    )
    now = local_now()
    new = [i for i in ids if i not in listed]
    for customer_id in new:
        session.add(
            SurveyRespondent(
                survey_id=survey.id,
                customer_id=customer_id,
                respondent_group=group,
                added_how=ADDED_BY_HAND,
                added_by_id=actor.id,
                added_at=now,
            )
        )
    if new:
        audit.record(
            session, actor, audit.EDIT, "survey", survey.id, label_of(survey), field="调查名单",
            detail="加入：" + "、".join(customers[i].name for i in new[:20])
            + (f" 等 {len(new)} 个" if len(new) > 20 else ""),
        )  # fmt: skip
    session.commit()
    total = session.scalar(select(func.count()).where(SurveyRespondent.survey_id == survey.id)) or 0
    return RespondentSummary(len(new), total, {group: len(new)} if new else {})


@guarded()
def remove_respondents(
    session: Session, actor: User, survey_id: int, respondent_ids: Iterable[int]
) -> int:
    """Take rows off the list (only while 准备, surveys·edit); returns how many."""
    survey = get_survey(session, actor, survey_id, "edit")
    _require_preparing(survey)
    ids = sorted(set(int(i) for i in respondent_ids))
    rows = list(
        session.execute(
            select(SurveyRespondent.id, Customer.name, Customer.owner_id)
            .join(Customer, Customer.id == SurveyRespondent.customer_id)
            .where(SurveyRespondent.survey_id == survey.id, SurveyRespondent.id.in_(ids))
        )
    )
    for _, name, owner_id in rows:
        if not access.owner_in_reach(session, actor, "surveys", "edit", owner_id):
            raise PermissionDenied(f"客户「{name}」不归您或您的部门负责，不能移出名单。")
    if not rows:
        return 0
    session.execute(delete(SurveyRespondent).where(SurveyRespondent.id.in_([r[0] for r in rows])))
    audit.record(
        session, actor, audit.EDIT, "survey", survey.id, label_of(survey), field="调查名单",
        detail="移出：" + "、".join(r[1] for r in rows[:20])
        + (f" 等 {len(rows)} 个" if len(rows) > 20 else ""),
    )  # fmt: skip
    session.commit()
    return len(rows)


def respondent_rows(session: Session, actor: User, survey_id: int) -> list[RespondentRow]:
    """The planned list as `actor` may see it (customers within their reach), by group
    then 客户编号; `returned` when a questionnaire about us came back (surveys·view)."""
    survey = get_survey(session, actor, survey_id)
    owner = aliased(User, name="respondent_owner")
    returned = (
        select(SurveyQuestionnaire.id)
        .where(
            SurveyQuestionnaire.survey_id == SurveyRespondent.survey_id,
            SurveyQuestionnaire.customer_id == SurveyRespondent.customer_id,
            SurveyQuestionnaire.competitor_id.is_(None),
        )
        .exists()
    )
    query = (
        select(
            SurveyRespondent.id,
            Customer.id,
            Customer.code,
            Customer.name,
            SurveyRespondent.respondent_group,
            SurveyRespondent.added_how,
            owner.name,
            returned,
        )
        .join(Customer, Customer.id == SurveyRespondent.customer_id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .where(SurveyRespondent.survey_id == survey.id)
    )
    reach = access.scope_condition(
        session, actor, "surveys", "view", Customer.owner_id, for_count=True
    )
    if reach is not None:
        query = query.where(reach)
    rows = [
        RespondentRow(rid, cid, code, name, group, how, owner_name or "", bool(back))
        for rid, cid, code, name, group, how, owner_name, back in session.execute(query)
    ]
    rows.sort(key=lambda r: (GROUPS.index(r.group) if r.group in GROUPS else 9, r.customer_code))
    return rows
