"""``minzi.rpc.rpc``: answers like nameko's own RPC (a result, an error by its type, an unknown
method), over the real broker; its replies go out without the broker's confirm, while the
caller's requests are still confirmed."""
import amqp.channel
import pytest
from nameko.exceptions import MethodNotFound, RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from minzi.rpc import rpc


class Answering:
    name = "answering"

    @rpc
    def double(self, n):
        return 2 * n

    @rpc
    def refuse(self):
        raise ValueError("not this one")


@pytest.fixture
def published(monkeypatch):
    """(routing key, confirmed) of every message this process publishes: the service runs in
    the test's process, so its replies are among them."""
    seen = []
    original = amqp.channel.Channel._basic_publish

    def recording(channel, msg, exchange="", routing_key="", *args, **kwargs):
        seen.append((routing_key, channel._confirm_selected))
        return original(channel, msg, exchange, routing_key, *args, **kwargs)

    monkeypatch.setattr(amqp.channel.Channel, "_basic_publish", recording)
    monkeypatch.setattr(amqp.channel.Channel, "basic_publish", recording)
    return seen


def test_answers_as_nameko_does(container_factory, rabbit_config):
    container_factory(Answering, rabbit_config).start()
    with ServiceRpcProxy("answering", rabbit_config) as answering:
        assert answering.double(21) == 42
        with pytest.raises(RemoteError) as refused:
            answering.refuse()
        assert refused.value.exc_type == "ValueError"
        assert "not this one" in str(refused.value)
        with pytest.raises(MethodNotFound):
            answering.nothing_by_this_name()


def test_replies_are_not_confirmed_requests_are(container_factory, rabbit_config, published):
    container_factory(Answering, rabbit_config).start()
    with ServiceRpcProxy("answering", rabbit_config) as answering:
        assert [answering.double(n) for n in range(3)] == [0, 2, 4]
        with pytest.raises(RemoteError):
            answering.refuse()
    requests = [confirmed for key, confirmed in published if key.startswith("answering.")]
    replies = [confirmed for key, confirmed in published if not key.startswith("answering.")]
    assert requests == [True] * 4
    assert replies == [False] * 4
