"""accounts: first passwords to change, revoked keys, and the record of what was done

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 18:55:00
"""
from alembic import op
import sqlalchemy as sa
import minzi.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('revoked_at', minzi.db.UTCDateTime(), nullable=True))
    op.create_table(
        'account_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.String(length=41), nullable=False),
        sa.Column('at', minzi.db.UTCDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_account_events_community_id', 'account_events', ['community_id'])


def downgrade():
    op.drop_index('ix_account_events_community_id', table_name='account_events')
    op.drop_table('account_events')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('revoked_at')
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('must_change_password')
