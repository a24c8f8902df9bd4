"""catalog_versions: a token that changes with every change to communities, programs and their
offers, so that each copy of intake reads the catalog again only when it has changed

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 23:50:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'catalog_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.bulk_insert(table, [{'id': 1, 'token': secrets.token_hex(16)}])


def downgrade():
    op.drop_table('catalog_versions')
