"""Accounts a station can trust: an account an admin opened gets its owner's own password at the
first login; changing a password or closing an account stops every token it had; Open311 keys
can be listed and revoked; each of these is on the accounts' record. A refusal changes nothing."""
from datetime import timedelta

from intake.domain import accounts, views

from .conftest import ADMIN, NOW, RECEPTIONIST, said
from .conftest import refused_unchanged as refused


def new_account(tx):
    row = accounts.create_staff(tx.session, ADMIN, {
        "username": "desk2", "name": "前台小周", "role": "receptionist",
        "password": "given-by-admin"}, NOW)
    return row, {**views.staff_view(row), "name": row.name}


def test_an_account_an_admin_opened_gets_its_owners_password(tx):
    row, staff = new_account(tx)
    assert staff["must_change_password"] is True
    first_token, _, _ = accounts.log_in(tx.session, "desk2", "given-by-admin", NOW)
    assert said(refused(tx, "bad_credentials", accounts.change_password, tx.session, staff,
                        "guess", "my-own-password", NOW)) == \
        ("原密码不对", "The current password is wrong", "old_password", 401)
    assert said(refused(tx, "same_password", accounts.change_password, tx.session, staff,
                        "given-by-admin", "given-by-admin", NOW)) == \
        ("新密码不能与原密码相同", "The new password must differ from the current one",
         "new_password", 400)
    other = {**staff, "id": 424242}     # an account that is not there
    refused(tx, "bad_credentials", accounts.change_password, tx.session, other,
            "given-by-admin", "my-own-password", NOW)
    token, _, changed = accounts.change_password(tx.session, staff, "given-by-admin",
                                                 "my-own-password", NOW)
    assert changed.must_change_password is False
    assert accounts.authenticate(tx.session, first_token, NOW) is None     # the old one stops
    assert accounts.authenticate(tx.session, token, NOW).id == row.id
    refused(tx, "bad_credentials", accounts.log_in, tx.session, "desk2", "given-by-admin", NOW)
    assert accounts.log_in(tx.session, "desk2", "my-own-password", NOW)[2].id == row.id
    # a second device's token stops too, and the new one is good for 12 hours
    second, _, _ = accounts.log_in(tx.session, "desk2", "my-own-password", NOW)
    token, expires, _ = accounts.change_password(tx.session, staff, "my-own-password",
                                                 "my-newer-password", NOW)
    assert accounts.authenticate(tx.session, second, NOW) is None
    assert expires == NOW + timedelta(hours=12) and len(token) >= 40
    accounts.log_out(tx.session, token)
    assert accounts.authenticate(tx.session, token, NOW) is None
    accounts.log_out(tx.session, "no-such-token")                   # nothing to do, no error
    assert [(e["action"], e["subject"], e["actor"]) for e in
            reversed(accounts.account_record(tx.session, "rainbow-city"))] == [
        ("staff_created", "desk2", "管理员"), ("password_changed", "desk2", "前台小周"),
        ("password_changed", "desk2", "前台小周")]
    first = accounts.account_record(tx.session, "rainbow-city")[-1]
    assert first["at"] == NOW.isoformat()
    assert accounts.account_record(tx.session, "maple-court") == []


def test_a_closed_account_cannot_log_in_and_its_tokens_stop(tx):
    row, _ = new_account(tx)
    token, _, _ = accounts.log_in(tx.session, "desk2", "given-by-admin", NOW)
    accounts.deactivate(tx.session, ADMIN, row.id, NOW)
    assert row.active is False
    assert accounts.authenticate(tx.session, token, NOW) is None
    accounts.deactivate(tx.session, ADMIN, row.id, NOW)          # again: no second record
    assert [e["action"] for e in accounts.account_record(tx.session, "rainbow-city")] == \
        ["staff_deactivated", "staff_created"]
    refused(tx, "bad_credentials", accounts.log_in, tx.session, "desk2", "given-by-admin", NOW)
    assert accounts.account_record(tx.session, "rainbow-city")[0]["action"] == \
        "staff_deactivated"


def test_an_admin_closes_accounts_of_their_community_only_and_not_their_own(tx):
    maple_admin = {**ADMIN, "community": "maple-court", "id": 99}
    assert said(refused(tx, "unknown_staff", accounts.deactivate, tx.session, maple_admin,
                        RECEPTIONIST["id"], NOW)) == \
        ("本社区没有这个工作人员", "No such staff member here", None, 404)
    assert said(refused(tx, "self", accounts.deactivate, tx.session, ADMIN, ADMIN["id"], NOW)) \
        == ("不能停用自己的账号", "You cannot deactivate your own account", None, 409)
    refused(tx, "unknown_staff", accounts.deactivate, tx.session, ADMIN, 12345, NOW)


def test_a_revoked_open311_key_is_refused_and_listed_as_revoked(tx):
    key = accounts.create_api_key(tx.session, "rainbow-city", "社区小程序", NOW, ADMIN)
    accounts.check_api_key(tx.session, key, "rainbow-city")
    [listed] = accounts.list_api_keys(tx.session, "rainbow-city")
    assert (listed["name"], listed["revoked_at"], len(listed["id"])) == ("社区小程序", None, 12)
    assert key not in repr(listed)
    maple_admin = {**ADMIN, "community": "maple-court"}
    assert said(refused(tx, "unknown_api_key", accounts.revoke_api_key, tx.session, maple_admin,
                        listed["id"], NOW)) == \
        ("本社区没有这个接入密钥", "No such api_key here", None, 404)
    refused(tx, "unknown_api_key", accounts.revoke_api_key, tx.session, ADMIN, "abc", NOW)
    refused(tx, "unknown_api_key", accounts.revoke_api_key, tx.session, ADMIN,
            listed["id"][:11], NOW)                      # shorter than an id: names nothing
    assert listed["created_at"] == NOW.isoformat()
    revoked = accounts.revoke_api_key(tx.session, ADMIN, listed["id"], NOW)
    assert revoked == {"id": listed["id"], "name": "社区小程序", "revoked_at": NOW.isoformat()}
    accounts.revoke_api_key(tx.session, ADMIN, listed["id"], NOW)   # again: no second record
    refused(tx, "api_key", accounts.check_api_key, tx.session, key, "rainbow-city")
    assert accounts.list_api_keys(tx.session, "rainbow-city")[0]["revoked_at"] == NOW.isoformat()
    assert [e["action"] for e in accounts.account_record(tx.session, "rainbow-city")] == \
        ["api_key_revoked", "api_key_created"]


def test_passwords_are_kept_as_scrypt_of_n_16384_r_8_p_1():
    """The stored form, checked against hashlib's scrypt with the stated parameters."""
    import hashlib
    stored = accounts.hash_password("rainbow-admin-1")
    scheme, salt, digest = stored.split("$")
    assert (scheme, len(salt)) == ("scrypt", 32)
    assert digest == hashlib.scrypt(b"rainbow-admin-1", salt=salt.encode(), n=2 ** 14, r=8,
                                    p=1).hex()
    assert accounts.check_password("rainbow-admin-1", stored)
    assert not accounts.check_password("rainbow-admin-2", stored)
