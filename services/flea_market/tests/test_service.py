"""flea_market running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a case
in, a report out, once; a stall request answered through the API with the stall; the seed's
figures (20 markets of 500 or more, the Wenchuan sale's 2,468.50 yuan) from records entered
through the API; the staff API's refusals, named in Chinese and English, changing nothing."""
from datetime import date, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from flea_market.models import Base
from flea_market.service import MANIFEST, FleaMarketService

OPERATOR = make_staff("program_staff", program_id="flea_market", name="周站长", username="zhou")
ADMIN = make_staff("admin", username="root", name="管理员")


def migrated(url):
    migrate("flea_market", service_root("flea_market"), {"DATABASE_URL": url})
    return url


def schema_drift(url):
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return diff


def rows(container):
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    with Session(engine) as session:
        found = rows_of(session, Base.metadata)
    engine.dispose()
    return found


def days_from_today(days: int) -> str:
    return (local_date(utcnow()) + timedelta(days=days)).isoformat()


def caller(container):
    def call(method, path, body=None, staff=OPERATOR, status=(200, 201), lang="zh"):
        answer = call_api(container, method, path, body, staff=staff, lang=lang)
        if status is not None:
            assert answer["status"] in status, answer
            return answer["body"]
        return answer
    return call


def test_the_manifest_offers_a_stall_and_swap_questions():
    manifest = load_manifest(MANIFEST)
    assert (manifest["program_id"], manifest["name"]) == (
        "flea_market", {"zh": "跳蚤市场", "en": "Flea market"})
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert set(codes) == {"flea_market_stall", "flea_market_swap"}
    assert "摆摊" in codes["flea_market_stall"]["keywords"]
    assert "置换" in codes["flea_market_swap"]["keywords"]
    assert codes["flea_market_stall"]["name"]["en"] == "A stall at the flea market"


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/flea_market.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_flea_market") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_accepted_once_and_answered_with_a_stall(
        program_container, bus):
    container = program_container(FleaMarketService, max_workers=1)
    call = caller(container)
    dispatched = bus.publish("case.dispatched.flea_market", dispatched_case(
        "flea_market", "flea_market_stall", description="想在下次跳蚤市场摆摊",
        resident={"name": "刘女士", "phone": "13700001234"}, attributes={"goods": "儿童绘本"}))
    bus.send(dispatched, "case.dispatched.flea_market")          # delivered again
    bus.publish("case.dispatched.flea_market",
                dispatched_case("flea_market", "flea_market_swap", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    assert [h["action"] for h in call("GET", "/cases/1")["history"]] == ["received"]

    bus.publish("case.chased.flea_market", {"case_id": 1, "tracking_code": "TEST000001",
                                            "program_id": "flea_market", "level": 1,
                                            "note": "请尽快办理"})
    assert wait_for(lambda: call("GET", "/cases/1")["chases"],
                    message="the reminder to be counted") == 1

    saturday = days_from_today(3)
    market = call("POST", "/markets", {"day": saturday, "place": "彩虹城文化广场",
                                       "theme": "闲置物品置换", "stall_count": 40})
    done = call("POST", "/cases/1/signup", {"market_id": market["id"]})
    assert (done["state"], done["signup_id"]) == ("resolved", 1)
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report["reply"] == (
        f"您好，已为您报名 {saturday} 在彩虹城文化广场举办的跳蚤市场（闲置物品置换），摊位号 1。"
        "如不能来，请在市场前一天前告诉社区服务站，以便把摊位让给其他居民。")
    stalls = call("GET", f"/markets/{market['id']}")["signups"]
    assert [(s["stall_no"], s["name"], s["phone"], s["goods"], s["case_id"]) for s in stalls] \
        == [(1, "刘女士", "13700001234", "儿童绘本", 1)]
    # an admin reads the same stall masked
    seen = call("GET", f"/markets/{market['id']}", staff=ADMIN)["signups"][0]
    assert (seen["name"], seen["phone"]) == ("刘**", "137****1234")
    again = call("POST", "/cases/1/resolve", {"result": "再办一次"}, status=None)
    assert (again["status"], again["body"]["error"]["code"]) == (409, "case_closed")
    call("POST", "/cases/2/return", {"note": "大件家具请联系物业回收"})
    returned = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                        and m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "大件家具请联系物业回收"


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(FleaMarketService)
    bus.publish("case.dispatched.flea_market",
                dispatched_case("flea_market", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_the_seeds_figures_come_from_records_entered_through_the_api(program_container):
    """20 markets held from April (head counts written by hand, each 500 or more); the 4th the
    Wenchuan charity sale: three stalls' takings 856.50 + 1200.00 + 412.00 = 2468.50, handed to
    the beneficiary; the 9th "红色七月—爱心无限": 320 + 480 + 200 = 1000.00."""
    call = caller(program_container(FleaMarketService))
    counts = [520, 505, 612, 580, 540, 700, 515, 530, 560, 500,
              650, 505, 520, 545, 590, 610, 530, 505, 620, 560]       # 11,197 in all
    ids = []
    for number, count in enumerate(counts, 1):
        body = {"day": (date(2026, 4, 5) + timedelta(days=10 * (number - 1))).isoformat(),
                "place": "彩虹城文化广场", "theme": f"第{number}次跳蚤市场", "stall_count": 60}
        if number == 4:
            body.update(theme="爱心义卖 支援汶川", charity=True, beneficiary="汶川地震灾区")
        if number == 9:
            body.update(theme="红色七月—爱心无限", charity=True, beneficiary="社区患病党员")
        market = call("POST", "/markets", body)
        call("POST", f"/markets/{market['id']}/head-count", {"participants": count})
        ids.append(market["id"])
    wenchuan, red_july = ids[3], ids[8]
    for amount, seller in (("856.50", "书画摊"), ("1200", "旧衣物摊"), ("412.00", "玩具摊")):
        sold = call("POST", f"/markets/{wenchuan}/sales", {"amount": amount, "channel": "cash",
                                                          "donor_name": seller})
        assert sold["number"].startswith("FM-")
    call("POST", f"/markets/{wenchuan}/handovers", {
        "amount": "2468.5", "invoice_ref": "红十字会收据 0518", "approved_by": "社区党委书记"})
    for amount in ("320", "480", "200"):
        call("POST", f"/markets/{red_july}/sales", {"amount": amount, "channel": "wechat"})

    figures = call("GET", "/figures")
    assert (figures["markets_held"], figures["participants"]["markets_with_500_or_more"],
            figures["participants"]["fewest"], figures["participants"]["total"]) == (
        20, 20, 500, 11_197)
    assert (figures["sales"], figures["raised"], figures["handed_over"]) == (
        6, "3468.50", "2468.50")
    report = call("GET", "/report", staff=None)
    assert [(m["theme"], m["raised"], m["handed_over"]) for m in report["charity_sales"]] == [
        ("爱心义卖 支援汶川", "2468.50", "2468.50"), ("红色七月—爱心无限", "1000.00", "0.00")]
    assert [(h["to"], h["amount"], h["receipt"]) for h in report["handovers"]] == [
        ("汶川地震灾区", "2468.50", "红十字会收据 0518")]
    market = call("GET", f"/markets/{wenchuan}")
    assert (market["money"], len(market["entries"])) == (
        {"raised": "2468.50", "handed_over": "2468.50", "held": "0.00", "sales": 3}, 4)


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(FleaMarketService)
    call = caller(container)
    full = call("POST", "/markets", {"day": days_from_today(2), "place": "广场",
                                     "theme": "置换", "stall_count": 1})
    call("POST", f"/markets/{full['id']}/signups", {"name": "王阿姨", "phone": "13900001111"})
    today = call("POST", "/markets", {"day": days_from_today(0), "place": "广场",
                                      "theme": "义卖", "charity": True, "beneficiary": "灾区",
                                      "stall_count": 5})
    call("POST", f"/markets/{today['id']}/sales", {"amount": "100", "channel": "cash"})
    before = rows(container)

    def refused(method, path, body, status, code, fields=None, lang="zh", staff=OPERATOR):
        answer = call(method, path, body, status=None, lang=lang, staff=staff)
        assert (answer["status"], answer["body"]["error"]["code"]) == (status, code), answer
        if fields is not None:
            assert sorted(answer["body"]["error"].get("fields", {})) == fields, answer
        return answer["body"]["error"]

    assert refused("POST", f"/markets/{full['id']}/signups",
                   {"name": "李大爷", "phone": "13900002222"}, 409, "market_full",
                   ["market_id"], lang="en")["message"] == \
        "All 1 stalls of this market are taken"
    assert refused("POST", f"/markets/{full['id']}/signups",
                   {"name": "王阿姨", "phone": "139 0000 1111"}, 409, "already_signed_up",
                   ["phone"])["message"] == "这位居民已报名本次市场，摊位号 1"
    refused("POST", f"/markets/{today['id']}/handovers", {
        "amount": "100.01", "invoice_ref": "R-1", "approved_by": "书记"}, 400,
        "more_than_raised", ["amount"])
    refused("POST", f"/markets/{full['id']}/sales", {"amount": "1", "channel": "cash"}, 400,
            "not_a_charity_sale", ["market_id"])
    refused("POST", "/markets", {"day": days_from_today(5), "place": "广场", "theme": "义卖",
                                 "charity": True, "stall_count": 5}, 400,
            "beneficiary_required", ["beneficiary"])
    refused("POST", f"/markets/{full['id']}/head-count", {"participants": 500}, 400,
            "market_not_yet", ["market_id"])
    refused("POST", "/markets/999/signups", {"name": "李", "phone": "13900002222"}, 404,
            "market_not_found", ["market_id"])
    refused("POST", "/signups/999/cancellation", {}, 404, "signup_not_found", ["signup_id"])
    refused("POST", "/cases/9/resolve", {"result": "x"}, 404, "case_not_found", ["case_id"])
    refused("POST", "/ledger/entries/999/reversal", {"reason": "错"}, 404, "entry_not_found")
    for amount in ("12.345", "-1", "0", "NaN", True, "一百"):
        refused("POST", f"/markets/{today['id']}/sales", {"amount": amount, "channel": "cash"},
                422, "validation_failed", ["amount"])
    assert refused("POST", f"/markets/{today['id']}/sales",
                   {"amount": "1.234", "channel": "cash"}, 422, "validation_failed")[
        "fields"] == {"amount": ["金额最多两位小数（精确到分）"]}
    refused("POST", "/markets", {"day": "明天", "place": "广场", "theme": "x",
                                 "stall_count": 0, "colour": "red"}, 422, "validation_failed",
            ["colour", "day", "stall_count"])
    refused("POST", f"/markets/{full['id']}/signups", {"name": "李", "phone": "打电话"}, 422,
            "validation_failed", ["phone"])
    refused("GET", "/markets", None, 401, "unauthenticated", staff=None)
    refused("GET", "/markets", None, 403, "forbidden", staff=make_staff("receptionist"))
    refused("GET", "/markets", None, 403, "not_program_staff",
            staff=make_staff("program_staff", program_id="cat_fund"))
    refused("POST", "/markets", {"day": days_from_today(5), "place": "广场", "theme": "x",
                                 "stall_count": 5}, 403, "forbidden", staff=ADMIN)
    assert rows(container) == before
