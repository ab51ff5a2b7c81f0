"""The audit log: append-only and hash-chained; the customer history moves into it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 22:00:00
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
REFUSAL = "审计日志不可修改"


# Frozen copy of desktop_crm.services.audit.canonical / entry_hash as of this revision:
# a migration must not change when the service does. tests/services/test_audit.py keeps
# the two giving the same hash.
def _canonical(seq, at, user_id, user_name, workstation, act, object_type, object_id,
               object_label, field, old, new, detail):  # fmt: skip
    return json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(),
            "user_id": user_id,
            "user_name": user_name,
            "workstation": workstation,
            "act": act,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "field": field,
            "old": old,
            "new": new,
            "detail": detail,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def entry_hash(prev_hash, *content):
    return hashlib.sha256((prev_hash + _canonical(*content)).encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=40), nullable=True),
        sa.Column("workstation", sa.String(length=80), nullable=True),
        sa.Column("act", sa.String(length=20), nullable=False),
        sa.Column("object_type", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=True),
        sa.Column("object_label", sa.String(length=300), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_audit_log_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id", "seq"])
    op.create_index("ix_audit_log_user_seq", "audit_log", ["user_id", "seq"])
    op.create_index("ix_audit_log_act_seq", "audit_log", ["act", "seq"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_label", "audit_log", ["object_label"])
    _copy_customer_history()
    op.drop_index("ix_customer_change_customer_id", "customer_change")
    op.drop_table("customer_change")
    _refuse_changes()


def _copy_customer_history() -> None:
    bind = op.get_bind()
    change = sa.table(
        "customer_change",
        sa.column("id", sa.Integer),
        sa.column("customer_id", sa.Integer),
        sa.column("changed_at", sa.DateTime),
        sa.column("user_id", sa.Integer),
        sa.column("field", sa.String),
        sa.column("old_value", sa.Text),
        sa.column("new_value", sa.Text),
    )
    customer = sa.table(
        "customer", sa.column("id", sa.Integer), sa.column("code"), sa.column("name")
    )
    user = sa.table("app_user", sa.column("id", sa.Integer), sa.column("name"))
    audit = sa.table(
        "audit_log",
        *(
            sa.column(name)
            for name in (
                "seq", "user_id", "user_name", "workstation", "act", "object_type",
                "object_id", "object_label", "field", "old_value", "new_value", "detail",
                "prev_hash", "entry_hash",
            )
        ),  # fmt: skip
        sa.column("at", sa.DateTime),
    )
    query = (
        sa.select(
            change.c.changed_at,
            change.c.user_id,
            user.c.name,
            change.c.field,
            change.c.old_value,
            change.c.new_value,
            change.c.customer_id,
            customer.c.code,
            customer.c.name,
        )
        .select_from(change)
        .join(customer, customer.c.id == change.c.customer_id)
        .outerjoin(user, user.c.id == change.c.user_id)
        .order_by(change.c.id)
    )
    seq, prev, rows = 0, GENESIS_HASH, []
    for at, user_id, user_name, field, old, new, customer_id, code, name in bind.execute(query):
        seq += 1
        act = "新建" if field == "登记" else "修改"
        object_id = str(customer_id)
        label = f"{code} {name or ''}".strip()[:300]
        user_name = user_name[:40] if user_name else user_name
        digest = entry_hash(
            prev, seq, at, user_id, user_name, None, act, "customer", object_id, label,
            field, old, new, None,
        )  # fmt: skip
        rows.append(
            {
                "seq": seq,
                "at": at,
                "user_id": user_id,
                "user_name": user_name,
                "workstation": None,
                "act": act,
                "object_type": "customer",
                "object_id": object_id,
                "object_label": label,
                "field": field,
                "old_value": old,
                "new_value": new,
                "detail": None,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
        if len(rows) >= 5000:
            bind.execute(sa.insert(audit), rows)
            rows = []
    if rows:
        bind.execute(sa.insert(audit), rows)
    sequence = sa.table("number_sequence", sa.column("name"), sa.column("next_value"))
    bind.execute(sa.delete(sequence).where(sequence.c.name == "audit"))
    bind.execute(sa.insert(sequence).values(name="audit", next_value=seq + 1))


def _refuse_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()"
    )


def downgrade() -> None:
    # The history goes back to an empty customer_change; the audit rows cannot be moved
    # back without losing what they say beyond field changes.
    op.create_table(
        "customer_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"],
            name=op.f("fk_customer_change_customer_id_customer"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_customer_change_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_change")),
    )
    op.create_index("ix_customer_change_customer_id", "customer_change", ["customer_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse()")
    op.drop_table("audit_log")
