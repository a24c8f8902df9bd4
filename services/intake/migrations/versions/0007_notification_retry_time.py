"""notifications: the time of the next try after a failed send

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 03:40:00
"""
from alembic import op
import sqlalchemy as sa
import minzi.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('next_attempt_at', minzi.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('next_attempt_at')
