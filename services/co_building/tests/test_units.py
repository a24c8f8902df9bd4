"""Member units and their agreements, the rules not stated elsewhere: a unit not found in both
languages, every field a unit is registered with, the agreements in the order they were signed,
the units a contact's account reaches."""
from datetime import UTC, date, datetime

from co_building.domain import units

from .conftest import EGG_CONTACT, NOW, STAFF, C, egg_and_hospital, refused, unit_data

LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


def agreement(signed_on, ref) -> dict:
    return {"signed_on": signed_on, "valid_from": date(2026, 1, 1),
            "valid_until": date(2026, 12, 31), "terms": "办实事", "document_ref": ref}


def test_a_unit_not_there_is_not_found_in_both_languages(tx):
    egg, _ = egg_and_hospital(tx)
    with refused(tx, "unit_not_found", field="unit_id", status=404,
                 zh="没有编号为 99 的共建单位", en="No member unit 99"):
        units.get_unit(tx.session, 99, C)
    with refused(tx, "unit_not_found", field="unit_id", status=404,
                 en=f"No member unit {egg.id}"):
        units.update_contact(tx, "maple-court", egg.id, {"contact_name": "x"}, STAFF, NOW)
    with refused(tx, "unknown_unit", field="investment_unit_id", status=422,
                 zh="没有编号为 99 的共建单位", en="No member unit 99"):
        units.get_unit(tx.session, 99, C, field="investment_unit_id")


def test_a_unit_is_kept_with_every_field_it_was_registered_with(tx):
    unit = units.add_unit(tx, C, {"name": "和泓物业", "kind": "property", "party_branch": None,
                                  "contact_name": "赵经理", "contact_phone": "010-88886666"},
                          {**STAFF, "name": "刘干事"}, LATER)
    assert (unit.community, unit.name, unit.kind, unit.party_branch, unit.contact_name,
            unit.contact_phone, unit.contact_username, unit.created_at, unit.created_by) == (
        "rainbow-city", "和泓物业", "property", None, "赵经理", "010-88886666", None, LATER,
        "刘干事")
    # a new contact with no account of their own: the unit has no login any more
    units.update_contact(tx, C, unit.id, {"contact_name": "钱经理", "contact_phone": "13700001111"},
                         STAFF, LATER)
    assert (unit.contact_name, unit.contact_phone, unit.contact_username) == (
        "钱经理", "13700001111", None)


def test_a_units_agreements_in_the_order_they_were_signed(tx):
    egg, hospital = egg_and_hospital(tx)
    renewed = units.add_agreement(tx, C, egg.id, agreement(date(2026, 6, 1), "第9号"), STAFF,
                                  NOW)
    first = units.add_agreement(tx, C, egg.id, agreement(date(2026, 1, 8), "第3号"), STAFF, NOW)
    same_day = units.add_agreement(tx, C, egg.id, agreement(date(2026, 1, 8), "第4号"), STAFF,
                                   NOW)
    units.add_agreement(tx, C, hospital.id, agreement(date(2026, 2, 1), "第5号"), STAFF, NOW)
    assert [a.id for a in units.agreements_of(tx.session, egg)] == [first.id, same_day.id,
                                                                    renewed.id]
    assert [a.document_ref for a in units.agreements_of(tx.session, hospital)] == ["第5号"]
    # signed today is not in the future
    today = units.add_agreement(tx, C, hospital.id, agreement(date(2026, 11, 27), "第6号"),
                                STAFF, NOW)
    assert (today.community, today.unit_id, today.created_at, today.created_by) == (
        "rainbow-city", hospital.id, NOW, "王书记")


def test_the_units_a_contacts_account_reaches(tx):
    egg, _ = egg_and_hospital(tx)
    second = units.add_unit(tx, C, unit_data("禽蛋公司二厂"), STAFF, NOW)     # egg-contact too
    units.add_unit(tx, "maple-court", unit_data("枫林禽蛋"), STAFF, NOW)      # elsewhere
    assert [u.id for u in units.units_of_contact(tx.session, C, "egg-contact")] == [
        egg.id, second.id]
    assert units.units_of_contact(tx.session, C, "nobody") == []
    assert units.get_unit(tx.session, second.id, C, staff=EGG_CONTACT) is second
