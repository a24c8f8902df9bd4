"""Member units, their responsibility agreements, and the year's dual commitments: each rule,
and each refusal with its code, field and words, changing nothing."""
from datetime import date, timedelta

from co_building.domain import commitments, units, views

from .conftest import (
    ADMIN,
    EGG_CONTACT,
    HOSPITAL_CONTACT,
    NOW,
    STAFF,
    C,
    egg_and_hospital,
    refused,
    unit_data,
)

AGREEMENT = {"signed_on": date(2026, 1, 8), "valid_from": date(2026, 1, 1),
             "valid_until": date(2028, 12, 31), "terms": "每年为社区办1-2件实事，参加联席会",
             "document_ref": "共建责任书 2026-03 号（社区党委档案柜）"}


def deed(unit_id, title="为小区添置公共座椅", due=date(2026, 12, 20), **extra) -> dict:
    return {"year": 2026, "direction": "unit", "unit_id": unit_id, "title": title,
            "detail": None, "due_on": due, **extra}


def test_a_unit_is_registered_once_with_its_contacts_account(tx):
    egg, _ = egg_and_hospital(tx)
    shown = views.unit_view(egg, "zh")
    assert (shown["name"], shown["kind_name"], shown["party_branch"], shown["contact_username"],
            shown["created_by"]) == ("禽蛋公司", "企业", "禽蛋公司党委", "egg-contact", "王书记")
    with refused(tx, "unit_exists", field="name", status=409,
                 zh=f"共建单位「禽蛋公司」已经登记过了（编号 {egg.id}）",
                 en=f"Member unit 禽蛋公司 is already registered (number {egg.id})"):
        units.add_unit(tx, C, unit_data(username=None), STAFF, NOW)
    # the same name in another community is another unit
    assert units.add_unit(tx, "maple-court", unit_data(), STAFF, NOW).id != egg.id


def test_a_new_contact_is_on_the_record_with_the_one_before(tx):
    egg, _ = egg_and_hospital(tx)
    units.update_contact(tx, C, egg.id, {"contact_name": "孙书记", "contact_phone": "13700000000",
                                         "contact_username": "egg-sun"}, STAFF, NOW)
    (added, changed) = views.history(tx.session, C, "unit", egg.id)
    assert (added["action"], changed["action"], changed["by"]) == ("added", "contact_changed",
                                                                   "王书记")
    assert changed["detail"]["before"]["contact_username"] == "egg-contact"
    assert changed["detail"]["after"] == {"contact_name": "孙书记", "contact_phone": "13700000000",
                                          "contact_username": "egg-sun"}


def test_a_signed_agreement_keeps_its_dates_terms_and_document(tx):
    egg, _ = egg_and_hospital(tx)
    agreement = units.add_agreement(tx, C, egg.id, AGREEMENT, STAFF, NOW)
    assert views.agreement_view(agreement) == {
        "id": agreement.id, "unit_id": egg.id, "signed_on": "2026-01-08",
        "valid_from": "2026-01-01", "valid_until": "2028-12-31",
        "terms": "每年为社区办1-2件实事，参加联席会",
        "document_ref": "共建责任书 2026-03 号（社区党委档案柜）", "created_by": "王书记"}
    with refused(tx, "signed_in_future", field="signed_on", status=422,
                 zh="签订日期不能晚于今天", en="The signing date cannot be in the future"):
        units.add_agreement(tx, C, egg.id, {**AGREEMENT, "signed_on": date(2026, 11, 28)},
                            STAFF, NOW)
    with refused(tx, "agreement_period", field="valid_until", status=422,
                 zh="有效期的结束日期不能早于开始日期",
                 en="The agreement cannot end before it starts"):
        units.add_agreement(tx, C, egg.id, {**AGREEMENT, "valid_until": date(2025, 12, 31)},
                            STAFF, NOW)
    with refused(tx, "unit_not_found", status=404):
        units.add_agreement(tx, "maple-court", egg.id, AGREEMENT, STAFF, NOW)


def test_a_units_deeds_and_the_communitys_commitments_for_the_year(tx):
    egg, _ = egg_and_hospital(tx)
    first = commitments.commit(tx, C, deed(egg.id), STAFF, NOW)
    # due today is not in the past
    commitments.commit(tx, C, deed(egg.id, "组织党员打扫楼道", date(2026, 11, 27)), STAFF, NOW)
    ours = commitments.commit(tx, C, {"year": 2026, "direction": "community", "unit_id": None,
                                      "title": "为共建单位职工办一场新春联欢会",
                                      "due_on": date(2026, 12, 31)}, STAFF, NOW)
    shown = views.commitment_view(first, "en", NOW)
    assert (shown["direction_name"], shown["status_name"], shown["due_on"], shown["behind"]) == (
        "A unit's commitment", "Committed", "2026-12-20", False)
    assert (ours.unit_id, ours.direction) == (None, "community")
    assert [c.title for c in commitments.list_commitments(tx.session, C, unit_id=egg.id)] == [
        "组织党员打扫楼道", "为小区添置公共座椅"]     # by due date


def test_a_commitment_that_cannot_be_is_named_and_nothing_is_written(tx):
    egg, _ = egg_and_hospital(tx)
    with refused(tx, "unknown_unit", field="unit_id", status=422,
                 zh="没有编号为 99 的共建单位", en="No member unit 99"):
        commitments.commit(tx, C, deed(99), STAFF, NOW)
    with refused(tx, "unit_required", field="unit_id", status=422,
                 zh="单位承诺须写明是哪家共建单位", en="A unit's commitment names the unit"):
        commitments.commit(tx, C, deed(None), STAFF, NOW)
    with refused(tx, "due_in_past", field="due_on", status=422,
                 zh="完成期限不能早于今天", en="The due date cannot be in the past"):
        commitments.commit(tx, C, deed(egg.id, due=date(2026, 11, 26)), STAFF, NOW)
    with refused(tx, "due_outside_year", field="due_on", status=422,
                 zh="完成期限应在 2026 年内", en="The due date must be within 2026"):
        commitments.commit(tx, C, deed(egg.id, due=date(2027, 1, 5)), STAFF, NOW)
    # another community's unit is as unknown as one that does not exist
    with refused(tx, "unknown_unit", field="unit_id"):
        commitments.commit(tx, "maple-court", deed(egg.id), STAFF, NOW)
    commitments.commit(tx, C, deed(egg.id), STAFF, NOW)
    commitments.commit(tx, C, deed(egg.id, "慰问困难群众"), STAFF, NOW)
    with refused(tx, "too_many_deeds", field="unit_id", status=409,
                 zh="「禽蛋公司」2026 年已承诺 2 件实事，每年 1 至 2 件",
                 en="禽蛋公司 has already committed 2 deeds for 2026: one or two a year"):
        commitments.commit(tx, C, deed(egg.id, "第三件"), STAFF, NOW)
    # next year's deeds are counted apart
    commitments.commit(tx, C, {**deed(egg.id, due=date(2027, 3, 1)), "year": 2027}, STAFF, NOW)


def test_a_deed_is_reported_by_its_units_contact_and_verified_by_staff_with_evidence(tx):
    _, hospital = egg_and_hospital(tx)
    benches = commitments.commit(tx, C, deed(hospital.id, "添置800个公共座椅"), STAFF, NOW)
    ours = commitments.commit(tx, C, {"year": 2026, "direction": "community", "unit_id": None,
                                      "title": "新春联欢会", "due_on": date(2026, 12, 31)},
                              STAFF, NOW)
    with refused(tx, "evidence_required", field="evidence", status=422,
                 zh="还没有完成情况的证明材料，不能核实",
                 en="There is no evidence that it was done: it cannot be verified"):
        commitments.verify(tx, C, benches.id, {"note": None}, STAFF, NOW)
    # another unit's contact may not report it, nor anyone for the community's own commitment
    with refused(tx, "not_your_unit", status=403, zh="这不是您所在共建单位的记录",
                 en="This is not your member unit's record"):
        commitments.report_done(tx, C, benches.id, {"evidence": "照片"}, EGG_CONTACT, NOW)
    with refused(tx, "not_your_unit", status=403):
        commitments.report_done(tx, C, ours.id, {"evidence": "照片"}, HOSPITAL_CONTACT, NOW)
    with refused(tx, "commitment_not_found", status=404):
        commitments.report_done(tx, "maple-court", benches.id, {"evidence": "照片"},
                                {**HOSPITAL_CONTACT, "community": "maple-court"}, NOW)
    later = NOW + timedelta(days=3)
    commitments.report_done(tx, C, benches.id, {"evidence": "座椅已安装，附验收单和照片",
                                                "evidence_ref": "验收单 YS-0012"},
                            HOSPITAL_CONTACT, later)
    verified = commitments.verify(tx, C, benches.id, {"note": "现场查看属实"}, STAFF, later)
    shown = views.commitment_view(verified, "zh", later)
    assert (shown["status_name"], shown["evidence"], shown["evidence_ref"], shown["evidence_by"],
            shown["verified_by"], shown["verified_at"]) == (
        "已核实完成", "座椅已安装，附验收单和照片", "验收单 YS-0012", "医院陈科长", "王书记",
        "2026-11-30T02:00:00Z")
    with refused(tx, "already_verified", field="commitment_id", status=409):
        commitments.verify(tx, C, benches.id, {"note": None}, STAFF, later)
    with refused(tx, "already_verified", field="commitment_id", status=409):
        commitments.report_done(tx, C, benches.id, {"evidence": "补充"}, HOSPITAL_CONTACT, later)
    assert [h["action"] for h in views.history(tx.session, C, "commitment", benches.id)] == [
        "committed", "reported_done", "verified"]


def test_the_units_behind_are_those_with_a_deed_past_due_and_not_verified(tx):
    egg, hospital = egg_and_hospital(tx)
    done = commitments.commit(tx, C, deed(egg.id, due=date(2026, 12, 1)), STAFF, NOW)
    late = commitments.commit(tx, C, deed(hospital.id, due=date(2026, 12, 1)), STAFF, NOW)
    reported = commitments.commit(tx, C, deed(hospital.id, "义诊", date(2026, 12, 2)), STAFF,
                                  NOW)
    commitments.commit(tx, C, deed(egg.id, "慰问", date(2026, 12, 31)), STAFF, NOW)
    commitments.report_done(tx, C, done.id, {"evidence": "验收单"}, EGG_CONTACT, NOW)
    commitments.verify(tx, C, done.id, {}, STAFF, NOW)
    commitments.report_done(tx, C, reported.id, {"evidence": "义诊照片"}, HOSPITAL_CONTACT, NOW)
    # on 1 December nothing is late yet: due that day is on time
    assert commitments.units_behind(tx.session, C, NOW + timedelta(days=4)) == []
    # on 3 December (Beijing), the hospital's two deeds are past due and not verified (one of
    # them reported, still unverified); the egg company's open deed is due on the 31st
    on_3_december = NOW + timedelta(days=6)
    [(unit, deeds)] = commitments.units_behind(tx.session, C, on_3_december, 2026)
    assert (unit.name, [d.id for d in deeds]) == ("东方建都医院", [late.id, reported.id])
    assert commitments.units_behind(tx.session, C, on_3_december, 2027) == []


def test_a_member_units_contact_reaches_only_their_own_unit(tx):
    egg, hospital = egg_and_hospital(tx)
    assert units.get_unit(tx.session, egg.id, C, staff=EGG_CONTACT) is egg
    assert units.get_unit(tx.session, egg.id, C, staff=ADMIN) is egg
    with refused(tx, "not_your_unit", status=403):
        units.get_unit(tx.session, hospital.id, C, staff=EGG_CONTACT)
    # a contact of no unit here reaches none
    with refused(tx, "not_your_unit", status=403):
        units.get_unit(tx.session, egg.id, C, staff={**EGG_CONTACT, "username": "someone-else"})
    assert [u.name for u in units.units_of_contact(tx.session, C, "hospital")] == ["东方建都医院"]
