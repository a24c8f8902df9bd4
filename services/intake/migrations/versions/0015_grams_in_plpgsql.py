"""minzi_grams, on PostgreSQL, in PL/pgSQL: the same pieces of a text, so its indexes stay as
they are. A SQL function that is not inlined has its body planned again in every statement
that calls it, and a case written computes it five times for its three indexes of pieces; a
PL/pgSQL function is planned once in a connection. The text is cut into characters once, where
``substr`` counted from the start to each piece.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 22:10:00
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PLPGSQL = """
    CREATE OR REPLACE FUNCTION minzi_grams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        characters text[] := regexp_split_to_array(t, '');
        pieces text[] := '{}';
    BEGIN
        FOR i IN 1 .. cardinality(characters) - 1 LOOP
            pieces := pieces || (characters[i] || characters[i + 1]);
        END LOOP;
        RETURN pieces;
    END
    $$"""

# as migration 0009 made it
SQL = """
    CREATE OR REPLACE FUNCTION minzi_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT substr(t, i, 2)
                     FROM generate_series(1, length(t) - 1) AS i)
    $$"""


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PLPGSQL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # the pieces are the same: the indexes on it stay as they are
        op.execute(SQL)
