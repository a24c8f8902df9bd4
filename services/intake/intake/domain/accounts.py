"""Staff accounts and how they log in, and the keys Open311 clients post with. What is done to an
account or a key goes on the accounts' record (``AccountEvent``)."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.threads import off_the_loop

from ..models import AccountEvent, ApiKey, StaffToken
from ..models import Staff as StaffRow

TOKEN_HOURS = 12


def hash_secret(value: str) -> str:
    """Tokens and api keys are kept as their SHA-256, never as themselves."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _scrypt(password: str, salt: str) -> str:
    return off_the_loop(lambda: hashlib.scrypt(password.encode("utf-8"), salt=salt.encode(),
                                               n=2 ** 14, r=8, p=1).hex())


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    return f"scrypt${salt}${_scrypt(password, salt)}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    return secrets.compare_digest(_scrypt(password, salt), digest)


# checked against when the username is unknown, so that answer takes as long as a wrong password
_NOBODY = f"scrypt${'0' * 32}${'0' * 128}"


def log_in(session: Session, username: str, password: str,
           now: datetime) -> tuple[str, datetime, StaffRow]:
    """A new token for an active account with this password: ``(token, expires_at, staff)``."""
    staff = session.scalar(select(StaffRow).where(StaffRow.username == username))
    matches = check_password(password, staff.password_hash if staff else _NOBODY)
    if staff is None or not staff.active or not matches:
        raise DomainError("bad_credentials", "用户名或密码不对", "Wrong username or password",
                          status=401)
    return issue_token(session, staff, now)


def issue_token(session: Session, staff: StaffRow, now: datetime) -> tuple[str, datetime, StaffRow]:
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=TOKEN_HOURS)
    session.add(StaffToken(token_hash=hash_secret(token), staff_id=staff.id, created_at=now,
                           expires_at=expires))
    return token, expires, staff


def authenticate(session: Session, token: str | None, now: datetime) -> StaffRow | None:
    """The active staff member a token was issued to, while it has not expired."""
    row = session.get(StaffToken, hash_secret(token)) if token else None
    if row is None or as_utc(row.expires_at) < now:
        return None
    staff = session.get(StaffRow, row.staff_id)
    return staff if staff and staff.active else None


def create_staff(session: Session, admin: Staff, data: dict, now: datetime) -> StaffRow:
    """An admin opens an account in their own community; usernames are unique."""
    community = data.get("community") or admin["community"]
    if community != admin["community"]:
        raise DomainError("other_community", "只能为本社区建账号",
                          "Admins create accounts in their own community", field="community")
    if session.scalar(select(StaffRow).where(StaffRow.username == data["username"])):
        raise DomainError("username_taken", "用户名已被使用", "That username is taken",
                          field="username", status=409)
    staff = StaffRow(username=data["username"], name=data["name"], role=data["role"],
                     community_id=community, program_id=data.get("program_id"),
                     phone=data.get("phone"), password_hash=hash_password(data["password"]),
                     created_at=now, must_change_password=True)
    session.add(staff)
    session.flush()
    record(session, admin, "staff_created", staff.username, now)
    return staff


def record(session: Session, actor: Staff, action: str, subject: str, now: datetime) -> None:
    session.add(AccountEvent(community_id=actor["community"], at=now, actor=actor_name(actor),
                             action=action, subject=subject))


def _revoke_tokens(session: Session, staff_id: int) -> None:
    for token in session.scalars(select(StaffToken).where(StaffToken.staff_id == staff_id)):
        session.delete(token)


def change_password(session: Session, staff: Staff, old: str, new: str,
                    now: datetime) -> tuple[str, datetime, StaffRow]:
    """The owner sets their own password; every token of theirs stops working and they get a
    new one."""
    row = session.get(StaffRow, staff["id"])
    if row is None or not check_password(old, row.password_hash):
        raise DomainError("bad_credentials", "原密码不对", "The current password is wrong",
                          field="old_password", status=401)
    if old == new:
        raise DomainError("same_password", "新密码不能与原密码相同",
                          "The new password must differ from the current one",
                          field="new_password")
    row.password_hash = hash_password(new)
    row.must_change_password = False
    _revoke_tokens(session, row.id)
    session.flush()
    record(session, staff, "password_changed", row.username, now)
    return issue_token(session, row, now)


def log_out(session: Session, token: str) -> None:
    row = session.get(StaffToken, hash_secret(token))
    if row is not None:
        session.delete(row)
        session.flush()


def deactivate(session: Session, admin: Staff, staff_id: int, now: datetime) -> StaffRow:
    """An admin closes an account of their community: it cannot log in, its tokens stop."""
    row = session.get(StaffRow, staff_id)
    if row is None or row.community_id != admin["community"] or row.role == "ops":
        raise NotFound("unknown_staff", "本社区没有这个工作人员", "No such staff member here")
    if row.id == admin["id"]:
        raise Conflict("self", "不能停用自己的账号", "You cannot deactivate your own account")
    if row.active:
        row.active = False
        _revoke_tokens(session, row.id)
        record(session, admin, "staff_deactivated", row.username, now)
    session.flush()
    return row


def list_api_keys(session: Session, community_id: str) -> list[dict]:
    rows = session.scalars(select(ApiKey).where(ApiKey.community_id == community_id)
                           .order_by(ApiKey.created_at, ApiKey.key_hash))
    return [{"id": r.key_hash[:KEY_ID_LENGTH], "name": r.name,
             "created_at": as_utc(r.created_at).isoformat(),
             "revoked_at": as_utc(r.revoked_at).isoformat() if r.revoked_at else None}
            for r in rows]


KEY_ID_LENGTH = 12   # the start of the key's hash: names it, and says nothing of the key


def revoke_api_key(session: Session, admin: Staff, key_id: str, now: datetime) -> dict:
    row = session.scalar(select(ApiKey).where(ApiKey.community_id == admin["community"],
                                              ApiKey.key_hash.startswith(key_id[:64]))) \
        if len(key_id) >= KEY_ID_LENGTH else None
    if row is None:
        raise NotFound("unknown_api_key", "本社区没有这个接入密钥", "No such api_key here")
    if row.revoked_at is None:
        row.revoked_at = now
        record(session, admin, "api_key_revoked", row.name, now)
    session.flush()
    return {"id": row.key_hash[:KEY_ID_LENGTH], "name": row.name,
            "revoked_at": as_utc(row.revoked_at).isoformat()}


def account_record(session: Session, community_id: str, limit: int = 200) -> list[dict]:
    rows = session.scalars(select(AccountEvent).where(AccountEvent.community_id == community_id)
                           .order_by(AccountEvent.id.desc()).limit(limit))
    return [{"at": as_utc(r.at).isoformat(), "actor": r.actor, "action": r.action,
             "subject": r.subject} for r in rows]


def create_api_key(session: Session, community_id: str, name: str, now: datetime,
                   admin: Staff | None = None) -> str:
    """A new Open311 api_key for one community; returned once, kept only as its hash."""
    key = secrets.token_urlsafe(24)
    session.add(ApiKey(key_hash=hash_secret(key), community_id=community_id, name=name,
                       created_at=now))
    if admin is not None:
        record(session, admin, "api_key_created", name, now)
    return key


def check_api_key(session: Session, key: str | None, community_id: str) -> None:
    """An Open311 POST carries a key good for the jurisdiction it posts to."""
    row = session.get(ApiKey, hash_secret(key)) if key else None
    if row is None or row.community_id != community_id or row.revoked_at is not None:
        raise DomainError("api_key", "api_key 无效或不属于该辖区",
                          "api_key is missing, invalid or not for this jurisdiction", status=403)
