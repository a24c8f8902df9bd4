"""What ops see: which vhost to look at, which queues call for attention, and the metrics text
Prometheus scrapes (its text exposition format 0.0.4)."""
import pytest

from minzi import ops as minzi_ops

from gateway import ops


@pytest.mark.parametrize(("uri", "vhost"), [
    ("amqp://guest:guest@127.0.0.1:5672//", "/"),
    ("amqp://guest:guest@127.0.0.1:5672/", "/"),
    ("amqp://guest:guest@127.0.0.1:5672", "/"),
    ("amqp://guest:guest@127.0.0.1:5672/minzi", "minzi"),
    ("amqp://guest:guest@127.0.0.1:5672/%2F", "/"),
    ("amqp://guest:guest@127.0.0.1:5672/rainbow%2Fcity", "rainbow/city"),
])
def test_the_vhost_comes_from_the_amqp_uri(uri, vhost):
    assert minzi_ops.vhost_of(uri) == vhost


def queue(name: str, messages: int = 0, ready: int = 0, consumers: int = 1) -> dict:
    return {"name": name, "messages": messages, "ready": ready, "unacked": messages - ready,
            "consumers": consumers}


def test_parked_messages_missing_consumers_and_backlogs_are_alerts():
    queues = [
        queue("minzi.intake.reports", messages=100, ready=100),          # at the threshold: fine
        queue("minzi.intake.reports.parked", messages=2, consumers=0),
        queue("minzi.program.legal_aid.cases", consumers=0),
        queue("minzi.program.sms.cases", messages=101, ready=101),
        queue("minzi.program.gone.cases", messages=500, ready=500, consumers=0),
    ]
    assert ops.alerts(queues, 100, "zh") == [
        {"queue": "minzi.intake.reports.parked", "alert": "parked_messages",
         "message": "2 条消息处理失败，等待处理"},
        {"queue": "minzi.program.legal_aid.cases", "alert": "no_consumer",
         "message": "没有服务在消费此队列"},
        {"queue": "minzi.program.sms.cases", "alert": "backlog", "message": "积压 101 条"},
        {"queue": "minzi.program.gone.cases", "alert": "no_consumer",
         "message": "没有服务在消费此队列"},
    ]
    assert [a["message"] for a in ops.alerts(queues, 100, "en")] == [
        "Failed messages parked: 2", "No service consumes this queue", "A backlog of 101",
        "No service consumes this queue"]
    # a terminal (minzi-ops alerts) reads both
    assert ops.alerts(queues, 100)[2]["message"] == "积压 101 条 / A backlog of 101"


def test_queues_nobody_is_meant_to_consume_raise_no_alert():
    queues = [
        queue("minzi.intake.reports.parked", consumers=0),               # empty parking lot
        queue("minzi.intake.reports.retry.1000", messages=3, ready=3, consumers=0),
        queue("minzi.program.legal_aid.discover", consumers=0),
    ]
    assert ops.alerts(queues, 0) == []


SAMPLE_QUEUES = [{**queue("minzi.intake.reports", messages=5, ready=3, consumers=2),
                  "publish_rate": 1.5, "deliver_rate": 1.25, "ack_rate": 1.0}]
SAMPLE_PROGRAMS = [{"program_id": "legal_aid", "live": True},
                   {"program_id": "cat_fund", "live": False}]
SAMPLE_CASES = {
    "open": [{"community": "rainbow-city", "program": "legal_aid", "status": "dispatched",
              "count": 4}],
    "overdue": [{"community": "rainbow-city", "program": "legal_aid", "count": 1}]}
SAMPLE_OUTBOXES = {"legal_aid": {"pending": 3, "unroutable": 1, "oldest_seconds": 42.5},
                   "intake": {"pending": 0, "unroutable": 0, "oldest_seconds": 0.0}}
SAMPLE_UP = {"gateway": True, "intake": True, "rabbitmq": False}
SAMPLE_DOOR = {"waiting": 7, "refused": 12}


def sample_metrics() -> str:
    """The metrics text with something in every family (the deploy tests read it too)."""
    return ops.metrics_text(SAMPLE_QUEUES, SAMPLE_PROGRAMS, SAMPLE_CASES, SAMPLE_OUTBOXES,
                            SAMPLE_UP, SAMPLE_DOOR).decode()


def test_metrics_are_gauges_of_queues_programs_services_outboxes_and_cases():
    assert sample_metrics() == """\
# HELP minzi_queue_messages_ready Messages ready
# TYPE minzi_queue_messages_ready gauge
minzi_queue_messages_ready{queue="minzi.intake.reports"} 3.0
# HELP minzi_queue_messages_unacked Messages delivered, not yet acknowledged
# TYPE minzi_queue_messages_unacked gauge
minzi_queue_messages_unacked{queue="minzi.intake.reports"} 2.0
# HELP minzi_queue_consumers Consumers
# TYPE minzi_queue_consumers gauge
minzi_queue_consumers{queue="minzi.intake.reports"} 2.0
# HELP minzi_queue_publish_rate Messages published to the queue per second
# TYPE minzi_queue_publish_rate gauge
minzi_queue_publish_rate{queue="minzi.intake.reports"} 1.5
# HELP minzi_queue_deliver_rate Messages delivered to consumers or fetched per second
# TYPE minzi_queue_deliver_rate gauge
minzi_queue_deliver_rate{queue="minzi.intake.reports"} 1.25
# HELP minzi_queue_ack_rate Messages acknowledged per second
# TYPE minzi_queue_ack_rate gauge
minzi_queue_ack_rate{queue="minzi.intake.reports"} 1.0
# HELP minzi_program_live 1 while a program announces itself
# TYPE minzi_program_live gauge
minzi_program_live{program="legal_aid"} 1.0
minzi_program_live{program="cat_fund"} 0.0
# HELP minzi_service_up 1 when the service answers (rabbitmq: its management API)
# TYPE minzi_service_up gauge
minzi_service_up{service="gateway"} 1.0
minzi_service_up{service="intake"} 1.0
minzi_service_up{service="rabbitmq"} 0.0
# HELP minzi_outbox_pending Outbox messages not yet published (the unroutable ones among them)
# TYPE minzi_outbox_pending gauge
minzi_outbox_pending{service="intake"} 0.0
minzi_outbox_pending{service="legal_aid"} 3.0
# HELP minzi_outbox_unroutable Outbox messages no queue was bound for (tried every 30 s)
# TYPE minzi_outbox_unroutable gauge
minzi_outbox_unroutable{service="intake"} 0.0
minzi_outbox_unroutable{service="legal_aid"} 1.0
# HELP minzi_outbox_oldest_seconds Seconds the oldest pending, routable outbox message has waited
# TYPE minzi_outbox_oldest_seconds gauge
minzi_outbox_oldest_seconds{service="intake"} 0.0
minzi_outbox_oldest_seconds{service="legal_aid"} 42.5
# HELP minzi_cases_open Open cases
# TYPE minzi_cases_open gauge
minzi_cases_open{community="rainbow-city",program="legal_aid",status="dispatched"} 4.0
# HELP minzi_cases_overdue Open cases past their time limit
# TYPE minzi_cases_overdue gauge
minzi_cases_overdue{community="rainbow-city",program="legal_aid"} 1.0
# HELP minzi_gateway_requests_waiting Requests waiting for one of the gateway's workers
# TYPE minzi_gateway_requests_waiting gauge
minzi_gateway_requests_waiting 7.0
# HELP minzi_gateway_requests_refused_busy_total Requests answered 503 at once because too many \
were waiting
# TYPE minzi_gateway_requests_refused_busy_total counter
minzi_gateway_requests_refused_busy_total 12.0
"""


EVERY_FAMILY = [
    "minzi_queue_messages_ready", "minzi_queue_messages_unacked", "minzi_queue_consumers",
    "minzi_queue_publish_rate", "minzi_queue_deliver_rate", "minzi_queue_ack_rate",
    "minzi_program_live", "minzi_service_up", "minzi_outbox_pending", "minzi_outbox_unroutable",
    "minzi_outbox_oldest_seconds", "minzi_cases_open", "minzi_cases_overdue",
    "minzi_gateway_requests_waiting", "minzi_gateway_requests_refused_busy_total"]


def test_metrics_with_nothing_to_count_still_declare_every_gauge():
    text = ops.metrics_text([], [], {"open": [], "overdue": []}).decode()
    assert [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")] == \
        EVERY_FAMILY
    assert all(line.startswith("#") for line in text.splitlines())


def test_what_could_not_be_had_is_missing_not_zero():
    """RabbitMQ's management API and intake not answering: no queue, program or case is
    reported at 0 (which would read as "empty"); only who is up says so."""
    text = ops.metrics_text(None, None, None, {}, {"gateway": True, "intake": False,
                                                   "rabbitmq": False}).decode()
    samples = [line for line in text.splitlines() if not line.startswith("#")]
    assert samples == ['minzi_service_up{service="gateway"} 1.0',
                       'minzi_service_up{service="intake"} 0.0',
                       'minzi_service_up{service="rabbitmq"} 0.0']


def test_a_queue_nothing_went_through_lately_has_rates_of_zero():
    text = ops.metrics_text([queue("minzi.intake.reports")], [], None).decode()
    assert 'minzi_queue_publish_rate{queue="minzi.intake.reports"} 0.0' in text.splitlines()
    assert 'minzi_queue_ack_rate{queue="minzi.intake.reports"} 0.0' in text.splitlines()
