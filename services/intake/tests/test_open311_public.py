"""What the public door shows: Open311's lists are what a public map of the community's requests
would show. A request made in person stays private; an online one shows under a public id that
is not the resident's tracking code, without the exact address, the reply, or a phone or ID
number written into the description."""
from datetime import timedelta

from minzi.testing import snapshot

from intake import open311
from intake.domain import reports
from intake.models import Base, Community

from .conftest import NOW, desk, register_case

ONLINE_FORM = {"api_key": "key", "service_code": "sick_cat",
               "description": "楼下有只受伤的猫，联系我 13911112222，身份证 110105194912310021",
               "address_string": "彩虹城6号楼2单元301", "lat": "39.851234", "long": "116.293456",
               "phone": "13911112222"}


def post_online(tx):
    [answer] = open311.create(desk(tx), "rainbow-city", ONLINE_FORM, {}, "open311-req-1")
    return answer


def listed(tx, **args):
    return open311.requests(tx.session, "rainbow-city", args, "zh", NOW)


def test_a_post_answers_what_georeport_says_and_only_its_client_learns_the_tracking_code(tx):
    answer = post_online(tx)
    assert sorted(answer) == ["account_id", "service_notice", "service_request_id"]
    case = tx.session.query(open311.Case).one()
    assert answer["service_request_id"] == case.public_id != case.tracking_code
    assert case.tracking_code in answer["service_notice"]      # read by the resident who posted


def test_the_public_list_shows_online_requests_only_without_private_details(tx):
    register_case(tx)                                          # a visit to the desk: private
    answer = post_online(tx)
    case = tx.session.query(open311.Case).filter_by(channel="open311").one()
    reports.apply_report(desk(tx), {"case_id": case.id, "program_id": "cat_fund",
                                    "status": "resolved", "result": "已送医",
                                    "reply": "王先生您好，猫已送医，费用由基金会承担。"})
    [shown] = listed(tx)
    assert shown["service_request_id"] == answer["service_request_id"]
    assert (shown["status"], shown["status_notes"]) == ("closed", "已答复")
    assert (shown["service_code"], shown["service_name"]) == ("sick_cat", "病伤流浪猫")
    assert open311.requests(tx.session, "rainbow-city", {}, "en", NOW)[0]["service_name"] == \
        "病伤流浪猫"                                      # the manifest gives no English name
    assert shown["address"] is None
    assert (shown["lat"], shown["long"]) == (39.851, 116.293)  # the block, not the door
    assert shown["description"] == "楼下有只受伤的猫，联系我 139****2222，身份证 110105********0021"
    text = repr(shown)
    for private in (case.tracking_code, "301", "王先生", "13911112222"):
        assert private not in text
    # looked up by its public id, never by the tracking code; the desk visit is not there at all
    assert open311.one_request(tx.session, "rainbow-city", case.public_id)[0] == shown
    for code in (case.tracking_code,
                 tx.session.query(open311.Case).filter_by(channel="visit").one().public_id):
        before = snapshot(tx.session, Base.metadata)
        try:
            open311.one_request(tx.session, "rainbow-city", code)
            raise AssertionError(f"{code} was found")
        except open311.NotFound as error:
            assert error.code == "service_request_id"
        assert snapshot(tx.session, Base.metadata) == before
    assert listed(tx, service_request_id=case.tracking_code) == []


def test_an_open_request_shows_georeports_fields_and_when_it_is_expected(tx):
    answer = post_online(tx)
    [shown] = listed(tx)
    assert sorted(shown) == sorted([
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url"])
    assert (shown["service_request_id"], shown["status"], shown["status_notes"]) == \
        (answer["service_request_id"], "open", "已转交承办")
    assert (shown["requested_datetime"], shown["updated_datetime"],
            shown["expected_datetime"]) == ("2026-11-27T02:00:00Z", "2026-11-27T02:00:00Z",
                                            "2026-11-28T02:00:00Z")      # the cat fund's 24 h
    assert (shown["agency_responsible"], shown["service_notice"]) == ("流浪猫爱心基金会",
                                                                      "社区服务站已受理")
    assert [shown[k] for k in ("address", "address_id", "zipcode", "media_url")] == [None] * 4


def test_the_list_filters_by_id_service_status_and_dates_newest_first(tx):
    """Four online requests from four addresses: a cat 100 days ago, wages 10 days ago
    (answered since), a cat 2 days ago and wages today."""
    def post(days_ago: int, code: str, key: str, **form) -> str:
        [answer] = open311.create(desk(tx, NOW - timedelta(days=days_ago)), "rainbow-city",
                                  {**ONLINE_FORM, "service_code": code, "phone": None,
                                   "address_string": f"彩虹城{key}号楼", **form},
                                  {"employer": "某公司"} if code == "labour_dispute" else {}, key)
        return answer["service_request_id"]
    old_cat = post(100, "sick_cat", "k1")
    wages = post(10, "labour_dispute", "k2", description="公司拖欠工资")
    cat = post(2, "sick_cat", "k3")
    new_wages = post(0, "labour_dispute", "k4", description="公司拖欠工资")
    answered = tx.session.query(open311.Case).filter_by(public_id=wages).one()
    reports.apply_report(desk(tx), {"case_id": answered.id, "program_id": "legal_aid",
                                    "status": "resolved", "result": "已调解",
                                    "reply": "已为您调解"})

    def ids(**args):
        return [r["service_request_id"] for r in listed(tx, **args)]
    assert ids() == [new_wages, cat, wages]                # the last 90 days, newest first
    assert ids(service_code="sick_cat") == [cat]
    assert ids(service_code="sick_cat,labour_dispute") == [new_wages, cat, wages]
    assert ids(status="closed") == [wages] and ids(status="open") == [new_wages, cat]
    assert ids(start_date="2026-11-17T02:00:00Z") == [new_wages, cat, wages]   # from: included
    assert ids(start_date="2026-11-17T02:00:01Z") == [new_wages, cat]
    assert ids(end_date="2026-11-17T02:00:00Z") == [wages, old_cat]           # to: included
    assert ids(end_date="2026-11-17T01:59:59Z") == [old_cat]                  # dates: no 90 days
    assert ids(service_request_id=f" {cat.lower()} ,{old_cat}") == [cat, old_cat]


def test_another_jurisdiction_lists_nothing_of_this_one(tx):
    post_online(tx)
    assert tx.session.get(Community, "maple-court") is not None
    assert open311.requests(tx.session, "maple-court", {}, "zh", NOW) == []
