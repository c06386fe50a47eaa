"""Alembic environment: migrations run against the URL the linkwise command hands over."""

from alembic import context

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
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table to alter it and drops the old one, and with foreign
            # keys on SQLite's DROP TABLE first deletes every row, cascading to the tables
            # that refer to it (a certificate's credential would go). Off for the migrations
            # (the pragma does nothing inside a transaction, so before one); checked after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite alters tables by copying them; batch mode does that for us.
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            _check_foreign_keys(connection)
    engine.dispose()


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
