"""The body of every service's alembic ``env.py``."""
from alembic import context
from sqlalchemy import engine_from_config, pool, text

# One key for every service's migrations: advisory locks are scoped to the database, so copies
# of one service wait for each other and other services' databases are not held up.
MIGRATION_LOCK = 0x6D696E7A69  # "minzi"


def run(target_metadata) -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"),
                          target_metadata=target_metadata, literal_binds=True,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        # batch mode lets ALTER TABLE work on SQLite too
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # two copies starting on a new database would both create its tables; the
                # second waits here, then finds the first one's revision and has nothing to do
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            context.run_migrations()
