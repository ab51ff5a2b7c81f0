"""The archive room's people and a few volumes, shared by the archive service tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, Department, User
from desktop_crm.services import archives, staff


def department_id(session: Session, code: str) -> int:
    found = session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None
    return found


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


@dataclass
class ArchiveOffice:
    admin: User
    keeper: User  # 档案管理员 (综合服务部): everything, cleared
    clerk: User  # 部门档案员 of 市场营销部: files and sees the department's volumes
    head: User  # 部门负责人 of 市场营销部: sees the department's, not cleared
    gm: User  # 总经理: sees all, cleared
    yxb: int
    zjb: int


def make_office(session: Session, admin: User) -> ArchiveOffice:
    return ArchiveOffice(
        admin=admin,
        keeper=person(session, admin, "孙丽", "ZHB", "档案管理员"),
        clerk=person(session, admin, "钱程", "YXB", "部门档案员"),
        head=person(session, admin, "李明", "YXB", "部门负责人"),
        gm=person(session, admin, "周强", "BGS", "总经理"),
        yxb=department_id(session, "YXB"),
        zjb=department_id(session, "ZJB"),
    )


def volume_values(office: ArchiveOffice, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "2026年客户走访工作文件",
        "category_code": "文书",
        "year": 2026,
        "period_code": "D10",
        "department_id": office.yxb,
        "pages": 12,
        "filed_on": date(2026, 3, 2),
    }
    values.update(changes)
    return values


def file(
    session: Session, actor: User, office: ArchiveOffice, items=(), **changes: object
) -> ArchiveVolume:  # noqa: ANN001
    return archives.file_volume(session, actor, volume_values(office, **changes), items)
