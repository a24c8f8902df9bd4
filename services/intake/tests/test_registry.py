"""Which programs are on the bus: a program is live from its first announcement until every copy
of it has said goodbye or missed three heartbeats; what it offers is what its latest manifest
says, in each community it names; when two offer the same service, the first to announce it
serves it."""
from datetime import timedelta

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from minzi.contract import ProgramManifest
from minzi.db import as_utc
from minzi.testing import statements_sent

from intake.domain.registry import Registry
from intake.models import Base, CatalogVersion, Community, Program, ProgramInstance, ServiceOffer

from .conftest import NOW

SECOND = timedelta(seconds=1)


def manifest(**changes):
    return ProgramManifest().load({
        "program_id": "elder_care", "name": {"zh": "老年关爱", "en": "Elder care"},
        "communities": ["rainbow-city", "maple-court"], "heartbeat_seconds": 20,
        "instance_id": "ec-1", "rpc_service": "elder_care",
        "service_types": [
            {"code": "home_visit", "name": {"zh": "上门探访", "en": "Home visit"},
             "description": {"zh": "志愿者上门", "en": "A volunteer calls"},
             "group": "care", "keywords": ["老人", "探访"], "time_limit_hours": 72,
             "attributes": [{"code": "age", "datatype": "number", "required": False,
                             "description": "年龄"}]},
            {"code": "meal", "name": {"zh": "送餐"}, "time_limit_hours": 12}],
        **changes})


def offers(tx, community):
    return [(o.code, p.program_id) for o, p in Registry(tx.session).live_offers(community)]


def test_a_program_is_registered_with_what_it_offers_in_each_community(tx):
    registry = Registry(tx.session)
    assert registry.announce(manifest(), NOW) is True           # new: it has come
    program = tx.session.get(Program, "elder_care")
    assert (program.name_zh, program.name_en, program.rpc_service, program.live,
            as_utc(program.first_seen), as_utc(program.last_seen)) == \
        ("老年关爱", "Elder care", "elder_care", True, NOW, NOW)
    assert program.manifest["communities"] == ["rainbow-city", "maple-court"]
    assert "instance_id" not in program.manifest
    visit = tx.session.get(ServiceOffer, ("elder_care", "maple-court", "home_visit"))
    assert (visit.name_zh, visit.name_en, visit.description_zh, visit.description_en,
            visit.group, visit.keywords, visit.time_limit_hours) == \
        ("上门探访", "Home visit", "志愿者上门", "A volunteer calls", "care", ["老人", "探访"], 72)
    assert visit.attributes[0]["code"] == "age"
    meal = tx.session.get(ServiceOffer, ("elder_care", "rainbow-city", "meal"))
    assert (meal.name_en, meal.description_zh, meal.group, meal.keywords, meal.attributes) == \
        (None, None, None, [], [])
    assert offers(tx, "maple-court") == [("home_visit", "elder_care"), ("meal", "elder_care")]
    assert registry.name("elder_care") == "老年关爱"
    assert registry.name("nobody", "nobody") == "nobody" and registry.name(None) is None


def test_a_heartbeat_keeps_it_live_and_a_new_manifest_replaces_its_offers(tx):
    registry = Registry(tx.session)
    registry.announce(manifest(), NOW)
    assert registry.announce(manifest(), NOW + 50 * SECOND) is False   # still live: no news
    program = tx.session.get(Program, "elder_care")
    assert (as_utc(program.first_seen), as_utc(program.last_seen)) == (NOW, NOW + 50 * SECOND)
    # three missed heartbeats of 20 s after the last one (the legal-aid home and the cat fund,
    # which beat every 10 s, went at 30 s)
    assert set(registry.expire(NOW + 110 * SECOND)) == {"legal_aid", "cat_fund"}
    assert registry.expire(NOW + 110 * SECOND) == []
    assert registry.expire(NOW + 111 * SECOND) == ["elder_care"]
    registry.announce(manifest(communities=["maple-court"], name={"zh": "老年关爱中心"},
                               service_types=[{"code": "meal", "name": {"zh": "送餐"},
                                               "time_limit_hours": 6}]), NOW + 200 * SECOND)
    assert program.live is True and program.name_zh == "老年关爱中心" and program.name_en is None
    assert offers(tx, "rainbow-city") == []
    assert offers(tx, "maple-court") == [("meal", "elder_care")]
    assert tx.session.get(ServiceOffer, ("elder_care", "maple-court", "meal")) \
        .time_limit_hours == 6


def test_a_program_is_gone_when_its_last_copy_says_goodbye(tx):
    registry = Registry(tx.session)
    registry.announce(manifest(), NOW)
    registry.announce(manifest(instance_id="ec-2"), NOW + SECOND)
    assert registry.withdraw("elder_care", "ec-1") is False       # ec-2 still serves
    assert offers(tx, "maple-court") != []
    assert registry.withdraw("elder_care", "ec-2") is True
    assert registry.withdraw("elder_care", "ec-2") is False       # already gone: once only
    assert offers(tx, "maple-court") == []
    assert tx.session.get(Program, "elder_care").live is False
    assert registry.announce(manifest(), NOW + 2 * SECOND) is True   # back again
    assert registry.withdraw("nobody", None) is False


def test_a_copy_without_an_instance_id_is_the_program_itself(tx):
    registry = Registry(tx.session)
    registry.announce(manifest(instance_id=None), NOW)
    assert tx.session.get(ProgramInstance, ("elder_care", "elder_care")) is not None
    assert registry.withdraw("elder_care", None) is True


def test_each_copy_keeps_its_own_heartbeat(tx):
    registry = Registry(tx.session)
    registry.announce(manifest(), NOW)
    registry.announce(manifest(instance_id="ec-2"), NOW + 30 * SECOND)
    # ec-1 missed its heartbeats at 60 s, ec-2 only at 90 s: the program stays until then
    assert set(registry.expire(NOW + 61 * SECOND)) == {"legal_aid", "cat_fund"}
    assert tx.session.get(ProgramInstance, ("elder_care", "ec-1")) is None
    assert tx.session.get(Program, "elder_care").live is True
    assert registry.expire(NOW + 91 * SECOND) == ["elder_care"]


def test_the_first_to_announce_a_service_serves_it(tx):
    registry = Registry(tx.session)
    rival = ProgramManifest().load({
        "program_id": "another_cat_fund", "name": {"zh": "另一个猫基金"},
        "communities": ["rainbow-city"], "instance_id": "x",
        "service_types": [{"code": "sick_cat", "name": {"zh": "病猫"}, "time_limit_hours": 1},
                          {"code": "cat_food", "name": {"zh": "猫粮"}, "time_limit_hours": 1}]})
    registry.announce(rival, NOW + SECOND)
    assert offers(tx, "rainbow-city") == [
        ("labour_dispute", "legal_aid"), ("legal_consultation", "legal_aid"),
        ("sick_cat", "cat_fund"), ("cat_food", "another_cat_fund")]
    offer, program = registry.offer("rainbow-city", "sick_cat")
    assert (offer.program_id, program.program_id) == ("cat_fund", "cat_fund")
    assert registry.offer("rainbow-city", "cat_food")[1].program_id == "another_cat_fund"
    assert registry.offer("maple-court", "sick_cat") is None
    assert [p.program_id for p in registry.programs()] == \
        ["another_cat_fund", "cat_fund", "legal_aid"]


def test_outside_development_intake_refuses_documented_or_short_first_secrets():
    import pytest

    from intake.startup import refuse_known_secrets
    production = {"MINZI_ENV": "production"}
    for key in ("BOOTSTRAP_ADMIN_PASSWORD", "BOOTSTRAP_OPEN311_API_KEY"):
        for value in ("change-me-now", "rainbow-open311-key", "elevenchars"):
            with pytest.raises(RuntimeError, match=key):
                refuse_known_secrets({**production, key: value})
        refuse_known_secrets({**production, key: "twelve-chars"})          # long enough
        refuse_known_secrets({"MINZI_ENV": "development", key: "change-me-now"})


def catalog_token(tx):
    return tx.session.scalar(select(CatalogVersion.token))


def test_a_community_is_read_with_what_it_can_ask_for_in_one_statement(tx):
    """Registering a request needs both; the first to announce a code serves it, offers of a
    program gone are not among them, and a community nobody serves yet is still a community.
    Each is read with the catalog's token (two statements), then kept while the token is the
    same: a later transaction reads the token alone."""
    registry = Registry(tx.session)
    registry.announce(manifest(communities=["maple-court"]), NOW)
    registry.announce(ProgramManifest().load({
        "program_id": "another_cat_fund", "name": {"zh": "另一个猫基金"},
        "communities": ["rainbow-city"], "instance_id": "x",
        "service_types": [{"code": "sick_cat", "name": {"zh": "病猫"}, "time_limit_hours": 1},
                          {"code": "cat_food", "name": {"zh": "猫粮"}, "time_limit_hours": 1}]}),
        NOW + SECOND)
    registry.withdraw("elder_care", "ec-1")        # maple-court's only program, gone
    tx.session.flush()
    tx.session.expunge_all()
    statements = statements_sent(tx.session.bind)
    fresh = Registry(tx.session)
    rainbow = fresh.community("rainbow-city")
    served = [(o.code, p.program_id) for o, p in fresh.live_offers("rainbow-city")]
    assert fresh.offer("rainbow-city", "cat_food")[1].program_id == "another_cat_fund"
    assert (rainbow.name_zh, len(statements)) == ("彩虹城社区", 2)
    assert served == [("labour_dispute", "legal_aid"), ("legal_consultation", "legal_aid"),
                      ("sick_cat", "cat_fund"), ("cat_food", "another_cat_fund")]
    maple = fresh.community("maple-court")
    assert (maple.name_zh, fresh.live_offers("maple-court"), len(statements)) == \
        ("枫林社区", [], 4)
    assert fresh.community("oak-park") is None
    assert (fresh.live_offers("oak-park"), fresh.offer("oak-park", "sick_cat")) == ([], None)
    assert (fresh.community("rainbow-city"), len(statements)) == (rainbow, 6)   # read once

    later = Registry(tx.session)                   # the next request: the token alone
    assert [(o.code, p.program_id) for o, p in later.live_offers("rainbow-city")] == served
    assert (later.community("maple-court").name_zh, later.community("oak-park")) == \
        ("枫林社区", None)
    assert len(statements) == 9 and all("catalog_versions" in s for s in statements[6:])


def test_what_changes_the_catalog_is_read_again_by_the_next_request(tx):
    """A program's new service, a program gone and a new community each change the token in
    their own transaction; a heartbeat does not."""
    before = offers(tx, "rainbow-city")
    token = catalog_token(tx)
    Registry(tx.session).announce(manifest(), NOW)                 # a new program
    tx.session.flush()
    assert catalog_token(tx) != token
    assert sorted(offers(tx, "rainbow-city")) == sorted(
        [*before, ("home_visit", "elder_care"), ("meal", "elder_care")])

    token = catalog_token(tx)
    Registry(tx.session).announce(manifest(), NOW + 10 * SECOND)   # its heartbeat
    tx.session.flush()
    assert catalog_token(tx) == token

    Registry(tx.session).announce(manifest(service_types=[          # a changed manifest
        {"code": "meal", "name": {"zh": "送餐上门"}, "time_limit_hours": 6}]), NOW + 20 * SECOND)
    tx.session.flush()
    assert catalog_token(tx) != token
    assert sorted(offers(tx, "rainbow-city")) == sorted([*before, ("meal", "elder_care")])
    assert Registry(tx.session).offer("rainbow-city", "meal")[0].name_zh == "送餐上门"

    token = catalog_token(tx)
    Registry(tx.session).withdraw("elder_care", "ec-1")            # gone
    tx.session.flush()
    assert catalog_token(tx) != token
    assert offers(tx, "rainbow-city") == before

    token = catalog_token(tx)
    assert Registry(tx.session).community("oak-park") is None
    tx.session.add(Community(id="oak-park", name_zh="橡树园社区"))   # a community added
    tx.session.flush()
    assert catalog_token(tx) != token
    assert Registry(tx.session).community("oak-park").name_zh == "橡树园社区"


def test_what_a_copy_keeps_is_never_another_databases(tx, tmp_path):
    """Two databases never share a token, so a copy (or a test) that serves both never takes
    one's catalog for the other's."""
    other = create_engine(f"sqlite:///{tmp_path}/other.db")
    Base.metadata.create_all(other)
    with Session(other) as session:
        session.add(Community(id="rainbow-city", name_zh="另一个彩虹城"))
        session.commit()
        assert session.scalar(select(CatalogVersion.token)) != catalog_token(tx)
        assert Registry(tx.session).community("rainbow-city").name_zh == "彩虹城社区"
        assert (Registry(session).community("rainbow-city").name_zh,
                Registry(session).live_offers("rainbow-city")) == ("另一个彩虹城", [])
    other.dispose()


def test_a_copy_keeps_the_catalogs_of_its_newest_tokens_only():
    from intake.domain import registry
    kept = dict(registry._catalogs)
    registry._catalogs.clear()
    try:
        for number in range(registry.KEPT_CATALOGS + 1):
            registry._keep(f"token-{number}", "rainbow-city", (None, []))
        newest = f"token-{registry.KEPT_CATALOGS}"
        registry._keep(newest, "maple-court", (None, []))   # another community, same token
        assert list(registry._catalogs) == [f"token-{n}"
                                            for n in range(1, registry.KEPT_CATALOGS + 1)]
        assert set(registry._catalogs[newest]) == {"rainbow-city", "maple-court"}
    finally:
        registry._catalogs.clear()
        registry._catalogs.update(kept)
