"""A request sent again with its key finds the case it made, and only within its community: the
same key from another community's desk is another resident's request, never the first one's
case (with its resident's details)."""
import pytest

from minzi.api import DomainError, Forbidden
from minzi.testing import statements_sent

from intake.domain.registration import register
from intake.domain.registry import Registry

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


WAGES = {"community": "rainbow-city", "channel": "visit", "service_code": "labour_dispute",
         "attributes": {"employer": "某公司"}, "description": "公司拖欠我三个月工资",
         "resident_phone": "13800001111"}


def test_a_key_sent_again_after_its_service_went_still_finds_its_case(tx):
    first, _ = register(desk(tx), dict(WAGES), actor(RECEPTIONIST), request_key="k-1")
    Registry(tx.session).withdraw("legal_aid", "la-1")
    tx.session.flush()
    again, created = register(desk(tx), dict(WAGES), actor(RECEPTIONIST), request_key="k-1")
    assert (created, again.id) == (False, first.id)
    with pytest.raises(DomainError) as refused:      # a new request for it is refused
        register(desk(tx), dict(WAGES), actor(RECEPTIONIST), request_key="k-2")
    assert refused.value.field == "service_code"


def test_a_key_finds_its_own_case_before_the_open_case_it_repeats(tx):
    """The same resident asks twice (the second a repeat, linked to the first); the second,
    sent again with its key, finds the second, not the first it repeats. Both are looked for in
    one statement."""
    first, _ = register(desk(tx), dict(WAGES), actor(RECEPTIONIST), request_key="k-1")
    statements = statements_sent(tx.session.bind)
    second, created = register(desk(tx), dict(WAGES, description="工资的事怎么样了"),
                               actor(RECEPTIONIST), request_key="k-2")
    assert created and (second.status, second.duplicate_of_id) == ("duplicate", first.id)
    looks = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM cases" in s]
    assert len(looks) == 1 and "request_key" in looks[0], statements
    again, created_again = register(desk(tx), dict(WAGES, description="工资的事怎么样了"),
                                    actor(RECEPTIONIST), request_key="k-2")
    assert (created_again, again.id) == (False, second.id)


def test_another_communitys_desk_never_gets_a_case_back_by_its_key(tx):
    register(desk(tx), dict(WAGES), actor(RECEPTIONIST), request_key="k-1")
    with pytest.raises(Forbidden):
        register(desk(tx), dict(WAGES), actor(MAPLE_RECEPTIONIST), request_key="k-1")
