"""case_figures_daily, case_figures_changes: the figures' counts kept day by day, written by a
trigger on cases, so that a year's figures add a few thousand rows rather than count a year's
cases; the statistics of migration 0010 go (nothing groups cases by month any more)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# models.FIGURE_COUNTS, FIGURE_COLUMNS, figure_counts_sql and figure_triggers as they were when
# this revision was written
ANSWERED = ("replied", "closed", "out_of_scope")
COUNTS = ("received", "responded", "resolved", "resolved_on_time", "followed_up",
          "followup_resolved", "satisfied")
COLUMNS = ("community_id", "created_at", "program_id", "status", "first_response_at",
           "resolved_at", "replied_at", "due_at", "followup_resolved", "followup_satisfied")


def counts_sql(row, sign, dialect):
    return ", ".join(counted_values(row, sign, dialect))


def counted_values(row, sign, dialect):
    answered = (f"({row}.resolved_at IS NOT NULL OR {row}.status IN "
                f"({', '.join(repr(s) for s in ANSWERED)}))")
    counted = (
        "1 = 1",
        f"{row}.first_response_at IS NOT NULL",
        answered,
        f"{answered} AND ({row}.due_at IS NULL OR "
        f"{row}.due_at >= coalesce({row}.resolved_at, {row}.replied_at))",
        f"{row}.followup_resolved IS NOT NULL",
        f"{row}.followup_resolved IS TRUE",
        f"{row}.followup_resolved IS NOT NULL AND {row}.followup_satisfied IS TRUE")
    day = (f"(timezone('UTC', {row}.created_at) + interval '8 hours')::date"
           if dialect == "postgresql" else f"date({row}.created_at, '+8 hours')")
    return [f"{row}.community_id", day, f"coalesce({row}.program_id, '')",
            *(f"CASE WHEN {c} THEN {sign} ELSE 0 END" for c in counted)]


def triggers(dialect):
    into = f"INSERT INTO case_figures_changes (community_id, day, program_id, {', '.join(COUNTS)})"
    old, new = counts_sql("OLD", -1, dialect), counts_sql("NEW", 1, dialect)
    if dialect == "postgresql":
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)
        return [
            f"""CREATE FUNCTION minzi_case_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.status <> 'duplicate' THEN
                    {into} VALUES ({old});
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.status <> 'duplicate' THEN
                    {into} VALUES ({new});
                END IF;
                RETURN NULL;
            END $$""",
            "CREATE TRIGGER case_figures AFTER INSERT OR DELETE ON cases "
            "FOR EACH ROW EXECUTE FUNCTION minzi_case_figures()",
            f"CREATE TRIGGER case_figures_update AFTER UPDATE ON cases FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION minzi_case_figures()"]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)
    return [
        f"CREATE TRIGGER case_figures_insert AFTER INSERT ON cases "
        f"WHEN NEW.status <> 'duplicate' BEGIN {into} VALUES ({new}); END",
        f"CREATE TRIGGER case_figures_delete AFTER DELETE ON cases "
        f"WHEN OLD.status <> 'duplicate' BEGIN {into} VALUES ({old}); END",
        f"CREATE TRIGGER case_figures_update AFTER UPDATE ON cases WHEN {changed} BEGIN "
        f"{into} SELECT {old} WHERE OLD.status <> 'duplicate'; "
        f"{into} SELECT {new} WHERE NEW.status <> 'duplicate'; END"]


def figure_columns():
    return [sa.Column('community_id', sa.String(length=41), nullable=False),
            sa.Column('day', sa.Date(), nullable=False),
            sa.Column('program_id', sa.String(length=41), nullable=False),
            *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS)]


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('case_figures_daily', *figure_columns(),
                    sa.PrimaryKeyConstraint('community_id', 'day', 'program_id'))
    op.create_table('case_figures_changes',
                    sa.Column('id', sa.Integer(), nullable=False), *figure_columns(),
                    sa.PrimaryKeyConstraint('id'))
    # the trigger first, then the counts of the cases there: in one transaction, which on
    # PostgreSQL holds writes to cases until it commits, so no case is counted twice or missed
    for statement in triggers(dialect):
        op.execute(statement)
    names = ("community_id", "day", "program_id", *COUNTS)
    values = ", ".join(f"{value} AS {name}" for value, name in
                       zip(counted_values("cases", 1, dialect), names, strict=True))
    op.execute(
        f"INSERT INTO case_figures_daily ({', '.join(names)}) "
        f"SELECT community_id, day, program_id, {', '.join(f'sum({c})' for c in COUNTS)} "
        f"FROM (SELECT {values} FROM cases WHERE status <> 'duplicate') AS counted "
        f"GROUP BY community_id, day, program_id")
    if dialect == 'postgresql':
        op.execute("DROP STATISTICS IF EXISTS cases_beijing_month")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER case_figures_update ON cases")
        op.execute("DROP TRIGGER case_figures ON cases")
        op.execute("DROP FUNCTION minzi_case_figures()")
        op.execute("CREATE STATISTICS cases_beijing_month ON (date_trunc('month', "
                   "timezone('UTC', created_at) + interval '8 hours')) FROM cases")
    else:
        for name in ('case_figures_insert', 'case_figures_delete', 'case_figures_update'):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('case_figures_changes')
    op.drop_table('case_figures_daily')
