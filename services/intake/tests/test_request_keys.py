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
