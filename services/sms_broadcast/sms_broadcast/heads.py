"""The heads appointed in the volunteer grid, received here (the one place heads are appointed
is the volunteer grid; docs: this service's README, "Heads come from the volunteer grid").

The queue ``minzi.program.sms_broadcast.grid`` (a quorum queue, like the case queue) is bound
to ``volunteer_grid.head_appointed`` and ``volunteer_grid.head_vacated``. Each event is handled
once (the inbox), retried and then parked when it fails, like a case; one from any bus user
but the volunteer grid's (``VOLUNTEER_GRID_BUS_USER``) is parked unread outside development.

Binding another program's routing keys needs the bus to allow it (topic read on ``minzi`` for
those keys): the binding is made apart from consuming, so a bus that refuses it leaves this
service running with an error in its log that names the permission, rather than stopping it.
"""
import logging

from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection, Queue

from minzi.bus import minzi_exchange
from minzi.consumer import ReliableConsumer
from minzi.contract import kept_queue_arguments
from minzi.trust import UntrustedSender, development

_log = logging.getLogger(__name__)

QUEUE = "minzi.program.sms_broadcast.grid"
KEYS = ("volunteer_grid.head_appointed", "volunteer_grid.head_vacated")
GRID_USER = "volunteer_grid"


def grid_queue() -> Queue:
    return Queue(QUEUE, durable=True, queue_arguments=kept_queue_arguments())


def bind(amqp_uri: str) -> bool:  # pragma: no mutate (runs against the broker only)
    """Declare the queue and bind it to the volunteer grid's events; False when the bus does
    not allow it."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue = grid_queue()(channel)
        queue.declare()
        exchange = minzi_exchange()(channel)
        exchange.declare()
        try:
            for key in KEYS:
                queue.bind_to(exchange=exchange, routing_key=key)
        except (AccessRefused, NotAllowed) as exc:
            _log.error("the bus does not let sms_broadcast bind %s (%s): heads appointed in "
                       "the volunteer grid will not reach the SMS broadcasts until its topic "
                       "read permission on minzi includes them", ", ".join(KEYS), exc)
            return False
    return True


def require_grid(sender: str | None, config: dict) -> None:
    expected = str(config.get("VOLUNTEER_GRID_BUS_USER") or GRID_USER)
    if sender != expected and not development(config):
        raise UntrustedSender("volunteer_grid.head_appointed", sender, expected)


class GridEvents(ReliableConsumer):  # pragma: no mutate block (an entrypoint: service tests)
    """Consumes ``minzi.program.sms_broadcast.grid``, bound in ``start``."""

    def __init__(self, **kwargs):
        super().__init__(grid_queue(), **kwargs)

    def start(self):
        bind(self.container.config["AMQP_URI"])
        super().start()


grid_events = GridEvents.decorator
