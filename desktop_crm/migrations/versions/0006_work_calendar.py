"""The office's working-day calendar (days set by hand against the holiday library).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_work_calendar_day_updated_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_work_calendar_day")),
    )


def downgrade() -> None:
    op.drop_table("work_calendar_day")
