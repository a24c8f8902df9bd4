"""cases: indexes for the reads at scale (queues in their order, overdue, a staffer's open
cases, Open311's list, a phone's digits, the figures) and, on PostgreSQL, GIN indexes of the
two-character pieces (minzi_grams) of names, requests and addresses for the searches

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# the order of every queue: urgency class (models.urgency_rank, URGENCIES' order), then due
QUEUE_ORDER = ("(CASE urgency WHEN 'emergency' THEN 0 WHEN 'utilities' THEN 1 "
               "WHEN 'general' THEN 2 WHEN 'complex' THEN 3 ELSE 2 END)")
PHONE_DIGITS = "(replace(replace(replace(resident_phone, ' ', ''), '-', ''), '+', ''))"
GRAMS = {
    'ix_cases_name_grams': "lower(resident_name)",
    'ix_cases_description_grams': "lower(description)",
    'ix_cases_address_grams': "lower(replace(replace(address, ' ', ''), '\u3000', ''))",
}


def upgrade():
    op.execute(f"CREATE INDEX ix_cases_queue_order ON cases "
               f"(community_id, {QUEUE_ORDER}, (due_at IS NULL), due_at, id)")
    op.create_index('ix_cases_open_due', 'cases', ['community_id', 'status', 'due_at'])
    op.create_index('ix_cases_owner_status', 'cases', ['owner_id', 'status'])
    op.create_index('ix_cases_channel_created', 'cases',
                    ['community_id', 'channel', 'created_at'])
    op.execute(f"CREATE INDEX ix_cases_phone_digits ON cases ({PHONE_DIGITS})")
    op.create_index('ix_cases_figures', 'cases', ['community_id', 'created_at'],
                    postgresql_include=['status', 'program_id', 'first_response_at',
                                        'resolved_at', 'replied_at', 'due_at',
                                        'followup_resolved', 'followup_satisfied'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION minzi_grams(t text) RETURNS text[]
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT ARRAY(SELECT substr(t, i, 2)
                             FROM generate_series(1, length(t) - 1) AS i)
            $$""")
        for name, expression in GRAMS.items():
            op.execute(f"CREATE INDEX {name} ON cases USING gin (minzi_grams({expression}))")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in GRAMS:
            op.drop_index(name, table_name='cases')
        op.execute("DROP FUNCTION minzi_grams(text)")
    for name in ('ix_cases_figures', 'ix_cases_phone_digits', 'ix_cases_channel_created',
                 'ix_cases_owner_status', 'ix_cases_open_due', 'ix_cases_queue_order'):
        op.drop_index(name, table_name='cases')
