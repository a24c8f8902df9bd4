"""cases: on PostgreSQL, statistics of the Beijing month of registration, so that the planner
knows how many months the figures group cases into (and counts them in a hash table rather than
sorting every case of the period)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:10:00
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# models.BEIJING_MONTH as it was when this revision was written
BEIJING_MONTH = "date_trunc('month', timezone('UTC', created_at) + interval '8 hours')"


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE STATISTICS cases_beijing_month ON ({BEIJING_MONTH}) FROM cases")
        op.execute("ANALYZE cases")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP STATISTICS cases_beijing_month")
