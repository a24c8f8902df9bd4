"""Moving an installation's queues from classic to quorum (``minzi-ops queues-to-quorum``).

The queues that carry cases, reports and heartbeats, and their retry and parking queues, are
quorum queues (``minzi.contract.kept_queue_arguments``). RabbitMQ cannot change a queue's type,
and refuses to declare a queue again with another: an installation that began with classic
queues moves each once, with every service stopped, so nothing is consumed or published to it
meanwhile. For each classic queue: its messages go to a quorum queue beside it
(``<queue>.moving``), the classic queue is deleted and declared again as a quorum queue with
its arguments and bindings, and the messages come back in their order. Every message is
confirmed by the broker where it goes before it is taken from where it was: a move that stops
half-way loses nothing, and running it again finishes it.

Messages keep who sent them (``user_id``): run it as a broker user with the ``impersonator``
tag (the suite's administrator, or ``minzi-ops``'s user with rights on the queues), or, in
development, as the one user every service shares."""
import re
from urllib.parse import quote

import requests
from kombu import Connection, Exchange, Queue

from .bus import ConfirmingPublisher

QUORUM = {"x-queue-type": "quorum"}
MOVING = ".moving"
# the contract's queues that carry cases, reports and heartbeats, and their retry and parked ones
KEPT = re.compile(r"^minzi\.(program\.[a-z][a-z0-9_]*\.cases|intake\.(programs|reports|"
                  r"submissions))(\.parked|\.retry\.\d+)?(\.moving)?$")


class InUse(Exception):
    """A service still consumes these queues: every service is to be stopped first."""

    def __init__(self, names: list[str]):
        super().__init__("still consumed: " + ", ".join(names))
        self.names = names


def _management(management_url: str, path: str) -> list | dict:
    from .ops import management_base
    base, auth = management_base(management_url)
    response = requests.get(f"{base}/api/{path}", auth=auth, timeout=10)
    response.raise_for_status()
    return response.json()


def classic_queues(management_url: str, vhost: str) -> list[dict]:
    """The contract's queues on ``vhost`` that are still classic (each with its arguments)."""
    queues = _management(management_url, f"queues/{quote(vhost, safe='')}")
    return [q for q in queues if KEPT.match(q["name"]) and not q["name"].endswith(MOVING)
            and q.get("type", "classic") == "classic"]


def _bindings(management_url: str, vhost: str, name: str) -> list[dict]:
    found = _management(management_url,
                        f"queues/{quote(vhost, safe='')}/{quote(name, safe='')}/bindings")
    return [b for b in found if b["source"]]   # not the default exchange's own binding


def _move(connection: Connection, publisher: ConfirmingPublisher, source: str,
          target: str) -> int:
    """Every message of ``source`` onto ``target`` (already declared), in order; each taken off
    ``source`` only once the broker confirmed it on ``target``."""
    moved = 0
    queue = Queue(source)(connection.channel())
    while True:
        message = queue.get(no_ack=False)
        if message is None:
            return moved
        properties = {k: message.properties[k] for k in
                      ("message_id", "correlation_id", "user_id", "content_type",
                       "content_encoding") if message.properties.get(k)}
        publisher.publish(message.body, target, exchange="", headers=dict(message.headers or {}),
                          **properties)
        message.ack()
        moved += 1


def _finish_left_moves(management_url: str, connection: Connection,
                       publisher: ConfirmingPublisher, vhost: str) -> list[tuple[str, int]]:
    """A move that stopped after its queue became quorum: its messages go home."""
    queues = _management(management_url, f"queues/{quote(vhost, safe='')}")
    names = {q["name"]: q for q in queues}
    finished = []
    for name in names:
        home = name[:-len(MOVING)]
        if name.endswith(MOVING) and KEPT.match(name) and \
                names.get(home, {}).get("type") == "quorum":
            finished.append((home, _move(connection, publisher, name, home)))
            Queue(name)(connection.channel()).delete()
    return finished


def queues_to_quorum(management_url: str, amqp_uri: str, vhost: str) -> list[tuple[str, int]]:
    """Move every classic queue of the contract on ``vhost`` to a quorum queue of the same name,
    arguments and bindings; returns (queue, messages moved) for each."""
    waiting = classic_queues(management_url, vhost)
    with Connection(amqp_uri) as connection:   # the broker's own count, not the statistics'
        channel = connection.channel()
        consumed = [q["name"] for q in waiting
                    if Queue(q["name"])(channel).queue_declare(passive=True).consumer_count]
    if consumed:
        raise InUse(consumed)
    done = []
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        with Connection(amqp_uri) as connection:
            for found in waiting:
                name = found["name"]
                arguments = {**(found.get("arguments") or {}), **QUORUM}
                bindings = _bindings(management_url, vhost, name)
                holding = Queue(name + MOVING, durable=True, queue_arguments=QUORUM)
                holding(connection.channel()).declare()
                moved = _move(connection, publisher, name, holding.name)
                Queue(name)(connection.channel()).delete()
                quorum = Queue(name, durable=True, queue_arguments=arguments)
                channel = connection.channel()
                quorum(channel).declare()
                for binding in bindings:
                    quorum(channel).bind_to(Exchange(binding["source"]),
                                            routing_key=binding["routing_key"])
                _move(connection, publisher, holding.name, name)
                holding(connection.channel()).delete()
                done.append((name, moved))
            done += _finish_left_moves(management_url, connection, publisher, vhost)
    finally:
        publisher.close()
    return done
