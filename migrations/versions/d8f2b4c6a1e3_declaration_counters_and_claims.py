"""serial_counter: 流水号 handed out by an atomic counter; unfinished_person: one unfinished
declaration per person and business, held by a primary key (issue 10).

Revision ID: d8f2b4c6a1e3
Revises: c5a9d3e1f7b2
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "d8f2b4c6a1e3"
down_revision = "c5a9d3e1f7b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "serial_counter",
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    op.create_table(
        "unfinished_person",
        sa.Column("business_code", sa.String(length=10), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"]),
        sa.PrimaryKeyConstraint("business_code", "id_number"),
    )
    op.create_index(op.f("ix_unfinished_person_declaration_id"), "unfinished_person",
                    ["declaration_id"], unique=False)
    # The declarations already unfinished hold their persons (the oldest one if the check
    # before this table ever let two through).
    op.execute("""
        INSERT INTO unfinished_person (business_code, id_number, declaration_id)
        SELECT d.business_code, i.id_number, MIN(d.id)
        FROM declaration d JOIN declaration_item i ON i.declaration_id = d.id
        WHERE d.status IN ('draft', 'submitted', 'reviewing') AND i.id_number IS NOT NULL
        GROUP BY d.business_code, i.id_number
    """)


def downgrade():
    op.drop_index(op.f("ix_unfinished_person_declaration_id"), table_name="unfinished_person")
    op.drop_table("unfinished_person")
    op.drop_table("serial_counter")
