"""Which programs intake hears, as whom: registering a program (an admin, for their own
community), and what intake takes from whom on the bus (docs/contract.md, "Identity"). Each
refusal names the rule and leaves everything as it was."""
import pytest

from minzi.api import DomainError
from minzi.testing import snapshot

from intake.domain import registrations
from intake.models import Base, ProgramRegistration

from .conftest import ADMIN, NOW

MAPLE_ADMIN = {**ADMIN, "id": 60, "community": "maple-court", "username": "admin-maple"}
REPAIRS = {"program_id": "repairs", "communities": ["maple-court"], "service_codes": ["road"]}


def manifest(program_id="repairs", communities=("maple-court",), codes=("road",)):
    return {"program_id": program_id, "communities": list(communities),
            "service_types": [{"code": c} for c in codes]}


def refused(tx, code, action, *args, **kwargs):
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as error:
        action(*args, **kwargs)
    assert error.value.code == code
    assert snapshot(tx.session, Base.metadata) == before
    return error.value


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
    error = refused(tx, "other_community", registrations.register, tx.session, ADMIN, REPAIRS,
                    NOW)
    assert (error.status, error.field) == (403, "communities")
    for reserved in ("intake", "gateway", "minzi-ops", "guest"):
        refused(tx, "reserved_program_id", registrations.register, tx.session, MAPLE_ADMIN,
                {**REPAIRS, "program_id": reserved}, NOW)
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    assert refused(tx, "program_registered", registrations.register, tx.session, MAPLE_ADMIN,
                   REPAIRS, NOW).status == 409
    error = refused(tx, "service_code_taken", registrations.register, tx.session, MAPLE_ADMIN,
                    {**REPAIRS, "program_id": "roads", "service_codes": ["road", "bench"]}, NOW)
    assert "road" in error.message_zh and "bench" not in error.message_zh


def test_only_its_community_unregisters_a_program(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    refused(tx, "unknown_program", registrations.unregister, tx.session, ADMIN, "repairs")
    registrations.unregister(tx.session, MAPLE_ADMIN, "repairs")
    assert tx.session.get(ProgramRegistration, "repairs") is None


def test_an_announcement_is_heard_from_its_own_user_within_its_registration(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    admit = registrations.admit_announcement
    admit(tx.session, manifest(), "repairs", development=False, now=NOW)
    refused(tx, "untrusted_sender", admit, tx.session, manifest(), "legal_aid",
            development=False, now=NOW)
    refused(tx, "untrusted_sender", admit, tx.session, manifest(), None, development=False,
            now=NOW)
    refused(tx, "community_not_registered", admit, tx.session,
            manifest(communities=("maple-court", "rainbow-city")), "repairs", development=False,
            now=NOW)
    refused(tx, "service_not_registered", admit, tx.session, manifest(codes=("road", "bench")),
            "repairs", development=False, now=NOW)
    refused(tx, "program_not_registered", admit, tx.session, manifest("stranger"), "stranger",
            development=False, now=NOW)


def test_the_stations_own_programs_offer_any_code_no_registered_program_has(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    registrations.register_at_start(tx.session, ["legal_aid"], ["rainbow-city"], NOW)
    registrations.register_at_start(tx.session, ["legal_aid"], ["maple-court"], NOW)  # kept
    assert tx.session.get(ProgramRegistration, "legal_aid").communities == ["rainbow-city"]
    admit = registrations.admit_announcement
    admit(tx.session, manifest("legal_aid", ("rainbow-city",), ("labour",)), "legal_aid",
          development=False, now=NOW)
    refused(tx, "service_not_registered", admit, tx.session,
            manifest("legal_aid", ("rainbow-city",), ("labour", "road")), "legal_aid",
            development=False, now=NOW)


def test_in_development_the_first_announcement_registers_its_sender(tx):
    admit = registrations.admit_announcement
    admit(tx.session, manifest("stranger"), "guest", development=True, now=NOW)
    admit(tx.session, manifest("other"), "guest", development=True, now=NOW)   # guest runs both
    assert tx.session.get(ProgramRegistration, "stranger").bus_user == "guest"
    refused(tx, "untrusted_sender", admit, tx.session, manifest("stranger"), "someone",
            development=True, now=NOW)
    registrations.admit(tx.session, "case.reported", "unknown", "anyone", development=True)


def test_reports_and_withdrawals_only_from_the_programs_user(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    registrations.admit(tx.session, "case.reported", "repairs", "repairs", development=False)
    refused(tx, "untrusted_sender", registrations.admit, tx.session, "case.reported", "repairs",
            "legal_aid", development=False)
    refused(tx, "program_not_registered", registrations.admit, tx.session, "program.withdrawn",
            "stranger", "stranger", development=False)


def test_a_submission_from_a_registered_program_for_its_community_in_its_name(tx):
    registrations.register(tx.session, MAPLE_ADMIN, REPAIRS, NOW)
    admit = registrations.admit_submission

    def submission(community="maple-court", named="repairs"):
        return {"community": community, "reference": {"program_id": named} if named else None}
    admit(tx.session, submission(), "repairs", development=False)
    admit(tx.session, submission(named=None), "repairs", development=False)
    refused(tx, "untrusted_sender", admit, tx.session, submission(named="legal_aid"),
            "repairs", development=False)
    refused(tx, "community_not_registered", admit, tx.session,
            submission(community="rainbow-city"), "repairs", development=False)
    refused(tx, "untrusted_sender", admit, tx.session, submission(), "stranger",
            development=False)
    admit(tx.session, submission(community="rainbow-city"), "anyone", development=True)
