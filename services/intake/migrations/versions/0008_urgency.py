"""service_offers and cases: the urgency class (12345's emergency, utilities, general, complex)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_offers') as batch:
        batch.add_column(sa.Column('urgency', sa.String(length=20), nullable=True))
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('urgency', sa.String(length=20), nullable=True))
        batch.create_index(batch.f('ix_cases_urgency'), ['urgency'], unique=False)


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.drop_index(batch.f('ix_cases_urgency'))
        batch.drop_column('urgency')
    with op.batch_alter_table('service_offers') as batch:
        batch.drop_column('urgency')
