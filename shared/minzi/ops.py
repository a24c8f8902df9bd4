"""``minzi-ops``: what ops need from the queues.

    minzi-ops queues                      depth, ready/unacked and consumers of every Minzi queue
    minzi-ops parked                      messages that failed every retry, with their errors
    minzi-ops replay QUEUE [--event-id ID]  send parked messages back to QUEUE to be handled again
    minzi-ops keys                        a key pair for the gateway's signed staff statements
    minzi-ops bus-setup USER...           the station's own RabbitMQ users and their permissions

Reads RabbitMQ's management API (``RABBIT_MANAGEMENT_URL``, default http://guest:guest@127.0.0.1:15672)
and the broker itself (``AMQP_URI``).
"""
import argparse
import json
import os
import sys
from urllib.parse import quote, unquote, urlparse

import requests
from kombu import Connection

from . import trust
from .bus import ConfirmingPublisher
from .consumer import ATTEMPTS_HEADER, ERROR_HEADER, PARKED_AT_HEADER, QUEUE_HEADER, parked_queue
from .trust import SENDER_HEADER

DEFAULT_MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672//"


def management_base(url: str) -> tuple[str, tuple[str, str]]:
    """The management API's base URL and the credentials a URL names."""
    parsed = urlparse(url)
    base = f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 15672}"
    return base, (parsed.username or "guest", parsed.password or "guest")


def vhost_of(amqp_uri: str) -> str:
    """The vhost an AMQP URI names (``%2F`` is ``/``, as the AMQP URI spec and kombu read it)."""
    path = urlparse(amqp_uri).path
    return unquote(path[1:]) if path and path != "/" else "/"


def list_queues(management_url: str, vhost: str = "/") -> list[dict]:
    base, auth = management_base(management_url)
    response = requests.get(f"{base}/api/queues/{quote(vhost, safe='')}", auth=auth, timeout=10)
    response.raise_for_status()
    return [{
        "name": q["name"],
        "messages": q.get("messages", 0),
        "ready": q.get("messages_ready", 0),
        "unacked": q.get("messages_unacknowledged", 0),
        "consumers": q.get("consumers", 0),
        "publish_rate": q.get("message_stats", {}).get("publish_details", {}).get("rate", 0.0),
        "deliver_rate": q.get("message_stats", {}).get("deliver_get_details", {}).get("rate", 0.0),
    } for q in response.json() if q["name"].startswith("minzi.")]


def list_parked(management_url: str, vhost: str = "/", limit: int = 100) -> list[dict]:
    """Parked messages, read without taking them off their queue."""
    base, auth = management_base(management_url)
    parked = []
    for queue in list_queues(management_url, vhost):
        if not queue["name"].endswith(".parked"):  # (its message count in the stats may lag)
            continue
        response = requests.post(
            f"{base}/api/queues/{quote(vhost, safe='')}/{quote(queue['name'], safe='')}/get",
            auth=auth, timeout=10,
            json={"count": limit, "ackmode": "ack_requeue_true", "encoding": "auto"})
        response.raise_for_status()
        for message in response.json():
            headers = message["properties"].get("headers", {})
            try:
                body = json.loads(message["payload"])
            except ValueError:
                body = message["payload"]
            parked.append({
                "queue": headers.get(QUEUE_HEADER, queue["name"][:-len(".parked")]),
                "event_id": body.get("event_id") if isinstance(body, dict) else None,
                "type": body.get("type") if isinstance(body, dict) else None,
                "attempts": headers.get(ATTEMPTS_HEADER),
                "error": headers.get(ERROR_HEADER),
                "parked_at": headers.get(PARKED_AT_HEADER),
                "body": body,
            })
    return parked


def replay(amqp_uri: str, queue_name: str, event_id: str | None = None) -> int:
    """Move parked messages of ``queue_name`` back onto it; returns how many were moved."""
    source = parked_queue(queue_name)
    publisher = ConfirmingPublisher(amqp_uri)
    moved = 0
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        bound = source(channel)
        bound.declare()
        # only what is parked now: a message that fails again is parked again behind these,
        # and must not be picked up by this same replay
        waiting = bound.queue_declare(passive=True).message_count
        kept = []
        for _ in range(waiting):
            message = bound.get(no_ack=False)
            if message is None:
                break
            body = message.payload if message.content_type == "application/json" else None
            if event_id and not (isinstance(body, dict) and body.get("event_id") == event_id):
                kept.append(message)  # left unacked: it returns to the parked queue below
                continue
            # the consumer's own note of who first sent it stays, and so does the user that
            # parked it (ops' user may speak for others: RabbitMQ's impersonator tag)
            headers = {k: v for k, v in (message.headers or {}).items()
                       if not k.startswith("x-minzi-") or k == SENDER_HEADER}
            sender = message.properties.get("user_id")
            publisher.publish(message.body, queue_name, exchange="", headers=headers,
                              content_type=message.content_type,
                              content_encoding=message.content_encoding,
                              **({"user_id": sender} if sender else {}))
            message.ack()
            moved += 1
        for message in kept:
            message.requeue()
    publisher.close()
    return moved


def grant(management_url: str, vhost: str, user: str, password: str,
          permissions: dict | None = None) -> None:
    """Make (or update) ``user`` with ``password`` and its permissions on ``vhost``, through
    RabbitMQ's management API (``management_url`` names an administrator)."""
    base, auth = management_base(management_url)
    permissions = permissions or trust.permissions_for(user)
    name, where = quote(user, safe=""), quote(vhost, safe="")

    def put(path: str, body: dict) -> None:
        requests.put(f"{base}/api/{path}", json=body, auth=auth, timeout=10).raise_for_status()

    put(f"users/{name}", {"password": password, "tags": permissions.get("tags", "")})
    put(f"permissions/{where}/{name}", {k: permissions[k]
                                        for k in ("configure", "write", "read")})
    for exchange, topic in permissions["topics"].items():
        put(f"topic-permissions/{where}/{name}", {"exchange": exchange, **topic})


def revoke(management_url: str, user: str) -> None:
    """Delete ``user``: its connections are closed and it cannot connect again."""
    base, auth = management_base(management_url)
    response = requests.delete(f"{base}/api/users/{quote(user, safe='')}", auth=auth,
                               timeout=10)
    if response.status_code != 404:
        response.raise_for_status()


class BusAccounts:
    """Programs' RabbitMQ users on the vhost a service is on, made and removed through the
    management API (``management_url`` names an administrator)."""

    def __init__(self, management_url: str, amqp_uri: str):
        self.management_url = management_url
        self.vhost = vhost_of(amqp_uri)

    def grant(self, user: str, password: str) -> None:
        grant(self.management_url, self.vhost, user, password)

    def revoke(self, user: str) -> None:
        revoke(self.management_url, user)


def bus_setup(users: list[str], env: dict, vhost: str = "/") -> int:
    """The station's own users: intake, the gateway, ops and its built-in programs, each with
    the password ``BUS_PASSWORD_<USER>`` (``minzi-ops`` -> ``BUS_PASSWORD_MINZI_OPS``). They
    may use the management API's read-only views for their own health checks."""
    management = env.get("RABBIT_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL)
    for user in users:
        variable = "BUS_PASSWORD_" + user.upper().replace("-", "_")
        password = env.get(variable)
        if not password:
            print(f"{variable} is not set", file=sys.stderr)
            return 2
        permissions = trust.permissions_for(user)
        permissions["tags"] = permissions.get("tags") or "management"
        grant(management, vhost, user, password, permissions)
        print(f"{user}: ready on vhost {vhost}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minzi-ops", description="Minzi queues for ops")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("queues", help="every Minzi queue with its depth and consumers")
    sub.add_parser("parked", help="messages that failed every retry")
    sub.add_parser("keys", help="a new key pair for the gateway's signed staff statements, "
                                "as .env lines")
    replay_parser = sub.add_parser("replay", help="send parked messages back to their queue")
    replay_parser.add_argument("queue", help="the queue the messages failed on")
    replay_parser.add_argument("--event-id", help="only this message")
    setup_parser = sub.add_parser(
        "bus-setup", help="make the station's own RabbitMQ users with the contract's permissions "
                          "(passwords from BUS_PASSWORD_<USER>; RABBIT_MANAGEMENT_URL an admin)")
    setup_parser.add_argument("users", nargs="+", help="intake, gateway, minzi-ops, program ids")
    setup_parser.add_argument("--vhost", default="/")
    args = parser.parse_args(argv)

    if args.command == "keys":
        from .staff_identity import new_key_pair
        signing, verify = new_key_pair()
        # one line each, \n for a line break, as a .env file or a shell takes them
        print("STAFF_SIGNING_KEY='" + signing.strip().replace("\n", "\\n") + "'")  # the gateway's
        print("STAFF_VERIFY_KEY='" + verify.strip().replace("\n", "\\n") + "'")    # every other
        return 0
    if args.command == "bus-setup":
        return bus_setup(args.users, os.environ, args.vhost)
    management = os.environ.get("RABBIT_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL)
    amqp_uri = os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)
    if args.command == "queues":
        print(f"{'queue':60} {'ready':>7} {'unacked':>8} {'consumers':>9}")
        for q in list_queues(management, vhost_of(amqp_uri)):
            print(f"{q['name']:60} {q['ready']:>7} {q['unacked']:>8} {q['consumers']:>9}")
    elif args.command == "parked":
        for item in list_parked(management, vhost_of(amqp_uri)):
            print(json.dumps(item, ensure_ascii=False))
    else:
        print(f"{replay(amqp_uri, args.queue, args.event_id)} message(s) sent back to {args.queue}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
