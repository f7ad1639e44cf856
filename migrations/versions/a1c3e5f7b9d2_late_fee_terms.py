"""滞纳金 terms per year: year_parameter.late_fee_rate (daily, 0.0005) and due_day (15).

Revision ID: a1c3e5f7b9d2
Revises: e5b7c9d1f3a2
Create Date: 2026-12-07 07:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "a1c3e5f7b9d2"
down_revision = "e5b7c9d1f3a2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("year_parameter") as batch:
        batch.add_column(sa.Column("late_fee_rate", sa.Numeric(9, 6), nullable=False,
                                   server_default="0.0005"))
        batch.add_column(sa.Column("due_day", sa.Integer(), nullable=False, server_default="15"))


def downgrade():
    with op.batch_alter_table("year_parameter") as batch:
        batch.drop_column("due_day")
        batch.drop_column("late_fee_rate")
