"""contribution (month, insurance_id) index: the monthly assessment of the whole city finds a
month's ledger rows of one 险种 (to remove those no longer due, to count what it wrote) and the
unit totals of a month without reading the whole ledger.

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d2
Create Date: 2026-12-07 14:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2d4f6a8c0e1"
down_revision = "a1c3e5f7b9d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_contribution_month_insurance", "contribution", ["month", "insurance_id"])


def downgrade():
    op.drop_index("ix_contribution_month_insurance", table_name="contribution")
