"""``minzi-ops``: what ops need from the queues.

    minzi-ops queues                      depth, ready/unacked and consumers of every Minzi queue
    minzi-ops alerts                      what calls for attention: parked messages, a queue no
                                          service consumes, a backlog
    minzi-ops parked                      messages that failed every retry, with their errors
    minzi-ops replay QUEUE [--event-id ID]  send parked messages back to QUEUE to be handled again
    minzi-ops discard QUEUE (--event-id ID | --all) --reason WHY [--by WHO]
                                          take parked messages that can never succeed off QUEUE;
                                          each goes on the record with who, when and why
    minzi-ops remove-queues PROGRAM --reason WHY [--by WHO]
                                          remove the queues of a program that is gone; what they
                                          still held goes on the record, and so does the removal
    minzi-ops record                      what was discarded and removed: who, when, why, what
    minzi-ops keys                        a key pair for the gateway's signed staff statements
    minzi-ops bus-setup USER...           the station's own RabbitMQ users and their permissions
    minzi-ops queues-to-quorum            move classic queues of an installation of before to
                                          quorum queues, every message kept (services stopped)

Reads RabbitMQ's management API (``RABBIT_MANAGEMENT_URL``, default http://guest:guest@127.0.0.1:15672)
and the broker itself (``AMQP_URI``). The record is the queue ``minzi.ops.record``: nothing
consumes it, and nothing on it expires.
"""
import argparse
import getpass
import json
import os
import re
import socket
import sys
import time
from collections.abc import Callable
from urllib.parse import quote, unquote, urlparse

import requests
from amqp.exceptions import AccessRefused, NotFound, PreconditionFailed
from kombu import Connection, Queue

from . import trust
from .bus import ConfirmingPublisher, minzi_exchange
from .consumer import ATTEMPTS_HEADER, ERROR_HEADER, PARKED_AT_HEADER, QUEUE_HEADER, parked_queue
from .envelope import isoformat, utcnow
from .trust import SENDER_HEADER

DEFAULT_MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_BACKLOG_ALERT = 100
RECORD_QUEUE = "minzi.ops.record"
PARKED = ".parked"


class UnknownName(LookupError):
    """A queue, message or program ``minzi-ops`` does not find; ``known`` are those it does."""

    def __init__(self, what: str, name: str, known: list[str]):
        super().__init__(f"{what} {name!r}")
        self.what, self.name, self.known = what, name, known


class InUse(RuntimeError):
    """A program's queue still has a consumer: the program is running."""


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
        # per second, over RabbitMQ's last sampling interval (0 for a queue nothing went
        # through lately: the management API then gives no message_stats)
        "publish_rate": _rate(q, "publish_details"),
        "deliver_rate": _rate(q, "deliver_get_details"),
        "ack_rate": _rate(q, "ack_details"),
    } for q in response.json() if q["name"].startswith("minzi.")]


def _rate(queue: dict, details: str) -> float:
    return float(((queue.get("message_stats") or {}).get(details) or {}).get("rate") or 0.0)


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


def is_work_queue(name: str) -> bool:
    """A queue some service consumes (not a retry delay, a parking lot or the ops record)."""
    return not name.endswith(PARKED) and ".retry." not in name and name != RECORD_QUEUE


def alerts(queues: list[dict], backlog_threshold: int, lang: str | None = None) -> list[dict]:
    """What calls for attention: parked messages, a queue no service consumes (a service is down,
    or a program gone: ``remove-queues``), a backlog over ``backlog_threshold``. Each ``message``
    in ``lang`` ("zh" or "en"), or in both for a terminal."""
    def say(zh: str, en: str) -> str:
        return {"zh": zh, "en": en}.get(lang or "", f"{zh} / {en}")
    found = []
    for queue in queues:
        if queue["name"].endswith(PARKED) and queue["messages"]:
            found.append({"queue": queue["name"], "alert": "parked_messages", "message": say(
                f"{queue['messages']} 条消息处理失败，等待处理",
                f"Failed messages parked: {queue['messages']}")})
        elif is_work_queue(queue["name"]) and queue["consumers"] == 0 and \
                not queue["name"].endswith(".discover"):
            found.append({"queue": queue["name"], "alert": "no_consumer", "message": say(
                "没有服务在消费此队列", "No service consumes this queue")})
        elif is_work_queue(queue["name"]) and queue["ready"] > backlog_threshold:
            found.append({"queue": queue["name"], "alert": "backlog", "message": say(
                f"积压 {queue['ready']} 条", f"A backlog of {queue['ready']}")})
    return found


def _body(message) -> object:
    """A message's body as JSON when it is JSON, else as text (an unreadable message too)."""
    text = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) \
        else str(message.body)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _event_id(body: object) -> str | None:
    return body.get("event_id") if isinstance(body, dict) else None


def _take_parked(amqp_uri: str, queue_name: str, event_id: str | None,
                 act: Callable[[object], None]) -> tuple[int, list[str]]:
    """``act`` on each message parked on ``queue_name`` now (the one ``event_id`` names, or
    every one), then take it off; the others stay, in their order. How many were taken, and the
    event ids of all that were there. Raises ``NotFound`` when nothing was ever parked there."""
    taken, seen = 0, []
    with Connection(amqp_uri) as connection:
        bound = parked_queue(queue_name)(connection.channel())
        # only what is parked now: a replayed message that fails again is parked again behind
        # these, and must not be picked up by this same pass
        waiting = bound.queue_declare(passive=True).message_count
        kept = []
        for _ in range(waiting):
            message = bound.get(no_ack=False)
            if message is None:
                break
            found = _event_id(_body(message))
            seen.append(found or "")
            if event_id and found != event_id:
                kept.append(message)  # left unacked: it returns to the parked queue below
                continue
            act(message)
            message.ack()
            taken += 1
        for message in kept:
            message.requeue()
    return taken, seen


def _sender_back(publisher: ConfirmingPublisher, queue_name: str) -> Callable[[object], None]:
    """A parked message sent back to the queue it failed on, as it was first sent."""
    def send_back(message) -> None:
        # the consumer's own note of who first sent it stays, and so does the user that
        # parked it (ops' user may speak for others: RabbitMQ's impersonator tag)
        headers = {k: v for k, v in (message.headers or {}).items()
                   if not k.startswith("x-minzi-") or k == SENDER_HEADER}
        sender = message.properties.get("user_id")
        publisher.publish(message.body, queue_name, exchange="", headers=headers,
                          content_type=message.content_type,
                          content_encoding=message.content_encoding,
                          **({"user_id": sender} if sender else {}))
    return send_back


def replay_parked(amqp_uri: str, queue_name: str,
                  event_id: str | None = None) -> tuple[int, list[str]]:
    """Move parked messages of ``queue_name`` back onto it: how many were moved, and the event
    ids that were parked there. Raises ``NotFound`` when nothing was ever parked there."""
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        return _take_parked(amqp_uri, queue_name, event_id,
                            _sender_back(publisher, queue_name))
    finally:
        publisher.close()


def replay(amqp_uri: str, queue_name: str, event_id: str | None = None) -> int:
    """Move parked messages of ``queue_name`` back onto it; returns how many were moved."""
    try:
        return replay_parked(amqp_uri, queue_name, event_id)[0]
    except NotFound:
        return 0      # nothing was ever parked there


def record_queue() -> Queue:
    return Queue(RECORD_QUEUE, durable=True)


class Record:
    """The ops record: one message on ``minzi.ops.record`` for each thing ops took away, with who
    did it, when and why, confirmed by the broker before the thing is taken away."""

    def __init__(self, amqp_uri: str, by: str, reason: str):
        if not by.strip() or not reason.strip():
            raise ValueError("who and why are required")
        self.by, self.reason, self.at = by.strip(), reason.strip(), isoformat(utcnow())
        self.publisher = ConfirmingPublisher(amqp_uri)
        self.publisher.declare(record_queue())

    def write(self, action: str, **entry: object) -> None:
        self.publisher.publish({"action": action, "by": self.by, "at": self.at,
                                "reason": self.reason, **entry}, RECORD_QUEUE, exchange="")

    def message(self, action: str, queue: str, message, **entry: object) -> None:
        """A message taken off ``queue``, as it was: body, headers, who sent it."""
        headers = dict(message.headers or {})
        body = _body(message)
        self.write(action, queue=headers.get(QUEUE_HEADER, queue), taken_from=queue,
                   event_id=_event_id(body), error=headers.get(ERROR_HEADER),
                   parked_at=headers.get(PARKED_AT_HEADER),
                   sender=message.properties.get("user_id"), headers=headers, body=body, **entry)

    def close(self) -> None:
        self.publisher.close()


def discard(amqp_uri: str, queue_name: str, by: str, reason: str,
            event_id: str | None = None) -> tuple[int, list[str]]:
    """Take parked messages of ``queue_name`` that can never succeed off its parking lot: the one
    ``event_id`` names, or every one. Each goes on the record first, with ``by``, the moment and
    ``reason``. How many were discarded, and the event ids that were parked there. Raises
    ``NotFound`` when nothing was ever parked there."""
    record = Record(amqp_uri, by, reason)
    try:
        return _take_parked(amqp_uri, queue_name, event_id, lambda message: record.message(
            "discarded", queue_name + PARKED, message))
    finally:
        record.close()


def read_record(management_url: str, vhost: str = "/", limit: int = 10000) -> list[dict]:
    """The record, oldest first, read without taking anything off it."""
    base, auth = management_base(management_url)
    response = requests.post(
        f"{base}/api/queues/{quote(vhost, safe='')}/{quote(RECORD_QUEUE, safe='')}/get",
        auth=auth, timeout=30, json={"count": limit, "ackmode": "ack_requeue_true",
                                     "encoding": "auto"})
    if response.status_code == 404:
        return []     # nothing was ever recorded
    response.raise_for_status()
    return [json.loads(message["payload"]) for message in response.json()]


PROGRAM_QUEUE = re.compile(r"^minzi\.program\.([a-z][a-z0-9_]*)\.")


def programs_with_queues(queues: list[dict]) -> list[str]:
    return sorted({m.group(1) for q in queues if (m := PROGRAM_QUEUE.match(q["name"]))})


def remove_program_queues(management_url: str, amqp_uri: str, program_id: str, by: str,
                          reason: str) -> dict:
    """Remove the queues of a program that is gone (``minzi.program.<id>.*``: its cases, retry and
    parked queues), so that no alert stays for them. Refused while any has a consumer. A message
    still on one goes on the record first, like a discarded one; then the removal itself."""
    queues = list_queues(management_url, vhost_of(amqp_uri))
    names = [q["name"] for q in queues if q["name"].startswith(f"minzi.program.{program_id}.")]
    if not names:
        raise UnknownName("program", program_id, programs_with_queues(queues))
    # retry queues first: what waits there would come back to the cases queue once removed
    names.sort(key=lambda name: (".retry." not in name, not name.endswith(PARKED), name))
    record = Record(amqp_uri, by, reason)
    recorded = 0
    try:
        with Connection(amqp_uri) as connection:
            channel = connection.channel()
            present = []
            for name in names:        # the broker's own count, not the management API's
                try:
                    state = Queue(name)(channel).queue_declare(passive=True)
                except NotFound:      # gone meanwhile (an auto-delete queue)
                    channel = connection.channel()
                    continue
                if state.consumer_count:
                    raise InUse(name)
                present.append(name)
            for name in present:
                bound = Queue(name)(channel)
                if name == f"minzi.program.{program_id}.cases":   # nothing more arrives
                    bound.unbind_from(minzi_exchange(), routing_key=f"case.*.{program_id}")
                for _ in range(bound.queue_declare(passive=True).message_count):
                    message = bound.get(no_ack=False)
                    if message is None:
                        break
                    record.message("discarded", name, message, with_queues_of=program_id)
                    message.ack()
                    recorded += 1
                # unbound and drained, with no consumer (counted above; a quorum queue cannot be
                # asked to be deleted only if unused or empty)
                channel.queue_delete(name)
        names = present
        record.write("queues_removed", program_id=program_id, queues=names,
                     messages_recorded=recorded)
    finally:
        record.close()
    return {"program_id": program_id, "queues": names, "messages_recorded": recorded}


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


def await_management(management_url: str, seconds: float) -> None:
    """Wait (up to ``seconds``) for RabbitMQ's management API: a broker that answers AMQP
    pings starts its management plugin a few seconds later, and bus-setup runs once at start.
    Still unreachable then, the last ``requests.ConnectionError`` is raised."""
    base, auth = management_base(management_url)
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(f"{base}/api/overview", auth=auth, timeout=5)
            return
        except requests.ConnectionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(1)


def bus_setup(users: list[str], env: dict, vhost: str = "/") -> int:
    """The station's own users: intake, the gateway, ops and its built-in programs, each with
    the password ``BUS_PASSWORD_<USER>`` (``minzi-ops`` -> ``BUS_PASSWORD_MINZI_OPS``). They
    may use the management API's read-only views for their own health checks."""
    management = env.get("RABBIT_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL)
    await_management(management, float(env.get("BUS_SETUP_WAIT_SECONDS") or 120))
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


def who_am_i() -> str:
    """Who ``--by`` names when not given: the user at this machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="minzi-ops", description="Minzi queues for ops",
        epilog="RABBIT_MANAGEMENT_URL (default http://guest:guest@127.0.0.1:15672) and AMQP_URI "
               "(default amqp://guest:guest@127.0.0.1:5672//) name RabbitMQ.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("queues", help="every Minzi queue with its depth and consumers")
    alerts_parser = sub.add_parser("alerts", help="parked messages, queues no service consumes, "
                                                  "backlogs")
    alerts_parser.add_argument("--backlog", type=int, help="messages ready before a queue is a "
                               "backlog (default BACKLOG_ALERT_MESSAGES, else 100)")
    sub.add_parser("parked", help="messages that failed every retry")
    replay_parser = sub.add_parser("replay", help="send parked messages back to their queue")
    replay_parser.add_argument("queue", help="the queue the messages failed on")
    replay_parser.add_argument("--event-id", help="only this message")
    discard_parser = sub.add_parser(
        "discard", help="take parked messages that can never succeed off their parking lot, "
                        "on the record (who, when, why)")
    discard_parser.add_argument("queue", help="the queue the messages failed on")
    which = discard_parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--event-id", help="this message")
    which.add_argument("--all", action="store_true", help="every message parked there now")
    discard_parser.add_argument("--reason", required=True, help="why it can never succeed")
    discard_parser.add_argument("--by", help="who decided (default: user@host)")
    remove_parser = sub.add_parser(
        "remove-queues", help="remove the queues of a program that is gone, on the record "
                              "(what they held is kept there too)")
    remove_parser.add_argument("program_id", help="the program, e.g. hotline")
    remove_parser.add_argument("--reason", required=True, help="why, e.g. the program ended")
    remove_parser.add_argument("--by", help="who decided (default: user@host)")
    sub.add_parser("record", help="what was discarded or removed: who, when, why, what")
    sub.add_parser("queues-to-quorum", help="move the classic queues of an installation of "
                                            "before to quorum queues (stop every service first)")
    sub.add_parser("keys", help="a new key pair for the gateway's signed staff statements, "
                                "as .env lines")
    setup_parser = sub.add_parser(
        "bus-setup", help="make the station's own RabbitMQ users with the contract's permissions "
                          "(passwords from BUS_PASSWORD_<USER>; RABBIT_MANAGEMENT_URL an admin)")
    setup_parser.add_argument("users", nargs="+", help="intake, gateway, minzi-ops, program ids")
    setup_parser.add_argument("--vhost", default="/")
    return top


ALERT_HINTS = {
    "parked_messages": "minzi-ops parked; 修复后 / after a fix: minzi-ops replay <queue>; "
                       "永远不会成功的 / never to succeed: minzi-ops discard <queue> "
                       "--event-id <id> --reason <why>",
    "no_consumer": "启动该服务 / start the service; 已停办的项目 / a program that is gone: "
                   "minzi-ops remove-queues <program> --reason <why>",
    "backlog": "多运行几个该服务 / run more copies of the service",
}


def say(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr)


def parked_queue_names(management_url: str, vhost: str) -> list[str]:
    """The queues that have a parking lot (whether anything is parked there now or not)."""
    try:
        return sorted(q["name"][:-len(PARKED)] for q in list_queues(management_url, vhost)
                      if q["name"].endswith(PARKED))
    except requests.RequestException:
        return []


def no_parked_queue(queue: str, management_url: str, vhost: str) -> int:
    known = parked_queue_names(management_url, vhost)
    say(f"minzi-ops: 队列「{queue}」没有失败消息 / nothing was ever parked for queue '{queue}'",
        "有失败消息停放的队列 / queues with a parking lot: " + (", ".join(known) or "(none)"))
    return 2


def not_parked_there(queue: str, event_id: str, seen: list[str]) -> int:
    say(f"minzi-ops: {queue} 没有这条失败消息 / no parked message {event_id} on {queue}",
        "停放在此的消息 / parked there: " + (", ".join(i or "(no event_id)" for i in seen)
                                            or "(none)"))
    return 2


def run(args: argparse.Namespace, env: dict) -> int:
    if args.command == "keys":
        from .staff_identity import new_key_pair
        signing, verify = new_key_pair()
        # one line each, \n for a line break, as a .env file or a shell takes them
        print("STAFF_SIGNING_KEY='" + signing.strip().replace("\n", "\\n") + "'")  # the gateway's
        print("STAFF_VERIFY_KEY='" + verify.strip().replace("\n", "\\n") + "'")    # every other
        return 0
    if args.command == "bus-setup":
        return bus_setup(args.users, env, args.vhost)
    management = env.get("RABBIT_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL)
    amqp_uri = env.get("AMQP_URI", DEFAULT_AMQP_URI)
    vhost = vhost_of(amqp_uri)
    queue = getattr(args, "queue", None)
    if queue and queue.endswith(PARKED):   # the parking lot named for the queue it serves
        queue = queue[:-len(PARKED)]
    if args.command == "queues-to-quorum":
        from . import quorum
        try:
            moved = quorum.queues_to_quorum(management, amqp_uri, vhost)
        except quorum.InUse as exc:
            say("minzi-ops: 以下队列仍有服务在消费，请先停止所有服务 / still consumed, stop every "
                "service first: " + ", ".join(exc.names))
            return 2
        for name, count in moved:
            print(f"{name}: quorum, {count} messages moved")
        if not moved:
            print("minzi-ops: 没有需要迁移的经典队列 / no classic queue left to move")
        return 0
    if args.command == "queues":
        queues = list_queues(management, vhost)
        print(f"{'queue':60} {'ready':>7} {'unacked':>8} {'consumers':>9}")
        for q in queues:
            print(f"{q['name']:60} {q['ready']:>7} {q['unacked']:>8} {q['consumers']:>9}")
    elif args.command == "alerts":
        threshold = args.backlog if args.backlog is not None else \
            int(env.get("BACKLOG_ALERT_MESSAGES") or DEFAULT_BACKLOG_ALERT)
        found = alerts(list_queues(management, vhost), threshold)
        for alert in found:
            print(f"{alert['queue']:50} {alert['alert']:16} {alert['message']}")
        for kind in dict.fromkeys(alert["alert"] for alert in found):
            print(f"{kind}: {ALERT_HINTS[kind]}")
        if not found:
            print("没有告警 / no alerts")
    elif args.command == "parked":
        for item in list_parked(management, vhost):
            print(json.dumps(item, ensure_ascii=False))
    elif args.command == "record":
        for entry in read_record(management, vhost):
            print(json.dumps(entry, ensure_ascii=False))
    elif args.command == "replay":
        try:
            moved, seen = replay_parked(amqp_uri, queue, args.event_id)
        except NotFound:
            return no_parked_queue(queue, management, vhost)
        if args.event_id and not moved:
            return not_parked_there(queue, args.event_id, seen)
        print(f"{moved} message(s) sent back to {queue}")
    elif args.command == "discard":
        try:
            discarded, seen = discard(amqp_uri, queue, args.by or who_am_i(), args.reason,
                                      args.event_id)
        except NotFound:
            return no_parked_queue(queue, management, vhost)
        if args.event_id and not discarded:
            return not_parked_there(queue, args.event_id, seen)
        print(f"已丢弃 {discarded} 条，已记录 / {discarded} message(s) discarded from {queue}, "
              "on the record (minzi-ops record)")
    elif args.command == "remove-queues":
        try:
            removed = remove_program_queues(management, amqp_uri, args.program_id,
                                            args.by or who_am_i(), args.reason)
        except UnknownName as exc:
            say(f"minzi-ops: 没有项目「{exc.name}」的队列 / no queues of program '{exc.name}'",
                "有队列的项目 / programs with queues: " + (", ".join(exc.known) or "(none)"))
            return 2
        except InUse as exc:
            say(f"minzi-ops: {exc} 仍有服务在消费，项目还在运行 / still has a consumer: "
                f"{args.program_id} is running; stop it first. Nothing was removed.")
            return 1
        except PreconditionFailed:
            say("minzi-ops: 移除时有新消息到达或服务连上了，请再运行一次 / a message or a consumer "
                "arrived meanwhile: run it again (what was taken is on the record)")
            return 1
        print(f"已移除 / removed: {', '.join(removed['queues'])}; "
              f"{removed['messages_recorded']} message(s) they held are on the record "
              "(minzi-ops record)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    env = os.environ
    try:
        return run(args, env)
    except requests.ConnectionError:
        base = management_base(env.get("RABBIT_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL))[0]
        say(f"minzi-ops: 连不上 RabbitMQ 管理接口 / cannot reach RabbitMQ's management API at "
            f"{base} (RABBIT_MANAGEMENT_URL; the rabbitmq_management plugin must be on)")
    except requests.HTTPError as exc:
        say(f"minzi-ops: RabbitMQ 管理接口拒绝 / RabbitMQ's management API answered "
            f"{exc.response.status_code} (RABBIT_MANAGEMENT_URL names a user allowed to?)")
    except AccessRefused as exc:
        say(f"minzi-ops: RabbitMQ 拒绝 / RabbitMQ refused: {exc}",
            "AMQP_URI 中的用户没有此权限 / the user AMQP_URI names may not do this (removing "
            "a program's queues needs the administrator)")
    except OSError as exc:
        say(f"minzi-ops: 连不上 RabbitMQ / cannot reach RabbitMQ at AMQP_URI: {exc}")
    except ValueError as exc:
        say(f"minzi-ops: {exc}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
