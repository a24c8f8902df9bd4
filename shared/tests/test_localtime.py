"""The station's calendar is Beijing's (UTC+8, no daylight saving since 1991)."""
from datetime import UTC, date, datetime

from minzi.localtime import local_date, local_month, local_range, local_start


def test_a_moment_late_in_the_utc_evening_is_already_tomorrow_in_beijing():
    assert local_date(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert local_date(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert local_month(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == "2026-12"
    # SQLite gives timestamps back without a zone: they are UTC
    assert local_date(datetime(2026, 11, 30, 16, 0)) == date(2026, 12, 1)


def test_a_range_of_beijing_dates_is_midnight_to_midnight_in_utc():
    assert local_start(date(2026, 11, 1)) == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert local_range(date(2026, 11, 1), date(2026, 11, 30)) == (
        datetime(2026, 10, 31, 16, 0, tzinfo=UTC), datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    assert local_range(None, date(2026, 11, 30)) == (
        None, datetime(2026, 11, 30, 16, 0, tzinfo=UTC))


def test_a_beijing_time_is_stored_in_utc_and_comes_back_as_the_same_moment(tmp_path):
    from datetime import timedelta, timezone

    from sqlalchemy import Integer, create_engine, select
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

    from minzi.db import UTCDateTime, as_utc

    class Base(DeclarativeBase):
        pass

    class Slot(Base):
        __tablename__ = "slots"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        starts_at: Mapped[datetime] = mapped_column(UTCDateTime())

    engine = create_engine(f"sqlite:///{tmp_path}/slots.db")
    Base.metadata.create_all(engine)
    nine_in_beijing = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    with Session(engine) as session:
        session.add(Slot(id=1, starts_at=nine_in_beijing))
        session.commit()
    with Session(engine) as session:
        stored = session.scalar(select(Slot.starts_at))
    assert as_utc(stored) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC) == nine_in_beijing
    engine.dispose()


def test_an_open_range_is_open_on_that_side():
    assert local_range(date(2026, 11, 1)) == (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), None)
    assert local_range() == (None, None)
    assert local_start(date(2026, 12, 31)) == datetime(2026, 12, 30, 16, 0, tzinfo=UTC)
    assert local_range(date(2026, 12, 31), date(2026, 12, 31))[1] == datetime(
        2026, 12, 31, 16, 0, tzinfo=UTC)


def test_a_time_typed_without_an_offset_is_beijing_time():
    import pytest
    from marshmallow import Schema, ValidationError

    from minzi.localtime import local_datetime_field

    class Slot(Schema):
        starts_at = local_datetime_field(required=True)

    assert Slot().load({"starts_at": "2026-12-01T09:00:00"})["starts_at"] == datetime(
        2026, 12, 1, 1, 0, tzinfo=UTC)
    assert Slot().load({"starts_at": "2026-12-01T09:00:00Z"})["starts_at"] == datetime(
        2026, 12, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        Slot().load({})
    assert error.value.messages == {"starts_at": ["Missing data for required field."]}


def test_the_machines_own_time_zone_changes_nothing(monkeypatch):
    """A server set to Beijing time (or any zone) stores and sends the same UTC moments."""
    import time

    from minzi.envelope import isoformat
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        start = local_start(date(2026, 11, 1))
        assert (start.utcoffset(), start.isoformat()) == (
            datetime(2026, 1, 1, tzinfo=UTC).utcoffset(), "2026-10-31T16:00:00+00:00")
        assert isoformat(datetime(2026, 11, 27, 8, 0)) == "2026-11-27T08:00:00Z"
        assert isoformat(datetime(2026, 11, 27, 8, 0, tzinfo=UTC)) == "2026-11-27T08:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()
