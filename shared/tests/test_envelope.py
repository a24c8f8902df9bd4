"""The envelope every message travels in (docs/contract.md, "The envelope")."""
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from minzi.envelope import (
    SCHEMA_VERSION,
    UnsupportedVersion,
    isoformat,
    make_envelope,
    read_envelope,
    utcnow,
)


def test_an_envelope_has_the_contracts_fields_and_an_utc_moment():
    before = datetime.now(UTC).replace(microsecond=0)
    body = make_envelope("case.reported", {"case_id": 1}, source="legal_aid",
                         community="rainbow-city")
    assert set(body) == {"event_id", "type", "version", "occurred_at", "community", "source",
                         "data"}
    assert (body["type"], body["version"], body["community"], body["source"], body["data"]) == (
        "case.reported", 1, "rainbow-city", "legal_aid", {"case_id": 1})
    assert str(uuid.UUID(body["event_id"])) == body["event_id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", body["occurred_at"])
    occurred = datetime.fromisoformat(body["occurred_at"].replace("Z", "+00:00"))
    assert before <= occurred <= datetime.now(UTC)
    assert make_envelope("x", {}, source="s")["community"] is None
    assert make_envelope("x", {}, source="s")["event_id"] != make_envelope(
        "x", {}, source="s")["event_id"]
    given = uuid.UUID("5f0c5c8e-8a4e-4d53-9f6b-1d3c1b0b9a11")
    again = make_envelope("x", {}, source="s", event_id=given, version=2)
    assert (again["event_id"], again["version"]) == (str(given), 2)
    assert SCHEMA_VERSION == 1


def test_moments_are_written_in_utc_with_a_z():
    assert isoformat(None) is None
    assert isoformat(datetime(2026, 11, 27, 8, 0)) == "2026-11-27T08:00:00Z"   # naive is UTC
    beijing = timezone(timedelta(hours=8))
    assert isoformat(datetime(2026, 11, 27, 16, 0, tzinfo=beijing)) == "2026-11-27T08:00:00Z"
    assert utcnow().utcoffset() == timedelta(0)


def test_a_reader_takes_its_own_version_and_older_and_refuses_newer():
    body = make_envelope("case.reported", {"case_id": 1}, source="legal_aid")
    read = read_envelope(body)
    assert read["event_id"] == body["event_id"] and isinstance(read["event_id"], str)
    assert read["occurred_at"].tzinfo is not None
    assert read["community"] is None
    assert read_envelope(make_envelope("x", {}, source="s", version=2), max_version=2)[
        "version"] == 2
    with pytest.raises(UnsupportedVersion) as error:
        read_envelope(make_envelope("x", {}, source="s", version=3), max_version=2)
    assert "version 3" in str(error.value) and "up to 2" in str(error.value)
