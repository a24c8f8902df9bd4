"""What staff see, read the way the staff API reads it: the grid with its heads, residents and
their consent, broadcasts with their messages counted by state, replies, the record of changes.
Expected values are written out by hand from the grid in conftest (zone 1: 5号楼 with 2单元 and
6号楼; zone 2: 9号楼; 张三 at 5号楼 2单元, 李四 in 5号楼, 王五 in 6号楼, 赵六 in 9号楼)."""
from datetime import timedelta

import pytest

from minzi.api import DomainError

from sms_broadcast.domain import views
from sms_broadcast.domain.broadcasts import cancel_broadcast, release_due, retry_failed
from sms_broadcast.domain.consent import staff_consent
from sms_broadcast.domain.contacts import create_contact, update_contact
from sms_broadcast.domain.figures import figures
from sms_broadcast.domain.grid import create_building, create_door, create_zone, update_head
from sms_broadcast.domain.replies import receive_reply
from sms_broadcast.domain.sending import claim, delivery_report
from sms_broadcast.models import Building, Contact, Door, Zone
from sms_broadcast.schemas import ListQuery

from .conftest import (
    ADMIN,
    NEIGHBOUR,
    NOW,
    OPERATOR,
    RECEPTIONIST,
    C,
    Recorder,
    broadcast,
    messages,
    relay,
    reply,
)

AT = "2026-11-27T02:00:00Z"                                   # NOW, as the API writes it


def q(**given):
    """A list's query string as the route loads it (200 a page, no filter)."""
    return ListQuery().load({k: str(v).lower() if isinstance(v, bool) else v
                             for k, v in given.items()})


def names(rows, key="name"):
    return [row[key] for row in rows]


def test_the_grid_with_its_heads_as_the_programs_staff_and_others_see_it(tx, grid):
    create_zone(tx, NEIGHBOUR, {"name": "枫林片区"}, NOW)      # another community's: not shown
    assert views.list_zones(tx.session, OPERATOR) == [
        {"id": grid["z1"].id, "community": C, "name": "一片区", "head_name": "王区长",
         "head_phone": "13900000001", "created_by": "李", "created_at": AT,
         "updated_by": None, "updated_at": None},
        {"id": grid["z2"].id, "community": C, "name": "二片区", "head_name": None,
         "head_phone": None, "created_by": "李", "created_at": AT,
         "updated_by": None, "updated_at": None}]
    assert views.list_zones(tx.session, RECEPTIONIST)[0]["head_phone"] == "139****0001"
    assert names(views.list_buildings(tx.session, OPERATOR, q())) == ["5号楼", "6号楼", "9号楼"]
    in_zone_1 = views.list_buildings(tx.session, OPERATOR, q(zone_id=grid["z1"].id))
    assert [(b["name"], b["zone"], b["zone_id"], b["head_name"]) for b in in_zone_1] == \
        [("5号楼", "一片区", grid["z1"].id, "赵楼长"), ("6号楼", "一片区", grid["z1"].id, None)]
    assert names(views.list_buildings(tx.session, OPERATOR, q(limit=1, offset=1))) == ["6号楼"]
    [door] = views.list_doors(tx.session, OPERATOR, q(building_id=grid["b5"].id))
    assert (door["name"], door["building"], door["building_id"], door["head_name"]) == \
        ("2单元", "5号楼", grid["b5"].id, "钱门长")
    assert views.list_doors(tx.session, OPERATOR, q(building_id=grid["b6"].id)) == []
    assert views.list_zones(tx.session, NEIGHBOUR)[0]["name"] == "枫林片区"
    # heads' phones: in full for the program's staff, masked for the rest
    update_head(tx, OPERATOR, Building, grid["b5"].id, {"head_phone": "13900000005"}, NOW)
    update_head(tx, OPERATOR, Door, grid["d2"].id, {"head_phone": "13900000002"}, NOW)
    tx.session.commit()
    for staff, building_head, door_head in ((OPERATOR, "13900000005", "13900000002"),
                                            (RECEPTIONIST, "139****0005", "139****0002")):
        assert views.list_buildings(tx.session, staff, q())[0]["head_phone"] == building_head
        assert views.list_doors(tx.session, staff, q())[0]["head_phone"] == door_head


def test_residents_are_listed_by_place_and_by_consent(tx, grid):
    reply(tx, "TD", "gw-wang", phone="13800003333")            # 王五 opts out
    everyone = views.list_contacts(tx.session, OPERATOR, q())
    assert names(everyone) == ["张三", "李四", "王五", "赵六"]
    assert everyone[0] == {
        "id": grid["zhang"].id, "community": C, "name": "张三", "phone": "13800001111",
        "zone_id": grid["z1"].id, "building_id": grid["b5"].id, "door_id": grid["d2"].id,
        "address": "一片区 5号楼 2单元", "opted_out": False, "opted_out_at": None,
        "created_by": "李", "created_at": AT, "updated_by": None, "updated_at": None}
    assert names(views.list_contacts(tx.session, OPERATOR, q(zone_id=grid["z1"].id))) == \
        ["张三", "李四", "王五"]
    assert names(views.list_contacts(tx.session, OPERATOR, q(building_id=grid["b5"].id))) == \
        ["张三", "李四"]
    assert names(views.list_contacts(tx.session, OPERATOR, q(opted_out=True))) == ["王五"]
    assert names(views.list_contacts(tx.session, OPERATOR, q(opted_out=False))) == \
        ["张三", "李四", "赵六"]
    assert names(views.list_contacts(tx.session, OPERATOR, q(limit=2, offset=1))) == \
        ["李四", "王五"]
    wang = views.list_contacts(tx.session, RECEPTIONIST, q(opted_out=True))[0]
    assert (wang["phone"], wang["opted_out"], wang["opted_out_at"], wang["updated_by"]) == \
        ("138****3333", True, AT, "居民 138****3333")
    assert views.list_contacts(tx.session, NEIGHBOUR, q()) == []


def test_a_residents_page_shows_every_choice_oldest_first(tx, grid):
    reply(tx, "TD", "gw-1", phone="13800003333")
    staff_consent(tx, OPERATOR, grid["wang"], False, "本人到站说要恢复接收", NOW)
    tx.session.commit()
    page = views.contact_with_consents(tx.session, OPERATOR, grid["wang"].id)
    assert (page["name"], page["opted_out"], page["opted_out_at"], page["updated_by"]) == \
        ("王五", False, None, "李")
    first, second = page["consents"]
    assert {k: first[k] for k in ("contact_id", "phone", "action", "text", "source",
                                  "message_id", "recorded_by", "at")} == {
        "contact_id": grid["wang"].id, "phone": "13800003333", "action": "opt_out",
        "text": "TD", "source": "sms", "message_id": None, "recorded_by": "居民 138****3333",
        "at": AT}
    assert first["inbound_id"] is not None
    assert (second["action"], second["source"], second["recorded_by"], second["inbound_id"]) \
        == ("opt_in", "staff", "李", None)
    # the community's consent list: newest first, phones masked for other staff
    listed = views.list_consents(tx.session, RECEPTIONIST, q())
    assert [(c["id"], c["action"], c["phone"]) for c in listed] == \
        [(second["id"], "opt_in", "138****3333"), (first["id"], "opt_out", "138****3333")]
    assert first["id"] < second["id"]
    assert views.list_consents(tx.session, NEIGHBOUR, q()) == []


def test_the_programs_staff_see_residents_numbers_in_full_on_every_page_and_others_masked(
        tx, grid):
    reply(tx, "TD", "gw-1", phone="13800003333")               # 王五 opts out by SMS
    reply(tx, "电梯坏了", "gw-2")                                # 张三 raises a case
    for staff, wang, zhang in ((OPERATOR, "13800003333", "13800001111"),
                               (ADMIN, "13800003333", "13800001111"),
                               (RECEPTIONIST, "138****3333", "138****1111")):
        page = views.contact_with_consents(tx.session, staff, grid["wang"].id)
        assert (page["phone"], [c["phone"] for c in page["consents"]]) == (wang, [wang])
        assert [c["phone"] for c in views.list_consents(tx.session, staff, q())] == [wang]
        assert [(r["message_id"], r["phone"]) for r in views.list_inbound(tx.session, staff,
                                                                          q())] == \
            [("gw-2", zhang), ("gw-1", wang)]


def test_broadcasts_show_their_messages_counted_by_state(sessions, tx, grid):
    first = broadcast(tx, grid)                                 # 张三, 李四
    relay(sessions, Recorder(fail=1), max_attempts=1).send_pending()
    reply(tx, "TD", "gw-li", phone="13800002222")               # 李四 leaves
    second = broadcast(tx, grid, "zone", text="周六义诊")        # 张三 pending, 李四 skipped, 王五
    later = broadcast(tx, grid, "community", scheduled_at=NOW + timedelta(days=1))
    tx.session.expire_all()
    shown = views.list_broadcasts(tx.session, OPERATOR, q())
    assert [b["id"] for b in shown] == [later.id, second.id, first.id]       # newest first
    assert shown[2] == {
        "id": first.id, "community": C, "text": "明天9点到12点停水，请提前储水。",
        "target": "building", "zone_id": grid["z1"].id, "building_id": grid["b5"].id,
        "target_label": "一片区 5号楼", "state": "released", "scheduled_at": None,
        "released_at": AT, "created_by": "李", "created_at": AT, "updated_by": None,
        "updated_at": None,
        "messages": {"pending": 0, "sending": 0, "sent": 1, "delivered": 0, "failed": 1,
                     "skipped": 0}}
    assert shown[1]["messages"] == {"pending": 2, "sending": 0, "sent": 0, "delivered": 0,
                                    "failed": 0, "skipped": 1}
    assert (shown[1]["target"], shown[1]["target_label"], shown[1]["building_id"]) == \
        ("zone", "一片区", None)
    assert (shown[0]["state"], shown[0]["scheduled_at"], shown[0]["target_label"],
            sum(shown[0]["messages"].values())) == \
        ("scheduled", "2026-11-28T02:00:00Z", "全社区", 0)
    assert [b["id"] for b in views.list_broadcasts(tx.session, OPERATOR, q(state="scheduled"))] \
        == [later.id]
    assert views.one_broadcast(tx.session, RECEPTIONIST, first.id) == shown[2]
    assert views.list_broadcasts(tx.session, NEIGHBOUR, q()) == []


def test_each_recipients_message_and_the_replies(sessions, tx, grid):
    made = broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    tx.session.expire_all()
    shown = views.list_messages(tx.session, OPERATOR, made.id, q())
    zhang = shown[0]
    assert {k: zhang[k] for k in ("broadcast_id", "contact_id", "name", "phone", "address",
                                  "state", "attempts", "error", "sender", "delivered_at")} == {
        "broadcast_id": made.id, "contact_id": grid["zhang"].id, "name": "张三",
        "phone": "13800001111", "address": "一片区 5号楼 2单元", "state": "sent",
        "attempts": 1, "error": None, "sender": "record", "delivered_at": None}
    assert zhang["reference"] == f"minzi-sms-{zhang['id']}"
    assert zhang["sent_at"] is not None and zhang["updated_at"] == zhang["sent_at"]
    assert names(shown) == ["张三", "李四"]
    assert views.list_messages(tx.session, OPERATOR, made.id, q(state="failed")) == []
    assert names(views.list_messages(tx.session, OPERATOR, made.id, q(limit=1, offset=1))) \
        == ["李四"]
    reply(tx, "电梯坏了", "gw-1")
    reply(tx, "TD", "gw-2", phone="13800002222")
    replies = views.list_inbound(tx.session, RECEPTIONIST, q())
    assert [(r["message_id"], r["kind"], r["phone"]) for r in replies] == \
        [("gw-2", "opt_out", "138****2222"), ("gw-1", "case", "138****1111")]
    case = replies[1]
    assert (case["community"], case["contact_id"], case["broadcast_id"], case["request_key"],
            case["text"], case["received_at"], case["recorded_at"]) == \
        (C, grid["zhang"].id, made.id, "sms-inbound-gw-1", "电梯坏了", AT, AT)
    assert views.list_inbound(tx.session, NEIGHBOUR, q()) == []


def test_the_record_says_who_changed_what_newest_first(tx, grid):
    made = broadcast(tx, grid)
    changes = views.list_changes(tx.session, OPERATOR, q(limit=3))
    assert [{k: c[k] for k in ("actor", "action", "entity", "entity_id", "note", "at")}
            for c in changes] == [
        {"actor": "system", "action": "broadcast_released", "entity": "broadcast",
         "entity_id": made.id, "note": "2 recipients", "at": AT},
        {"actor": "李", "action": "broadcast_created", "entity": "broadcast",
         "entity_id": made.id, "note": "一片区 5号楼：明天9点到12点停水，请提前储水。", "at": AT},
        {"actor": "李", "action": "contact_created", "entity": "contact",
         "entity_id": grid["zhao"].id, "note": "二片区 9号楼", "at": AT}]
    assert views.list_changes(tx.session, NEIGHBOUR, q()) == []


def test_figures_for_a_period_counted_by_hand(sessions, tx, grid):
    first = broadcast(tx, grid)                                 # 张三, 李四: both sent
    relay(sessions, Recorder()).send_pending()
    tx.session.expire_all()
    zhang = messages(tx.session, first.id)["张三"]
    delivery_report(tx.session, {"reference": f"minzi-sms-{zhang.id}", "status": "delivered"},
                    NOW)
    tx.session.commit()
    reply(tx, "TD", "gw-1", phone="13800002222")               # 李四 leaves
    reply(tx, "电梯坏了", "gw-2")                                # 张三 raises a case
    broadcast(tx, grid, "zone")                     # 张三 fails, 李四 skipped, 王五 sent
    relay(sessions, Recorder(fail=1), max_attempts=1).send_pending()
    reply(tx, "恢复", "gw-3", phone="13800002222")              # 李四 comes back
    broadcast(tx, grid, "community")                            # four waiting to go
    broadcast(tx, grid, scheduled_at=NOW + timedelta(days=1))
    counted = figures(tx.session, C, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert counted == {
        "community": C, "from": "2026-11-26T02:00:00Z", "to": "2026-11-28T02:00:00Z",
        "broadcasts": 3, "scheduled": 1, "messages": 9, "messages_sent": 3,
        "messages_delivered": 1, "messages_failed": 1, "messages_skipped": 1,
        "messages_pending": 4, "replies": 3, "opt_outs": 1, "opt_ins": 1, "cases_raised": 1}
    # a period is [from, to): what happened at its very end belongs to the next one
    assert figures(tx.session, C, NOW, NOW + timedelta(hours=1)) == {
        **counted, "from": AT, "to": "2026-11-27T03:00:00Z"}
    before = figures(tx.session, C, NOW - timedelta(days=1), NOW)
    assert {k: v for k, v in before.items() if isinstance(v, int)} == dict.fromkeys(
        ("broadcasts", "scheduled", "messages", "messages_sent", "messages_delivered",
         "messages_failed", "messages_skipped", "messages_pending", "replies", "opt_outs",
         "opt_ins", "cases_raised"), 0)
    assert figures(tx.session, "maple-court", NOW - timedelta(days=1),
                   NOW + timedelta(days=1))["broadcasts"] == 0


def test_a_new_head_is_shown_with_who_changed_it_and_recorded(tx, grid):
    later = NOW + timedelta(hours=1)
    zone = update_head(tx, ADMIN, Zone, grid["z1"].id,
                       {"head_name": "孙区长", "head_phone": "+86 139-0000-0009"}, later)
    door = update_head(tx, OPERATOR, Door, grid["d2"].id, {"head_phone": ""}, later)
    building = update_head(tx, OPERATOR, Building, grid["b6"].id, {"head_name": "周楼长"}, later)
    tx.session.commit()
    assert views.zone_view(zone, OPERATOR) == {
        "id": grid["z1"].id, "community": C, "name": "一片区", "head_name": "孙区长",
        "head_phone": "13900000009", "created_by": "李", "created_at": AT,
        "updated_by": "站长", "updated_at": "2026-11-27T03:00:00Z"}
    assert (door.head_name, door.head_phone) == ("钱门长", None)      # only the phone cleared
    assert (building.head_name, building.head_phone) == ("周楼长", None)
    assert views.building_view(building, OPERATOR)["updated_by"] == "李"
    changes = views.list_changes(tx.session, OPERATOR, q(limit=3))
    assert [(c["actor"], c["action"], c["entity"], c["entity_id"], c["note"], c["at"])
            for c in changes] == [
        ("李", "head_changed", "building", grid["b6"].id, "周楼长", "2026-11-27T03:00:00Z"),
        ("李", "head_changed", "door", grid["d2"].id, "钱门长", "2026-11-27T03:00:00Z"),
        ("站长", "head_changed", "zone", grid["z1"].id, "孙区长", "2026-11-27T03:00:00Z")]


def test_a_cancelled_broadcast_shows_who_cancelled_it(tx, grid):
    later = NOW + timedelta(hours=1)
    made = broadcast(tx, grid, scheduled_at=NOW + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        cancel_broadcast(tx, NEIGHBOUR, made.id, later)
    assert refused.value.code == "broadcast_not_found"
    cancel_broadcast(tx, ADMIN, made.id, later)
    tx.session.commit()
    tx.session.expire_all()
    shown = views.one_broadcast(tx.session, OPERATOR, made.id)
    assert (shown["state"], shown["updated_by"], shown["updated_at"], shown["released_at"]) == \
        ("cancelled", "站长", "2026-11-27T03:00:00Z", None)
    [change] = views.list_changes(tx.session, OPERATOR, q(limit=1))
    assert (change["actor"], change["action"], change["entity"], change["entity_id"],
            change["note"], change["at"]) == \
        ("站长", "broadcast_cancelled", "broadcast", made.id, None, "2026-11-27T03:00:00Z")


def test_the_record_of_setting_up_the_grid_names_each_place(tx, grid):
    record = [(c["actor"], c["action"], c["entity"], c["entity_id"], c["note"])
              for c in reversed(views.list_changes(tx.session, OPERATOR, q()))]
    assert {c["at"] for c in views.list_changes(tx.session, OPERATOR, q())} == {AT}
    assert record == [
        ("李", "zone_created", "zone", grid["z1"].id, "一片区"),
        ("李", "zone_created", "zone", grid["z2"].id, "二片区"),
        ("李", "building_created", "building", grid["b5"].id, "一片区 5号楼"),
        ("李", "building_created", "building", grid["b6"].id, "一片区 6号楼"),
        ("李", "building_created", "building", grid["b9"].id, "二片区 9号楼"),
        ("李", "door_created", "door", grid["d2"].id, "5号楼2单元"),
        ("李", "contact_created", "contact", grid["zhang"].id, "一片区 5号楼 2单元"),
        ("李", "contact_created", "contact", grid["li"].id, "一片区 5号楼"),
        ("李", "contact_created", "contact", grid["wang"].id, "一片区 6号楼"),
        ("李", "contact_created", "contact", grid["zhao"].id, "二片区 9号楼")]
    door = views.door_view(grid["d2"], OPERATOR)
    assert (door["community"], door["created_by"], door["created_at"], door["head_phone"]) == \
        (C, "李", AT, None)


def test_a_residents_details_are_changed_all_at_once_and_recorded(tx, grid):
    later = NOW + timedelta(hours=1)
    contact = update_contact(tx, ADMIN, grid["li"].id, {
        "name": "  李四娘 ", "phone": "138 0000 9999", "door_id": grid["d2"].id}, later)
    tx.session.commit()
    assert views.contact_view(contact, OPERATOR) == {
        "id": grid["li"].id, "community": C, "name": "李四娘", "phone": "13800009999",
        "zone_id": grid["z1"].id, "building_id": grid["b5"].id, "door_id": grid["d2"].id,
        "address": "一片区 5号楼 2单元", "opted_out": False, "opted_out_at": None,
        "created_by": "李", "created_at": AT, "updated_by": "站长",
        "updated_at": "2026-11-27T03:00:00Z"}
    moved = update_contact(tx, OPERATOR, grid["zhang"].id, {"name": "", "zone_id": grid["z2"].id},
                           later)
    tx.session.commit()
    assert (moved.name, moved.phone, moved.zone_id, moved.building_id, moved.door_id) == \
        (None, "13800001111", grid["z2"].id, None, None)
    [last, first] = views.list_changes(tx.session, OPERATOR, q(limit=2))
    assert (first["actor"], first["action"], first["entity"], first["entity_id"],
            first["note"], first["at"]) == \
        ("站长", "contact_changed", "contact", grid["li"].id, "一片区 5号楼 2单元",
         "2026-11-27T03:00:00Z")
    assert (last["actor"], last["action"], last["entity"], last["entity_id"], last["note"]) == \
        ("李", "contact_changed", "contact", grid["zhang"].id, "二片区")


def test_a_resident_moved_to_another_building_alone_takes_its_zone_and_leaves_the_door(tx,
                                                                                       grid):
    later = NOW + timedelta(hours=1)
    moved = update_contact(tx, OPERATOR, grid["zhang"].id, {"building_id": grid["b9"].id}, later)
    tx.session.commit()
    shown = views.contact_view(moved, OPERATOR)
    assert (shown["name"], shown["phone"], shown["zone_id"], shown["building_id"],
            shown["door_id"], shown["address"]) == \
        ("张三", "13800001111", grid["z2"].id, grid["b9"].id, None, "二片区 9号楼")
    [change] = views.list_changes(tx.session, OPERATOR, q(limit=1))
    assert (change["action"], change["entity_id"], change["note"]) == \
        ("contact_changed", grid["zhang"].id, "二片区 9号楼")
    assert names(views.list_contacts(tx.session, OPERATOR, q(building_id=grid["b9"].id))) == \
        ["张三", "赵六"]


def test_a_number_whose_last_word_was_to_come_back_is_registered_subscribed(tx, grid):
    reply(tx, "TD", "gw-1", phone="13700005555")
    reply(tx, "订阅", "gw-2", phone="13700005555")
    back = create_contact(tx, OPERATOR, {"name": " 孙七 ", "phone": "13700005555",
                                         "zone_id": grid["z2"].id}, NOW)
    tx.session.commit()
    assert (back.name, back.opted_out) == ("孙七", False)
    nameless = create_contact(tx, OPERATOR, {"name": "  ", "phone": "13700006666",
                                             "building_id": grid["b9"].id,
                                             "zone_id": grid["z2"].id}, NOW)
    assert (nameless.name, nameless.zone_id, nameless.building_id) == \
        (None, grid["z2"].id, grid["b9"].id)


def test_a_scheduled_broadcast_is_recorded_when_made_released_and_retried(sessions, tx, grid):
    text = "通知" * 30                                          # 60 characters; the record keeps 50
    made = broadcast(tx, grid, "zone", text=text, scheduled_at=NOW + timedelta(minutes=30))
    due = NOW + timedelta(minutes=30)
    assert release_due(tx.session, due) == [made.id]
    tx.session.commit()
    relay(sessions, Recorder(fail=9), max_attempts=1).send_pending()
    tx.session.expire_all()
    assert retry_failed(tx, ADMIN, made.id, due) == 3
    tx.session.commit()
    record = [(c["actor"], c["action"], c["note"], c["at"])
              for c in views.list_changes(tx.session, OPERATOR, q(limit=3))]
    assert record == [
        ("站长", "broadcast_retried", "3 failed messages", "2026-11-27T02:30:00Z"),
        ("system", "broadcast_released", "3 recipients", "2026-11-27T02:30:00Z"),
        ("李", "broadcast_scheduled", "一片区：" + text[:50], AT)]
    shown = views.list_messages(tx.session, OPERATOR, made.id, q())
    assert [(m["name"], m["phone"], m["state"], m["attempts"], m["error"], m["updated_at"])
            for m in shown] == [
        ("张三", "13800001111", "pending", 0, "gateway away", "2026-11-27T02:30:00Z"),
        ("李四", "13800002222", "pending", 0, "gateway away", "2026-11-27T02:30:00Z"),
        ("王五", "13800003333", "pending", 0, "gateway away", "2026-11-27T02:30:00Z")]
    assert views.one_broadcast(tx.session, OPERATOR, made.id)["released_at"] == \
        "2026-11-27T02:30:00Z"


def test_broadcasts_fall_due_in_the_order_they_were_set_for(tx, grid):
    later = broadcast(tx, grid, text="下午的通知", scheduled_at=NOW + timedelta(minutes=20))
    sooner = broadcast(tx, grid, text="上午的通知", scheduled_at=NOW + timedelta(minutes=10))
    also_sooner = broadcast(tx, grid, "zone", scheduled_at=NOW + timedelta(minutes=10))
    assert release_due(tx.session, NOW + timedelta(minutes=9, seconds=59)) == []
    assert release_due(tx.session, NOW + timedelta(minutes=10)) == [sooner.id, also_sooner.id]
    assert release_due(tx.session, NOW + timedelta(hours=1)) == [later.id]


def test_cancelling_one_scheduled_broadcast_leaves_the_others_to_go(tx, grid):
    kept = broadcast(tx, grid, text="周六义诊", scheduled_at=NOW + timedelta(hours=2))
    dropped = broadcast(tx, grid, scheduled_at=NOW + timedelta(hours=1))
    cancel_broadcast(tx, OPERATOR, dropped.id, NOW)
    tx.session.commit()
    tx.session.expire_all()
    assert [(b["id"], b["state"]) for b in views.list_broadcasts(tx.session, OPERATOR, q())] == \
        [(dropped.id, "cancelled"), (kept.id, "scheduled")]


def test_a_scheduled_broadcast_whose_residents_all_moved_away_is_released_to_nobody(tx, grid):
    made = broadcast(tx, grid, scheduled_at=NOW + timedelta(hours=1))    # 5号楼: 张三, 李四
    for who in ("zhang", "li"):
        update_contact(tx, OPERATOR, grid[who].id, {"building_id": grid["b6"].id}, NOW)
    tx.session.commit()
    assert release_due(tx.session, NOW + timedelta(hours=1)) == [made.id]
    tx.session.commit()
    shown = views.one_broadcast(tx.session, OPERATOR, made.id)
    assert (shown["state"], shown["released_at"], sum(shown["messages"].values())) == \
        ("released", "2026-11-27T03:00:00Z", 0)
    assert release_due(tx.session, NOW + timedelta(hours=2)) == []


def test_a_delivered_message_shows_when_and_each_reply_and_change_has_its_number(sessions, tx,
                                                                                 grid):
    made = broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    tx.session.expire_all()
    zhang = messages(tx.session, made.id)["张三"]
    delivery_report(tx.session, {"reference": f"minzi-sms-{zhang.id}", "status": "delivered",
                                 "at": NOW + timedelta(minutes=1)}, NOW + timedelta(minutes=2))
    tx.session.commit()
    shown = views.list_messages(tx.session, OPERATOR, made.id, q())
    assert [(m["name"], m["state"], m["delivered_at"]) for m in shown] == \
        [("张三", "delivered", "2026-11-27T02:01:00Z"), ("李四", "sent", None)]
    assert shown[0]["updated_at"] == "2026-11-27T02:02:00Z"
    reply(tx, "电梯坏了", "gw-1")
    reply(tx, "楼道灯坏了", "gw-2", phone="13800002222")
    assert [(r["id"], r["message_id"]) for r in views.list_inbound(tx.session, OPERATOR, q())] \
        == [(2, "gw-2"), (1, "gw-1")]                           # the first reply is number 1
    # the grid's 10 changes (2 zones, 3 buildings, a door, 4 residents), then the broadcast's
    # creation (11) and release (12), then the two replies (13, 14)
    assert [(c["id"], c["action"]) for c in views.list_changes(tx.session, OPERATOR,
                                                               q(limit=4))] == \
        [(14, "reply_case"), (13, "reply_case"), (12, "broadcast_released"),
         (11, "broadcast_created")]


def test_figures_count_a_send_under_way_as_waiting_and_each_way_of_consent_apart(tx, grid):
    made = broadcast(tx, grid)                                  # 5号楼: 张三, 李四
    claim(tx.session, messages(tx.session, made.id)["张三"].id, NOW)   # being sent right now
    tx.session.commit()
    reply(tx, "TD", "gw-1", phone="13800003333")               # 王五 out
    reply(tx, "TD", "gw-2", phone="13800004444")               # 赵六 out
    reply(tx, "恢复", "gw-3", phone="13800003333")              # 王五 back
    counted = figures(tx.session, C, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert counted == {
        "community": C, "from": "2026-11-27T01:00:00Z", "to": "2026-11-27T03:00:00Z",
        "broadcasts": 1, "scheduled": 0, "messages": 2, "messages_sent": 0,
        "messages_delivered": 0, "messages_failed": 0, "messages_skipped": 0,
        "messages_pending": 2, "replies": 3, "opt_outs": 2, "opt_ins": 1, "cases_raised": 0}
    after = figures(tx.session, C, NOW + timedelta(seconds=1), NOW + timedelta(hours=1))
    assert {k: v for k, v in after.items() if isinstance(v, int)} == dict.fromkeys(
        ("broadcasts", "scheduled", "messages", "messages_sent", "messages_delivered",
         "messages_failed", "messages_skipped", "messages_pending", "replies", "opt_outs",
         "opt_ins", "cases_raised"), 0)


def test_an_opt_out_stops_what_waits_at_that_moment_and_each_choice_is_on_the_record(tx, grid):
    made = broadcast(tx, grid, "zone")                          # 张三, 李四, 王五 waiting
    later, latest = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    receive_reply(tx, {"from": "13800003333", "text": "退订", "message_id": "gw-1",
                       "received_at": later}, later, [C])
    staff_consent(tx, OPERATOR, tx.session.get(Contact, grid["wang"].id), False,
                  "本人来电要求恢复", latest)
    tx.session.commit()
    shown = {m["name"]: m for m in views.list_messages(tx.session, OPERATOR, made.id, q())}
    assert (shown["王五"]["state"], shown["王五"]["error"], shown["王五"]["updated_at"]) == \
        ("skipped", "居民已退订 / opted out", "2026-11-27T03:00:00Z")
    assert (shown["张三"]["state"], shown["张三"]["updated_at"]) == ("pending", AT)
    record = [(c["actor"], c["action"], c["entity"], c["entity_id"], c["note"], c["at"])
              for c in views.list_changes(tx.session, OPERATOR, q(limit=3))]
    assert record == [
        ("李", "opted_in", "contact", grid["wang"].id, "本人来电要求恢复", "2026-11-27T04:00:00Z"),
        ("居民 138****3333", "reply_opt_out", "inbound", 1, None, "2026-11-27T03:00:00Z"),
        ("居民 138****3333", "opted_out", "contact", grid["wang"].id, "退订",
         "2026-11-27T03:00:00Z")]


def test_a_neighbouring_community_may_name_its_places_as_this_one_does(tx, grid):
    later = NOW + timedelta(hours=1)
    zone = create_zone(tx, NEIGHBOUR, {"name": "一片区"}, later)
    building = create_building(tx, NEIGHBOUR, {"zone_id": zone.id, "name": "5号楼"}, later)
    create_door(tx, NEIGHBOUR, {"building_id": building.id, "name": "2单元"}, later)
    tx.session.commit()
    [shown] = views.list_buildings(tx.session, NEIGHBOUR, q())
    assert (shown["community"], shown["name"], shown["zone"], shown["zone_id"],
            shown["created_by"], shown["created_at"]) == \
        ("maple-court", "5号楼", "一片区", zone.id, "李", "2026-11-27T03:00:00Z")
    assert [(d["name"], d["building"]) for d in views.list_doors(tx.session, NEIGHBOUR, q())] \
        == [("2单元", "5号楼")]
    assert names(views.list_buildings(tx.session, OPERATOR, q())) == ["5号楼", "6号楼", "9号楼"]


def test_an_earlier_td_kept_at_registration_is_on_the_residents_page_as_their_own_choice(tx,
                                                                                        grid):
    reply(tx, "TD", "gw-early", phone="13700005555")           # before anyone registered it
    later = NOW + timedelta(hours=1)
    sun = create_contact(tx, OPERATOR, {"phone": "13700005555", "building_id": grid["b6"].id},
                         later)                                 # no name given
    tx.session.commit()
    page = views.contact_with_consents(tx.session, OPERATOR, sun.id)
    assert (page["name"], page["opted_out"], page["opted_out_at"], page["updated_by"]) == \
        (None, True, "2026-11-27T03:00:00Z", "居民 137****5555")
    [td] = views.list_inbound(tx.session, OPERATOR, q())
    [consent] = page["consents"]
    assert {k: v for k, v in consent.items() if k != "id"} == {
        "contact_id": sun.id, "phone": "13700005555", "action": "opt_out", "text": "TD",
        "source": "sms", "inbound_id": td["id"], "message_id": None,
        "recorded_by": "居民 137****5555", "at": "2026-11-27T03:00:00Z"}
