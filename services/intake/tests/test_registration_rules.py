"""Registering a request whose type nobody chose: the details that came with it are kept as
given, for the station head or the program it goes to. Expected values are the story below,
told by hand."""
from intake.domain.registration import submitted
from intake.domain.views import case_view

from .conftest import NOW, STATION_HEAD, desk, register_case


def test_a_programs_request_of_a_type_no_longer_offered_keeps_its_details(tx):
    """The legal-aid home took in a request about pruning a tree, a type no program offers in
    Rainbow City, with the kind of tree and the floor it reaches: classified by its words
    (none match), it waits for the station head, and the details are there to read."""
    case, created = submitted(desk(tx), {
        "request_key": "t1", "community": "rainbow-city", "channel": "sms",
        "description": "门口的树挡住了窗户", "service_code": "tree_pruning",
        "attributes": {"tree": "梧桐", "floor": "3"}, "resident": {"phone": "13900000009"}})
    assert created and (case.status, case.service_code) == ("awaiting_assignment", None)
    assert case_view(case, STATION_HEAD, "zh", NOW)["attributes"] == {"tree": "梧桐", "floor": "3"}


def test_details_given_at_the_window_without_a_type_are_kept(tx):
    case = register_case(tx, description="楼道灯坏了", attributes={"floor": "5"})
    assert case.status == "awaiting_assignment"
    assert case_view(case, STATION_HEAD, "zh", NOW)["attributes"] == {"floor": "5"}
