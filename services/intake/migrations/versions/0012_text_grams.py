"""cases, on PostgreSQL: the pieces (minzi_grams) of a case's request, name and address in one
GIN index, which a search for words looks up once for all its words; the request's own index
of pieces goes (nothing else reads it)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 07:00:00
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ADDRESS_KEY = "lower(replace(replace(address, ' ', ''), '\u3000', ''))"
TEXT_GRAMS = ("(minzi_grams(lower(description)) || minzi_grams(lower(resident_name))"
              f" || minzi_grams({ADDRESS_KEY}))")


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX ix_cases_text_grams ON cases USING gin ({TEXT_GRAMS})")
        op.drop_index('ix_cases_description_grams', table_name='cases')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_cases_description_grams ON cases "
                   "USING gin (minzi_grams(lower(description)))")
        op.drop_index('ix_cases_text_grams', table_name='cases')
