"""A Minzi program written from docs/contract.md alone: plain kombu, the standard library, JSON.

It imports nothing of Minzi's. It declares the `minzi` exchange and its two queues, announces
itself with a manifest (and again every heartbeat), answers `program.discover`, takes
`case.dispatched.<program_id>` with manual acks (acting once per `event_id`), reports `accepted`
and, with --auto-resolve, `resolved` with a result and a reply, and withdraws on SIGTERM.

Every message it receives on its cases queue is written as one JSON line to --record (its only
"database"): type, event_id, case_id, tracking_code, community, service_code. The resident's
personal data is not written there.

    python doc_program.py --amqp-uri amqp://guest:guest@127.0.0.1:5672/ --program-id repairs \
        --communities rainbow-city --service-code door_repair --auto-resolve --record cases.jsonl
"""
import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import time
import uuid
from datetime import UTC, datetime

from kombu import Connection, Consumer, Exchange, Producer, Queue

EXCHANGE = Exchange("minzi", type="topic", durable=True, auto_delete=False)
# the contract's queues that carry cases are quorum queues (docs/contract.md, "Queues")
QUORUM = {"x-queue-type": "quorum"}
CONTRACT_VERSION = 1


def now_iso():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(type_, data, community, source):
    return {"event_id": str(uuid.uuid4()), "type": type_, "version": CONTRACT_VERSION,
            "occurred_at": now_iso(), "community": community, "source": source, "data": data}


class DocProgram:
    def __init__(self, args):
        self.args = args
        self.program_id = args.program_id
        self.communities = [c.strip() for c in args.communities.split(",") if c.strip()]
        self.instance_id = args.instance_id or \
            f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.stopping = False
        self.inbox = []          # messages delivered, handled between reads (never re-entrantly)
        self.seen = self._load_seen()
        self.cases_queue = Queue(f"minzi.program.{self.program_id}.cases", EXCHANGE,
                                 routing_key=f"case.*.{self.program_id}", durable=True,
                                 auto_delete=False, queue_arguments=QUORUM)
        self.discover_queue = Queue(f"minzi.program.{self.program_id}.discover", EXCHANGE,
                                    routing_key="program.discover", durable=False,
                                    auto_delete=True)
        self.parked_queue = Queue(f"minzi.program.{self.program_id}.cases.parked", durable=True,
                                  auto_delete=False, queue_arguments=QUORUM)

    # -- the record file ----------------------------------------------------------------------

    def _load_seen(self):
        seen = set()
        if self.args.record and os.path.exists(self.args.record):
            with open(self.args.record, encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        seen.add(json.loads(line)["event_id"])
        return seen

    def record(self, line):
        if not self.args.record:
            return
        with open(self.args.record, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    # -- messages out -------------------------------------------------------------------------

    def manifest(self):
        code = self.args.service_code
        return {
            "program_id": self.program_id,
            "name": {"zh": self.args.name_zh, "en": self.args.name_en},
            "description": {"zh": "按合同文档编写的项目",
                            "en": "A program written from the contract"},
            "communities": self.communities,
            "heartbeat_seconds": self.args.heartbeat_seconds,
            "instance_id": self.instance_id,
            "service_types": [{
                "code": code,
                "name": {"zh": f"{code} 服务", "en": f"{code} service"},
                "description": {"zh": "合同测试用的服务", "en": "A service for the contract test"},
                "group": "测试 / Test",
                "keywords": [code],
                "time_limit_hours": self.args.time_limit_hours,
                "attributes": [],
            }],
        }

    def publish(self, routing_key, type_, data, community=None):
        """Persistent JSON with message_id = event_id and user_id = the user this program
        connects as (the broker checks it, and intake believes it); the connection confirms
        every publish (a publish that is not confirmed raises, and the caller's retry sends it
        again)."""
        body = envelope(type_, data, community, self.program_id)
        self.producer.publish(json.dumps(body, ensure_ascii=False).encode("utf-8"),
                              exchange=EXCHANGE, routing_key=routing_key,
                              content_type="application/json", content_encoding="utf-8",
                              delivery_mode=2, message_id=body["event_id"],
                              user_id=Connection(self.args.amqp_uri).userid, retry=False)
        return body

    def announce(self):
        self.publish("program.announced", "program.announced", self.manifest())
        self.last_announced = time.monotonic()

    def report(self, case, status, **fields):
        data = {"case_id": case["case_id"], "program_id": self.program_id, "status": status,
                "handler": self.args.handler, **fields}
        self.publish("case.reported", "case.reported", data, community=case.get("community"))

    # -- messages in --------------------------------------------------------------------------

    def on_message(self, body, message):
        self.inbox.append(message)

    def park(self, message, error):
        headers = dict(message.headers or {})
        headers.update({"x-minzi-error": error, "x-minzi-attempts": 1,
                        "x-minzi-queue": self.cases_queue.name, "x-minzi-parked-at": now_iso()})
        # through the default exchange, straight into the parked queue
        Producer(self.channel).publish(message.body, routing_key=self.parked_queue.name,
                                      content_type=message.content_type or "application/json",
                                      content_encoding=message.content_encoding or "utf-8",
                                      delivery_mode=2, headers=headers, retry=False,
                                      message_id=message.properties.get("message_id"))

    def handle(self, message):
        routing_key = message.delivery_info.get("routing_key", "")
        if routing_key == "program.discover":
            self.announce()
            message.ack()
            return
        try:
            event = json.loads(message.body)
            data = event["data"]
            version = int(event.get("version", 1))
        except (ValueError, KeyError, TypeError) as exc:
            self.park(message, f"unreadable: {exc}")
            message.ack()
            return
        if version > CONTRACT_VERSION:
            self.park(message, f"version {version} is newer than {CONTRACT_VERSION}")
            message.ack()
            return
        if event["event_id"] in self.seen:   # delivered again: do not act again
            message.ack()
            return
        type_ = event.get("type") or routing_key.rsplit(".", 1)[0]
        if type_ == "case.dispatched":
            self.report(data, "accepted", note="已接收 / accepted")
            if self.args.auto_resolve:
                time.sleep(self.args.work_seconds)   # working the case
                self.report(data, "resolved", note="已办结 / done",
                            result=self.args.result.format(**data),
                            reply=self.args.reply.format(**data))
        self.record({"type": type_, "event_id": event["event_id"], "case_id": data.get("case_id"),
                     "tracking_code": data.get("tracking_code"),
                     "community": data.get("community"),
                     "envelope_community": event.get("community"),
                     "service_code": data.get("service_code"),
                     "program_id": data.get("program_id"), "instance_id": self.instance_id})
        self.seen.add(event["event_id"])
        message.ack()   # only once its effect (reports confirmed, record written) is done

    # -- life ---------------------------------------------------------------------------------

    def connect(self):
        self.connection = Connection(self.args.amqp_uri, heartbeat=0,
                                     transport_options={"confirm_publish": True})
        self.connection.connect()
        self.channel = self.connection.channel()
        self.producer = Producer(self.channel, exchange=EXCHANGE)
        # the exchange and both queues first, so nothing routed to us is dropped
        EXCHANGE(self.channel).declare()
        for queue in (self.cases_queue, self.discover_queue, self.parked_queue):
            queue(self.channel).declare()
        consume_channel = self.connection.channel()
        self.inbox = []
        self.consumer = Consumer(consume_channel, queues=[self.cases_queue, self.discover_queue],
                                 callbacks=[self.on_message], no_ack=False,
                                 accept=["application/json"], prefetch_count=20)
        self.consumer.consume()
        self.announce()

    def run(self):
        while not self.stopping:
            try:
                self.connect()
                self.loop()
            except (*self.connection_errors(), OSError) as exc:
                if self.stopping:
                    break
                print(f"connection lost ({exc!r}); reconnecting", file=sys.stderr, flush=True)
                self.close()
                time.sleep(1)
        self.withdraw()

    def connection_errors(self):
        conn = Connection(self.args.amqp_uri)
        return tuple(conn.connection_errors) + tuple(conn.channel_errors)

    def loop(self):
        print(f"ready {self.program_id} {self.instance_id}", flush=True)
        while not self.stopping:
            with contextlib.suppress(TimeoutError):   # nothing arrived: look at the clock
                self.connection.drain_events(timeout=0.2)
            while self.inbox and not self.stopping:
                self.handle(self.inbox.pop(0))
            if time.monotonic() - self.last_announced >= self.args.heartbeat_seconds:
                self.announce()

    def withdraw(self):
        for _ in range(5):
            try:
                if not getattr(self, "connection", None) or not self.connection.connected:
                    self.close()
                    self.connection = Connection(self.args.amqp_uri,
                                                 transport_options={"confirm_publish": True})
                    self.connection.connect()
                    self.producer = Producer(self.connection.channel(), exchange=EXCHANGE)
                self.publish("program.withdrawn", "program.withdrawn",
                             {"program_id": self.program_id, "instance_id": self.instance_id})
                print(f"withdrawn {self.program_id} {self.instance_id}", flush=True)
                break
            except Exception as exc:
                print(f"withdrawal not confirmed ({exc!r}); retrying", file=sys.stderr, flush=True)
                self.close()
                time.sleep(0.5)
        self.close()

    def close(self):
        connection = getattr(self, "connection", None)
        if connection is not None:
            with contextlib.suppress(Exception):   # already gone
                connection.release()
            self.connection = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--amqp-uri", required=True)
    parser.add_argument("--program-id", required=True)
    parser.add_argument("--communities", required=True, help="comma-separated community ids")
    parser.add_argument("--service-code", required=True)
    parser.add_argument("--auto-resolve", action="store_true",
                        help="report resolved (with a result and a reply) right after accepted")
    parser.add_argument("--work-seconds", type=float, default=0.5,
                        help="with --auto-resolve: time between accepted and resolved")
    parser.add_argument("--record", help="append one JSON line per message received here")
    parser.add_argument("--heartbeat-seconds", type=int, default=10)
    parser.add_argument("--instance-id", help="default: host, pid and a random suffix")
    parser.add_argument("--time-limit-hours", type=int, default=72)
    parser.add_argument("--name-zh", default="文档项目")
    parser.add_argument("--name-en", default="Program from the document")
    parser.add_argument("--handler", default="文档项目值班员")
    parser.add_argument("--result", default="已按诉求办结（{tracking_code}）")
    parser.add_argument("--reply",
                        default="您好，{program_id} 已为您办好（查询码 {tracking_code}）。")
    args = parser.parse_args(argv)

    program = DocProgram(args)

    def stop(signum, frame):
        program.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    program.run()


if __name__ == "__main__":
    main()
