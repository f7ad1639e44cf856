"""医疗账户补助金 (C14): medical_account_subsidy, one amount per person and month, written by the
approval of a 医疗账户补助金申报.

Revision ID: a7c9e1f3b5d8
Revises: d4f6b8c0e2a5
Create Date: 2026-12-07 14:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "a7c9e1f3b5d8"
down_revision = "d4f6b8c0e2a5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "medical_account_subsidy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "month", name="uq_medical_subsidy_month"),
    )
    op.create_index("ix_medical_subsidy_unit_month", "medical_account_subsidy",
                    ["unit_id", "month"])
    op.create_index(op.f("ix_medical_account_subsidy_declaration_id"),
                    "medical_account_subsidy", ["declaration_id"])


def downgrade():
    op.drop_index(op.f("ix_medical_account_subsidy_declaration_id"),
                  table_name="medical_account_subsidy")
    op.drop_index("ix_medical_subsidy_unit_month", table_name="medical_account_subsidy")
    op.drop_table("medical_account_subsidy")
