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


def test_metrics_are_gauges_of_queues_programs_and_cases():
    text = ops.metrics_text(
        [queue("minzi.intake.reports", messages=5, ready=3, consumers=2)],
        [{"program_id": "legal_aid", "live": True}, {"program_id": "cat_fund", "live": False}],
        {"open": [{"community": "rainbow-city", "program": "legal_aid", "status": "dispatched",
                   "count": 4}],
         "overdue": [{"community": "rainbow-city", "program": "legal_aid", "count": 1}]},
    ).decode()
    assert text == """\
# HELP minzi_queue_messages_ready Messages ready
# TYPE minzi_queue_messages_ready gauge
minzi_queue_messages_ready{queue="minzi.intake.reports"} 3.0
# HELP minzi_queue_messages_unacked Messages delivered, not yet acknowledged
# TYPE minzi_queue_messages_unacked gauge
minzi_queue_messages_unacked{queue="minzi.intake.reports"} 2.0
# HELP minzi_queue_consumers Consumers
# TYPE minzi_queue_consumers gauge
minzi_queue_consumers{queue="minzi.intake.reports"} 2.0
# HELP minzi_program_live 1 while a program announces itself
# TYPE minzi_program_live gauge
minzi_program_live{program="legal_aid"} 1.0
minzi_program_live{program="cat_fund"} 0.0
# HELP minzi_cases_open Open cases
# TYPE minzi_cases_open gauge
minzi_cases_open{community="rainbow-city",program="legal_aid",status="dispatched"} 4.0
# HELP minzi_cases_overdue Open cases past their time limit
# TYPE minzi_cases_overdue gauge
minzi_cases_overdue{community="rainbow-city",program="legal_aid"} 1.0
"""


def test_metrics_with_nothing_to_count_still_declare_every_gauge():
    text = ops.metrics_text([], [], {"open": [], "overdue": []}).decode()
    assert [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")] == [
        "minzi_queue_messages_ready", "minzi_queue_messages_unacked", "minzi_queue_consumers",
        "minzi_program_live", "minzi_cases_open", "minzi_cases_overdue"]
    assert all(line.startswith("#") for line in text.splitlines())
