"""Staff accounts and how they log in, and the keys Open311 clients post with."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import DomainError, Staff
from minzi.db import as_utc
from minzi.threads import off_the_loop

from ..models import ApiKey, StaffToken
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
                     created_at=now)
    session.add(staff)
    session.flush()
    return staff


def create_api_key(session: Session, community_id: str, name: str, now: datetime) -> str:
    """A new Open311 api_key for one community; returned once, kept only as its hash."""
    key = secrets.token_urlsafe(24)
    session.add(ApiKey(key_hash=hash_secret(key), community_id=community_id, name=name,
                       created_at=now))
    return key


def check_api_key(session: Session, key: str | None, community_id: str) -> None:
    """An Open311 POST carries a key good for the jurisdiction it posts to."""
    row = session.get(ApiKey, hash_secret(key)) if key else None
    if row is None or row.community_id != community_id:
        raise DomainError("api_key", "api_key 无效或不属于该辖区",
                          "api_key is missing, invalid or not for this jurisdiction", status=403)
