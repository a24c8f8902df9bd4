"""The year's dual commitments, the rules not stated elsewhere: a commitment not found, a unit's
contact and the community's own commitments, reporting again before verification, the two
refusals of a verified commitment in their own words, the lists by year, unit and direction,
and who is behind, in unit order."""
from datetime import UTC, date, datetime

from co_building.domain import commitments

from .conftest import (
    EGG_CONTACT,
    HOSPITAL_CONTACT,
    NOW,
    STAFF,
    C,
    egg_and_hospital,
    refused,
)

LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)     # 09:30 on 28 November in Beijing


def deed(unit_id, due=date(2026, 12, 20), direction="unit", year=2026, title="实事") -> dict:
    return {"year": year, "direction": direction, "unit_id": unit_id, "title": title,
            "detail": None, "due_on": due}


def test_a_commitment_not_there_is_not_found_in_both_languages(tx):
    egg, _ = egg_and_hospital(tx)
    mine = commitments.commit(tx, C, deed(egg.id), STAFF, NOW)
    with refused(tx, "commitment_not_found", field="commitment_id", status=404,
                 zh="没有编号为 99 的承诺", en="No commitment 99"):
        commitments.verify(tx, C, 99, {}, STAFF, NOW)
    with refused(tx, "commitment_not_found", field="commitment_id", status=404,
                 en=f"No commitment {mine.id}"):
        commitments.get_commitment(tx.session, mine.id, "maple-court")
    assert commitments.get_commitment(tx.session, mine.id, C, EGG_CONTACT) is mine


def test_the_communitys_own_commitment_to_a_unit_is_not_that_units_to_report(tx):
    egg, _ = egg_and_hospital(tx)
    ours = commitments.commit(tx, C, deed(egg.id, direction="community"), STAFF, NOW)
    assert (ours.direction, ours.unit_id) == ("community", egg.id)
    with refused(tx, "not_your_unit", status=403):
        commitments.report_done(tx, C, ours.id, {"evidence": "照片"}, EGG_CONTACT, NOW)
    # staff report it
    assert commitments.report_done(tx, C, ours.id, {"evidence": "照片"}, STAFF,
                                   NOW).status == "reported"
    # nor is it one of the unit's one or two deeds of the year: both may still be committed
    commitments.commit(tx, C, deed(egg.id, title="第一件"), STAFF, NOW)
    assert commitments.commit(tx, C, deed(egg.id, title="第二件"), STAFF, NOW).title == "第二件"


def test_a_deed_reported_again_replaces_its_evidence_until_verified(tx):
    egg, _ = egg_and_hospital(tx)
    mine = commitments.commit(tx, C, deed(egg.id, title="巡逻车", year=2026), STAFF, NOW)
    assert (mine.community, mine.year, mine.title, mine.status, mine.created_at,
            mine.created_by) == ("rainbow-city", 2026, "巡逻车", "committed", NOW, "王书记")
    commitments.report_done(tx, C, mine.id, {"evidence": "照片", "evidence_ref": "交接单1号"},
                            EGG_CONTACT, NOW)
    commitments.report_done(tx, C, mine.id, {"evidence": "验收单"}, STAFF, LATER)
    assert (mine.status, mine.evidence, mine.evidence_ref, mine.evidence_at,
            mine.evidence_by) == ("reported", "验收单", None, LATER, "王书记")
    verified = commitments.verify(tx, C, mine.id, {"note": None}, STAFF, LATER)
    assert (verified.status, verified.verified_at, verified.verified_by) == (
        "verified", LATER, "王书记")
    with refused(tx, "already_verified", field="commitment_id", status=409,
                 zh="这项承诺已经核实完成", en="The commitment is already verified done"):
        commitments.verify(tx, C, mine.id, {"note": None}, STAFF, LATER)
    with refused(tx, "already_verified", field="commitment_id", status=409,
                 zh="这项承诺已经核实完成，不能再改", en="The commitment is already verified done"):
        commitments.report_done(tx, C, mine.id, {"evidence": "补充"}, EGG_CONTACT, LATER)


def test_the_commitments_by_year_unit_and_direction(tx):
    egg, hospital = egg_and_hospital(tx)
    a = commitments.commit(tx, C, deed(egg.id, date(2026, 12, 20)), STAFF, NOW)
    b = commitments.commit(tx, C, deed(hospital.id, date(2026, 12, 1)), STAFF, NOW)
    c = commitments.commit(tx, C, deed(None, date(2026, 12, 20), direction="community"), STAFF,
                           NOW)
    d = commitments.commit(tx, C, deed(egg.id, date(2027, 2, 1), year=2027), STAFF, NOW)
    commitments.commit(tx, "maple-court", deed(None, date(2026, 12, 1), direction="community"),
                       STAFF, NOW)

    def ids(**filters):
        return [x.id for x in commitments.list_commitments(tx.session, C, **filters)]
    # by due date, then as committed
    assert ids() == [b.id, a.id, c.id, d.id]
    assert ids(year=2026) == [b.id, a.id, c.id]
    assert ids(year=2027) == [d.id]
    assert ids(unit_id=egg.id) == [a.id, d.id]
    assert ids(direction="community") == [c.id]
    assert ids(direction="unit", year=2026) == [b.id, a.id]


def test_the_units_behind_in_unit_order_with_their_late_deeds(tx):
    egg, hospital = egg_and_hospital(tx)
    # the hospital's deed is committed first; the list is still in unit order
    h = commitments.commit(tx, C, deed(hospital.id, date(2026, 11, 27)), STAFF, NOW)
    e2 = commitments.commit(tx, C, deed(egg.id, date(2026, 11, 28)), STAFF, NOW)
    e1 = commitments.commit(tx, C, deed(egg.id, date(2026, 11, 27)), STAFF, NOW)
    commitments.commit(tx, C, deed(None, date(2026, 11, 27), direction="community"), STAFF, NOW)
    # on 29 November (Beijing) all three are late; the community's own is not a unit's
    on_29th = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    assert [(u.id, [d.id for d in deeds]) for u, deeds in
            commitments.units_behind(tx.session, C, on_29th)] == [
        (egg.id, [e1.id, e2.id]), (hospital.id, [h.id])]
    # on the 28th only those due the 27th
    assert [(u.id, [d.id for d in deeds]) for u, deeds in
            commitments.units_behind(tx.session, C, LATER)] == [
        (egg.id, [e1.id]), (hospital.id, [h.id])]
    assert commitments.is_behind(h, LATER) is True
    assert commitments.is_behind(h, NOW) is False
    with refused(tx, "not_your_unit", status=403):
        commitments.report_done(tx, C, e1.id, {"evidence": "x"}, HOSPITAL_CONTACT, NOW)
