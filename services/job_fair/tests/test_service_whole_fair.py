"""A whole fair run through the staff API against the real broker and PostgreSQL, as the seed's
first fair was: ten verified employers, a hundred positions, three hundred applicants, check-in,
interviews, hires, and the figures that come out of it.

The plan, and the figures worked out by hand from it:
* employers: CODES[0..9] (tests/conftest.py), each registered, verified and invited: 10. An
  eleventh, left unverified, is refused when a position is posted for it.
* positions: 10 per employer; the k-th (k = 0..9) wants 1 + k mod 3 people: 1 2 3 1 2 3 1 2 3 1
  = 19 per employer, 190 in all; 100 positions.
* applicants: 300 (i = 0..299), each applies to position i mod 100; the first hundred also to
  position (i + 50) mod 100: 400 applications. Applicants 0..9 withdraw that second one:
  390 applications stand, and all 300 applicants still have one.
* check-in: applicants 0..249 (250), each interviewed for their first position: 250 interviews.
  Position p is then interviewing i = p, p + 100, p + 200 below 250: 3 people for p < 50,
  2 for p >= 50.
* hires: every interviewee is put forward in turn; a position takes no more than it wants.
  p < 50: it wants 1 2 3 1 2 3 1 2 3 1 of 3, so takes 19 per employer and refuses
  2 1 0 2 1 0 2 1 0 2 = 11; p >= 50: min(wanted, 2) = 1 2 2 1 2 2 1 2 2 1 = 16, refusing
  1 0 0 1 0 0 1 0 0 1 = 4. Hires 5*19 + 5*16 = 175; refused 5*11 + 5*4 = 75 (175 + 75 = 250),
  each refused one then recorded as not hired.
"""
from datetime import timedelta

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import call_api, make_staff

from job_fair.service import JobFairService

from .conftest import CODES

OPERATOR = make_staff("program_staff", program_id="job_fair", name="李干事", username="li")
# GB 11643-1999 as the standard states it: a_1 (the check) makes sum(a_i * 2**(i-1) mod 11) over
# all 18 positions, counted from the right, equal 1 mod 11; a_1 = 10 is written X.


def id_number(first17: str) -> str:
    total = sum(int(d) * (2 ** (18 - n - 1) % 11) for n, d in enumerate(first17))
    check = next(a for a in range(11) if (total + a) % 11 == 1)
    return first17 + ("X" if check == 10 else str(check))


assert id_number("11010519491231002") == "11010519491231002X"      # the standard's example


def test_a_whole_fair_through_the_api(program_container):
    container = program_container(JobFairService)

    def call(method, path, body=None, staff=OPERATOR, expect=(200, 201)):
        answer = call_api(container, method, path, body, staff=staff)
        if expect:
            assert answer["status"] in expect, (path, answer)
        return answer

    day = (local_date(utcnow()) + timedelta(days=7)).isoformat()
    fair = call("POST", "/fairs", {"title": "彩虹城第一届社区招聘会", "day": day,
                                   "place": "社区活动室", "capacity": 300})["body"]
    employers = []
    for n, code in enumerate(CODES):
        made = call("POST", "/employers", {
            "name": f"用人单位{n + 1}", "credit_code": code, "licence_valid_until": "2030-12-31",
            "contact_name": "联系人", "phone": f"1380000{n:04d}"})["body"]
        call("POST", f"/employers/{made['id']}/verification", {"result": "verified"})
        call("POST", f"/fairs/{fair['id']}/invitations", {"employer_id": made["id"]})
        employers.append(made["id"])
    # 914403001922038216, printed on Huawei's licence: registered, never verified
    pending = call("POST", "/employers", {"name": "未审核单位", "credit_code": "914403001922038216",
                                          "contact_name": "某人", "phone": "13900000000"})["body"]
    refused = call("POST", f"/fairs/{fair['id']}/positions", {
        "employer_id": pending["id"], "title": "保安", "count": 1, "work_place": "某处",
        "pay_min": "3000", "pay_max": "4000"}, expect=(409,))
    assert refused["body"]["error"]["code"] == "employer_not_verified"

    positions = []
    for employer in employers:
        for k in range(10):
            positions.append(call("POST", f"/fairs/{fair['id']}/positions", {
                "employer_id": employer, "title": f"岗位{k}", "count": 1 + k % 3,
                "skills": ["电工"] if k % 2 else [], "education": "junior_high",
                "area": "丰台", "work_place": "彩虹城", "pay_min": "4000",
                "pay_max": "5500.50"})["body"]["id"])

    people = []
    for i in range(300):
        people.append(call("POST", "/applicants", {
            "name": f"求职者{i}", "id_number": id_number(f"11010519900101{i:03d}"),
            "phone": f"1390000{i:04d}", "kind": ("resident", "graduate", "unemployed")[i % 3],
            "education": "senior_high", "skills": ["电工"], "consent": True})["body"])
    first, second = {}, {}
    for i, person in enumerate(people):
        first[i] = call("POST", "/applications", {"applicant_id": person["id"],
                                                  "position_id": positions[i % 100]})["body"]
        if i < 100:
            second[i] = call("POST", "/applications", {
                "applicant_id": person["id"],
                "position_id": positions[(i + 50) % 100]})["body"]
    twice = call("POST", "/applications", {"applicant_id": people[0]["id"],
                                           "position_id": positions[0]}, expect=(409,))
    assert twice["body"]["error"]["code"] == "already_applied"
    for i in range(10):
        call("POST", f"/applications/{second[i]['id']}/withdraw", {"by": "applicant"})

    for i in range(250):
        call("POST", f"/fairs/{fair['id']}/check-ins",
             {"registration_code": people[i]["registration_code"]})
        call("POST", f"/applications/{first[i]['id']}/interview", {})
    not_arrived = call("POST", f"/applications/{first[250]['id']}/interview", {}, expect=(409,))
    assert not_arrived["body"]["error"]["code"] == "not_checked_in"

    hired = filled = 0
    for i in range(250):
        answer = call("POST", f"/applications/{first[i]['id']}/decision", {"hired": True},
                      expect=(200, 409))
        if answer["status"] == 200:
            hired += 1
        else:
            assert answer["body"]["error"]["code"] == "position_filled"
            filled += 1
            call("POST", f"/applications/{first[i]['id']}/decision", {"hired": False})
    assert (hired, filled) == (175, 75)

    figures = call_api(container, "GET", f"/fairs/{fair['id']}/figures", staff=None)["body"]
    assert figures["totals"] == {"employers": 10, "positions": 100, "openings": 190,
                                 "applicants": 300, "applications": 390, "check_ins": 250,
                                 "interviews": 250, "hires": 175}
    listed = call("GET", f"/fairs/{fair['id']}/applicants")["body"]["items"]
    assert len(listed) == 300
    assert sum(item["checked_in"] for item in listed) == 250
    public = call_api(container, "GET", f"/fairs/{fair['id']}/positions", staff=None)["body"]
    assert len(public["items"]) == 100 and "未审核单位" not in str(public)
