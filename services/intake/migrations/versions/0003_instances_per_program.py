"""program instances are keyed by (program_id, instance_id)

Two programs may name their instances alike; each keeps its own. The table only says which
instances announced lately, so it is rebuilt empty: live programs announce again within their
heartbeat.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 19:30:00
"""
from alembic import op
import sqlalchemy as sa
import minzi.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _create(primary_key):
    op.create_table(
        'program_instances',
        sa.Column('program_id', sa.String(length=41), nullable=False),
        sa.Column('instance_id', sa.String(length=200), nullable=False),
        sa.Column('expires_at', minzi.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.program_id']),
        sa.PrimaryKeyConstraint(*primary_key))


def upgrade():
    op.drop_table('program_instances')
    _create(('program_id', 'instance_id'))


def downgrade():
    op.drop_table('program_instances')
    _create(('instance_id',))
    op.create_index('ix_program_instances_program_id', 'program_instances', ['program_id'])
