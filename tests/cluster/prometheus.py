"""A real Prometheus (the installed ``prometheus``, Debian's package) run by a test with the
station's own alert rules (``deploy/prometheus/alerts.yml``), scraping what ops scrape: each
gateway's ``/metrics`` with its token, and each RabbitMQ node's own metrics. It scrapes every
three seconds and evaluates every second, so that a trial of a few minutes leaves a record to read
back: what the dashboard's panels would have drawn, and which alerts were pending or firing
when."""
import os
import shutil
import signal
import subprocess
from pathlib import Path

import requests
import yaml

from minzi.testing import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
ALERT_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "minzi.json"


class Prometheus:
    def __init__(self, base_dir: str, gateways: list[str], metrics_token: str,
                 rabbitmq: list[str]):
        self.dir = Path(base_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        token_file = self.dir / "metrics_token"
        token_file.write_text(metrics_token)
        config = {
            # the gateways wait at most METRICS_RPC_TIMEOUT_SECONDS (1 s in the trial) for
            # each service they ask, well within the scrape's timeout on a busy machine
            "global": {"scrape_interval": "3s", "scrape_timeout": "3s",
                       "evaluation_interval": "1s"},
            "rule_files": [str(ALERT_RULES)],
            "scrape_configs": [
                {"job_name": "minzi-gateway", "metrics_path": "/metrics",
                 "authorization": {"type": "Bearer", "credentials_file": str(token_file)},
                 "static_configs": [{"targets": [g.removeprefix("http://") for g in gateways]}]},
                {"job_name": "rabbitmq", "static_configs": [{"targets": rabbitmq}]},
            ],
        }
        self.config_file = self.dir / "prometheus.yml"
        self.config_file.write_text(yaml.safe_dump(config))
        self.process = None
        self._log = None

    def start(self):
        self._log = open(self.dir / "prometheus.log", "ab")  # noqa: SIM115 - until stop
        self.process = subprocess.Popen(
            [shutil.which("prometheus") or "prometheus",
             f"--config.file={self.config_file}", f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        wait_for(lambda: self._ready(), timeout=60, message="Prometheus to be ready")
        return self

    def _ready(self):
        try:
            return requests.get(f"{self.url}/-/ready", timeout=2).ok
        except requests.RequestException:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if self._log:
            self._log.close()

    def log_tail(self, chars=3000):
        return (self.dir / "prometheus.log").read_text(errors="replace")[-chars:]

    def query(self, expr: str, at: float | None = None) -> list[dict]:
        params = {"query": expr, **({"time": at} if at else {})}
        answer = requests.get(f"{self.url}/api/v1/query", params=params, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def query_range(self, expr: str, start: float, end: float, step: float = 1) -> list[dict]:
        answer = requests.get(f"{self.url}/api/v1/query_range", timeout=30, params={
            "query": expr, "start": start, "end": end, "step": step}).json()
        assert answer["status"] == "success", (expr, answer)
        return answer["data"]["result"]

    def targets_up(self):
        answer = requests.get(f"{self.url}/api/v1/targets", timeout=10).json()
        return [t for t in answer["data"]["activeTargets"] if t["health"] == "up"]

    def alerts_over(self, start: float, end: float) -> dict[tuple[str, str], dict]:
        """Each alert (name, what it is about) seen between ``start`` and ``end``:
        when it was first pending and first firing, as seconds after ``start``."""
        seen: dict[tuple[str, str], dict] = {}
        for series in self.query_range("ALERTS", start, end):
            labels = series["metric"]
            subject = " ".join(labels[k] for k in ("queue", "program", "service", "instance")
                               if k in labels)
            entry = seen.setdefault((labels["alertname"], subject), {})
            first = float(series["values"][0][0]) - start
            state = labels["alertstate"]
            entry[state] = min(entry.get(state, first), first)
        return seen

    def active_alerts(self) -> list[dict]:
        answer = requests.get(f"{self.url}/api/v1/alerts", timeout=10).json()
        return answer["data"]["alerts"]


def dashboard_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every panel of the station's Grafana dashboard."""
    import json
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [(panel.get("title", ""), target["expr"])
            for panel in board.get("panels", []) for target in panel.get("targets", [])
            if target.get("expr")]


def timeline(values: list, start: float, width: int = 60) -> str:
    """A one-line picture of a series (its values over the trial) for the test's output."""
    if not values:
        return "(none)"
    marks = " ▁▂▃▄▅▆▇█"
    points = [(float(t) - start, float(v)) for t, v in values]
    top = max(v for _, v in points) or 1
    step = max(1, len(points) // width)
    return "".join(marks[min(8, round(8 * v / top))] for _, v in points[::step])
