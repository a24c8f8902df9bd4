"""``/metrics`` through the real gateway: the queues' rates, each service's outbox, who is up.
A service that does not answer in time is a missing value, never a failed scrape."""
import time

import eventlet
import pytest
from kombu import Connection, Queue

from .conftest import EMPTY_OUTBOX, LEGAL_AID, bearer

PROMETHEUS = bearer("prometheus-secret")
QUICK = {"METRICS_RPC_TIMEOUT_SECONDS": 1}


@pytest.fixture
def gateway_settings() -> dict:
    return QUICK


def scrape(web_session) -> list[str]:
    response = web_session.get("/metrics", headers=PROMETHEUS)
    assert response.status_code == 200, response.text
    return response.text.splitlines()


def test_metrics_show_rates_outboxes_and_who_is_up(gateway, web_session):
    with Connection(gateway.amqp_uri) as connection:
        Queue("minzi.test.metrics", durable=True)(connection.channel()).declare()
    gateway.stage.answers[(LEGAL_AID, "outbox_state")] = lambda: {
        "pending": 2, "unroutable": 1, "oldest_seconds": 12.5}
    lines = scrape(web_session)
    for family in ("publish", "deliver", "ack"):
        assert f'minzi_queue_{family}_rate{{queue="minzi.test.metrics"}} 0.0' in lines
    assert {'minzi_service_up{service="gateway"} 1.0', 'minzi_service_up{service="intake"} 1.0',
            'minzi_service_up{service="rabbitmq"} 1.0'} <= set(lines)
    # legal_aid answers as its own RPC service; intake's outbox is there too
    assert {'minzi_outbox_pending{service="legal_aid"} 2.0',
            'minzi_outbox_unroutable{service="legal_aid"} 1.0',
            'minzi_outbox_oldest_seconds{service="legal_aid"} 12.5',
            'minzi_outbox_pending{service="intake"} 0.0'} <= set(lines)
    # cat_fund is listed live but does not run: left out, not an error; a paused program is
    # not asked
    assert not [line for line in lines if 'service="cat_fund"' in line]
    assert 'minzi_program_live{program="cat_fund"} 1.0' in lines
    assert len(gateway.stage.asked(LEGAL_AID, "outbox_state")) == 1
    assert gateway.stage.asked("paused", "outbox_state") == []


def test_a_program_that_does_not_answer_in_time_is_left_out(gateway, web_session):
    def slow():
        eventlet.sleep(4)
        return EMPTY_OUTBOX
    gateway.stage.answers[(LEGAL_AID, "outbox_state")] = slow
    started = time.monotonic()
    lines = scrape(web_session)
    assert time.monotonic() - started < 3.5        # METRICS_RPC_TIMEOUT_SECONDS, not its 4 s
    assert not [line for line in lines if 'service="legal_aid"' in line]
    assert 'minzi_outbox_pending{service="intake"} 0.0' in lines
    assert 'minzi_program_live{program="legal_aid"} 1.0' in lines


def test_with_intake_away_the_metrics_say_so(gateway, web_session):
    gateway.stop("intake")
    lines = scrape(web_session)
    assert 'minzi_service_up{service="intake"} 0.0' in lines
    assert 'minzi_service_up{service="gateway"} 1.0' in lines
    # what only intake knows is missing, not 0
    assert not [line for line in lines if line.startswith(("minzi_program_live{",
                                                           "minzi_cases_open{",
                                                           "minzi_outbox_pending{"))]


@pytest.mark.parametrize("gateway_settings", [
    {**QUICK, "RABBIT_MANAGEMENT_URL": "http://guest:guest@127.0.0.1:1"}])
def test_with_rabbitmqs_management_api_away_the_metrics_say_so(gateway, web_session):
    lines = scrape(web_session)
    assert 'minzi_service_up{service="rabbitmq"} 0.0' in lines
    assert not [line for line in lines if line.startswith("minzi_queue_")]
    assert 'minzi_program_live{program="legal_aid"} 1.0' in lines
