"""unfinished_person held per unit, and declarations sent back (rejected, in 待办) hold their
persons too (issue 11): one unit's draft no longer blocks another unit.

Revision ID: f1d3a5c7e9b2
Revises: d8f2b4c6a1e3
Create Date: 2026-12-07 05:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "f1d3a5c7e9b2"
down_revision = "d8f2b4c6a1e3"
branch_labels = None
depends_on = None


def _create(per_unit: bool):
    columns = [sa.Column("business_code", sa.String(length=10), nullable=False),
               sa.Column("id_number", sa.String(length=18), nullable=False)]
    key = ["business_code", "id_number"]
    if per_unit:
        columns.append(sa.Column("unit_id", sa.Integer(), nullable=False))
        key.append("unit_id")
    op.create_table(
        "unfinished_person", *columns,
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"]),
        *([sa.ForeignKeyConstraint(["unit_id"], ["unit.id"])] if per_unit else []),
        sa.PrimaryKeyConstraint(*key),
    )
    op.create_index(op.f("ix_unfinished_person_declaration_id"), "unfinished_person",
                    ["declaration_id"], unique=False)


def _drop():
    op.drop_index(op.f("ix_unfinished_person_declaration_id"), table_name="unfinished_person")
    op.drop_table("unfinished_person")


def upgrade():
    # The holds are derived from the declarations: rebuilt, not converted.
    _drop()
    _create(per_unit=True)
    op.execute("""
        INSERT INTO unfinished_person (business_code, id_number, unit_id, declaration_id)
        SELECT d.business_code, i.id_number, d.unit_id, MIN(d.id)
        FROM declaration d JOIN declaration_item i ON i.declaration_id = d.id
        WHERE d.status IN ('draft', 'submitted', 'reviewing', 'rejected')
          AND i.id_number IS NOT NULL
        GROUP BY d.business_code, i.id_number, d.unit_id
    """)


def downgrade():
    _drop()
    _create(per_unit=False)
    op.execute("""
        INSERT INTO unfinished_person (business_code, id_number, declaration_id)
        SELECT d.business_code, i.id_number, MIN(d.id)
        FROM declaration d JOIN declaration_item i ON i.declaration_id = d.id
        WHERE d.status IN ('draft', 'submitted', 'reviewing') AND i.id_number IS NOT NULL
        GROUP BY d.business_code, i.id_number
    """)
