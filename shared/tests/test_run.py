"""``minzi-run``: a service is found by its package or its distribution's name; any other name is
answered with the services installed here, never with a traceback; and nothing it starts prints
eventlet's deprecation notice."""
import subprocess
import sys

import pytest

from minzi import run


def test_a_service_is_its_package_or_its_distributions_name():
    assert run.resolve("legal_aid") == "legal_aid"
    assert run.resolve("legal-aid") == "legal_aid"
    assert run.resolve("minzi-legal-aid") == "legal_aid"
    assert run.resolve("minzi-sms-broadcast") == "sms_broadcast"
    assert run.resolve("intake") == "intake"


@pytest.mark.parametrize("name", ["legal-ai", "minzi", "json", "", ".intake", "intake.service",
                                  "a/b"])
def test_anything_else_is_no_service(name):
    assert run.resolve(name) is None


def test_the_services_installed_here_are_known():
    assert {"intake", "gateway", "legal_aid", "cat_fund", "matchmaking", "sms_broadcast"} <= \
        set(run.known_services())
    assert "minzi" not in run.known_services()


def test_an_unknown_name_is_answered_with_the_known_ones(capsys):
    with pytest.raises(SystemExit) as stopped:
        run.main(["legal-ai"])
    message = str(stopped.value.code)
    assert message.splitlines()[0] == \
        "minzi-run: 没有名为「legal-ai」的服务 / no service named 'legal-ai'"
    assert "legal_aid" in message.splitlines()[1] and "intake" in message.splitlines()[1]


def test_a_program_made_but_not_installed_is_told_how(tmp_path, monkeypatch):
    (tmp_path / "services" / "hotline").mkdir(parents=True)
    (tmp_path / "services" / "hotline" / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert run.unknown_service("hotline").splitlines()[-1] == \
        "services/hotline 尚未安装 / is not installed: pip install -e services/hotline"


def test_a_missing_config_file_is_said_so(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        run.main(["intake", "--config", str(tmp_path / "nothing.yaml")])
    assert str(stopped.value.code) == \
        f"minzi-run: 找不到配置文件 / no config file: {tmp_path / 'nothing.yaml'}"


@pytest.mark.parametrize("command", [
    [sys.executable, "-W", "default", "-c", "import minzi.ops, eventlet"],
    # the process minzi-run execs: nameko's `run` imports eventlet before any service module
    [sys.executable, "-m", "minzi.nameko_cli", "run", "minzi.no_such_module"],
])
def test_no_eventlet_deprecation_notice(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert "Eventlet is deprecated" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_a_queue_of_another_type_stops_the_start_with_what_to_do(rabbit_config, capsys):
    """A classic queue left from before the quorum queues: minzi-run says so and how to move it,
    rather than start a service that would wait on it for ever."""
    from kombu import Connection, Queue

    from minzi.bus import minzi_exchange
    from minzi.run import check_queues, service_root
    amqp_uri = rabbit_config["AMQP_URI"]
    root = service_root("intake")
    check_queues("intake", root, {"AMQP_URI": amqp_uri})          # a new installation: fine
    with Connection(amqp_uri) as connection:
        Queue("minzi.program.legal_aid.cases", exchange=minzi_exchange(),
              routing_key="case.*.legal_aid", durable=True)(connection.channel()).declare()
    with pytest.raises(SystemExit) as stopped:
        check_queues("legal_aid", service_root("legal_aid"), {"AMQP_URI": amqp_uri})
    assert "minzi-ops queues-to-quorum" in str(stopped.value)
    assert "minzi.program.legal_aid.cases" in str(stopped.value)


class Quiet:
    name = "quiet"


def test_what_the_services_made_to_start_is_left_out_of_collections():
    """``python -m minzi.nameko_cli run`` starts the services, then freezes what exists: a full
    collection then walks only what requests made since, not the modules, mappers and schemas
    (about 150,000 objects in intake, 70–160 ms a collection, the process held still)."""
    import gc

    from nameko.runners import ServiceRunner

    from minzi.nameko_cli import start_then_freeze

    runner = ServiceRunner({})
    runner.add_service(Quiet)
    assert gc.get_freeze_count() == 0
    try:
        start_then_freeze(runner)
        assert gc.get_freeze_count() > 10_000
        assert list(runner.service_names) == ["quiet"]
    finally:
        gc.unfreeze()
        runner.stop()


def test_each_collection_is_timed_by_generation_when_asked(tmp_path):
    """``MINZI_GC_TIMES``: the benchmark reads how long each service's collections held it."""
    import gc
    import json
    import time

    from minzi.nameko_cli import time_collections

    path = str(tmp_path / "gc.json")
    before = time.monotonic()
    timed = time_collections(path, long_ms=0)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(timed)
    with open(path) as handle:
        figures = json.load(handle)
    full = figures["2"]
    assert full["collections"] == 1
    assert 0 < full["longest_ms"] == full["total_ms"] < 10_000
    assert set(figures) == {"0", "1", "2", "long"}
    # each one as long as long_ms (here every one) is kept with its moment on the machine's
    # clock, which the benchmark reads too
    [(moment, _, ms)] = [kept for kept in figures["long"] if kept[1] == 2]
    assert ms == round(full["longest_ms"], 2)
    assert before <= moment <= time.monotonic()
