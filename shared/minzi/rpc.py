"""nameko's RPC entrypoint, with its replies sent without waiting for the broker's confirm.

Every service's ``@rpc`` methods use this ``rpc`` rather than ``nameko.rpc.rpc``; the calls,
their queues, their requests and the answers' form are nameko's own.

A reply goes to the caller's reply queue, which is the caller's own and lives as long as the
caller's connection (exclusive, not durable). The broker's confirm of a reply would tell the
service only that the broker took it, never that the caller got it (a confirmed reply is lost
just the same when the caller's connection drops), and the service does nothing different
either way. A reply lost on the way is a call that times out: the gateway answers 503 and the
client asks again, with the same ``Idempotency-Key`` where it must not have the change made twice
(intake and the programs find what the first call did). Waiting for the confirm cost a round
trip to the broker on every call (docs/benchmarks.md).

What is confirmed is unchanged: every event leaves the outbox with confirms
(``minzi.bus.ConfirmingPublisher``), and callers publish their requests with confirms (nameko's
``ServiceProxy``), so that a request the broker did not take is an error at once. The gateway's
requests are transient: nobody waits for one past a restart of the broker (gateway/service.py).
"""
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange


class ReplyPublisher(Publisher):
    use_confirms = False


class ReplyResponder(Responder):
    publisher_cls = ReplyPublisher


class ReplyingRpcConsumer(RpcConsumer):
    """nameko's ``RpcConsumer``, answering through ``ReplyResponder``."""

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = ReplyResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class ReplyingRpc(Rpc):
    rpc_consumer = ReplyingRpcConsumer()


rpc = ReplyingRpc.decorator
