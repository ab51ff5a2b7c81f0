"""Sort indexes for every list column, and the stored 重点客户 flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:42:39
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): the full-text triggers hang on this table.
    op.add_column(
        "customer",
        sa.Column("key_customer", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_customer_address", "customer", ["address"])
    op.create_index("ix_customer_key_sort", "customer", ["key_customer", "pinyin_sort"])
    op.create_index("ix_customer_phone", "customer", ["phone"])
    op.create_index("ix_customer_short_name", "customer", ["short_name"])
    # Hand-marked customers now; last year's top purchasers are added at the next start.
    op.execute(sa.text("UPDATE customer SET key_customer = is_key"))


def downgrade() -> None:
    op.drop_index("ix_customer_short_name", "customer")
    op.drop_index("ix_customer_phone", "customer")
    op.drop_index("ix_customer_key_sort", "customer")
    op.drop_index("ix_customer_address", "customer")
    with op.batch_alter_table("customer") as batch_op:
        batch_op.drop_column("key_customer")
