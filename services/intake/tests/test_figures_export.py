"""The figures as a spreadsheet (``GET /figures/export``): the workbook opened with openpyxl as a
reader's spreadsheet program would, each cell checked against a month counted by hand.

Rainbow City's cases (times UTC; Beijing is UTC+8, and the month is Beijing's):

  A  legal_aid wages (48 h)   registered 11-02 02:00, accepted 11-02 03:00, resolved 11-03 02:00
     (due 11-04 02:00: on time), replied, followed up resolved + satisfied
  B  cat_fund cat (24 h)      registered 11-10 02:00, nobody responds
  F  cat_fund cat (24 h)      registered 10-31 15:30 (23:30 in Beijing: October), resolved by
     the program 11-02 00:00 (due 11-01 15:30: LATE)
  L  a street lamp nobody serves (unassigned), registered 11-05 02:00, closed as out of scope an
     hour later (answered, no deadline missed)
  M  Maple Court's cat, 11-06: another community's, in none of Rainbow City's figures

                 received responded resolved on-time followed-up fu-resolved satisfied
  all            4 (ABFL)  3 (AFL)   3 (AFL)  2 (AL)  1 (A)       1           1
  unassigned     1 (L)     1         1        1       0           0           0
  cat_fund       2 (B F)   1 (F)     1 (F)    0       0           0           0
  legal_aid      1 (A)     1         1        1       1           1           1
  2026-10        1 (F)     1         1        0       0           0           0
  2026-11        3 (ABL)   2 (AL)    2        2       1           1           1

Rates: response 3/4 = 75.0 %, resolution 1/1, satisfaction 1/1, on time 2/3 = 66.7 %;
a rate with nothing to count (no follow-up) is an empty cell.
"""
import base64
from datetime import UTC, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from minzi.testing import standalone_store

from intake.api import router
from intake.domain import answers, reports
from intake.domain.desk import Desk
from intake.domain.registry import Registry
from intake.models import Community, Inbox, Outbox
from intake.models import Staff as StaffRow

from .conftest import (
    CAT_FUND,
    EVERYONE,
    LEGAL_AID,
    MAPLE_RECEPTIONIST,
    RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    register_case,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS_ZH = ["受理", "已响应", "已办结", "按时办结", "已回访", "回访称已解决", "回访称满意",
               "响应率", "解决率", "满意率", "按时办结率"]


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def report(tx, now, case, status, **fields):
    assert reports.apply_report(desk(tx, now), {"case_id": case.id, "program_id": case.program_id,
                                                "status": status, **fields})


@pytest.fixture
def service(tmp_path):
    with standalone_store("intake", Outbox, Inbox, tmp_path / "intake.db") as store:
        service = SimpleNamespace(
            store=store.get_dependency(None), default_community="rainbow-city",
            desk=lambda tx, now: Desk(tx.session, tx.publish, now))
        with service.store.transaction() as tx:
            tx.session.add_all([
                Community(id="rainbow-city", name_zh="彩虹城社区", name_en="Rainbow City"),
                Community(id="maple-court", name_zh="枫林社区", name_en="Maple Court")])
            tx.session.add_all([StaffRow(
                id=s["id"], username=s["username"], name=s["name"], role=s["role"],
                community_id=s["community"], program_id=s["program_id"], password_hash="x")
                for s in EVERYONE])
            registry = Registry(tx.session)
            for manifest in (LEGAL_AID, CAT_FUND):
                registry.announce({**manifest, "communities": ["rainbow-city", "maple-court"]},
                                  at(10, 1, 0))
            tx.session.flush()
            a = register_case(tx, now=at(11, 2, 2), resident_phone="13800000001")
            report(tx, at(11, 2, 3), a, "accepted", handler="李律师")
            report(tx, at(11, 3, 2), a, "resolved", result="已调解")
            answers.reply(desk(tx, at(11, 3, 3)), a, actor(RECEPTIONIST), "答复")
            answers.follow_up(desk(tx, at(11, 3, 4)), a, actor(RECEPTIONIST), resolved=True,
                              satisfied=True)
            b = register_case(tx, now=at(11, 10, 2), description="楼下有只病猫",
                              resident_phone="13800000002")
            f = register_case(tx, now=at(10, 31, 15, 30), description="小区里有只受伤的猫",
                              resident_phone="13800000003")
            report(tx, at(11, 2, 0), f, "resolved", result="已送医")
            lamp = register_case(tx, now=at(11, 5, 2), description="小区路灯不亮",
                                 resident_phone="13800000004")
            answers.close_out_of_scope(desk(tx, at(11, 5, 3)), lamp, actor(RECEPTIONIST),
                                       "路灯归物业。", "物业")
            register_case(tx, MAPLE_RECEPTIONIST, now=at(11, 6, 2), description="楼下有只病猫",
                          resident_phone="13800000005")
            assert (a.program_id, b.program_id, f.program_id, lamp.program_id) == \
                ("legal_aid", "cat_fund", "cat_fund", None)
        yield service


def export(service, staff=STATION_HEAD, lang="zh", **query):
    answer = router.dispatch({"method": "GET", "path": "/figures/export", "query": query,
                              "body": None, "staff": staff, "lang": lang}, service=service)
    assert answer["status"] == 200, answer
    return answer["body"]


def opened(body):
    return load_workbook(BytesIO(base64.b64decode(body["content_base64"])))


def cells(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def formats(sheet, row):
    return [cell.number_format for cell in sheet[row]]


def test_the_workbook_is_base64_with_its_name_and_type(service):
    body = export(service)
    assert body["content_type"] == XLSX
    assert body["filename"] == "figures-rainbow-city.xlsx"
    assert opened(body).sheetnames == ["总计", "按项目", "按月份", "按社区"]


def test_the_totals_sheet_counts_every_case_of_the_community(service):
    totals = opened(export(service))["总计"]
    assert cells(totals) == [
        ["社区", "彩虹城社区"], ["日期自", None], ["至", None],
        ["受理", 4], ["已响应", 3], ["已办结", 3], ["按时办结", 2], ["已回访", 1],
        ["回访称已解决", 1], ["回访称满意", 1],
        ["响应率", 0.75], ["解决率", 1], ["满意率", 1], ["按时办结率", 0.6667]]
    # the counts are numbers, the rates percentages
    assert all(isinstance(totals.cell(r, 2).value, int) for r in range(4, 11))
    assert [totals.cell(r, 2).number_format for r in range(11, 15)] == ["0.0%"] * 4


def test_each_breakdown_is_a_table_of_counts_and_rates(service):
    book = opened(export(service))
    assert cells(book["按项目"]) == [
        ["项目", *HEADINGS_ZH],
        ["未分派", 1, 1, 1, 1, 0, 0, 0, 1, None, None, 1],
        ["流浪猫爱心基金会", 2, 1, 1, 0, 0, 0, 0, 0.5, None, None, 0],
        ["普法互助家园", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]
    assert cells(book["按月份"]) == [
        ["月份", *HEADINGS_ZH],
        ["2026-10", 1, 1, 1, 0, 0, 0, 0, 1, None, None, 0],
        ["2026-11", 3, 2, 2, 2, 1, 1, 1, 0.6667, 1, 1, 1]]
    assert cells(book["按社区"]) == [
        ["社区", *HEADINGS_ZH],
        ["彩虹城社区", 4, 3, 3, 2, 1, 1, 1, 0.75, 1, 1, 0.6667]]
    assert formats(book["按项目"], 2)[8:] == ["0.0%"] * 4
    assert formats(book["按项目"], 2)[1:8] == ["General"] * 7


def test_a_period_keeps_to_its_beijing_dates_and_names_the_file(service):
    """November in Beijing: A, B and L; F was registered at 23:30 on 31 October."""
    body = export(service, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert body["filename"] == "figures-rainbow-city-2026-11-01-2026-11-30.xlsx"
    book = opened(body)
    assert cells(book["总计"])[:7] == [
        ["社区", "彩虹城社区"], ["日期自", "2026-11-01"], ["至", "2026-11-30"],
        ["受理", 3], ["已响应", 2], ["已办结", 2], ["按时办结", 2]]
    assert [row[0] for row in cells(book["按月份"])] == ["月份", "2026-11"]


def test_english_headings_when_the_reader_asks(service):
    book = opened(export(service, lang="en"))
    assert book.sheetnames == ["Totals", "By program", "By month", "By community"]
    assert cells(book["Totals"])[0] == ["Community", "Rainbow City"]
    assert cells(book["By program"])[0] == [
        "Program", "Received", "Responded", "Resolved", "Resolved on time", "Followed up",
        "Said resolved at follow-up", "Said satisfied at follow-up", "Response rate",
        "Resolution rate", "Satisfaction rate", "On-time rate"]
    assert [row[0] for row in cells(book["By program"])[1:]] == [
        "Unassigned", "流浪猫爱心基金会", "Legal-aid home"]


def test_another_communitys_staff_export_only_their_own(service):
    """Maple Court's receptionist: their one cat (M), none of Rainbow City's cases."""
    book = opened(export(service, staff=MAPLE_RECEPTIONIST))
    assert cells(book["总计"])[:4] == [["社区", "枫林社区"], ["日期自", None], ["至", None],
                                       ["受理", 1]]
    assert cells(book["按社区"])[1][:2] == ["枫林社区", 1]


def test_an_unknown_grouping_or_date_is_refused_as_for_the_figures(service):
    answer = router.dispatch({"method": "GET", "path": "/figures/export",
                              "query": {"from": "30 November"}, "body": None,
                              "staff": STATION_HEAD, "lang": "zh"}, service=service)
    assert answer["status"] == 422
    assert "from" in answer["body"]["error"]["fields"]
