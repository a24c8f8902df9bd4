"""Prometheus' alert rules and Grafana's dashboard (deploy/prometheus, deploy/grafana) read only
what the gateway's ``/metrics`` exports, with the labels it gives them; with promtool installed
(Debian's ``prometheus`` package), the rules and the configuration are checked by it too, and
the rules' unit tests (alerts_test.yml) are run."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .test_ops import sample_metrics

ROOT = Path(__file__).resolve().parents[3]
PROMETHEUS = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
# what Prometheus itself gives every target
PROMETHEUS_OWN = {"up": {"job", "instance"}}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset"}
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
SELECTOR = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}")
MATCHER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")


def exported() -> dict[str, set[str]]:
    """Each family ``/metrics`` exports, with its labels (from sample data in every family)."""
    families: dict[str, set[str]] = {}
    for line in sample_metrics().splitlines():
        if line.startswith("# TYPE "):
            families.setdefault(line.split()[2], set())
        elif line and not line.startswith("#"):
            name, _, labels = line.partition("{")
            families[name.split()[0]] |= set(re.findall(r'(\w+)="', labels))
    return families


def metrics_in(expr: str) -> dict[str, set[str]]:
    """The metrics a PromQL expression reads, each with the labels its selectors match on."""
    found: dict[str, set[str]] = {}
    bare = STRING.sub('""', expr)
    for name, matchers in SELECTOR.findall(bare):
        found.setdefault(name, set()).update(MATCHER.findall(matchers))
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", bare)
    bare = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", bare)
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", bare):
        if match.group() in KEYWORDS or bare[match.end():].lstrip().startswith("("):
            continue                                   # a function or an operator
        found.setdefault(match.group(), set())
    return found


def unknown(expr: str) -> list[str]:
    """What ``expr`` reads that is not exported: a metric, or a label of one."""
    known = {**exported(), **PROMETHEUS_OWN}
    wrong = []
    for name, labels in metrics_in(expr).items():
        if name not in known:
            wrong.append(name)
        elif labels - known[name]:
            wrong.append(f"{name}{{{','.join(sorted(labels - known[name]))}}}")
    return wrong


def test_the_reading_of_expressions_is_right():
    assert metrics_in('sum by (program, status) (minzi_cases_open{community="x"})') == {
        "minzi_cases_open": {"community"}}
    assert metrics_in("minzi_queue_messages_ready{queue!~`.+\\.parked`} > 100 and "
                      "deriv(minzi_queue_messages_ready[10m]) > 0") == {
        "minzi_queue_messages_ready": {"queue"}}
    assert unknown("up{job=\"minzi-gateway\"} == 0 or minzi_nothing") == ["minzi_nothing"]
    assert unknown('minzi_program_live{service="x"}') == ["minzi_program_live{service}"]


def rules() -> list[dict]:
    document = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_alert_reads_exported_metrics_and_says_it_in_chinese_and_english():
    found = rules()
    assert {rule["alert"] for rule in found} == {
        "MinziQueueWithoutConsumer", "MinziQueueBacklogGrowing", "MinziParkedMessages",
        "MinziProgramSilent", "MinziIntakeDown", "MinziGatewayDown", "MinziRabbitMQDown",
        "MinziOutboxUnroutable", "MinziOutboxBehind", "MinziGatewayRefusingRequests"}
    for rule in found:
        assert unknown(rule["expr"]) == [], rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert re.search(r"[\u4e00-\u9fff]", rule["annotations"]["summary"]), rule["alert"]
        description = rule["annotations"]["description"]
        assert description.isascii() and len(description.split()) > 10, rule["alert"]
    # every family that calls for attention has its alert
    read = set().union(*(metrics_in(rule["expr"]) for rule in found))
    assert read >= {"minzi_queue_consumers", "minzi_queue_messages_ready", "minzi_program_live",
                    "minzi_service_up", "minzi_outbox_unroutable", "minzi_outbox_oldest_seconds",
                    "up"}


def test_prometheus_scrapes_the_gateway_with_its_token_and_rabbitmq():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    gateway = jobs["minzi-gateway"]
    assert gateway["static_configs"] == [{"targets": ["gateway:8000"]}]
    assert gateway["metrics_path"] == "/metrics"
    assert gateway["authorization"]["type"] == "Bearer"
    assert gateway["authorization"]["credentials_file"] == "/prometheus/metrics_token"
    # the rabbitmq_prometheus plugin compose's RabbitMQ enables
    assert "rabbitmq_prometheus" in (ROOT / "deploy/rabbitmq/enabled_plugins").read_text()
    assert jobs["rabbitmq"]["static_configs"] == [{"targets": ["rabbitmq:15692"]}]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    # its scrape waits longer than the gateway waits for its services
    assert config["global"]["scrape_timeout"] == "10s"


def panels(dashboard: dict) -> list[dict]:
    return [panel for panel in dashboard["panels"] if panel["type"] != "row"]


def test_every_panel_of_the_dashboard_reads_exported_metrics():
    dashboard = json.loads((GRAFANA / "dashboards" / "minzi.json").read_text(encoding="utf-8"))
    shown = set()
    for panel in panels(dashboard):
        assert re.search(r"[\u4e00-\u9fff]", panel["title"]), panel["title"]
        assert panel["description"].isascii(), panel["title"]
        assert panel["datasource"]["uid"] == "minzi-prometheus"
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert unknown(target["expr"]) == [], (panel["title"], target["expr"])
            shown |= set(metrics_in(target["expr"]))
    # every family /metrics exports is on it
    assert shown >= set(exported())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_grafana_is_given_the_prometheus_the_dashboard_names():
    sources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text(
        encoding="utf-8"))["datasources"]
    assert [(s["uid"], s["type"], s["url"]) for s in sources] == [
        ("minzi-prometheus", "prometheus", "http://prometheus:9090")]
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/minzi.yml").read_text(
        encoding="utf-8"))["providers"]
    assert providers[0]["options"]["path"] == "/var/lib/grafana/dashboards"


promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                              reason="promtool is not installed (apt-get install prometheus)")


@promtool
def test_promtool_accepts_the_rules_and_their_unit_tests_pass():
    for command in (["promtool", "check", "rules", "alerts.yml"],
                    ["promtool", "test", "rules", "alerts_test.yml"]):
        done = subprocess.run(command, cwd=PROMETHEUS, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


@promtool
def test_promtool_accepts_the_configuration(tmp_path):
    """Where compose puts the rules and the token, here in a temporary folder."""
    config = (PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8") \
        .replace("/etc/prometheus/alerts.yml", str(tmp_path / "alerts.yml")) \
        .replace("/prometheus/metrics_token", str(tmp_path / "metrics_token"))
    (tmp_path / "prometheus.yml").write_text(config, encoding="utf-8")
    shutil.copy(PROMETHEUS / "alerts.yml", tmp_path / "alerts.yml")
    (tmp_path / "metrics_token").write_text("token", encoding="utf-8")
    done = subprocess.run(["promtool", "check", "config", str(tmp_path / "prometheus.yml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
