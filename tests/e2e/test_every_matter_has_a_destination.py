"""Every matter has a destination (事事有着落): with every program of the station running, each
kind of request the community report names, told at the window in a resident's own words (no
service type chosen), reaches the program that handles it — or, where no words decide it, the
station head, who assigns it. Nothing is left without an owner.

The requests are the report's own (../shared/seed/rainbow-city-community-report.zh.txt): its
twelve agency items (全程代理), the programs of 民字工程 and the complaints it lists (night-time
trucks, dogs, stray cats)."""
from contextlib import ExitStack

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import Suite

pytestmark = pytest.mark.e2e

PROGRAMS = ("legal_aid", "cat_fund", "matchmaking", "sms_broadcast", "job_fair", "co_building",
            "agency", "hotline", "doctor", "flea_market", "dog_owners", "volunteer_grid")

# (what the resident says at the window, the program whose service it is, or the programs)
REQUESTS = [
    # 全程代理: the twelve agency items, each followed by one agent
    ("我失业了，求职证到期要换新的求职证", "agency"),
    ("想咨询一下就业政策，失业登记以后有什么社保补贴", "agency"),
    ("我是自谋职业的个体户，营业执照要年检", "agency"),
    ("我母亲今年刚满60岁，想给她办老年证", "agency"),
    ("我是退休职工，想登记报销医药费", "agency"),
    ("我是外地人，刚搬来，想办暂住证", "agency"),
    ("家里生活困难，想申请低保", "agency"),
    ("孩子是残疾，想办残疾人证", "agency"),
    ("想办独生子女父母光荣证", "agency"),
    ("在北京住满半年了，想办居住证", "agency"),
    # two agency items the report also gives to programs of their own: re-employment (the job
    # fair) and housekeeping (the hotline's merchants); either is a destination that finishes it
    ("我一个人住腿脚不便，想请社区帮忙找保姆，代办家政", {"agency", "hotline"}),
    ("下岗以后想参加再就业培训", {"agency", "job_fair"}),
    # 民字工程's programs
    ("公司拖欠三个月工资不给，想找律师咨询", "legal_aid"),
    ("房东不退押金，想问问怎么维权", "legal_aid"),
    ("3号楼后面有只流浪猫受伤了，腿流血", "cat_fund"),
    ("想给儿子找对象，到红娘工作室登记", "matchmaking"),
    ("下岗了想找工作，听说社区有招聘会", "job_fair"),
    ("冷库的运输货车每天夜里两点进出，噪音扰民睡不着", "co_building"),
    ("小区里公共座椅太少，老人没地方坐", "co_building"),
    ("家里洗衣机坏了，想找人上门维修", "hotline"),
    ("想订桶装水，送水上门", "hotline"),
    ("想找个钟点工每周来打扫卫生", "hotline"),
    ("老伴卧床行动不便，想请片儿医上门出诊量血压", "doctor"),
    ("下次跳蚤市场我想报名摆摊，卖些旧书", "flea_market"),
    ("楼下有人遛狗不拴绳，大狗追孩子", "dog_owners"),
    ("邻居家的狗一直叫，夜里吵得睡不着", "dog_owners"),
    ("我想报名当志愿者，周末有空", "volunteer_grid"),
    ("想请居委会给全楼群发短信通知停水", "sms_broadcast"),
]


@pytest.fixture(scope="module")
def station(vhost_module, tmp_path_factory):
    with ExitStack() as stack:
        suite = Suite(vhost_module, str(tmp_path_factory.mktemp("destinations")), stack)
        try:
            suite.start_intake()
            suite.start("gateway")
            for program in PROGRAMS:
                suite.start(program)
            suite.wait_until_up()

            def all_live():
                listed = requests.get(suite.url("/api/v1/programs"), timeout=10).json()
                return {p["program_id"] for p in listed if p["live"]} >= set(PROGRAMS)
            wait_for(all_live, timeout=180, interval=1,
                     message="every program to announce itself")
            yield suite
        finally:
            suite.stop_all()


def register(suite, staff, description, number):
    answer = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=30, json={
        "channel": "visit", "description": description,
        "resident_name": "居民", "resident_phone": f"1390000{number:04d}"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_each_kind_of_request_in_the_report_reaches_the_program_that_handles_it(station):
    suite, staff = station, station.login()
    registered = [(description, expected, register(suite, staff, description, n))
                  for n, (description, expected) in enumerate(REQUESTS)]

    def case(case_id):
        return requests.get(suite.url(f"/api/v1/cases/{case_id}"), headers=staff,
                            timeout=10).json()

    wrong = []
    for description, expected, made in registered:
        found = wait_for(lambda made=made: (lambda c: c if c["status"] != "new" else None)(
            case(made["id"])), timeout=60, message=f"{description} to be routed")
        if found.get("program_id") not in ({expected} if isinstance(expected, str) else expected):
            wrong.append((description, expected, found.get("program_id"), found["status"]))
    assert not wrong, "\n".join(f"{d}: expected {e}, went to {p} ({s})" for d, e, p, s in wrong)


def test_a_request_no_words_decide_goes_to_the_station_head_who_gives_it_a_destination(station):
    suite, staff = station, station.login()
    made = register(suite, staff, "想问一下社区活动室周末开不开门", 900)
    waiting = requests.get(suite.url(f"/api/v1/cases/{made['id']}"), headers=staff,
                           timeout=10).json()
    assert waiting["status"] == "awaiting_assignment", waiting
    assigned = requests.post(suite.url(f"/api/v1/cases/{made['id']}/assign"), headers=staff,
                             timeout=20, json={"service_code": "volunteer_signup",
                                               "note": "请志愿者网格安排活动室值守的志愿者答复"})
    assert assigned.status_code in (200, 201), assigned.text
    wait_for(lambda: requests.get(suite.url(f"/api/v1/cases/{made['id']}"), headers=staff,
                                  timeout=10).json().get("program_id") == "volunteer_grid",
             timeout=60, message="the assigned case to reach the volunteer grid")
