"""A resident who opted out is never texted again: not by a later or a scheduled broadcast, not by
a send waiting to be tried again, not when staff retry the failed ones, and not under another
registration of the same number. Each test runs the real SMS relay against a gateway that
records the numbers it was given."""
from datetime import timedelta

from sqlalchemy import select

from sms_broadcast.domain.broadcasts import create_broadcast, retry_failed
from sms_broadcast.domain.consent import OPTED_OUT
from sms_broadcast.domain.contacts import create_contact, update_contact
from sms_broadcast.domain.grid import create_building, create_zone
from sms_broadcast.domain.replies import receive_reply
from sms_broadcast.models import Consent, Contact

from .conftest import (
    NEIGHBOUR,
    NOW,
    OPERATOR,
    C,
    Recorder,
    broadcast,
    messages,
    relay,
    reply,
)

ZHANG, LI = "13800001111", "13800002222"          # both in 5号楼, the broadcasts' building


def states(tx, broadcast_id):
    tx.session.expire_all()
    return {name: m.state for name, m in messages(tx.session, broadcast_id).items()}


def test_staff_retrying_failed_messages_do_not_text_a_resident_who_opted_out_since(
        sessions, tx, grid):
    made = broadcast(tx, grid)
    relay(sessions, Recorder(fail=99), max_attempts=1).send_pending()
    assert states(tx, made.id) == {"张三": "failed", "李四": "failed"}
    reply(tx, "TD", "gw-td")                                   # 张三 says stop meanwhile
    assert retry_failed(tx, OPERATOR, made.id, NOW + timedelta(hours=1)) == 2
    tx.session.commit()
    gateway = Recorder()
    relay(sessions, gateway).send_pending()
    assert gateway.numbers == [LI]
    assert states(tx, made.id) == {"张三": "skipped", "李四": "sent"}
    assert messages(tx.session, made.id)["张三"].error == OPTED_OUT


def test_a_send_waiting_to_be_tried_again_is_not_tried_after_td(sessions, tx, grid):
    made = broadcast(tx, grid)
    clock = [NOW]
    gateway = Recorder(fail=2)                                  # both first attempts fail
    sms = relay(sessions, gateway, max_attempts=3, clock=lambda: clock[0])
    assert sms.send_pending() == 2
    assert states(tx, made.id) == {"张三": "pending", "李四": "pending"}
    reply(tx, "退订", "gw-td")
    clock[0] += timedelta(minutes=10)                           # past the pause: tried again
    assert sms.send_pending() == 1
    assert gateway.numbers == [LI]
    assert states(tx, made.id) == {"张三": "skipped", "李四": "sent"}


def test_td_opts_out_every_registration_of_the_number(sessions, tx, grid):
    """A number is registered once in a community (a second registration is refused), so the
    same phone under several buildings means several communities: 张三's number is also under
    a building in maple-court, and that is the registration texted last."""
    zone = create_zone(tx, NEIGHBOUR, {"name": "枫林片区"}, NOW)
    building = create_building(tx, NEIGHBOUR, {"zone_id": zone.id, "name": "枫林1号楼"}, NOW)
    maple = create_contact(tx, NEIGHBOUR, {"name": "张三", "phone": ZHANG,
                                           "building_id": building.id}, NOW)
    create_contact(tx, NEIGHBOUR, {"name": "孙七", "phone": "13800005555",
                                   "building_id": building.id}, NOW)
    tx.session.commit()
    assert maple.id > grid["zhang"].id                          # not the first one found
    broadcast(tx, grid)
    create_broadcast(tx, NEIGHBOUR, {"text": "枫林通知", "target": "community"}, NOW)
    tx.session.commit()
    relay(sessions, Recorder()).send_pending()
    here = broadcast(tx, grid, text="周六义诊")                  # waiting to go, in each community
    there = create_broadcast(tx, NEIGHBOUR, {"text": "枫林义诊", "target": "community"}, NOW)
    tx.session.commit()

    inbound, _ = reply(tx, "TD", "gw-td", phone=ZHANG, communities=(C, "maple-court"))

    assert inbound.contact_id == maple.id                       # it answers the last text
    tx.session.expire_all()
    opted = {c.community: c.opted_out for c in tx.session.scalars(
        select(Contact).where(Contact.phone == ZHANG))}
    assert opted == {C: True, "maple-court": True}
    assert sorted((c.community, c.action) for c in tx.session.scalars(select(Consent))) == \
        [("maple-court", "opt_out"), (C, "opt_out")]
    assert states(tx, here.id) == {"张三": "skipped", "李四": "pending"}
    assert states(tx, there.id) == {"张三": "skipped", "孙七": "pending"}
    gateway = Recorder()
    relay(sessions, gateway).send_pending()
    assert sorted(gateway.numbers) == [LI, "13800005555"]
    later = create_broadcast(tx, NEIGHBOUR, {"text": "枫林停电", "target": "community"}, NOW)
    tx.session.commit()
    assert states(tx, later.id) == {"张三": "skipped", "孙七": "pending"}


def test_a_resident_moved_to_a_number_that_texted_td_stays_opted_out(sessions, tx, grid):
    reply(tx, "TD", "gw-early", phone="13700005555")           # before anyone registered it
    update_contact(tx, OPERATOR, grid["wang"].id, {"phone": "13700005555"}, NOW)
    tx.session.commit()
    assert tx.session.get(Contact, grid["wang"].id).opted_out
    made = broadcast(tx, grid, "zone")
    gateway = Recorder()
    relay(sessions, gateway).send_pending()
    assert sorted(gateway.numbers) == [ZHANG, LI]
    assert states(tx, made.id)["王五"] == "skipped"


def test_a_number_is_registered_by_what_it_said_last_not_by_what_arrived_last(tx, grid):
    """The gateway may pass replies on out of order: 订阅 sent at 10:05 arrives before the TD
    sent at 10:00, and the number's last word is still to come back."""
    for text, message_id, minute in (("订阅", "gw-2", 5), ("TD", "gw-1", 0)):
        receive_reply(tx, {"from": "13700005555", "text": text, "message_id": message_id,
                           "received_at": NOW + timedelta(minutes=minute)},
                      NOW + timedelta(minutes=6), [C])
    tx.session.commit()
    sun = create_contact(tx, OPERATOR, {"name": "孙七", "phone": "13700005555",
                                        "building_id": grid["b6"].id}, NOW + timedelta(hours=1))
    tx.session.commit()
    assert sun.opted_out is False
    assert tx.session.scalars(select(Consent).where(Consent.contact_id == sun.id)).all() == []


def test_a_resident_already_opted_out_moving_to_a_number_that_texted_td_has_one_opt_out(tx,
                                                                                       grid):
    reply(tx, "TD", "gw-wang", phone="13800003333")            # 王五 says stop
    reply(tx, "TD", "gw-new", phone="13700005555")             # so did his new number
    update_contact(tx, OPERATOR, grid["wang"].id, {"phone": "13700005555"}, NOW)
    tx.session.commit()
    assert tx.session.get(Contact, grid["wang"].id).opted_out
    assert [(c.action, c.phone) for c in tx.session.scalars(
        select(Consent).where(Consent.contact_id == grid["wang"].id))] == \
        [("opt_out", "13800003333")]


def test_a_new_number_is_registered_by_its_own_last_word_to_stop_not_by_anyone_elses_or_a_chat(
        tx, grid):
    reply(tx, "TD", "gw-1", phone="13700005555")
    reply(tx, "谢谢提醒，5号楼电梯也坏了", "gw-2", phone="13700005555")   # not about stopping
    reply(tx, "TD", "gw-3", phone="13700006666")               # another number, later
    sun = create_contact(tx, OPERATOR, {"name": "孙七", "phone": "13700005555",
                                        "building_id": grid["b6"].id}, NOW)
    zhou = create_contact(tx, OPERATOR, {"name": "周八", "phone": "13700007777",
                                         "building_id": grid["b6"].id}, NOW)
    tx.session.commit()
    assert (sun.opted_out, zhou.opted_out) == (True, False)
    assert tx.session.scalars(select(Consent).where(Consent.contact_id == zhou.id)).all() == []
