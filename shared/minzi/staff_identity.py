"""Who is calling a staff API over RPC, in the gateway's signed word.

Anything on the bus could put a made-up administrator in a request, so a service does not believe
a ``staff`` field. The gateway, having checked the staff member's token with intake, signs a
short-lived statement of who they are for the one service the request goes to (an EdDSA JSON
Web Token, Ed25519, with PyJWT); the service checks it with the gateway's public key and
refuses a request whose statement is missing, forged, expired or made for another service.

Keys: the gateway holds ``STAFF_SIGNING_KEY`` (an Ed25519 private key, PEM), every service
``STAFF_VERIFY_KEY`` (its public key, PEM); ``minzi-ops keys`` makes a pair. In development both
default to a key pair everyone can derive, which a service outside development refuses.
"""
import functools
import hashlib
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .api import DomainError
from .trust import development

ALGORITHM = "EdDSA"
# a PEM key read once, not at every request (PyJWT reads a PEM it is given each time it signs)
_key = functools.lru_cache(maxsize=16)(jwt.algorithms.get_default_algorithms()[ALGORITHM]
                                       .prepare_key)
ISSUER = "minzi-gateway"
LIFETIME_SECONDS = 60
# known to everyone: good for development only, refused elsewhere
_DEVELOPMENT_KEY = Ed25519PrivateKey.from_private_bytes(
    hashlib.sha256(b"minzi development staff key - never in production").digest())


class UnprovenStaff(DomainError):
    status = 401

    def __init__(self, why: str):
        super().__init__("unproven_staff", "无法确认调用者的身份，请经网关登录后再试",
                         f"Who is calling could not be proven ({why}): call through the gateway",
                         status=401)


def _pem_private(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _pem_public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


DEVELOPMENT_SIGNING_KEY = _pem_private(_DEVELOPMENT_KEY)
DEVELOPMENT_VERIFY_KEY = _pem_public(_DEVELOPMENT_KEY)


def new_key_pair() -> tuple[str, str]:
    """(signing key, verify key), PEM."""
    key = Ed25519PrivateKey.generate()
    return _pem_private(key), _pem_public(key)


def _configured(config: dict, name: str, development_value: str) -> str:
    value = str(config.get(name) or "").replace("\\n", "\n").strip()
    if not value:
        if development(config):
            return development_value
        raise RuntimeError(f"{name} is not set: outside development every service needs the "
                           "gateway's key (minzi-ops keys makes a pair)")
    if value == development_value.strip() and not development(config):
        raise RuntimeError(f"{name} is the development key, which everyone knows: set the "
                           "station's own (minzi-ops keys)")
    return value


def signing_key(config: dict) -> str:
    return _configured(config, "STAFF_SIGNING_KEY", DEVELOPMENT_SIGNING_KEY)


def verify_key(config: dict) -> str:
    return _configured(config, "STAFF_VERIFY_KEY", DEVELOPMENT_VERIFY_KEY)


def sign(staff: dict, audience: str, key: str, now: float | None = None) -> str:
    """The gateway's statement that ``staff`` is calling ``audience`` (a service name)."""
    issued = int(now if now is not None else time.time())
    return jwt.encode({"iss": ISSUER, "aud": audience, "iat": issued,
                       "exp": issued + LIFETIME_SECONDS, "staff": staff}, _key(key),
                      algorithm=ALGORITHM)


def verify(statement: str | None, audience: str, key: str) -> dict:
    """The staff member the gateway vouches for, or ``UnprovenStaff``."""
    if not statement:
        raise UnprovenStaff("no statement")
    try:
        claims = jwt.decode(statement, _key(key), algorithms=[ALGORITHM], audience=audience,
                            issuer=ISSUER, options={"require": ["exp", "aud", "iss"]})
    except jwt.InvalidTokenError as exc:
        raise UnprovenStaff(type(exc).__name__) from None
    staff = claims.get("staff")
    if not isinstance(staff, dict):
        raise UnprovenStaff("no staff in the statement")
    return staff


def staff_of(request: dict, audience: str, key: str) -> dict | None:
    """The staff member behind an API request: ``None`` for a public request (no statement),
    the proven staff member, or ``UnprovenStaff``. A ``staff`` field in the request itself is
    never believed."""
    statement = request.get("staff_assertion")
    if statement is None:
        return None
    return verify(statement, audience, key)


def dispatch_proven(router, request: dict, *, audience: str, config: dict,
                    service: object) -> dict:
    """``router.dispatch`` with ``staff`` set to who the gateway's statement proves (``None``
    for a public request); an unproven statement is answered 401 and reaches no route."""
    lang = "en" if request.get("lang") == "en" else "zh"
    try:
        staff = staff_of(request, audience, verify_key(config))
    except UnprovenStaff as exc:
        return {"status": exc.status, "body": exc.to_body(lang)}
    return router.dispatch({**request, "staff": staff}, service=service)
