"""A staff API's store without a container, and a seeded database that every try starts from."""
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin
from minzi.testing import SeededDatabase, standalone_store


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class Inbox(InboxMixin, Base):
    __tablename__ = "inbox"


class Cat(Base):
    __tablename__ = "cats"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def names(handle) -> list[str]:
    with handle.session() as session:
        return list(session.scalars(select(Cat.name).order_by(Cat.id)))


def test_what_a_route_publishes_stays_in_the_outbox(tmp_path):
    with standalone_store("cat_fund", Outbox, Inbox, tmp_path / "cats.db") as store:
        handle = store.get_dependency(None)
        with handle.transaction(community="rainbow-city") as tx:
            tx.session.add(Cat(name="小花"))
            tx.publish("case.reported", {"case_id": 1})
        assert names(handle) == ["小花"]
        with handle.session() as session:
            assert [row.routing_key for row in session.scalars(select(Outbox))] == \
                ["case.reported"]


def test_every_restore_brings_back_the_seed_and_only_the_seed(tmp_path):
    with standalone_store("cat_fund", Outbox, Inbox, tmp_path / "cats.db") as store:
        handle = store.get_dependency(None)
        with handle.transaction() as tx:
            tx.session.add(Cat(name="小花"))
        seeded = SeededDatabase(store)
        for name in ("大黄", "小黑"):
            with handle.transaction() as tx:
                tx.session.add(Cat(name=name))
                tx.session.get(Cat, 1).name = "改名了"
            assert names(handle) == ["改名了", name]
            seeded.restore()
            assert names(handle) == ["小花"]
        seeded.close()
