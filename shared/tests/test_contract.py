"""The contract as docs/contract.md states it: queues, and what a message must say."""
import pytest
from marshmallow import ValidationError

from minzi.contract import (
    CaseReported,
    CaseSubmitted,
    ProgramManifest,
    ServiceAttribute,
    ServiceType,
    intake_programs_queue,
    intake_reports_queue,
    intake_submissions_queue,
    load_manifest,
    program_cases_queue,
    program_discover_queue,
)


def bound(queue):
    """(exchange, routing key) pairs a queue is bound with, as the contract's table lists them."""
    if queue.bindings:
        return sorted((b.exchange.name, b.routing_key) for b in queue.bindings)
    return [(queue.exchange.name, queue.routing_key)]


def test_the_queues_are_named_bound_and_kept_as_the_contract_says():
    cases = program_cases_queue("legal_aid")
    assert (cases.name, cases.durable, cases.auto_delete) == (
        "minzi.program.legal_aid.cases", True, False)
    assert bound(cases) == [("minzi", "case.*.legal_aid")]
    discover = program_discover_queue("legal_aid")
    assert (discover.name, discover.durable, discover.auto_delete) == (
        "minzi.program.legal_aid.discover", False, True)
    assert bound(discover) == [("minzi", "program.discover")]
    programs = intake_programs_queue()
    assert (programs.name, programs.durable, programs.auto_delete) == (
        "minzi.intake.programs", True, False)
    assert bound(programs) == [("minzi", "program.announced"), ("minzi", "program.withdrawn")]
    reports = intake_reports_queue()
    assert (reports.name, reports.durable, reports.auto_delete) == (
        "minzi.intake.reports", True, False)
    assert bound(reports) == [("minzi", "case.reported")]
    submissions = intake_submissions_queue()
    assert (submissions.name, submissions.durable, submissions.auto_delete) == (
        "minzi.intake.submissions", True, False)
    assert bound(submissions) == [("minzi", "case.submitted")]
    for queue in (cases, discover, programs, reports, submissions):
        exchanges = [b.exchange for b in queue.bindings] or [queue.exchange]
        for exchange in exchanges:
            assert (exchange.type, exchange.durable, exchange.auto_delete) == (
                "topic", True, False)


SERVICE = {"code": "legal_consultation", "name": {"zh": "法律咨询", "en": "Legal consultation"},
           "time_limit_hours": 168}
MANIFEST = {"program_id": "legal_aid", "name": {"zh": "普法互助家园"},
            "communities": ["rainbow-city"], "service_types": [SERVICE]}


def test_a_manifest_takes_the_contracts_defaults_and_ignores_what_it_does_not_know():
    loaded = ProgramManifest().load({**MANIFEST, "colour": "red"})
    assert loaded == {
        "program_id": "legal_aid", "name": {"zh": "普法互助家园", "en": None},
        "description": None, "communities": ["rainbow-city"], "heartbeat_seconds": 10,
        "instance_id": None, "rpc_service": None,
        "service_types": [{"code": "legal_consultation",
                           "name": {"zh": "法律咨询", "en": "Legal consultation"},
                           "description": None, "group": None,
                           "keywords": [], "time_limit_hours": 168, "urgency": None,
                           "attributes": []}]}


def test_service_codes_are_unique_within_a_manifest():
    with pytest.raises(ValidationError) as error:
        ProgramManifest().load({**MANIFEST, "service_types": [SERVICE, dict(SERVICE)]})
    assert error.value.messages == {"service_types": ["service type codes must be unique"]}
    other = {**SERVICE, "code": "legal_aid_request"}
    assert len(ProgramManifest().load({**MANIFEST, "service_types": [SERVICE, other]})[
        "service_types"]) == 2


def test_a_time_limit_is_more_than_nothing_and_may_be_a_fraction():
    assert ServiceType().load({**SERVICE, "time_limit_hours": 0.5})["time_limit_hours"] == 0.5
    for hours in (0, -1):
        with pytest.raises(ValidationError) as error:
            ServiceType().load({**SERVICE, "time_limit_hours": hours})
        assert set(error.value.messages) == {"time_limit_hours"}


def test_an_urgency_class_gives_the_time_limit_a_program_does_not_give_itself():
    """12345's classes: an emergency 2 hours, utilities 24, general 7 days, complex 15 days."""
    bare = {k: v for k, v in SERVICE.items() if k != "time_limit_hours"}
    for urgency, hours in (("emergency", 2), ("utilities", 24), ("general", 168),
                           ("complex", 360)):
        loaded = ServiceType().load({**bare, "urgency": urgency})
        assert (loaded["urgency"], loaded["time_limit_hours"]) == (urgency, hours)
    # the program's own limit stays its own
    assert ServiceType().load({**SERVICE, "urgency": "utilities"})["time_limit_hours"] == 168
    with pytest.raises(ValidationError) as error:
        ServiceType().load(bare)              # neither: the limit is wanted, as before
    assert error.value.messages == {"time_limit_hours": ["Missing data for required field."]}
    with pytest.raises(ValidationError) as error:
        ServiceType().load({**bare, "urgency": "urgent"})
    assert set(error.value.messages) == {"urgency"}


def test_list_attributes_need_values_and_the_other_types_do_not():
    for datatype in ("singlevaluelist", "multivaluelist"):
        with pytest.raises(ValidationError) as error:
            ServiceAttribute().load({"code": "area", "datatype": datatype, "description": "领域"})
        assert error.value.messages == {"values": ["a list attribute needs values"]}
        listed = ServiceAttribute().load({"code": "area", "datatype": datatype,
                                          "description": "领域",
                                          "values": [{"key": "labour", "name": "劳动争议"}]})
        assert listed["values"] == [{"key": "labour", "name": "劳动争议"}]
    for datatype in ("string", "number", "datetime", "text"):
        assert ServiceAttribute().load({"code": "floor", "datatype": datatype,
                                        "description": "说明"}) == {
            "code": "floor", "datatype": datatype, "description": "说明", "required": False,
            "variable": True, "datatype_description": None, "order": 0, "values": []}
    with pytest.raises(ValidationError) as error:
        ServiceAttribute().load({"code": "floor", "datatype": "colour", "description": "说明"})
    assert set(error.value.messages) == {"datatype"}


REPORT = {"case_id": 42, "program_id": "legal_aid"}


def test_a_report_resolved_needs_a_result_and_returned_needs_a_note():
    for blank in (None, "", "   "):
        with pytest.raises(ValidationError) as error:
            CaseReported().load({**REPORT, "status": "resolved", "result": blank})
        assert error.value.messages == {"result": ["a resolved case needs a result"]}
        with pytest.raises(ValidationError) as error:
            CaseReported().load({**REPORT, "status": "returned", "note": blank})
        assert error.value.messages == {"note": ["say why the case is returned"]}
    assert CaseReported().load({**REPORT, "status": "resolved", "result": "已出具律师函"})[
        "result"] == "已出具律师函"
    assert CaseReported().load({**REPORT, "status": "returned", "note": "请找街道"})[
        "note"] == "请找街道"
    # a result does not stand in for a note, nor a note for a result
    with pytest.raises(ValidationError):
        CaseReported().load({**REPORT, "status": "returned", "result": "x"})
    with pytest.raises(ValidationError):
        CaseReported().load({**REPORT, "status": "resolved", "note": "x"})
    for status in ("accepted", "in_progress"):
        assert CaseReported().load({**REPORT, "status": status})["status"] == status
    with pytest.raises(ValidationError) as error:
        CaseReported().load({**REPORT, "status": "closed"})
    assert set(error.value.messages) == {"status"}


def test_a_submitted_case_says_where_how_and_what():
    submitted = {"request_key": "sms-reply-8812", "community": "rainbow-city", "channel": "sms",
                 "description": "楼道灯坏了好几天了",
                 "reference": {"program_id": "sms_broadcast", "kind": "broadcast", "id": "42"}}
    loaded = CaseSubmitted().load(submitted)
    assert loaded["reference"] == {"program_id": "sms_broadcast", "kind": "broadcast", "id": "42"}
    assert (loaded["resident"], loaded["attributes"]) == ({}, {})
    for channel in ("visit", "phone", "letter", "web", "sms", "wechat", "qq", "mailbox"):
        assert CaseSubmitted().load({**submitted, "channel": channel})["channel"] == channel
    with pytest.raises(ValidationError) as error:
        CaseSubmitted().load({**submitted, "channel": "fax", "community": "Rainbow City",
                              "description": "", "request_key": ""})
    assert set(error.value.messages) == {"channel", "community", "description", "request_key"}


def test_a_manifest_file_is_read_and_its_communities_may_be_overridden(tmp_path):
    path = tmp_path / "manifest.yaml"
    path.write_text(
        "program_id: legal_aid\n"
        "name: {zh: 普法互助家园, en: Legal-aid home}\n"
        "communities: [rainbow-city]\n"
        "service_types:\n"
        "  - code: legal_consultation\n"
        "    name: {zh: 法律咨询}\n"
        "    time_limit_hours: 168\n", encoding="utf-8")
    assert load_manifest(str(path))["communities"] == ["rainbow-city"]
    assert load_manifest(str(path))["name"] == {"zh": "普法互助家园", "en": "Legal-aid home"}
    assert load_manifest(str(path), communities=" sun-garden, ,moon-bay ")["communities"] == [
        "sun-garden", "moon-bay"]
    assert load_manifest(str(path), communities="")["communities"] == ["rainbow-city"]
    with pytest.raises(ValidationError):
        load_manifest(str(path), communities="Not A Community")
