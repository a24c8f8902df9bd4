"""A program's own events (``<program_id>.<event>`` on ``minzi``): only the program publishes
them, and only a program the station lets subscribe hears them — checked against RabbitMQ's own
permissions, with users made as ``minzi-ops bus-setup`` and program registration make them."""
import secrets
import uuid

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Queue

from minzi import trust
from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.envelope import make_envelope
from minzi.ops import grant, revoke

from .test_bus_identity import MANAGEMENT, amqp_uri

pytestmark = pytest.mark.e2e


@pytest.fixture
def three_programs(vhost, monkeypatch):
    """A publisher of events, a subscriber the station lets hear them, and a third program."""
    run = uuid.uuid4().hex[:6]
    grid, texts, other = f"grid_{run}", f"texts_{run}", f"other_{run}"
    monkeypatch.setitem(trust.SUBSCRIPTIONS, texts, (f"{grid}.head_appointed",))
    uris = {}
    for user in (grid, texts, other):
        password = secrets.token_urlsafe(16)
        grant(MANAGEMENT, vhost, user, password, trust.program_permissions(user))
        uris[user] = amqp_uri(vhost, user, password)
    yield grid, texts, other, uris
    for user in (grid, texts, other):
        revoke(MANAGEMENT, user)


def bind(uri, queue_name, routing_key):
    with Connection(uri) as connection:
        Queue(queue_name, exchange=minzi_exchange(), routing_key=routing_key)(
            connection.channel()).declare()


def publish(uri, routing_key):
    publisher = ConfirmingPublisher(uri)
    try:
        publisher.publish(make_envelope(routing_key, {"place": "3号楼"}, source="test"),
                          routing_key)
    finally:
        publisher.close()


def test_only_the_program_publishes_its_events_and_only_its_subscribers_hear_them(
        three_programs):
    grid, texts, other, uris = three_programs
    appointed = f"{grid}.head_appointed"

    # the subscriber binds its own queue to the grid's event, and hears it
    bind(uris[texts], f"minzi.program.{texts}.grid", appointed)
    publish(uris[grid], appointed)
    with Connection(uris[texts]) as connection:
        message = Queue(f"minzi.program.{texts}.grid")(connection.channel()).get(no_ack=True)
    assert message is not None and message.payload["type"] == appointed

    # another program may neither bind the grid's events nor speak as the grid
    with pytest.raises(AccessRefused):
        bind(uris[other], f"minzi.program.{other}.eavesdrop", appointed)
    with pytest.raises(AccessRefused):
        publish(uris[other], appointed)
    # and the grid may not publish in the subscriber's name, nor the contract's own messages
    # as a made-up event
    with pytest.raises(AccessRefused):
        publish(uris[grid], f"{texts}.head_appointed")
    with pytest.raises(AccessRefused):
        publish(uris[grid], "case.dispatched.other")


def test_the_station_lets_the_sms_broadcasts_hear_the_grid_heads():
    heads = pytest.importorskip("sms_broadcast.heads")
    assert set(trust.SUBSCRIPTIONS["sms_broadcast"]) == set(heads.KEYS)


@pytest.mark.parametrize("name", ["case", "program", "intake", "gateway"])
def test_no_program_takes_a_name_of_the_contracts(name):
    assert name in trust.RESERVED_USERS
