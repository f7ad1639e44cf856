"""ab_user.session_version: a session remembers the version it was opened under and ends when the
user's version moves on (logout, password change or reset, lock, role change). sms_send_lock: one
row per phone, updated first by every code send, so two sends to one phone take turns and the
per-minute and per-day limits are counted by one of them at a time.

Revision ID: c5a9d3e1f7b2
Revises: 985d06cfc3ab
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c5a9d3e1f7b2"
down_revision = "985d06cfc3ab"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ab_user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "sms_send_lock",
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("phone"),
    )


def downgrade():
    op.drop_table("sms_send_lock")
    with op.batch_alter_table("ab_user") as batch:
        batch.drop_column("session_version")
