"""Staff accounts: an admin opens one in their own community, its holder logs in for a token good
for twelve hours, and a closed account is let in no more; neither passwords, tokens nor Open311
api_keys are kept as themselves."""
import hashlib
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.db import as_utc

from intake.domain import accounts
from intake.models import ApiKey, StaffToken
from intake.models import Staff as StaffRow

from .conftest import ADMIN, NOW

SUN = {"username": "sun", "name": "孙律师", "role": "handler", "password": "pw-87654321",
       "program_id": "legal_aid", "phone": "13700001111"}


def test_an_account_opened_by_an_admin(tx):
    staff = accounts.create_staff(tx.session, ADMIN, SUN, NOW)
    assert (staff.username, staff.name, staff.role, staff.community_id, staff.program_id,
            staff.phone, staff.created_at) == ("sun", "孙律师", "handler", "rainbow-city",
                                               "legal_aid", "13700001111", NOW)
    assert tx.session.get(StaffRow, staff.id) is staff        # it is kept
    assert "pw-87654321" not in staff.password_hash
    # scrypt with 16 random bytes of salt (32 hex digits) and its 64-byte key (128 hex digits)
    kind, salt, digest = staff.password_hash.split("$")
    assert (kind, len(salt), len(digest)) == ("scrypt", 32, 128)
    assert accounts.check_password("pw-87654321", staff.password_hash)
    assert not accounts.check_password("pw-87654322", staff.password_hash)
    # the same password twice is stored differently (a salt of its own each time)
    assert accounts.hash_password("pw-87654321") != accounts.hash_password("pw-87654321")
    assert not accounts.check_password("pw-87654321", "not-a-stored-hash")
    named = accounts.create_staff(tx.session, ADMIN, {**SUN, "username": "qian",
                                                      "community": "rainbow-city"}, NOW)
    assert named.community_id == "rainbow-city"


def test_a_token_lets_its_holder_in_for_twelve_hours(tx):
    accounts.create_staff(tx.session, ADMIN, SUN, NOW)
    token, expires, staff = accounts.log_in(tx.session, "sun", "pw-87654321", NOW)
    assert expires == NOW + timedelta(hours=12) and staff.username == "sun"
    assert len(token) == 43                  # 32 random bytes, written as 43 URL-safe characters
    kept = tx.session.get(StaffToken, hashlib.sha256(token.encode()).hexdigest())
    assert (kept.staff_id, as_utc(kept.created_at), as_utc(kept.expires_at)) == \
        (staff.id, NOW, expires)
    assert tx.session.get(StaffToken, token) is None          # only its hash is kept
    assert accounts.authenticate(tx.session, token, NOW + timedelta(hours=12)) is staff
    assert accounts.authenticate(tx.session, token, NOW + timedelta(hours=12, seconds=1)) \
        is None
    assert accounts.authenticate(tx.session, token + "x", NOW) is None
    assert accounts.authenticate(tx.session, None, NOW) is None
    other, _, _ = accounts.log_in(tx.session, "sun", "pw-87654321", NOW)
    assert other != token and accounts.authenticate(tx.session, other, NOW) is staff


def test_a_closed_account_is_let_in_no_more(tx):
    staff = accounts.create_staff(tx.session, ADMIN, SUN, NOW)
    token, _, _ = accounts.log_in(tx.session, "sun", "pw-87654321", NOW)
    staff.active = False
    assert accounts.authenticate(tx.session, token, NOW) is None
    with pytest.raises(DomainError) as error:
        accounts.log_in(tx.session, "sun", "pw-87654321", NOW)
    assert (error.value.code, error.value.status) == ("bad_credentials", 401)


def test_an_api_key_is_kept_as_its_hash_for_one_community(tx):
    key = accounts.create_api_key(tx.session, "maple-court", "地图应用", NOW)
    kept = tx.session.get(ApiKey, hashlib.sha256(key.encode()).hexdigest())
    assert (kept.community_id, kept.name, as_utc(kept.created_at)) == \
        ("maple-court", "地图应用", NOW)
    # 24 random bytes, written as 32 URL-safe characters; never the same twice
    assert len(key) == 32 and accounts.create_api_key(tx.session, "maple-court", "b", NOW) != key
    accounts.check_api_key(tx.session, key, "maple-court")
    with pytest.raises(DomainError) as error:
        accounts.check_api_key(tx.session, key, "rainbow-city")
    assert error.value.to_body("zh")["error"]["message"] == "api_key 无效或不属于该辖区"
    assert error.value.to_body("en")["error"]["message"] == \
        "api_key is missing, invalid or not for this jurisdiction"
    assert (error.value.code, error.value.status) == ("api_key", 403)


def test_an_unknown_username_costs_one_password_check_like_a_wrong_password(tx, monkeypatch):
    """So the answer's timing does not tell which usernames exist."""

    checked = []
    real = accounts.check_password
    monkeypatch.setattr(accounts, "check_password",
                        lambda password, stored: checked.append(stored) or real(password, stored))
    for username in ("nobody-here", "wang"):
        with pytest.raises(DomainError) as error:
            accounts.log_in(tx.session, username, "wrong-password", NOW)
        assert (error.value.code, error.value.status) == ("bad_credentials", 401)
    assert len(checked) == 2 and checked[0] != checked[1]
