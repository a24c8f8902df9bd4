"""Every refusal as the caller reads it: its code, the field it names, its status and its words
in Chinese and in English, with nothing written; and the days at the edge of a rule, which are
allowed (an election today, a stepping down on the day of the election)."""
from datetime import date

from dog_owners.domain import cases, dogs, members, officers, pledges, reminders

from .conftest import NOW, STAFF, C, add_dog, complaint, join, publish, refused


def test_a_complaints_refusals_in_both_languages(tx):
    publish(tx)
    li, wang = join(tx), join(tx, "王先生", "13900000002", household="6号楼101")
    wangs_dog = add_dog(tx, wang)
    complaint(tx, 1)
    with refused(tx, "owner_not_linked", field="member_id", status=409,
                 zh="请先查明犬主（关联会员），再记录谈话",
                 en="Identify the owner (link a member) before recording a talk"):
        cases.talk(tx.session, 1, {"note": "谈话"}, STAFF, NOW)
    with refused(tx, "not_members_dog", field="dog_id", status=422,
                 zh="犬只「豆豆」不是李阿姨的", en="豆豆 is not 李阿姨's dog"):
        cases.link(tx.session, 1, {"member_id": li.id, "dog_id": wangs_dog.id}, STAFF, NOW)
    with refused(tx, "unknown_dog", field="dog_id", status=422, zh="没有编号为 99 的犬只",
                 en="No dog 99"):
        cases.link(tx.session, 1, {"member_id": li.id, "dog_id": 99}, STAFF, NOW)
    cases.finish(tx.session, 1, {"result": "已清理"}, STAFF, NOW, resolved=True)
    for step in (lambda: cases.link(tx.session, 1, {"member_id": li.id}, STAFF, NOW),
                 lambda: cases.talk(tx.session, 1, {"note": "再谈"}, STAFF, NOW)):
        with refused(tx, "case_closed", field="case_id", status=409,
                     zh="这件投诉已经办完或已被收回", en="The case is no longer open"):
            step()


def test_officers_refusals_in_both_languages(tx):
    publish(tx)
    li, wang = join(tx), join(tx, "王先生", "13900000002", household="6号楼")
    with refused(tx, "elected_in_future", field="elected_on", status=422,
                 zh="当选日期不能晚于今天", en="The election date cannot be in the future"):
        officers.elect(tx, C, {"member_id": li.id, "role": "president",
                               "elected_on": date(2026, 11, 28)}, STAFF, NOW)
    # elected today (27 November 2026) is not in the future
    president = officers.elect(tx, C, {"member_id": li.id, "role": "president",
                                       "elected_on": date(2026, 11, 27)}, STAFF, NOW)
    with refused(tx, "already_an_officer", field="member_id", status=409,
                 zh="李阿姨已担任协会职务", en="李阿姨 already holds an office"):
        officers.elect(tx, C, {"member_id": li.id, "role": "vice_president",
                               "elected_on": date(2026, 11, 27)}, STAFF, NOW)
    with refused(tx, "office_full", field="role", status=409,
                 zh="协会设会长1人，现任已满，请先登记现任卸任",
                 en="The association has 1 president(s) and the seats are taken: "
                    "record a stepping down first"):
        officers.elect(tx, C, {"member_id": wang.id, "role": "president",
                               "elected_on": date(2026, 11, 27)}, STAFF, NOW)
    with refused(tx, "officer_not_found", field="officer_id", status=404,
                 zh="没有编号为 3 的任职记录", en="No officer 3"):
        officers.step_down(tx, C, 3, {}, STAFF, NOW)
    with refused(tx, "ended_on_out_of_term", field="ended_on", status=422,
                 zh="卸任日期应在当选日期和今天之间",
                 en="The day of stepping down must be between the election and today"):
        officers.step_down(tx, C, president.id, {"ended_on": date(2026, 11, 26)}, STAFF, NOW)
    # stepping down on the day of the election is within the term
    officers.step_down(tx, C, president.id, {"ended_on": date(2026, 11, 27)}, STAFF, NOW)
    assert president.ended_on == date(2026, 11, 27)
    with refused(tx, "officer_ended", field="officer_id", status=409, zh="该任职已经结束",
                 en="This term of office has already ended"):
        officers.step_down(tx, C, president.id, {}, STAFF, NOW)


def test_another_communitys_president_does_not_take_this_communitys_seat(tx):
    publish(tx)
    li = join(tx)
    pledges.publish(tx, "maple-court", {"version": "2026版", "title": "公约", "text": "……",
                                        "effective_on": date(2026, 1, 1)}, STAFF, NOW)
    other = members.join(tx, "maple-court", {"name": "枫叶", "phone": "13900000009",
                                             "household": "1号楼", "pledge_version": "2026版"},
                         STAFF, NOW)
    officers.elect(tx, "maple-court", {"member_id": other.id, "role": "president",
                                       "elected_on": date(2026, 3, 1)}, STAFF, NOW)
    assert officers.elect(tx, C, {"member_id": li.id, "role": "president",
                                  "elected_on": date(2026, 3, 1)}, STAFF, NOW).member_id == li.id
    assert [o.member_id for o in officers.serving(tx.session, C)] == [li.id]


def test_dogs_refusals_in_both_languages(tx):
    publish(tx)
    li = join(tx)
    with refused(tx, "large_dog_banned", field="size_class", status=422,
                 zh="本社区属重点管理区，禁止饲养大型犬（体高超过35厘米）",
                 en="Large dogs (over 35 cm at the shoulder) are banned in this key "
                    "management area"):
        add_dog(tx, li, size_class="large")
    dog = add_dog(tx, li)
    with refused(tx, "vaccinated_in_future", field="given_on", status=422,
                 zh="接种日期不能晚于今天", en="The vaccination date cannot be in the future"):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 28)}, STAFF, NOW)
    with refused(tx, "vaccination_period", field="valid_until", status=422,
                 zh="有效期应晚于接种日期",
                 en="The vaccination must be valid after the day it was given"):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 1),
                                       "valid_until": date(2026, 11, 1)}, STAFF, NOW)
    dogs.no_longer_kept(tx, C, dog.id, {"reason": "去世"}, STAFF, NOW)
    assert dog.state == "gone"
    with refused(tx, "dog_gone", field="dog_id", status=409, zh="「豆豆」已不在养",
                 en="豆豆 is no longer kept"):
        dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 1)}, STAFF, NOW)


def test_a_reminder_not_found_and_no_pledge_yet_in_both_languages(tx):
    with refused(tx, "reminder_not_found", field="reminder_id", status=404,
                 zh="没有编号为 3 的提醒", en="No reminder 3"):
        reminders.called(tx, C, 3, {"outcome": "x"}, STAFF, NOW)
    # GET /pledge before any version is published
    err = pledges.no_pledge()
    assert (err.code, err.status, err.message_zh, err.message_en) == (
        "no_pledge", 404, "本社区还没有发布养犬人文明公约",
        "No dog owners' pledge has been published in this community")


def test_joining_and_signing_refusals_in_both_languages(tx):
    publish(tx, "2027版", date(2027, 1, 1))          # published, not yet in force
    with refused(tx, "pledge_not_current", field="pledge_version", status=409,
                 zh="公约「2027版」不是现行版本，请签署现行版本",
                 en="Pledge 2027版 is not the version in force"):
        join(tx, version="2027版")
    publish(tx, "2026版", date(2026, 1, 1))
    with refused(tx, "pledge_not_current",
                 zh="公约「2027版」不是现行版本，请签署现行版本「2026版」",
                 en="Pledge 2027版 is not the version in force; sign 2026版"):
        join(tx, version="2027版")
    with refused(tx, "unknown_pledge_version", field="pledge_version", status=422,
                 zh="没有「2024版」这个版本的公约", en="No pledge version 2024版"):
        join(tx, version="2024版")
    with refused(tx, "signed_in_future", field="signed_on", status=422,
                 zh="签署日期不能晚于今天", en="The signing date cannot be in the future"):
        join(tx, signed_on=date(2026, 11, 28))
    with refused(tx, "signed_before_pledge", field="signed_on", status=422,
                 zh="签署日期早于该版本公约的生效日期 2026-01-01",
                 en="Signed before the pledge took effect on 2026-01-01"):
        join(tx, signed_on=date(2025, 12, 31))
    # signed on the very day the version takes effect
    with refused(tx, "pledge_version_exists", field="version", status=409,
                 zh="公约版本「2026版」已经发布过了，修改请发布新版本",
                 en="Pledge version 2026版 is already published; publish a new version to "
                    "change it"):
        publish(tx, "2026版", date(2026, 2, 1))
    li = join(tx, signed_on=date(2026, 1, 1))
    members.leave(tx, C, li.id, {}, STAFF, NOW)
    with refused(tx, "member_left", field="member_id", status=409, zh="李阿姨已退会",
                 en="李阿姨 has left the association"):
        members.sign(tx, C, li.id, {"pledge_version": "2026版"}, STAFF, NOW)
    # one ACTIVE member per phone: having left, she may join again
    assert join(tx).state == "active"


def test_a_households_dogs_and_a_fierce_breed_refused_in_both_languages(tx):
    publish(tx)
    li = join(tx)
    add_dog(tx, li)
    with refused(tx, "household_dog_limit", field="member_id", status=409,
                 en="One household may keep 1 dog(s) (the station's setting; Beijing's rule "
                    "in a key area is one), and 5号楼2单元301 already keeps 1"):
        add_dog(tx, li, registration_no="京犬2026-0002")
    wang = join(tx, "王先生", "13900000002", household="6号楼")
    with refused(tx, "fierce_breed_banned", field="breed", status=422,
                 zh="本社区属重点管理区，禁止饲养烈性犬（藏獒）",
                 en="Fierce breeds (藏獒) are banned in this key management area"):
        add_dog(tx, wang, breed="藏獒", registration_no="京犬2026-0002")


def test_another_communitys_records_do_not_count_here(tx):
    """A version, a phone, a household and a registration number of maple-court are its own."""
    pledges.publish(tx, "maple-court", {"version": "2026版", "title": "公约", "text": "……",
                                        "effective_on": date(2025, 1, 1)}, STAFF, NOW)
    other = members.join(tx, "maple-court", {"name": "李阿姨", "phone": "13900000001",
                                             "household": "5号楼2单元301",
                                             "pledge_version": "2026版"}, STAFF, NOW)
    dogs.add_dog(tx, "maple-court", other.id, {
        "name": "旺财", "breed": "柯基", "size_class": "small", "sex": "male",
        "registration_no": "京犬2026-0001", "registration_expires_on": date(2027, 6, 30)},
        STAFF, NOW)
    assert pledges.in_force(tx.session, C, NOW) is None
    with refused(tx, "unknown_pledge_version", field="pledge_version"):
        join(tx, version="2026版")                  # not published here yet
    publish(tx)                                     # the same version name, here
    li = join(tx)                                   # the same phone, household and number
    assert add_dog(tx, li).registration_no == "京犬2026-0001"
