"""The gateway's signed statement of who is calling: made for one service, for a minute, checked
with the gateway's public key; outside development no service starts with the known key."""
import pytest

from minzi.staff_identity import (
    DEVELOPMENT_SIGNING_KEY,
    DEVELOPMENT_VERIFY_KEY,
    LIFETIME_SECONDS,
    UnprovenStaff,
    new_key_pair,
    sign,
    signing_key,
    verify,
    verify_key,
)

DESK = {"id": 7, "username": "desk", "role": "receptionist", "community": "rainbow-city"}
NOW = 1_800_000_000


def refused(statement, audience="legal_aid", key=DEVELOPMENT_VERIFY_KEY):
    with pytest.raises(UnprovenStaff) as error:
        verify(statement, audience, key)
    assert (error.value.code, error.value.status) == ("unproven_staff", 401)


def test_a_statement_names_the_staff_member_for_the_service_it_was_made_for():
    statement = sign(DESK, "legal_aid", DEVELOPMENT_SIGNING_KEY)
    assert verify(statement, "legal_aid", DEVELOPMENT_VERIFY_KEY) == DESK
    refused(statement, audience="cat_fund")     # replayed to another service


def test_a_statement_from_another_key_a_late_one_or_none_is_refused():
    other_signing, other_verify = new_key_pair()
    refused(sign(DESK, "legal_aid", other_signing))
    refused(sign(DESK, "legal_aid", DEVELOPMENT_SIGNING_KEY), key=other_verify)
    refused(sign(DESK, "legal_aid", DEVELOPMENT_SIGNING_KEY, now=NOW))   # long expired
    import time
    just_late = time.time() - LIFETIME_SECONDS - 1
    refused(sign(DESK, "legal_aid", DEVELOPMENT_SIGNING_KEY, now=just_late))
    refused(None)
    refused("")
    refused("a.b.c")


def test_outside_development_the_known_key_or_none_is_refused_at_start():
    production = {"MINZI_ENV": "production"}
    for read in (signing_key, verify_key):
        with pytest.raises(RuntimeError, match="not set"):
            read(production)
    with pytest.raises(RuntimeError, match="development key"):
        signing_key({**production, "STAFF_SIGNING_KEY": DEVELOPMENT_SIGNING_KEY})
    with pytest.raises(RuntimeError, match="development key"):
        verify_key({**production, "STAFF_VERIFY_KEY": DEVELOPMENT_VERIFY_KEY})
    own_signing, own_verify = new_key_pair()
    # as an .env line carries it: one line, \n for each line break
    assert verify_key({**production, "STAFF_VERIFY_KEY": own_verify.replace("\n", "\\n")}) \
        == own_verify.strip()
    assert signing_key({**production, "STAFF_SIGNING_KEY": own_signing}) == own_signing.strip()
    assert verify_key({"MINZI_ENV": "development"}) == DEVELOPMENT_VERIFY_KEY
