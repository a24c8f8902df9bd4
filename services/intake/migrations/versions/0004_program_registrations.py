"""programs are registered before they are heard on the bus

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:00:00
"""
from alembic import op
import sqlalchemy as sa
import minzi.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'program_registrations',
        sa.Column('program_id', sa.String(length=41), nullable=False),
        sa.Column('bus_user', sa.String(length=100), nullable=False),
        sa.Column('communities', sa.JSON(), nullable=False),
        sa.Column('service_codes', sa.JSON(), nullable=True),
        sa.Column('registered_by', sa.String(length=100), nullable=False),
        sa.Column('registered_for', sa.String(length=41), nullable=True),
        sa.Column('registered_at', minzi.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['registered_for'], ['communities.id']),
        sa.PrimaryKeyConstraint('program_id'))


def downgrade():
    op.drop_table('program_registrations')
