"""Local time: the station works on Beijing time (Asia/Shanghai), Minzi stores UTC.

Rules take the moment they apply at as an argument (``now``) and never read the clock: the
entrypoint reads it once (``utcnow()``) and passes it down, so a test can say when things happen.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marshmallow import fields

from .db import as_utc

BEIJING = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The date on the station's calendar at ``moment`` (naive values are taken as UTC)."""
    return as_utc(moment).astimezone(BEIJING).date()


def local_month(moment: datetime) -> str:
    """``2026-11``: the station's month at ``moment``, as figures group by."""
    return f"{as_utc(moment).astimezone(BEIJING):%Y-%m}"


def local_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Beijing, as a UTC moment."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC)


def local_range(day_from: date | None = None,
                day_to: date | None = None) -> tuple[datetime | None, datetime | None]:
    """UTC bounds ``[start, end)`` of the Beijing dates ``day_from`` .. ``day_to`` (inclusive);
    ``None`` where that side is open."""
    start = local_start(day_from) if day_from else None
    end = local_start(day_to + timedelta(days=1)) if day_to else None
    return start, end


def local_datetime_field(**kwargs) -> fields.AwareDateTime:
    """A date-time field for staff input: a value without an offset is Beijing time."""
    return fields.AwareDateTime(default_timezone=BEIJING, **kwargs)


__all__ = ["BEIJING", "local_date", "local_datetime_field", "local_month", "local_range",
           "local_start"]
