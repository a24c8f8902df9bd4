"""A service's database, its transactional outbox and its inbox, as one nameko dependency.

    with self.store.transaction(event_id=envelope["event_id"], handler="handle_report") as tx:
        if tx.duplicate:
            return                      # delivered before: it already had its effect
        case = tx.session.get(Case, ...)
        ...
        tx.publish("case.dispatched.legal_aid", data, community=case.community)

The change, the inbox row and the outbox rows commit together or not at all. After the commit the
relay is woken at once, so an event leaves within milliseconds; a sweep every few seconds
publishes whatever a crash left behind.

A batch of messages (``minzi.consumer.batch_consume``) is handled in one transaction the same way:

    with self.store.transaction(event_ids=[...], handler="reports") as tx:
        for envelope in envelopes:
            if tx.delivered_before(envelope["event_id"]):
                continue
            ...
"""
import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import cache

from nameko.extensions import DependencyProvider
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import sessionmaker

from .bus import ConfirmingPublisher, Unroutable
from .db import as_utc, database_url, make_engine
from .envelope import make_envelope, utcnow
from .relay import WakeableLoop

_log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600
UNROUTABLE_MARK = "unroutable"        # how an outbox row's last_error starts when no queue took it
UNROUTABLE_EVERY_SECONDS = 30


class Transaction:
    def __init__(self, session, store, community):
        self.session = session
        self.duplicate = False
        self._store = store
        self._community = community
        self.published = []
        self._outbox_rows: list[dict] = []
        self._seen_before: set[str] = set()

    def delivered_before(self, event_id) -> bool:
        """One of the transaction's messages (``event_ids``) was handled before, or comes twice
        in the batch and this is not its first time: it already had its effect."""
        if str(event_id) in self._seen_before:
            return True
        self._seen_before.add(str(event_id))
        return False

    def for_community(self, community):
        """The transaction, publishing for ``community`` unless told otherwise (one message of a
        batch)."""
        view = Transaction(self.session, self._store, community)
        view.published = self.published
        view._outbox_rows = self._outbox_rows
        return view

    def publish(self, routing_key, data, *, community=None, type_=None, version=None):
        """An event for the outbox, written with this transaction's commit and sent after it."""
        event_type = type_ or _event_type(routing_key)
        kwargs = {"version": version} if version else {}
        envelope = make_envelope(event_type, data, source=self._store.source,
                                 community=community or self._community, **kwargs)
        self._outbox_rows.append({"event_id": envelope["event_id"], "routing_key": routing_key,
                                  "body": envelope})
        self.published.append(envelope)
        return envelope

    def write_outbox(self):
        """The events published so far, into the outbox in one statement, in the order they
        were published. Through the table, not the session's unit of work: nothing in the
        transaction reads the rows back, and the ORM's flush of them cost more CPU than the
        statement (one statement made once, its values apart). A batch of messages handled
        together writes all their events in one round trip."""
        if self._outbox_rows:
            self.session.execute(_plain_insert(self._store.outbox_model.__table__),
                                 list(self._outbox_rows))
            self._outbox_rows.clear()


def _event_type(routing_key):
    """``case.dispatched.legal_aid`` is of type ``case.dispatched``; the last part addresses it."""
    parts = routing_key.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else routing_key


class StoreHandle:
    def __init__(self, store):
        self._store = store

    @contextmanager
    def session(self):
        """A session for reading; nothing written through it is committed."""
        session = self._store.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def transaction(self, *, event_id=None, event_ids=None, handler=None, community=None):
        """``event_id``: the message handled, ``tx.duplicate`` when it was before. ``event_ids``:
        a batch's messages, each ``tx.delivered_before(event_id)`` or not; their inbox rows are
        written in one statement."""
        store = self._store
        session = store.sessions()
        tx = Transaction(session, store, community)
        try:
            if event_id is not None:
                tx.duplicate = not _first_delivery(session, store.inbox_model, str(event_id),
                                                   handler or "default")
            if event_ids is not None:
                tx._seen_before = _delivered_before(session, store.inbox_model,
                                                    [str(e) for e in event_ids],
                                                    handler or "default")
            yield tx
            if not tx.duplicate:
                tx.write_outbox()
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if tx.published:
            store.relay.wake()


def _first_delivery(session, model, event_id, handler):
    """Writes the message's inbox row in this transaction; False when the row is there already
    (the message was handled before). One statement, ``INSERT … ON CONFLICT DO NOTHING``: a
    copy handling the same message at the same moment waits for the other's commit, then
    finds its row."""
    written = session.execute(_insert_if_new(session.get_bind().dialect.name, model.__table__),
                              {"event_id": event_id, "handler": handler})
    return written.rowcount == 1


def _delivered_before(session, model, event_ids, handler):
    """Writes the inbox rows of a batch's messages in one statement; returns the ids of those
    already there (handled before). A message twice in the batch is written once (``DO NOTHING``
    passes over the second row as over any other); its second time is found by
    ``Transaction.delivered_before``."""
    statement = _insert_if_new(session.get_bind().dialect.name, model.__table__)
    written = session.scalars(statement.returning(model.__table__.c.event_id),
                              [{"event_id": e, "handler": handler} for e in event_ids])
    return set(event_ids) - set(written)


@cache
def _plain_insert(table):
    """An ``INSERT`` into ``table``, made once."""
    return insert(table)


@cache
def _insert_if_new(dialect, table):
    """``INSERT … ON CONFLICT DO NOTHING`` into an inbox table (PostgreSQL's or SQLite's, the
    databases Minzi runs on), made once: into the table, not the mapped class (the ORM's bulk
    insert would add its own bookkeeping to every message consumed, for a row nothing reads
    back); the time it was handled is the column's default."""
    from sqlalchemy.dialects import postgresql, sqlite
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=["event_id", "handler"])


def outbox_state(session, model, now):
    """What a service's outbox still holds, for ops' metrics: ``pending``, the rows not yet
    published (the unroutable ones among them); ``unroutable``, those no queue was bound for
    (kept and tried again every ``UNROUTABLE_EVERY_SECONDS``); ``oldest_seconds``, how long the
    oldest pending row that is not unroutable has waited (0 when none: the relay keeps up)."""
    unpublished = model.published_at.is_(None)
    marked = model.last_error.like(UNROUTABLE_MARK + "%")
    pending = session.scalar(select(func.count()).select_from(model).where(unpublished))
    unroutable = session.scalar(select(func.count()).select_from(model).where(unpublished,
                                                                              marked))
    oldest = session.scalar(select(model.created_at).where(
        unpublished, or_(model.last_error.is_(None), ~marked))
        .order_by(model.created_at).limit(1))
    waited = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0
    return {"pending": pending or 0, "unroutable": unroutable or 0, "oldest_seconds": waited}


class OutboxRelay(WakeableLoop):
    """Publishes outbox rows in order, with confirms, and marks them published."""
    name = "outbox relay"

    def __init__(self, sessions, outbox_model, amqp_uri, *, sweep_seconds=5.0, batch_size=200,
                 skip_locked=False, inbox_model=None, keep_days=30):
        super().__init__(sweep_seconds)
        self.sessions = sessions
        self.model = outbox_model
        self.inbox_model = inbox_model
        self.publisher = ConfirmingPublisher(amqp_uri)  # pragma: no mutate (the broker's side)
        self.batch_size = batch_size
        self.skip_locked = skip_locked
        self.keep = timedelta(days=keep_days)
        self._next_prune = 0.0  # pragma: no mutate (any small number: the clock is far past it)
        self._next_unroutable = 0.0  # pragma: no mutate (as above)

    def work(self):
        if time.monotonic() >= self._next_prune:
            self.prune()
            self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        if time.monotonic() >= self._next_unroutable:
            self.publish_pending(unroutable=True)
            self._next_unroutable = time.monotonic() + UNROUTABLE_EVERY_SECONDS
        return self.publish_pending() == self.batch_size

    def prune(self, now=None):
        """Forget what is long done: outbox rows published, and inbox rows handled, more than
        ``keep_days`` ago (a redelivery that late is not expected). Returns (outbox, inbox)."""
        cutoff = (now or utcnow()) - self.keep
        with self.sessions() as session:
            outbox = session.execute(delete(self.model).where(
                self.model.published_at.is_not(None), self.model.published_at < cutoff)).rowcount
            inbox = session.execute(delete(self.inbox_model).where(
                self.inbox_model.processed_at < cutoff)).rowcount if self.inbox_model else 0
            session.commit()
        return outbox, inbox

    def publish_pending(self, unroutable=False):
        """Publish the next batch in order; returns how many rows it took. A message no queue
        is bound for stays in the outbox, marked, and is tried again apart from the others
        (``unroutable=True``, every ``UNROUTABLE_EVERY_SECONDS``): it never holds them up, and
        it is never dropped. A broker that does not take a message stops the batch there.
        The rows are read and marked through the table, not as ORM objects: the relay runs
        after every transaction that publishes, in every service, and needs none of the
        session's bookkeeping."""
        with self.sessions() as session:
            # several copies of a service share one outbox on PostgreSQL (SQLite has no row
            # locks, so only the service tests on PostgreSQL can tell)
            if self.skip_locked and hasattr(self.publisher, "publish_many"):
                return self._take_and_publish(session, unroutable)
            rows = session.execute(self._next_rows(unroutable)).all()
            if rows and hasattr(self.publisher, "publish_many"):
                self._publish_batch(session, rows)
                return len(rows)
            sent = []
            for row in rows:   # a publisher that confirms one message at a time
                try:
                    self.publisher.publish(row.body, row.routing_key, mandatory=True)
                except Unroutable as exc:
                    self._failed(session, row, exc, log=True)
                    continue
                except Exception as exc:
                    self._published(session, sent)
                    self._failed(session, row, exc)
                    session.commit()
                    raise
                sent.append(row.id)
            self._published(session, sent)
            session.commit()
            return len(rows)

    def _next_rows(self, unroutable):
        """The next batch of rows to publish, in order: those no queue took, or the others."""
        table = self.model.__table__
        marked = table.c.last_error.like(UNROUTABLE_MARK + "%")
        query = (select(table.c.id, table.c.event_id, table.c.routing_key, table.c.body,
                        table.c.last_error)
                 .where(table.c.published_at.is_(None),
                        marked if unroutable else or_(table.c.last_error.is_(None), ~marked))
                 .order_by(table.c.id).limit(self.batch_size))
        if self.skip_locked:  # pragma: no mutate (PostgreSQL's path takes its rows below)
            query = query.with_for_update(skip_locked=True)
        return query

    def _take_and_publish(self, session, unroutable):
        """PostgreSQL: the next batch taken and marked sent in one statement (``UPDATE …
        RETURNING``, over the rows no other copy holds), published, then committed: one round
        trip fewer than reading the rows and marking them after. The mark counts only once the
        broker has confirmed: should it fail, the transaction is rolled back and every row is
        sent again later; a row no queue took is unmarked and kept."""
        table = self.model.__table__
        taken = self._next_rows(unroutable).with_only_columns(table.c.id).scalar_subquery()
        rows = sorted(session.execute(   # RETURNING keeps no order: by id, the first column
            update(table).where(table.c.id.in_(taken)).values(published_at=utcnow())
            .returning(table.c.id, table.c.event_id, table.c.routing_key, table.c.body,
                       table.c.last_error)).all())
        if not rows:
            session.rollback()
            return 0
        try:
            outcomes = self.publisher.publish_many([(row.body, row.routing_key) for row in rows],
                                                   mandatory=True)
        except Exception as exc:
            session.rollback()
            self._failed(session, rows[0], exc)
            session.commit()
            raise
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome is not None:
                self._failed(session, row, outcome, log=True)
        session.commit()
        return len(rows)

    def _publish_batch(self, session, rows):
        """The whole batch published, then confirmed at once (``publish_many``); marked sent in
        one commit. Should the broker fail it, none is marked: all are sent again later (the
        consumers' inboxes take a message twice as once)."""
        try:
            outcomes = self.publisher.publish_many([(row.body, row.routing_key) for row in rows],
                                                   mandatory=True)
        except Exception as exc:
            self._failed(session, rows[0], exc)
            session.commit()
            raise
        self._published(session, [row.id for row, outcome in zip(rows, outcomes, strict=True)
                                   if outcome is None])
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome is not None:
                self._failed(session, row, outcome, log=True)
        session.commit()

    def _published(self, session, ids):
        """Marks the rows sent, in one statement."""
        if ids:
            table = self.model.__table__
            session.execute(update(table).where(table.c.id.in_(ids))
                            .values(published_at=utcnow()))

    def _failed(self, session, row, error, log=False):
        """Counts a try that did not go out and keeps why. ``log``: a message no queue took,
        logged the first time only (it is tried again every ``UNROUTABLE_EVERY_SECONDS``)."""
        if log and not (row.last_error or "").startswith(UNROUTABLE_MARK):
            _log.error("outbox %s (%s): %s; kept, and tried again every %d s",
                       row.id, row.event_id, error, UNROUTABLE_EVERY_SECONDS)
        table = self.model.__table__
        session.execute(update(table).where(table.c.id == row.id).values(
            attempts=table.c.attempts + 1, last_error=str(error)[:2000], published_at=None))

    def stop(self):  # pragma: no mutate block (stops the running loop and its broker connection)
        super().stop()
        self.publisher.close()


class Store(DependencyProvider):
    def __init__(self, service_name, outbox_model, inbox_model, *, create_tables=False):
        """``create_tables``: make missing tables at start, for a program without migrations."""
        self.service_name = service_name
        self.outbox_model = outbox_model
        self.inbox_model = inbox_model
        self.create_tables = create_tables

    @property
    def source(self):
        return self.service_name

    # setup/start/stop/kill/get_dependency are plumbing (the container's database, the relay's
    # thread, the broker): the service tests state them, a mutation run cannot
    def setup(self):  # pragma: no mutate block
        config = self.container.config
        url = database_url(self.service_name, config.get("DATABASE_URL"))
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if self.create_tables:
            self.outbox_model.metadata.create_all(self.engine)
        self.relay = OutboxRelay(
            self.sessions, self.outbox_model, config["AMQP_URI"],
            sweep_seconds=float(config.get("OUTBOX_SWEEP_SECONDS", 5)),
            skip_locked=self.engine.dialect.name == "postgresql",
            inbox_model=self.inbox_model, keep_days=float(config.get("KEEP_MESSAGES_DAYS", 30)))

    def start(self):  # pragma: no mutate block
        self.container.spawn_managed_thread(self.relay.run, identifier="outbox-relay")
        self.relay.wake()  # publish what an earlier run left behind

    def stop(self):  # pragma: no mutate block
        self.relay.stop()
        self.engine.dispose()

    def kill(self):  # pragma: no mutate block
        self.relay.stop()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):  # pragma: no mutate block
        return StoreHandle(self)
