"""Who is on the bus, and who may say what on it (docs/contract.md, "Identity").

Every service and every program connects to RabbitMQ as a user of its own: intake as ``intake``,
the gateway as ``gateway``, a program as its ``program_id``. Every message Minzi publishes
carries its sender in the ``user_id`` property, which RabbitMQ checks against the connection's
user (a message claiming another user is refused by the broker), so a consumer knows who sent
each message without trusting its body. The permissions below let each user do what the
contract gives its part, and nothing else: a program can publish only its own kinds of message,
bind only its own routing keys and read only its own queues.

In development (``MINZI_ENV=development``) everything may run as one user (``guest``), and
intake takes the first sender that announces a program as its owner; elsewhere a program must be
registered before it is heard.
"""
import os
import re

from kombu import Connection

from .api import DomainError

EXCHANGE = "minzi"
RPC_EXCHANGE = "nameko-rpc"
INTAKE = "intake"
GATEWAY = "gateway"
OPS = "minzi-ops"
# no program may take these names: the station's own users, and the first words of the
# contract's routing keys (a program's own events are "<program_id>.<event>")
RESERVED_USERS = {INTAKE, GATEWAY, OPS, "guest", "case", "program"}
# nameko answers an RPC on the caller's reply queue, bound with a random UUID
REPLY_KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PROGRAM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

# The header a consumer sets when it sends a message on to its own retry or parked queue: the
# original sender, which the broker can no longer vouch for once the consumer republishes it.
SENDER_HEADER = "x-minzi-sender"


class UntrustedSender(DomainError):
    """A message from a sender not allowed to send it: parked at once, for ops to see."""
    status = 403

    def __init__(self, kind: str, sender: str | None, expected: str):
        super().__init__(
            "untrusted_sender",
            f"{kind} 只能由 {expected} 发出，这条来自 {sender or '未署名的连接'}",
            f"{kind} may be sent only by {expected}; this one came from "
            f"{sender or 'an unnamed connection'}")


def development(config: dict | None = None) -> bool:
    value = (config or {}).get("MINZI_ENV") or os.environ.get("MINZI_ENV", "")
    return str(value).strip().lower() in ("development", "dev")


def user_of(amqp_uri: str) -> str:
    """The RabbitMQ user an AMQP URI connects as (kombu's reading, ``guest`` when none)."""
    return Connection(amqp_uri).userid or "guest"


def intake_user(config: dict) -> str:
    return str(config.get("INTAKE_BUS_USER") or INTAKE)


def sender_of(message, own_user: str) -> str | None:
    """Who sent ``message``, as RabbitMQ vouches: its validated ``user_id``. A message that this
    consumer (or ops replaying for it) sent on to its own retry or parked queue names the
    original sender in a header, believed only because the broker says the consumer's own user
    put it there."""
    user_id = (message.properties or {}).get("user_id")
    relayed = (message.headers or {}).get(SENDER_HEADER)
    if user_id == own_user and relayed:
        return str(relayed)
    return user_id


def require_intake(kind: str, sender: str | None, config: dict) -> None:
    """Cases and "announce yourselves" come from intake only."""
    expected = intake_user(config)
    if sender != expected and not development(config):
        raise UntrustedSender(kind, sender, expected)


# -- RabbitMQ permissions (configure, write, read; topic write and read on each exchange) --------

def _names(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


# A program's own events on ``minzi`` ("<program_id>.<event>", docs/contract.md "A program's
# own events"): only the program publishes them, and only the programs named here may bind them.
EVENT = r"\.[a-z][a-z0-9_]{1,60}"
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    # the SMS broadcasts text the grid's heads, who are appointed in the volunteer grid
    "sms_broadcast": ("volunteer_grid.head_appointed", "volunteer_grid.head_vacated"),
}


def program_permissions(program_id: str) -> dict:
    """A program declares, binds and reads only its own queues; publishes on ``minzi`` only its
    announcements, reports, submissions and its own events; hears the events of another only
    where ``SUBSCRIPTIONS`` says; answers RPC calls to itself and nothing else."""
    own = re.escape(f"minzi.program.{program_id}.") + ".*"
    rpc_queue = re.escape(f"rpc-{program_id}")
    return {
        "configure": _names(EXCHANGE, re.escape(RPC_EXCHANGE), own, rpc_queue),
        "write": _names(EXCHANGE, re.escape(RPC_EXCHANGE), "amq\\.default", own, rpc_queue),
        "read": _names(EXCHANGE, re.escape(RPC_EXCHANGE), own, rpc_queue),
        "topics": {
            EXCHANGE: {"write": _names(r"program\.announced", r"program\.withdrawn",
                                       r"case\.reported", r"case\.submitted",
                                       re.escape(program_id) + EVENT),
                       "read": _names(re.escape(f"case.*.{program_id}"),
                                      r"program\.discover",
                                      *(re.escape(key)
                                        for key in SUBSCRIPTIONS.get(program_id, ())))},
            RPC_EXCHANGE: {"write": _names(REPLY_KEY),
                           "read": _names(re.escape(f"{program_id}.*"))},
        },
    }


def intake_permissions() -> dict:
    own = r"minzi\.intake\..*"
    return {
        "configure": _names(EXCHANGE, re.escape(RPC_EXCHANGE), own, "rpc-intake"),
        "write": _names(EXCHANGE, re.escape(RPC_EXCHANGE), "amq\\.default", own, "rpc-intake"),
        "read": _names(EXCHANGE, re.escape(RPC_EXCHANGE), own, "rpc-intake"),
        "topics": {
            EXCHANGE: {"write": _names(r"case\.(dispatched|chased|recalled)\.[a-z0-9_]+",
                                       r"program\.discover"),
                       "read": _names(r"program\.announced", r"program\.withdrawn",
                                      r"case\.reported", r"case\.submitted")},
            RPC_EXCHANGE: {"write": _names(REPLY_KEY), "read": _names(r"intake\.\*")},
        },
    }


def gateway_permissions() -> dict:
    """The gateway only calls: intake's staff API and lookups, and each program's API."""
    replies = r"rpc\.reply-gateway-.*"
    return {
        "configure": _names(re.escape(RPC_EXCHANGE), replies),
        "write": _names(re.escape(RPC_EXCHANGE), replies),
        "read": _names(re.escape(RPC_EXCHANGE), replies),
        "topics": {
            EXCHANGE: {"write": "^$", "read": "^$"},
            RPC_EXCHANGE: {"write": _names(r"intake\.(api|authenticate|log_out|programs|"
                                           r"open311|case_counts|openapi|outbox_state)",
                                           r"[a-z][a-z0-9_]*\.(api|openapi|outbox_state)"),
                           "read": _names(REPLY_KEY)},
        },
    }


def ops_permissions() -> dict:
    """Ops read parked messages and send them back to the queue they failed on, as they were
    (the ``impersonator`` tag keeps each message's sender), or discard them onto the ops record
    (``minzi.ops.record``), which they read."""
    parked = r"minzi\..*\.parked"
    record = r"minzi\.ops\.record"
    return {
        "configure": _names(EXCHANGE, parked, record),   # (its publisher declares the exchange)
        "write": _names("amq\\.default", parked, record),
        "read": _names(parked, record),
        "topics": {EXCHANGE: {"write": "^$", "read": "^$"},
                   RPC_EXCHANGE: {"write": "^$", "read": "^$"}},
        "tags": "monitoring,impersonator",
    }


def permissions_for(user: str) -> dict:
    if user == INTAKE:
        return intake_permissions()
    if user == GATEWAY:
        return gateway_permissions()
    if user == OPS:
        return ops_permissions()
    return program_permissions(user)
