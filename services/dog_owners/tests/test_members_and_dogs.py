"""Joining by signing the pledge in force; dogs under Beijing's rules as the station applies
them: one per household, no large or fierce breed in a key area, one dog per registration
number, vaccinations and registrations current or flagged."""
from datetime import date

from dog_owners.domain import dogs, members, pledges, settings
from dog_owners.models import Dog, Signature

from .conftest import NOW, STAFF, C, add_dog, dog_data, join, publish, refused


def test_a_member_joins_by_signing_the_pledge_in_force_and_the_version_and_day_are_kept(tx):
    publish(tx, "2025版", date(2025, 1, 1))
    publish(tx, "2026版", date(2026, 1, 1))
    member = join(tx, household=" 5号楼 2单元 301 ", signed_on=date(2026, 3, 8))
    (signed,) = tx.session.query(Signature).all()
    assert (member.household, member.joined_on, signed.signed_on) == (
        "5号楼2单元301", date(2026, 3, 8), date(2026, 3, 8))
    assert [p.version for s, p in members.signatures_of(tx.session, member)] == ["2026版"]
    # without a day given, today (27 November 2026 in Beijing)
    assert join(tx, "王先生", "13900000002").joined_on == date(2026, 11, 27)


def test_the_pledge_in_force_is_the_latest_to_have_taken_effect(tx):
    publish(tx, "2026版", date(2026, 1, 1))
    publish(tx, "2027版", date(2027, 1, 1))          # not yet in force on 27 November 2026
    assert pledges.in_force(tx.session, C, NOW).version == "2026版"
    publish(tx, "2026修订版", date(2026, 1, 1))       # the same day, published later
    assert pledges.in_force(tx.session, C, NOW).version == "2026修订版"


def test_joining_is_refused_without_the_pledge_in_force(tx):
    with refused(tx, "unknown_pledge_version", field="pledge_version", status=422):
        join(tx, version="2026版")                  # nothing published yet
    publish(tx, "2025版", date(2025, 1, 1))
    publish(tx, "2026版", date(2026, 1, 1))
    with refused(tx, "pledge_not_current", field="pledge_version", status=409,
                 zh="公约「2025版」不是现行版本，请签署现行版本「2026版」"):
        join(tx, version="2025版")
    with refused(tx, "signed_in_future", field="signed_on"):
        join(tx, signed_on=date(2026, 11, 28))
    with refused(tx, "signed_before_pledge", field="signed_on"):
        join(tx, signed_on=date(2025, 12, 31))
    join(tx)
    with refused(tx, "member_exists", field="phone", status=409):
        join(tx, name="李阿姨", phone="13900000001")
    with refused(tx, "pledge_version_exists", field="version"):
        publish(tx, "2026版")


def test_a_member_signs_a_new_version_once_and_may_leave(tx):
    publish(tx, "2025版", date(2025, 1, 1))
    member = join(tx, version="2025版", signed_on=date(2025, 2, 1))
    publish(tx, "2026版", date(2026, 1, 1))
    members.sign(tx, C, member.id, {"pledge_version": "2026版"}, STAFF, NOW)
    assert [(p.version, s.signed_on) for s, p in members.signatures_of(tx.session, member)] == [
        ("2025版", date(2025, 2, 1)), ("2026版", date(2026, 11, 27))]
    with refused(tx, "already_signed", field="pledge_version"):
        members.sign(tx, C, member.id, {"pledge_version": "2026版"}, STAFF, NOW)
    members.leave(tx, C, member.id, {"note": "搬走了"}, STAFF, NOW)
    assert (member.state, member.left_on) == ("left", date(2026, 11, 27))
    with refused(tx, "member_left", field="member_id"):
        members.leave(tx, C, member.id, {}, STAFF, NOW)
    with refused(tx, "member_left"):
        add_dog(tx, member)
    with refused(tx, "member_not_found", status=404):
        members.get_member(tx.session, 99, C)
    with refused(tx, "member_not_found", status=404):   # another community's is not found
        members.get_member(tx.session, member.id, "maple-court")


def test_one_dog_per_household_counting_every_member_of_the_household(tx):
    publish(tx)
    li = join(tx)
    husband = join(tx, "李先生", "13900000003", household="5号楼2单元301")
    add_dog(tx, li)
    with refused(tx, "household_dog_limit", field="member_id", status=409,
                 zh="每户限养 1 只犬（本站设置；《北京市养犬管理规定》重点管理区一户一犬），"
                    "5号楼2单元301 已养 1 只"):
        add_dog(tx, husband, registration_no="京犬2026-0002")
    # another household keeps its own dog
    neighbour = join(tx, "王先生", "13900000002", household="5号楼2单元302")
    add_dog(tx, neighbour, registration_no="京犬2026-0003")


def test_the_household_limit_is_the_stations_setting(tx):
    publish(tx)
    li = join(tx)
    settings.change(tx, C, {"dogs_per_household": 2}, STAFF, NOW)
    add_dog(tx, li)
    add_dog(tx, li, name="球球", registration_no="京犬2026-0002")
    with refused(tx, "household_dog_limit"):
        add_dog(tx, li, name="毛毛", registration_no="京犬2026-0004")
    # a dog no longer kept frees its place
    first = tx.session.query(Dog).first()
    dogs.no_longer_kept(tx, C, first.id, {"reason": "病死"}, STAFF, NOW)
    add_dog(tx, li, name="毛毛", registration_no="京犬2026-0004")


def test_large_and_fierce_dogs_are_refused_in_a_key_area(tx):
    publish(tx)
    li = join(tx)
    with refused(tx, "large_dog_banned", field="size_class", status=422):
        add_dog(tx, li, breed="金毛", size_class="large")
    with refused(tx, "large_dog_banned", field="shoulder_height_cm"):
        add_dog(tx, li, breed="土狗", size_class="medium", shoulder_height_cm=36)
    with refused(tx, "fierce_breed_banned", field="breed",
                 zh="本社区属重点管理区，禁止饲养烈性犬（藏獒）"):
        add_dog(tx, li, breed="藏獒", size_class="medium")
    assert dogs.banned_breed("德国牧羊犬") == "德国牧羊"
    assert dogs.banned_breed("柯基") is None
    # 35 cm at the shoulder is not yet large
    add_dog(tx, li, breed="柴犬", size_class="medium", shoulder_height_cm=35)


def test_outside_a_key_area_a_large_dog_may_be_kept(tx):
    publish(tx)
    li = join(tx)
    settings.change(tx, C, {"key_area": False}, STAFF, NOW)
    assert add_dog(tx, li, breed="金毛", size_class="large").size_class == "large"
    assert settings.current(tx.session, C) == {"dogs_per_household": 1, "key_area": False,
                                               "reminder_days": 30}


def test_a_registration_number_is_one_dogs(tx):
    publish(tx)
    add_dog(tx, join(tx))
    other = join(tx, "王先生", "13900000002", household="6号楼101")
    with refused(tx, "registration_taken", field="registration_no", status=409):
        add_dog(tx, other)


def test_vaccinations_keep_the_dog_current_for_a_year_and_a_dog_out_of_date_is_flagged(tx):
    publish(tx)
    li = join(tx)
    # vaccinated 1 May 2026: valid until 1 May 2027
    dog = add_dog(tx, li, vaccinated_on=date(2026, 5, 1))
    assert (dog.vaccinated_until, dogs.flags(dog, date(2026, 11, 27))) == (date(2027, 5, 1), [])
    assert dogs.flags(dog, date(2027, 5, 2)) == ["no_current_vaccination"]
    assert dogs.flags(dog, date(2027, 7, 1)) == ["no_current_vaccination",
                                                 "registration_expired"]
    # an older vaccination entered later does not shorten it
    dogs.vaccinate(tx, C, dog.id, {"given_on": date(2025, 5, 1)}, STAFF, NOW)
    assert dog.vaccinated_until == date(2027, 5, 1)
    wang = join(tx, "王先生", "13900000002", household="6号楼101")
    unvaccinated = add_dog(tx, wang, registration_no="京犬-2", vaccinated_on=None)
    assert dogs.flags(unvaccinated, date(2026, 11, 27)) == ["no_current_vaccination"]
    assert dogs.one_year_on(date(2024, 2, 29)) == date(2025, 2, 28)


def test_vaccination_and_registration_refusals(tx):
    publish(tx)
    dog = add_dog(tx, join(tx))
    with refused(tx, "vaccinated_in_future", field="given_on"):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 28)}, STAFF, NOW)
    with refused(tx, "vaccination_period", field="valid_until"):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 1),
                                       "valid_until": date(2026, 11, 1)}, STAFF, NOW)
    with refused(tx, "registration_not_later", field="expires_on"):
        dogs.renew_registration(tx, C, dog.id, {"expires_on": date(2027, 6, 30)}, STAFF, NOW)
    renewed = dogs.renew_registration(tx, C, dog.id, {"expires_on": date(2028, 6, 30),
                                                      "registration_no": "京犬2027-0009"},
                                      STAFF, NOW)
    assert (renewed.registration_no, renewed.registration_expires_on) == (
        "京犬2027-0009", date(2028, 6, 30))
    dogs.no_longer_kept(tx, C, dog.id, {"reason": "送养"}, STAFF, NOW)
    with refused(tx, "dog_gone", field="dog_id", status=409):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 1)}, STAFF, NOW)
    with refused(tx, "dog_not_found", status=404):
        dogs.get_dog(tx.session, dog.id, "maple-court")
    with refused(tx, "unknown_dog", field="dog_id", status=422):
        dogs.get_dog(tx.session, 99, C, field="dog_id")
    assert dog_data()["size_class"] == "small"


def test_papers_are_current_through_their_last_day(tx):
    publish(tx)
    dog = add_dog(tx, join(tx), vaccinated_on=date(2026, 5, 1),        # until 1 May 2027
                  registration_expires_on=date(2027, 6, 30))
    assert dogs.flags(dog, date(2027, 5, 1)) == []
    assert dogs.vaccination_current(dog, date(2027, 5, 1))
    assert dogs.registration_current(dog, date(2027, 6, 30))
    assert not dogs.registration_current(dog, date(2027, 7, 1))


def test_a_renewal_cannot_take_another_dogs_number(tx):
    publish(tx)
    add_dog(tx, join(tx))
    other = add_dog(tx, join(tx, "王先生", "13900000002", household="6号楼101"),
                    registration_no="京犬2026-0002")
    with refused(tx, "registration_taken", field="registration_no",
                 zh="养犬登记证号 京犬2026-0001 已登记在犬只 1 名下"):
        dogs.renew_registration(tx, C, other.id, {"expires_on": date(2028, 6, 30),
                                                  "registration_no": "京犬2026-0001"},
                                STAFF, NOW)
    with refused(tx, "registration_not_later", field="expires_on", status=422,
                 zh="新的有效期应晚于原有效期 2027-06-30",
                 en="The new expiry must be later than 2027-06-30"):
        dogs.renew_registration(tx, C, other.id, {"expires_on": date(2027, 6, 30)}, STAFF, NOW)
    # its own number again, with a later expiry, is no clash
    dogs.renew_registration(tx, C, other.id, {"expires_on": date(2028, 6, 30),
                                              "registration_no": "京犬2026-0002"}, STAFF, NOW)
