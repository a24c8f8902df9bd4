"""What ops watch: queues (depth, consumers), parked messages and their replay, alerts, and
metrics in the form Prometheus scrapes."""
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from minzi import ops
from minzi.ops import alerts  # the same alerts as minzi-ops alerts

__all__ = ["alerts", "metrics_text", "overview"]


def overview(management_url: str, amqp_uri: str, backlog_threshold: int,
             lang: str = "zh") -> dict:
    queues = ops.list_queues(management_url, ops.vhost_of(amqp_uri))
    return {"queues": queues, "alerts": alerts(queues, backlog_threshold, lang)}


def metrics_text(queues: list[dict] | None, programs: list[dict] | None,
                 case_counts: dict | None, outboxes: dict[str, dict] | None = None,
                 services_up: dict[str, bool] | None = None,
                 door: dict[str, int] | None = None) -> bytes:
    """The metrics text. ``None`` for what could not be had (RabbitMQ's management API or
    intake not answering): those families are left empty, a missing value rather than a 0.
    ``outboxes``: each service's ``outbox_state`` by service name, only those that answered;
    ``services_up``: whether intake, the gateway and RabbitMQ's management API answered;
    ``door``: the requests waiting for one of this gateway's workers, and how many it has
    refused since it started because too many were waiting (gateway/door.py)."""
    class Snapshot:
        def collect(self) -> Iterator[GaugeMetricFamily]:
            ready = GaugeMetricFamily("minzi_queue_messages_ready", "Messages ready",
                                      labels=["queue"])
            unacked = GaugeMetricFamily("minzi_queue_messages_unacked", "Messages delivered, "
                                        "not yet acknowledged", labels=["queue"])
            consumers = GaugeMetricFamily("minzi_queue_consumers", "Consumers", labels=["queue"])
            publish = GaugeMetricFamily("minzi_queue_publish_rate", "Messages published to the "
                                        "queue per second", labels=["queue"])
            deliver = GaugeMetricFamily("minzi_queue_deliver_rate", "Messages delivered to "
                                        "consumers or fetched per second", labels=["queue"])
            ack = GaugeMetricFamily("minzi_queue_ack_rate", "Messages acknowledged per second",
                                    labels=["queue"])
            for q in queues or []:
                ready.add_metric([q["name"]], q["ready"])
                unacked.add_metric([q["name"]], q["unacked"])
                consumers.add_metric([q["name"]], q["consumers"])
                publish.add_metric([q["name"]], q.get("publish_rate") or 0.0)
                deliver.add_metric([q["name"]], q.get("deliver_rate") or 0.0)
                ack.add_metric([q["name"]], q.get("ack_rate") or 0.0)
            live = GaugeMetricFamily("minzi_program_live", "1 while a program announces itself",
                                     labels=["program"])
            for p in programs or []:
                live.add_metric([p["program_id"]], 1 if p["live"] else 0)
            up = GaugeMetricFamily("minzi_service_up", "1 when the service answers (rabbitmq: "
                                   "its management API)", labels=["service"])
            for service, answers in (services_up or {}).items():
                up.add_metric([service], 1 if answers else 0)
            pending = GaugeMetricFamily("minzi_outbox_pending", "Outbox messages not yet "
                                        "published (the unroutable ones among them)",
                                        labels=["service"])
            unroutable = GaugeMetricFamily("minzi_outbox_unroutable", "Outbox messages no queue "
                                           "was bound for (tried every 30 s)",
                                           labels=["service"])
            oldest = GaugeMetricFamily("minzi_outbox_oldest_seconds", "Seconds the oldest "
                                       "pending, routable outbox message has waited",
                                       labels=["service"])
            for service, state in sorted((outboxes or {}).items()):
                pending.add_metric([service], state["pending"])
                unroutable.add_metric([service], state["unroutable"])
                oldest.add_metric([service], state["oldest_seconds"])
            open_cases = GaugeMetricFamily("minzi_cases_open", "Open cases",
                                           labels=["community", "program", "status"])
            overdue = GaugeMetricFamily("minzi_cases_overdue", "Open cases past their time limit",
                                        labels=["community", "program"])
            for row in (case_counts or {}).get("open", []):
                open_cases.add_metric([row["community"], row["program"], row["status"]],
                                      row["count"])
            for row in (case_counts or {}).get("overdue", []):
                overdue.add_metric([row["community"], row["program"]], row["count"])
            yield from (ready, unacked, consumers, publish, deliver, ack, live, up, pending,
                        unroutable, oldest, open_cases, overdue)
            waiting = GaugeMetricFamily("minzi_gateway_requests_waiting", "Requests waiting for "
                                        "one of the gateway's workers")
            refused = CounterMetricFamily("minzi_gateway_requests_refused_busy", "Requests "
                                          "answered 503 at once because too many were waiting")
            if door is not None:
                waiting.add_metric([], door["waiting"])
                refused.add_metric([], door["refused"])
            yield from (waiting, refused)

    registry = CollectorRegistry()
    registry.register(Snapshot())
    return generate_latest(registry)
