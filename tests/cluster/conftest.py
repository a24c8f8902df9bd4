"""A RabbitMQ cluster of three nodes on this machine, for tests that take a node away.

The nodes are the installed ``rabbitmq-server`` run as OS processes of the current user, beside
the machine's own broker (which they leave alone): each has its own node name, AMQP, management
and distribution ports, its own data and log directories under the test's temporary folder, and
its own config file; they share the user's Erlang cookie (``~/.erlang.cookie``, made if missing).
``b`` and ``c`` join ``a``. At the end every node is stopped (killed if it does not stop) and its
directories removed, also when a test fails.
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import uuid
from contextlib import ExitStack

import pytest
import requests

from minzi.testing import free_port, wait_for

from ..conftest import Suite

LETTERS = ("a", "b", "c")


def rabbitmq_scripts():
    """Where ``rabbitmq-server`` and its CLI tools really are. Debian's ``/usr/sbin`` ones are
    wrappers that switch to the ``rabbitmq`` user (and to the machine's own node); the scripts
    they call run as whoever starts them."""
    found = shutil.which("rabbitmq-server") or shutil.which(
        "rabbitmq-server", path="/usr/sbin:/usr/lib/rabbitmq/bin")
    if not found:
        return None
    scripts = os.path.dirname(os.path.realpath(found))
    needed = ("rabbitmq-server", "rabbitmqctl", "rabbitmq-queues")
    return scripts if all(os.access(os.path.join(scripts, s), os.X_OK) for s in needed) else None


def erlang_cookie():
    """The user's Erlang cookie, which the nodes and the CLI tools share; made if missing."""
    path = os.path.expanduser("~/.erlang.cookie")
    if not os.path.exists(path):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400), "w") as handle:
            handle.write(secrets.token_hex(20).upper())
    return path


class Node:
    """One broker node as an OS process (its own process group, so it can be killed whole)."""

    def __init__(self, letter, run_id, base_dir, scripts, plugins_file, env_file):
        self.letter = letter
        self.name = f"minzi-{letter}-{run_id}@localhost"
        self.scripts = scripts
        self.dir = os.path.join(base_dir, letter)
        os.makedirs(self.dir)
        self.config_file = os.path.join(self.dir, "rabbitmq.conf")
        self.pid_file = os.path.join(self.dir, "rabbitmq.pid")
        self.log_path = os.path.join(self.dir, "console.log")
        self.env = {
            **os.environ,
            "RABBITMQ_CONF_ENV_FILE": env_file,   # not the machine's node's rabbitmq-env.conf
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_CONFIG_FILE": self.config_file,
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(self.dir, "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": plugins_file,
            "RABBITMQ_MNESIA_BASE": os.path.join(self.dir, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.dir, "log"),
            "RABBITMQ_PID_FILE": self.pid_file,
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }
        self.choose_ports()
        self.process = None
        self._log = None

    def choose_ports(self):
        """Free ports for AMQP, management, metrics and distribution, written to the config."""
        self.amqp_port, self.management_port, self.dist_port = free_port(), free_port(), free_port()
        self.prometheus_port = free_port()
        self.env["RABBITMQ_DIST_PORT"] = str(self.dist_port)
        with open(self.config_file, "w") as handle:
            handle.write(f"listeners.tcp.local = 127.0.0.1:{self.amqp_port}\n"
                         f"management.tcp.ip = 127.0.0.1\n"
                         f"management.tcp.port = {self.management_port}\n"
                         # the node's own metrics, which ops scrape (rabbitmq_prometheus)
                         f"prometheus.tcp.ip = 127.0.0.1\n"
                         f"prometheus.tcp.port = {self.prometheus_port}\n"
                         # queue statistics (leaders) in the management API within a second
                         "collect_statistics_interval = 1000\n")

    def __repr__(self):
        return self.name

    def launch(self):
        """Start the node's process; ``await_started`` waits until it runs."""
        if os.path.exists(self.pid_file):   # left by a killed run of this node
            os.unlink(self.pid_file)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - written until the node stops
        self.process = subprocess.Popen(
            [os.path.join(self.scripts, "rabbitmq-server")], env=self.env, cwd=self.dir,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        return self

    def await_started(self, timeout=120):
        # ``wait`` follows the pid file, then the node's distribution, then its applications
        # (``await_startup`` alone gives up at once while the node is not yet registered)
        self.ctl("wait", self.pid_file, "--timeout", str(timeout), timeout=timeout + 10)
        self.ctl("await_startup", "--timeout", str(timeout), timeout=timeout + 10)

    def start(self):
        self.launch().await_started()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL to the node's whole process group: the Erlang VM ends with no goodbye."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(20)

    def stop(self, timeout=30):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)   # the VM shuts down in order
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log:
            self._log.close()
            self._log = None

    def cli(self, tool, *args, timeout=60):
        """A CLI tool against this node; its output, or a failure with the node's log tail."""
        done = subprocess.run([os.path.join(self.scripts, tool), "-n", self.name, *args],
                              env=self.env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} on {self.name} failed "
                               f"({done.returncode}):\n{done.stdout}\n{done.stderr}\n"
                               f"--- {self.name} ---\n{self.log_tail()}")
        return done.stdout

    def ctl(self, *args, timeout=60):
        return self.cli("rabbitmqctl", *args, timeout=timeout)

    def log_tail(self, chars=3000):
        """The log's first and last ``chars``: why a VM gave up at boot is at the top."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                log = handle.read()
        except OSError:
            return ""
        if len(log) <= 2 * chars:
            return log
        return f"{log[:chars]}\n[…]\n{log[-chars:]}"

    def amqp_uri(self, vhost):
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/{vhost}"

    @property
    def management(self):
        return f"http://127.0.0.1:{self.management_port}"


class Cluster:
    """Three nodes, ``a``, ``b`` and ``c``; ``b`` and ``c`` joined to ``a``."""

    def __init__(self, base_dir, scripts):
        self.base_dir = base_dir
        run_id = uuid.uuid4().hex[:6]   # a node left by an aborted run cannot clash by name
        plugins_file = os.path.join(base_dir, "enabled_plugins")
        with open(plugins_file, "w") as handle:
            handle.write("[rabbitmq_management,rabbitmq_prometheus].\n")
        env_file = os.path.join(base_dir, "rabbitmq-env.conf")
        open(env_file, "w").close()
        self.nodes = {letter: Node(letter, run_id, base_dir, scripts, plugins_file, env_file)
                      for letter in LETTERS}

    def __getitem__(self, letter) -> Node:
        return self.nodes[letter]

    def start(self):
        for node in self.nodes.values():
            node.launch()
        for node in self.nodes.values():
            try:
                node.await_started()
            except RuntimeError:
                if node.alive():
                    raise
                # the VM gave up at boot, most often as a port it was given went to another
                # process meanwhile: once more, on new ports
                node.stop()
                node.choose_ports()
                node.launch().await_started()
        first = self["a"]
        for node in list(self.nodes.values())[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", first.name)
            node.ctl("start_app")
        self.wait_until_running(len(self.nodes))
        return self

    def running_nodes(self, via="a"):
        status = json.loads(self[via].ctl("cluster_status", "--formatter", "json"))
        return sorted(status["running_nodes"])

    def wait_until_running(self, count, via="a", timeout=120):
        return wait_for(lambda: len(self.running_nodes(via)) == count, timeout=timeout,
                        interval=0.5, message=f"{count} running nodes in the cluster")

    def quorum_leader(self, vhost, queue, via="a"):
        """The node that leads a quorum queue now, as its Raft members say (not the management
        API's statistics, which lag)."""
        members = json.loads(self[via].cli("rabbitmq-queues", "quorum_status", queue,
                                           "--vhost", vhost, "--formatter", "json"))
        leaders = [m["Node Name"] for m in members if m.get("Raft State") == "leader"]
        return leaders[0] if len(leaders) == 1 else None

    def leaders(self, vhost, queues, via="a"):
        return {queue: self.quorum_leader(vhost, queue, via) for queue in queues}

    def stop(self):
        for node in self.nodes.values():
            if node.alive():
                os.killpg(node.process.pid, signal.SIGTERM)
        for node in self.nodes.values():
            node.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def logs(self):
        return "\n".join(f"----- {node.name} -----\n{node.log_tail()}"
                         for node in self.nodes.values())


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Three RabbitMQ nodes clustered on this machine, stopped and removed at the end."""
    scripts = rabbitmq_scripts()
    if scripts is None:
        pytest.skip("rabbitmq-server is not installed here (Debian: apt-get install "
                    "rabbitmq-server): the cluster tests start three nodes of it")
    erlang_cookie()
    running = Cluster(str(tmp_path_factory.mktemp("rabbitmq-cluster")), scripts)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def cluster_vhost(cluster):
    """A vhost of the test's own on the cluster (made through node a's management API)."""
    name = f"minzi-test-{uuid.uuid4().hex[:8]}"
    api, auth = cluster["a"].management, ("guest", "guest")
    requests.put(f"{api}/api/vhosts/{name}", auth=auth, timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{name}/guest", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    yield name
    for node in cluster.nodes.values():   # through a node that is up
        try:
            requests.delete(f"{node.management}/api/vhosts/{name}", auth=auth, timeout=10)
            break
        except requests.RequestException:
            continue


class ClusterSuite(Suite):
    """The suite's services on the cluster: by default on node ``a``; ``node_env(letter)`` is
    what ``start`` needs to put one service on another node."""

    def __init__(self, vhost, log_dir, stack, cluster):
        super().__init__(vhost, log_dir, stack)
        self.cluster = cluster
        self.env.update(self.node_env("a"))
        self.amqp_uri = self.env["AMQP_URI"]

    def node_env(self, letter):
        node = self.cluster[letter]
        return {"AMQP_URI": node.amqp_uri(self.vhost),
                "RABBIT_MANAGEMENT_URL": f"http://guest:guest@127.0.0.1:{node.management_port}"}


@pytest.fixture
def cluster_suite(cluster, cluster_vhost, tmp_path, request):
    with ExitStack() as stack:
        running = ClusterSuite(cluster_vhost, str(tmp_path), stack, cluster)
        try:
            yield running
        finally:
            running.stop_all()
            if getattr(request.node, "rep_call_failed", False):
                print(running.logs())
                print(cluster.logs())
