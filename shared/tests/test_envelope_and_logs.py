import pytest
from marshmallow import ValidationError

from minzi.contract import CaseReported, ProgramManifest
from minzi.envelope import UnsupportedVersion, make_envelope, read_envelope
from minzi.logs import mask


def test_a_consumer_ignores_fields_it_does_not_know():
    body = make_envelope("case.reported", {"case_id": 1, "program_id": "legal_aid",
                                           "status": "accepted", "mood": "happy"}, source="x")
    body["priority"] = "high"
    envelope = read_envelope(body)
    assert "priority" not in envelope
    assert CaseReported().load(envelope["data"]) == {
        "case_id": 1, "program_id": "legal_aid", "status": "accepted", "note": None,
        "result": None, "reply": None, "handler": None}


def test_newer_versions_and_broken_bodies_are_refused_by_name():
    with pytest.raises(UnsupportedVersion):
        read_envelope(make_envelope("x", {}, source="x", version=2))
    with pytest.raises(ValidationError) as error:
        read_envelope({"type": "x"})
    assert {"event_id", "version", "occurred_at", "source", "data"} <= set(error.value.messages)


def test_a_manifest_names_what_is_wrong():
    with pytest.raises(ValidationError) as error:
        ProgramManifest().load({"program_id": "Bad Id", "name": {"zh": "x"}, "communities": [],
                                "service_types": [{"code": "a", "name": {"zh": "甲"},
                                                   "time_limit_hours": 0}]})
    messages = error.value.messages
    assert {"program_id", "communities", "service_types"} <= set(messages)


def test_a_resolved_report_needs_a_result():
    with pytest.raises(ValidationError) as error:
        CaseReported().load({"case_id": 1, "program_id": "legal_aid", "status": "resolved"})
    assert "result" in error.value.messages


def test_logs_mask_phones_and_id_numbers_but_not_other_numbers():
    line = "居民 13812345678 身份证 11010519491231002X 座机 010-62345678 诉求 42 金额 100000"
    assert mask(line) == ("居民 138****5678 身份证 110105********002X 座机 010-****5678 "
                          "诉求 42 金额 100000")


def test_a_services_postgresql_database_is_created_when_missing():
    import os
    import uuid

    from sqlalchemy import create_engine, text

    from minzi.db import ensure_database, normalise_url
    from minzi.testing import DEFAULT_SERVER_URL
    server = os.environ.get("MINZI_TEST_DATABASE_URL", DEFAULT_SERVER_URL)
    name = f"minzi_test_new_{uuid.uuid4().hex[:8]}"
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        assert ensure_database(url) is True
        assert ensure_database(url) is False          # there now: left alone
        engine = create_engine(normalise_url(url))
        with engine.connect() as connection:
            assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"
        engine.dispose()
    finally:
        admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    assert ensure_database("sqlite:///data/x.db") is False
