"""Which programs intake hears, as whom: registering a program (an admin, for their own
community), and what intake takes from whom on the bus (docs/contract.md, "Identity"). Each
refusal names the rule and leaves everything as it was."""
from minzi.db import as_utc
from minzi.testing import statements_sent

from intake.domain import registrations
from intake.domain.registry import Registry
from intake.models import Program, ProgramRegistration

from .conftest import ADMIN, NOW, said
from .conftest import refused_unchanged as refused

MAPLE_ADMIN = {**ADMIN, "id": 60, "community": "maple-court", "username": "admin-maple"}
REPAIRS = {"program_id": "repairs", "communities": ["maple-court"], "service_codes": ["road"]}


def manifest(program_id="repairs", communities=("maple-court",), codes=("road",)):
    return {"program_id": program_id, "communities": list(communities),
            "service_types": [{"code": c} for c in codes]}




def test_an_admin_registers_a_program_of_their_own_community(tx):
    registration = registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    assert registrations.registration_view(registration) == {
        "program_id": "repairs", "bus_user": "repairs", "communities": ["maple-court"],
        "service_codes": ["road"], "registered_by": "管理员", "registered_for": "maple-court",
        "registered_at": NOW.isoformat()}
    assert [r["program_id"] for r in registrations.list_registrations(tx.session, MAPLE_ADMIN)] \
        == ["repairs"]
    assert registrations.list_registrations(tx.session, ADMIN) == []


def test_what_cannot_be_registered(tx):
    register = registrations.register
    assert said(refused(tx, "other_community", register, tx.session, ADMIN, REPAIRS, NOW)) == (
        "只能为本社区登记项目", "You can register programs for your own community only",
        "communities", 403)
    # a program may serve its own community among others it names: not another one alone
    refused(tx, "other_community", register, tx.session, MAPLE_ADMIN,
            {**REPAIRS, "communities": ["maple-court", "rainbow-city"]}, NOW)
    for reserved in ("intake", "gateway", "minzi-ops", "guest", "Repairs", "r"):
        assert said(refused(tx, "reserved_program_id", register, tx.session, MAPLE_ADMIN,
                            {**REPAIRS, "program_id": reserved}, NOW)) == (
            f"「{reserved}」不能用作项目编号", f"'{reserved}' cannot be a program id",
            "program_id", 400)
    lost = {**MAPLE_ADMIN, "community": "nowhere"}
    assert said(refused(tx, "unknown_community", register, tx.session, lost,
                        {**REPAIRS, "communities": ["nowhere"]}, NOW)) == (
        "没有社区 nowhere", "No community nowhere", None, 404)
    register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    assert said(refused(tx, "program_registered", register, tx.session, MAPLE_ADMIN, REPAIRS,
                        NOW)) == ("项目 repairs 已登记", "Program repairs is registered already",
                                  "program_id", 409)
    assert said(refused(tx, "service_code_taken", register, tx.session, MAPLE_ADMIN,
                        {**REPAIRS, "program_id": "roads",
                         "service_codes": ["road", "bench", "bin"]}, NOW)) == (
        "服务编码已属于其他项目：road", "Service codes of another program: road",
        "service_codes", 409)
    register(tx.session, MAPLE_ADMIN, {**REPAIRS, "program_id": "roads",
                                       "service_codes": ["bin", "bench", "bin"]}, NOW)
    assert tx.session.get(ProgramRegistration, "roads").service_codes == ["bench", "bin"]
    assert said(refused(tx, "service_code_taken", register, tx.session, MAPLE_ADMIN,
                        {**REPAIRS, "program_id": "parks", "service_codes": ["road", "bin"]},
                        NOW))[:2] == ("服务编码已属于其他项目：bin、road",
                                      "Service codes of another program: bin, road")


def test_only_its_community_unregisters_a_program(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    assert said(refused(tx, "unknown_program", registrations.unregister, tx.session, ADMIN,
                        "repairs")) == ("本社区没有登记项目 repairs",
                                        "No program repairs registered for your community",
                                        None, 404)
    refused(tx, "unknown_program", registrations.unregister, tx.session, ADMIN, "nothing")
    assert registrations.registration_view(
        registrations.unregister(tx.session, MAPLE_ADMIN, "repairs"))["program_id"] == "repairs"
    assert tx.session.get(ProgramRegistration, "repairs") is None


def test_an_announcement_is_heard_from_its_own_user_within_its_registration(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    admit = registrations.admit_announcement
    admit(tx.session, manifest(), "repairs", development=False, now=NOW)
    assert said(refused(tx, "untrusted_sender", admit, tx.session, manifest(), "legal_aid",
                        development=False, now=NOW)) == (
        "program.announced 只能由 repairs 发出，这条来自 legal_aid",
        "program.announced may be sent only by repairs; this one came from legal_aid", None,
        403)
    assert said(refused(tx, "untrusted_sender", admit, tx.session, manifest(), None,
                        development=False, now=NOW))[:2] == (
        "program.announced 只能由 repairs 发出，这条来自 未署名的连接",
        "program.announced may be sent only by repairs; this one came from an unnamed "
        "connection")
    assert said(refused(tx, "community_not_registered", admit, tx.session,
                        manifest(communities=("maple-court", "rainbow-city", "oak")), "repairs",
                        development=False, now=NOW)) == (
        "项目 repairs 未登记服务这些社区：oak、rainbow-city",
        "repairs is not registered for oak, rainbow-city", None, 400)
    assert said(refused(tx, "service_not_registered", admit, tx.session,
                        manifest(codes=("road", "bench", "bin")), "repairs", development=False,
                        now=NOW)) == ("项目 repairs 未登记这些服务：bench、bin",
                                      "repairs is not registered for bench, bin", None, 400)
    assert said(refused(tx, "program_not_registered", admit, tx.session, manifest("stranger"),
                        "stranger", development=False, now=NOW)) == (
        "项目 stranger 尚未登记，不接受它的 program.announced",
        "Program stranger is not registered: its program.announced is refused", None, 400)



def test_the_stations_own_programs_offer_any_code_no_registered_program_has(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    registrations.register_at_start(tx.session, ["legal_aid"], ["rainbow-city"], NOW)
    own = tx.session.get(ProgramRegistration, "legal_aid")
    assert (own.bus_user, own.communities, own.service_codes, own.registered_by,
            own.registered_for, as_utc(own.registered_at)) == (
        "legal_aid", ["rainbow-city"], None, "bootstrap", None, NOW)
    admit = registrations.admit_announcement
    admit(tx.session, manifest("legal_aid", ("rainbow-city",), ("labour",)), "legal_aid",
          development=False, now=NOW)
    refused(tx, "service_not_registered", admit, tx.session,
            manifest("legal_aid", ("rainbow-city",), ("labour", "road")), "legal_aid",
            development=False, now=NOW)


def test_a_community_the_station_begins_to_serve_is_served_by_its_own_programs(tx):
    """Maple Court added to COMMUNITIES: at the next start the station's own programs are
    registered for it too; a program an admin registered keeps what the admin gave it."""
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    registrations.register_at_start(tx.session, ["legal_aid"], ["rainbow-city"], NOW)
    registrations.register_at_start(tx.session, ["legal_aid", "repairs"],
                                    ["rainbow-city", "maple-court"], NOW)
    assert tx.session.get(ProgramRegistration, "legal_aid").communities == \
        ["rainbow-city", "maple-court"]
    assert tx.session.get(ProgramRegistration, "repairs").communities == ["maple-court"]
    registrations.admit_announcement(
        tx.session, manifest("legal_aid", ("rainbow-city", "maple-court"), ("labour",)),
        "legal_aid", development=False, now=NOW)


def test_in_development_the_first_announcement_registers_its_sender(tx):
    admit = registrations.admit_announcement
    admit(tx.session, manifest("stranger"), "guest", development=True, now=NOW)
    admit(tx.session, manifest("other"), "guest", development=True, now=NOW)   # guest runs both
    first = tx.session.get(ProgramRegistration, "stranger")
    assert (first.bus_user, first.communities, first.service_codes, first.registered_by,
            as_utc(first.registered_at)) == ("guest", ["maple-court"], None,
                                     "first announcement (development)", NOW)
    # announcing a community more, its user (and only its user) registers that one too, as the
    # first announcement did: a program started again with PROGRAM_COMMUNITIES=a,b serves both
    refused(tx, "untrusted_sender", admit, tx.session,
            manifest("stranger", communities=("rainbow-city",)), "someone", development=True,
            now=NOW)
    assert first.communities == ["maple-court"]
    admit(tx.session, manifest("stranger", communities=("rainbow-city",)), "guest",
          development=True, now=NOW)
    assert first.communities == ["maple-court", "rainbow-city"]
    # outside development the same announcement of a program registered this way is refused
    refused(tx, "community_not_registered", admit, tx.session,
            manifest("stranger", communities=("oak",)), "guest", development=False, now=NOW)
    registrations.admit(tx.session, "case.reported", "unknown", "anyone", development=True)
    # a connection that names no user (no user_id) is heard in development, and registers nothing
    admit(tx.session, manifest("nameless"), None, development=True, now=NOW)
    assert tx.session.get(ProgramRegistration, "nameless") is None


def test_reports_and_withdrawals_only_from_the_programs_user(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    registrations.admit(tx.session, "case.reported", "repairs", "repairs", development=False)
    refused(tx, "untrusted_sender", registrations.admit, tx.session, "case.reported", "repairs",
            "legal_aid", development=False)
    assert said(refused(tx, "program_not_registered", registrations.admit, tx.session,
                        "program.withdrawn", "stranger", "stranger", development=False)) == (
        "项目 stranger 尚未登记，不接受它的 program.withdrawn",
        "Program stranger is not registered: its program.withdrawn is refused", None, 400)


def test_a_report_only_from_the_programs_user_and_its_name_read_with_the_registration(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    tx.session.add(Program(program_id="repairs", name_zh="枫叶报修", manifest={},
                           manifest_hash="0" * 64))
    tx.session.commit()
    refused(tx, "untrusted_sender", registrations.admit_report, tx.session, "repairs",
            "legal_aid", development=False)
    assert said(refused(tx, "program_not_registered", registrations.admit_report, tx.session,
                        "stranger", "stranger", development=False))[:2] == (
        "项目 stranger 尚未登记，不接受它的 case.reported",
        "Program stranger is not registered: its case.reported is refused")
    tx.session.expunge_all()      # nothing of the program known to the session beforehand
    statements = statements_sent(tx.session.bind)
    program = registrations.admit_report(tx.session, "repairs", "repairs", development=False)
    # the report's history names the program: known already, no second round trip for it
    assert (program.name_zh, Registry(tx.session).name("repairs")) == ("枫叶报修", "枫叶报修")
    assert len(statements) == 1
    # in development a program not registered yet may report: there is no record to name it by
    assert registrations.admit_report(tx.session, "stranger", "stranger", development=True) \
        is None


def test_a_submission_from_a_registered_program_for_its_community_in_its_name(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    admit = registrations.admit_submission

    def submission(community="maple-court", named="repairs"):
        return {"community": community, "reference": {"program_id": named} if named else None}
    admit(tx.session, submission(), "repairs", development=False)
    admit(tx.session, submission(named=None), "repairs", development=False)
    assert said(refused(tx, "untrusted_sender", admit, tx.session, submission(named="legal_aid"),
                        "repairs", development=False))[1] == \
        "case.submitted may be sent only by legal_aid; this one came from repairs"
    assert said(refused(tx, "community_not_registered", admit, tx.session,
                        submission(community="rainbow-city"), "repairs", development=False)) == (
        "项目 repairs 未登记服务 rainbow-city", "repairs is not registered for rainbow-city",
        None, 400)
    assert said(refused(tx, "untrusted_sender", admit, tx.session, submission(), "stranger",
                        development=False))[1] == (
        "case.submitted may be sent only by 已登记的项目 / a registered program; this one came "
        "from stranger")
    admit(tx.session, submission(community="rainbow-city"), "anyone", development=True)
