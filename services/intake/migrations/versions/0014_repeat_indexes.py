"""cases: the indexes a registration's look for the open case it repeats reads: the resident's
phone, and the address as the duplicate rule compares them (no spaces, any case), each with the
community and the service type; before, the look read every open case of its service in the
community. The first takes the place of the phone's own index.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:20:00
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# models.address_key as it was when this revision was written
ADDRESS_KEY = "lower(replace(replace(address, ' ', ''), '\u3000', ''))"


def upgrade():
    op.create_index('ix_cases_repeat_phone', 'cases',
                    ['resident_phone', 'community_id', 'service_code'])
    op.execute(f"CREATE INDEX ix_cases_repeat_address ON cases "
               f"({ADDRESS_KEY}, community_id, service_code)")
    op.drop_index('ix_cases_resident_phone', table_name='cases')


def downgrade():
    op.create_index('ix_cases_resident_phone', 'cases', ['resident_phone'])
    op.drop_index('ix_cases_repeat_address', table_name='cases')
    op.drop_index('ix_cases_repeat_phone', table_name='cases')
