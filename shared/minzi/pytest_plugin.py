"""Fixtures for every Minzi service's tests, loaded by pytest for all of them (an entry point of
the ``minzi-shared`` package):

    def test_a_case_is_accepted(program_container, bus):
        container = program_container(LegalAid, PROGRAM_COMMUNITIES="rainbow-city")
        bus.publish("case.dispatched.legal_aid", dispatched_case("legal_aid", "labour_dispute"))
        assert bus.wait("case.reported")["data"]["status"] == "accepted"

``program_container`` runs the service for real: nameko's container on the test's throwaway
RabbitMQ vhost (nameko's ``rabbit_config``) and a new PostgreSQL database brought up to date by
the service's own migrations. ``bus`` publishes as intake would and collects what services send.
"""
# nameko's container needs eventlet's monkey patch applied before a test starts one (nameko's own
# pytest plugin no longer does it); loaded first thing, it holds for a program's tests anywhere.
# scripts/mutate runs only domain tests, which need no green threads, and sets
# MINZI_TESTS_WITHOUT_EVENTLET: the mutation tool's own threads do not survive the patch.
import contextlib
import os

import eventlet

if not os.environ.get("MINZI_TESTS_WITHOUT_EVENTLET"):
    # trio (which selenium brings for the browser tests) cannot be imported once eventlet has
    # replaced the socket module, and hypothesis' and anyio's plugins import it when it is
    # there: imported first, it is ready before the patch
    with contextlib.suppress(ImportError):
        import trio  # noqa: F401
    eventlet.monkey_patch()

from contextlib import ExitStack

import pytest

from .run import migrate, service_root
from .testing import Bus, postgres_database

# Quick enough for a test to see retries, sweeps and parking within seconds.
# Development: the test's services and its bus all connect as guest (tests/trust shows the
# bus with a user per service).
TEST_CONFIG = {"RETRY_DELAYS_SECONDS": [0.1], "HEARTBEAT_SECONDS": 30,
               "OUTBOX_SWEEP_SECONDS": 0.5, "MINZI_ENV": "development"}


def pytest_collection_modifyitems(items):
    """A test that needs the broker (nameko's ``rabbit_config``, so every service test) is
    marked ``broker``: ``-m "not broker"`` runs the fast ones, as scripts/mutate does."""
    for item in items:
        if "rabbit_config" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.broker)


@pytest.fixture
def program_container(container_factory, rabbit_config):
    """``program_container(ServiceClass, **config)`` -> a started container; its database URL
    is ``container.config["DATABASE_URL"]``."""
    with ExitStack() as stack:
        def start(service_cls, **config):
            name = service_cls.name
            url = config.pop("DATABASE_URL", None)
            if url is None:
                url = stack.enter_context(postgres_database(f"{name}_test"))
                migrate(name, service_root(name), {"DATABASE_URL": url})
            container = container_factory(
                service_cls, {**rabbit_config, **TEST_CONFIG, "DATABASE_URL": url, **config})
            container.start()
            stack.callback(container.stop)
            return container
        yield start


@pytest.fixture
def bus(rabbit_config):
    """The test's side of the ``minzi`` exchange (``minzi.testing.Bus``)."""
    test_bus = Bus(rabbit_config["AMQP_URI"])
    yield test_bus
    test_bus.close()
