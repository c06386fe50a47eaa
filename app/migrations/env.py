"""Alembic environment: migrations run against the URL the linkwise command hands over."""

from alembic import context
from sqlalchemy import event

from app.db import make_engine
from app.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        _whole_migrations_on_sqlite(engine)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite alters tables by copying them; batch mode does that for us.
            render_as_batch=sqlite,
            compare_type=True,
            # Each migration commits with its revision, so an upgrade stopped part way
            # (Ctrl+C, a crash) leaves the database at the last whole migration, and the
            # next upgrade goes on from there.
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            _check_foreign_keys(connection)
    engine.dispose()


def _whole_migrations_on_sqlite(engine) -> None:
    """Have SQLite run each migration, its table changes too, in one transaction.

    Python's sqlite3 begins a transaction before INSERT, UPDATE and DELETE only, so each
    CREATE, ALTER and DROP committed on its own: an upgrade stopped inside a migration left
    its first changes standing with the revision before it, and every later upgrade failed
    on them ("duplicate column name"). As SQLAlchemy's pysqlite documentation shows, the
    driver is told to leave transactions alone and SQLAlchemy emits each BEGIN itself.
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        # Batch mode copies a table to alter it and drops the old one, and with foreign
        # keys on SQLite's DROP TABLE first deletes every row, cascading to the tables that
        # refer to it (a certificate's credential would go). Off for the migrations (the
        # pragma does nothing inside a transaction, so before any); checked after.
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def _check_foreign_keys(connection) -> None:
    """Fail if any row refers to one that is not there (SQLite, after migrating without checks)."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    connection.commit()
    if broken:
        listed = ", ".join(f"{table} row {row} (to {parent})" for table, row, parent, _ in broken)
        raise RuntimeError(f"the migrations left rows referring to missing rows: {listed}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
