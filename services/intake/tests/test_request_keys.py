"""A request sent again with its key finds the case it made, and only within its community: the
same key from another community's desk is another resident's request, never the first one's
case (with its resident's details)."""
from intake.domain.registration import register

from .conftest import MAPLE_RECEPTIONIST, RECEPTIONIST, actor, desk


def at_desk(tx, staff, description):
    return register(desk(tx), {"community": staff["community"], "channel": "visit",
                               "description": description, "resident_phone": "13800001111"},
                    actor(staff), request_key="client-key-1")


def test_a_key_sent_again_finds_its_case_in_its_own_community_only(tx):
    first, created = at_desk(tx, RECEPTIONIST, "楼道灯坏了")
    again, created_again = at_desk(tx, RECEPTIONIST, "楼道灯坏了")
    assert (created, created_again, again.id) == (True, False, first.id)
    maple, created_maple = at_desk(tx, MAPLE_RECEPTIONIST, "东门路灯不亮")
    assert created_maple and maple.id != first.id
    assert (maple.community_id, maple.description) == ("maple-court", "东门路灯不亮")


def test_long_keys_alike_at_the_start_are_two_requests_and_each_is_found_again(tx):
    """Keys may be 100 characters (a program's submission key, an Idempotency-Key header); kept
    with the community before them they can pass the column's 100: two such keys that differ
    only at the end are still two residents' requests."""
    def sent(key, description):
        return register(desk(tx), {"community": "rainbow-city", "channel": "visit",
                                   "description": description, "resident_phone": "13800001111"},
                        actor(RECEPTIONIST), request_key=key)
    common = "submitted-" + "k" * 85                     # 95 characters, then 5 that differ
    first, _ = sent(common + "00001", "楼道灯坏了")
    second, created = sent(common + "00002", "东门路灯不亮")
    assert created and second.id != first.id and second.description == "东门路灯不亮"
    again, created_again = sent(common + "00001", "楼道灯坏了")
    assert (created_again, again.id) == (False, first.id)
    short, _ = sent("client-key-9", "水管漏水")             # a short key is kept as it is
    assert short.request_key == "rainbow-city/client-key-9"
    assert len(first.request_key) <= 100 and first.request_key != second.request_key
