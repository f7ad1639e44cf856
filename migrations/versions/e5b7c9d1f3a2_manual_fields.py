"""Fields of the 济南 manual: person.hukou_place (户口所在地), enrollment.sub_unit (二级单位),
material.pages and material.remark (页数, 备注 of each uploaded file).

Revision ID: e5b7c9d1f3a2
Revises: f1d3a5c7e9b2
Create Date: 2026-12-07 04:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "e5b7c9d1f3a2"
down_revision = "f1d3a5c7e9b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("hukou_place", sa.String(length=200), nullable=True))
    with op.batch_alter_table("enrollment") as batch:
        batch.add_column(sa.Column("sub_unit", sa.String(length=100), nullable=True))
    with op.batch_alter_table("material") as batch:
        batch.add_column(sa.Column("pages", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("remark", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("material") as batch:
        batch.drop_column("remark")
        batch.drop_column("pages")
    with op.batch_alter_table("enrollment") as batch:
        batch.drop_column("sub_unit")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("hukou_place")
