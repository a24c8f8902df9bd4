"""What ops watch: queues (depth, consumers), parked messages and their replay, alerts, and
metrics in the form Prometheus scrapes."""
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from minzi import ops
from minzi.ops import alerts  # the same alerts as minzi-ops alerts

__all__ = ["alerts", "metrics_text", "overview"]


def overview(management_url: str, amqp_uri: str, backlog_threshold: int,
             lang: str = "zh") -> dict:
    queues = ops.list_queues(management_url, ops.vhost_of(amqp_uri))
    return {"queues": queues, "alerts": alerts(queues, backlog_threshold, lang)}


def metrics_text(queues: list[dict], programs: list[dict], case_counts: dict) -> bytes:
    class Snapshot:
        def collect(self) -> Iterator[GaugeMetricFamily]:
            ready = GaugeMetricFamily("minzi_queue_messages_ready", "Messages ready",
                                      labels=["queue"])
            unacked = GaugeMetricFamily("minzi_queue_messages_unacked", "Messages delivered, "
                                        "not yet acknowledged", labels=["queue"])
            consumers = GaugeMetricFamily("minzi_queue_consumers", "Consumers", labels=["queue"])
            for q in queues:
                ready.add_metric([q["name"]], q["ready"])
                unacked.add_metric([q["name"]], q["unacked"])
                consumers.add_metric([q["name"]], q["consumers"])
            live = GaugeMetricFamily("minzi_program_live", "1 while a program announces itself",
                                     labels=["program"])
            for p in programs:
                live.add_metric([p["program_id"]], 1 if p["live"] else 0)
            open_cases = GaugeMetricFamily("minzi_cases_open", "Open cases",
                                           labels=["community", "program", "status"])
            overdue = GaugeMetricFamily("minzi_cases_overdue", "Open cases past their time limit",
                                        labels=["community", "program"])
            for row in case_counts["open"]:
                open_cases.add_metric([row["community"], row["program"], row["status"]],
                                      row["count"])
            for row in case_counts["overdue"]:
                overdue.add_metric([row["community"], row["program"]], row["count"])
            yield from (ready, unacked, consumers, live, open_cases, overdue)

    registry = CollectorRegistry()
    registry.register(Snapshot())
    return generate_latest(registry)
