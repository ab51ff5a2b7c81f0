"""Secret volumes by the end of their 保密期限: every secret volume carries its end
(`secrecy_until`; volumes filed before the rule get it from 归档日期 + their years or the
law's default, 绝密 30 / 机密 20 / 秘密 10), and an index reads the due ones in order.
Also an index on 门类 + 年度 + 期限 (+ 档号), the series a catalogue and the keeper filter by,
and two for a department head's reach: 责任部门 + 密级, 责任部门 + 到期鉴定.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 06:10:00
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DEFAULT_YEARS = {"绝密": 30, "机密": 20, "秘密": 10}  # as archive_settings had them at 0014


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, secrecy, secrecy_years, filed_on FROM archive_volume "
            "WHERE secrecy_until IS NULL AND secrecy IN ('秘密', '机密', '绝密')"
        )
    ).all()
    updates = []
    for volume_id, level, years, filed_on in rows:
        day = filed_on if isinstance(filed_on, date) else date.fromisoformat(str(filed_on)[:10])
        updates.append({"id": volume_id, "until": _years_later(day, years or DEFAULT_YEARS[level])})
    if updates:
        bind.execute(
            sa.text("UPDATE archive_volume SET secrecy_until = :until WHERE id = :id"), updates
        )
    with op.batch_alter_table("archive_volume", schema=None) as batch_op:
        batch_op.create_index("ix_archive_volume_secrecy_until", ["secrecy_until"], unique=False)
        batch_op.create_index(
            "ix_archive_volume_series",
            ["category_code", "year", "period_code", "number"],
            unique=False,
        )
        batch_op.create_index(
            "ix_archive_volume_department_secrecy", ["department_id", "secrecy"], unique=False
        )
        batch_op.create_index(
            "ix_archive_volume_department_due", ["department_id", "appraisal_due_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("archive_volume", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_volume_department_due")
        batch_op.drop_index("ix_archive_volume_department_secrecy")
        batch_op.drop_index("ix_archive_volume_series")
        batch_op.drop_index("ix_archive_volume_secrecy_until")
