"""The request's (or command's) session, or its CoreTransaction, and their closing.

One unit of work on one connection: kept on `g` as `db_session`, opened on first use and
closed, with the connection driver_reads may have opened first, when the app context ends.
"""

from flask import current_app, g
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.db.engines import _checked_out


def session() -> Session:
    """Return this request's (or command's) session, opening it on first use."""
    store = g._get_current_object()  # one look-up, not one per use
    opened = store.get("db_session")
    if opened is None:
        # Reads done before on a connection of their own are over: hand it back, so the
        # session (which may write) starts on one connection, as it always has.
        _close_reader(store)
        store.pop("db_read_earlier", None)
        opened = store.db_session = current_app.extensions["linkwise.sessionmaker"]()
    return opened


def transaction() -> "Session | CoreTransaction":
    """Return this request's session, opened as a CoreTransaction if none is open yet.

    For a request whose statements go through Core and the driver (a final quiz submit on
    PostgreSQL): it offers what such a request asks of its session, without the ORM
    session's set-up, and opens one only when ORM work needs it.
    """
    store = g._get_current_object()
    opened = store.get("db_session")
    if opened is None:
        _close_reader(store)  # as session() does
        store.pop("db_read_earlier", None)
        opened = store.db_session = CoreTransaction(current_app.extensions["linkwise.engine"])
    return opened


class CoreTransaction:
    """A request's one transaction on one pooled connection, with a Session only when needed.

    It answers what a request that runs Core and driver statements asks of its session:
    `info`, `get_bind()`, `get_transaction()` (an object standing for the transaction under
    way), `connection()`, `commit()`, `rollback()` and `close()`. Creating an ORM session
    and its transaction, and committing and closing them, cost a final submit 0.35 M of its
    7.0 M instructions (counted by callgrind), for nothing it used. Anything else asked of it
    (`get`, `scalar`, `execute`, `add`, ...: recording xAPI statements, say) opens a
    Session on the same Connection, in the same transaction, which then commits or rolls
    back with it. As with the session, a statement that needs a transaction begins one
    (_begin_before_writes), and commit() and rollback() end it (the driver sends COMMIT or
    ROLLBACK only when one is open); close() rolls back what was not committed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.info: dict = {}
        self._pooled = None  # the pooled driver connection, once checked out
        self._connection: Connection | None = None  # SQLAlchemy's, once asked for
        self._session: Session | None = None  # once ORM work needs it
        self._begun = object()  # stands for the transaction under way

    def get_bind(self, *_args, **_kwargs) -> Engine:
        return self.engine

    def get_transaction(self) -> object:
        """Return an object that stands for the transaction under way until it ends."""
        return self._begun

    def pooled(self):
        """Return the pooled driver connection, checked out on first use (see _pooled)."""
        if self._pooled is None:
            self._pooled = _checked_out(self.engine)
        return self._pooled

    def opened_connection(self) -> Connection | None:
        """Return SQLAlchemy's Connection if one was asked for, without making one."""
        return self._connection

    def connection(self, *args, **kwargs) -> Connection:
        """Return SQLAlchemy's Connection around the pooled connection (as reader() wraps it)."""
        if args or kwargs:
            return self._orm().connection(*args, **kwargs)
        if self._connection is None:
            self._connection = Connection(self.engine, self.pooled())
        return self._connection

    def __getattr__(self, name: str):
        # Only for what the class does not offer: ORM work, on a Session opened for it.
        if name.startswith("__") or name == "_session":  # copying, pickling: not ORM work
            raise AttributeError(name)
        return getattr(self._orm(), name)

    def _orm(self) -> Session:
        if self._session is None:
            # Bound to the Connection: the Session's commit and rollback are this one's.
            self._session = Session(
                bind=self.connection(),
                expire_on_commit=False,
                join_transaction_mode="control_fully",
            )
        return self._session

    def commit(self) -> None:
        """Commit the transaction (flushing the Session first, if one was opened)."""
        if self._session is not None:
            self._session.commit()
        self._end(commit=True)

    def rollback(self) -> None:
        """Roll the transaction back (and the Session's, if one was opened)."""
        if self._session is not None:
            self._session.rollback()
        self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        self._begun = object()
        connection = self._connection
        if connection is not None and connection.in_transaction():
            # Begun by SQLAlchemy for a statement it ran: ended as it would end it.
            connection.commit() if commit else connection.rollback()
        if self._pooled is None:
            return
        dialect = self.engine.dialect
        try:
            (dialect.do_commit if commit else dialect.do_rollback)(self._pooled.dbapi_connection)
        except Exception as error:
            # Wrapped as SQLAlchemy's own commit would (private, as in fetch_one).
            self.connection()._handle_dbapi_exception(error, None, None, None, None)

    def close(self) -> None:
        """Roll back what was not committed and hand the connection back to the pool."""
        session, connection, pooled = self._session, self._connection, self._pooled
        self._session = self._connection = self._pooled = None
        try:
            if session is not None:
                session.close()
        finally:
            if connection is not None:
                connection.close()
            elif pooled is not None:
                pooled.close()  # the pool rolls back what was left open


def _close_reader(store) -> None:
    _close_quietly(store.pop("db_reader", None))
    _close_quietly(store.pop("db_pooled", None))


def _close_session(_exc):
    store = g._get_current_object()
    _close_reader(store)
    _close_quietly(store.pop("db_session", None))


def _close_quietly(opened) -> None:
    """Close a request's connection or session, if it has one."""
    if opened is not None:
        try:
            opened.close()
        except Exception:  # the connection died with the database; nothing left to close
            current_app.logger.debug("close failed", exc_info=True)
