"""A 合作客户's file must be complete (DOMAIN §1, 001 L43): which fields it lacks, and the
SQL condition that lists the incomplete files (per 客户经理 with the owner filter)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, exists, or_, select

from desktop_crm.models import Contact, Customer

from .customer_fields import FIELDS_BY_KEY

PARTNER_STATUS = "合作客户"
# What the office needs on file before it works with a customer.
PARTNER_REQUIRED = (
    "address",
    "phone",
    "customer_head",
    "category",
    "settlement",
    "grade",
    "payment_method",
)
CONTACT_LABEL = "联系人"
IDENTITY_LABEL = "统一社会信用代码或组织机构代码"


def missing_for_partner(values: Mapping[str, object], contact_count: int) -> list[str]:
    """Labels of what a 合作客户's file lacks; empty when complete or not a 合作客户."""
    if values.get("status") != PARTNER_STATUS:
        return []
    missing = [
        FIELDS_BY_KEY[key].label for key in PARTNER_REQUIRED if values.get(key) in (None, "")
    ]
    if not values.get("credit_code") and not values.get("org_code"):
        missing.insert(0, IDENTITY_LABEL)
    if contact_count == 0:
        missing.append(CONTACT_LABEL)
    return missing


def incomplete_partner_condition() -> ColumnElement[bool]:
    """合作客户 whose file lacks a required field, an identity code or a contact."""
    lacking = [
        or_(getattr(Customer, key).is_(None), getattr(Customer, key) == "")
        for key in PARTNER_REQUIRED
    ]
    lacking.append(and_(Customer.credit_code.is_(None), Customer.org_code.is_(None)))
    lacking.append(~exists(select(Contact.id).where(Contact.customer_id == Customer.id)))
    return and_(Customer.status == PARTNER_STATUS, or_(*lacking))
