"""Online payment (D4): the demo bank's orders and pending notifications, reconciliation runs.

Revision ID: d4f6b8c0e2a5
Revises: b2d4f6a8c0e1
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "d4f6b8c0e2a5"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "demo_bank_order",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("trade_no", sa.String(40), nullable=False, unique=True),
        sa.Column("merchant", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("notify_url", sa.String(500), nullable=False),
        sa.Column("return_url", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("bank_ref", sa.String(60), unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
    )
    op.create_index("ix_demo_bank_order_finished_at", "demo_bank_order", ["finished_at"])
    op.create_table(
        "demo_bank_notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("demo_bank_order.id"), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime()),
        sa.Column("last_at", sa.DateTime()),
        sa.Column("last_answer", sa.Text()),
    )
    op.create_index("ix_demo_bank_notification_order_id", "demo_bank_notification", ["order_id"])
    op.create_index("ix_demo_bank_notification_due", "demo_bank_notification",
                    ["status", "next_at"])
    op.create_table(
        "reconciliation_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer()),
        sa.Column("username", sa.String(128)),
        sa.Column("bank_count", sa.Integer(), nullable=False),
        sa.Column("bank_total", sa.Numeric(14, 2), nullable=False),
        sa.Column("ledger_count", sa.Integer(), nullable=False),
        sa.Column("ledger_total", sa.Numeric(14, 2), nullable=False),
        sa.Column("mismatch_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_reconciliation_run_day", "reconciliation_run", ["day"])
    op.create_table(
        "reconciliation_mismatch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(),
                  sa.ForeignKey("reconciliation_run.id", ondelete="CASCADE"), nullable=False),
        sa.Column("trade_no", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("bank_amount", sa.Numeric(14, 2)),
        sa.Column("ledger_amount", sa.Numeric(14, 2)),
        sa.Column("bill_no", sa.String(30)),
    )
    op.create_index("ix_reconciliation_mismatch_run_id", "reconciliation_mismatch", ["run_id"])


def downgrade():
    op.drop_table("reconciliation_mismatch")
    op.drop_table("reconciliation_run")
    op.drop_table("demo_bank_notification")
    op.drop_table("demo_bank_order")
