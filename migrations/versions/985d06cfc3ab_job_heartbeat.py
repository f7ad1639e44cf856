"""Job.updated_at: the runner's last write, so a job whose process died can be told apart.

Revision ID: 985d06cfc3ab
Revises: 0be3eac8e63e
Create Date: 2026-11-22 09:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "985d06cfc3ab"
down_revision = "0be3eac8e63e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("job") as batch:
        batch.drop_column("updated_at")
