"""Index for the year's largest purchasers (重点客户).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 21:09:51
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_purchase", schema=None) as batch_op:
        batch_op.create_index("ix_customer_purchase_year_amount", ["year", "amount"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_purchase", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_purchase_year_amount")
