"""deploy/kubernetes/ runs what docker-compose.yml runs: every manifest is valid Kubernetes (the
schemas kubernetes-validate ships, offline) or, for the RabbitmqCluster, valid for the operator's
CRD (vendored in deploy/kubernetes/crds/); every compose service has its workload, started with
its image's command and given every setting compose gives it, with the same value once the
Secrets are made from the same .env; every Secret a manifest names is made by new-secrets.sh,
and no secret is committed."""
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30"        # the oldest release the manifests are written for
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
# the suite itself: compose's opt-in profiles (monitoring: Prometheus and Grafana) are left to
# the cluster's own monitoring on Kubernetes
SUITE = {name: entry for name, entry in COMPOSE["services"].items() if not entry.get("profiles")}
NOT_RESOURCES = {"kustomization.yaml", "kustomizeconfig.yaml"}
# compose services that are not Deployments, and what runs them here
OTHER_KINDS = {"rabbitmq": "RabbitmqCluster", "postgres": "StatefulSet", "bus-setup": "Job"}
QUEUE_HEALTHCHECK = COMPOSE["x-queue-healthcheck"]["test"]
# where a value differs from compose's on purpose, and why
DIFFERENT_ON_PURPOSE = {
    ("gateway", "TRUSTED_PROXIES"): "compose: the console's fixed address; here pods have none, "
                                    "so the cluster's pod network (config.yaml)",
    ("console", "CONSOLE_SECRET"): "compose: empty, a new key at each start; here every copy of "
                                   "the console needs the same one",
}


def manifest_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name not in NOT_RESOURCES)


def documents() -> list[tuple[str, dict]]:
    found = []
    for path in manifest_files():
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is not None:
                found.append((path.name, doc))
    return found


def of_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for _, d in documents() if d["kind"] == kind}


def workload_name(service: str) -> str:
    return service.replace("_", "-")


def workload(service: str) -> dict:
    kind = OTHER_KINDS.get(service, "Deployment")
    found = of_kind(kind).get(workload_name(service))
    assert found is not None, f"no {kind} {workload_name(service)} for compose's {service}"
    return found


def container_of(doc: dict) -> dict:
    containers = doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def dotenv(text: str) -> dict[str, str]:
    """A .env file as compose reads it: KEY=value, single quotes taken literally."""
    values = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value[1:-1] if value[:1] == value[-1:] == "'" else value
    return values


def interpolate(template, env: dict[str, str]):
    """A compose value with ${VAR}, ${VAR:-default} and ${VAR:?message} filled from env; None
    (a variable compose passes through only when the shell has it) stays None."""
    if template is None:
        return None

    def one(match):
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":-":
            return rest
        assert op != ":?", f"{name} is required and new-secrets.sh does not make it"
        return ""
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, str(template))


@pytest.fixture(scope="module")
def compose_env(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("compose") / ".env"
    made = subprocess.run([str(ROOT / "deploy" / "new-secrets.sh")], capture_output=True,
                          text=True, check=True).stdout
    path.write_text(made, encoding="utf-8")
    return path, dotenv(made)


def make_secrets(*args) -> list[dict]:
    made = subprocess.run([str(K8S / "new-secrets.sh"), *map(str, args)], capture_output=True,
                          text=True, check=True).stdout
    return [d for d in yaml.safe_load_all(made) if d is not None]


@pytest.fixture(scope="module")
def secrets(compose_env) -> dict[str, dict[str, str]]:
    """The Secrets new-secrets.sh makes from a compose .env: name -> its values."""
    return {d["metadata"]["name"]: d["stringData"] for d in make_secrets(compose_env[0])}


def env_values(container: dict, secrets: dict, config: dict) -> dict:
    """What each variable of a container is, with the ConfigMap and the Secrets resolved (None:
    not set in the pod)."""
    values = {}
    for entry in container.get("env", []):
        if "value" in entry:
            values[entry["name"]] = entry["value"]
            continue
        source = entry["valueFrom"]
        if "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            data = config[ref["name"]].get("data", {})
        else:
            ref = source["secretKeyRef"]
            data = secrets[ref["name"]]
        assert ref["key"] in data or ref.get("optional"), f"{entry['name']}: no {ref}"
        values[entry["name"]] = data.get(ref["key"])
    return values


# -- the manifests themselves ---------------------------------------------------------------------

def test_every_manifest_parses_and_is_in_the_kustomization():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert sorted(kustomization["resources"]) == [p.name for p in manifest_files()]
    assert kustomization["namespace"] == "minzi"
    for name, doc in documents():
        assert {"apiVersion", "kind", "metadata"} <= set(doc), name
        assert "namespace" not in doc["metadata"] or doc["metadata"]["namespace"] == "minzi"


@pytest.mark.parametrize("name,doc", [pytest.param(n, d, id=f"{n}:{d['kind']}/"
                                                             f"{d['metadata']['name']}")
                                      for n, d in documents()
                                      if d["kind"] != "RabbitmqCluster"])
def test_manifest_is_valid_kubernetes(name, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def unknown_fields(value, schema: dict, path: str = "") -> list[str]:
    """Fields the CRD's structural schema does not know (the API server would drop them)."""
    if isinstance(value, dict) and "properties" in schema:
        found = []
        for key, item in value.items():
            if key not in schema["properties"]:
                found.append(f"{path}.{key}")
            else:
                found += unknown_fields(item, schema["properties"][key], f"{path}.{key}")
        return found
    if isinstance(value, list) and "items" in schema:
        return [f for i, item in enumerate(value)
                for f in unknown_fields(item, schema["items"], f"{path}[{i}]")]
    return []


def test_rabbitmq_cluster_is_valid_for_the_operator(secrets):
    crd = yaml.safe_load((K8S / "crds" / "rabbitmq.com_rabbitmqclusters.yaml")
                         .read_text(encoding="utf-8"))
    kubernetes_validate.validate(crd, KUBERNETES_VERSION)
    (cluster,) = of_kind("RabbitmqCluster").values()
    group, version = cluster["apiVersion"].split("/")
    assert group == crd["spec"]["group"] and cluster["kind"] == crd["spec"]["names"]["kind"]
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    schema = served["schema"]["openAPIV3Schema"]
    jsonschema.validate(cluster, schema)
    assert unknown_fields(cluster["spec"], schema["properties"]["spec"]) == []
    spec = cluster["spec"]
    assert spec["replicas"] == 3
    assert re.search(r"^default_queue_type\s*=\s*quorum$", spec["rabbitmq"]["additionalConfig"],
                     re.MULTILINE)
    # compose's rabbitmq: its administrator minzi-admin and its plugins
    admin = secrets[spec["secretBackend"]["externalSecret"]["name"]]
    compose_rabbit = COMPOSE["services"]["rabbitmq"]["environment"]
    assert admin["username"] == compose_rabbit["RABBITMQ_DEFAULT_USER"]
    assert f"default_user = {admin['username']}" in admin["default_user.conf"]
    assert f"default_pass = {admin['password']}" in admin["default_user.conf"]
    plugins = (ROOT / "deploy" / "rabbitmq" / "enabled_plugins").read_text(encoding="utf-8")
    assert set(re.findall(r"\w+", plugins)) <= set(spec["rabbitmq"]["additionalPlugins"])


# -- compose, carried over ------------------------------------------------------------------------

def test_every_compose_service_has_its_workload():
    for service in SUITE:
        workload(service)
    deployments = of_kind("Deployment")
    assert set(deployments) == {workload_name(s) for s in SUITE
                                if s not in OTHER_KINDS}
    for name, deployment in deployments.items():
        assert deployment["spec"]["replicas"] == 2, name


@pytest.mark.parametrize("service", [s for s in SUITE if "build" in SUITE[s]])
def test_command_and_image_are_the_images(service):
    """Each runs its image's own command (its Dockerfile's CMD, minzi-run <service>) or compose's
    command, from the image compose builds for it."""
    entry = COMPOSE["services"][service]
    container = container_of(workload(service))
    dockerfile = (ROOT / entry["build"]["dockerfile"]).read_text(encoding="utf-8")
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    assert container["command"] == entry.get("command", cmd)
    if service not in OTHER_KINDS:
        assert container["command"] == ["minzi-run", service]
    assert container["image"] == entry["image"].split(":")[0] + ":latest"


@pytest.mark.parametrize("service", [s for s, e in SUITE.items() if e.get("environment")])
def test_every_setting_compose_gives_is_given_the_same(service, compose_env, secrets):
    """Every variable compose sets for a service is set in its pod, and to the same value when
    the Secrets are made from the .env compose reads (RabbitMQ's: test above)."""
    if service == "rabbitmq":
        pytest.skip("the operator takes the administrator from its Secret (test above)")
    env = compose_env[1]
    given = env_values(container_of(workload(service)), secrets, of_kind("ConfigMap"))
    for name, template in COMPOSE["services"][service]["environment"].items():
        assert name in given, f"{service}: {name} is not set in its pod"
        if (workload_name(service), name) in DIFFERENT_ON_PURPOSE:
            continue
        assert given[name] == interpolate(template, env), f"{service}: {name}"


def test_every_secret_a_manifest_names_is_made(secrets):
    named = set()
    for _, doc in documents():
        text = json.dumps(doc)
        for ref in re.findall(r'"secretKeyRef": (\{[^}]*\})', text):
            ref = json.loads(ref)
            assert ref["key"] in secrets.get(ref["name"], {}), ref
            named.add(ref["name"])
        if doc["kind"] == "RabbitmqCluster":
            named.add(doc["spec"]["secretBackend"]["externalSecret"]["name"])
    assert named == set(secrets), "made and never used, or used and never made"


def test_each_service_is_its_own_bus_user_with_its_own_database(secrets):
    users, databases = {}, {}
    for name, deployment in of_kind("Deployment").items():
        values = env_values(container_of(deployment), secrets, of_kind("ConfigMap"))
        if "AMQP_URI" in values:
            users[name] = re.match(r"amqp://([^:]+):", values["AMQP_URI"]).group(1)
        if "DATABASE_URL" in values:
            databases[name] = values["DATABASE_URL"].rsplit("/", 1)[1]
    assert len(set(users.values())) == len(users) == 14
    assert len(set(databases.values())) == len(databases) == 13
    # each database is made by the init script, the same as compose's
    (init,) = [c for c in of_kind("ConfigMap").values() if c["metadata"]["name"] == "postgres-init"]
    sql = (ROOT / "deploy" / "postgres" / "create-databases.sql").read_text(encoding="utf-8")
    assert init["data"]["create-databases.sql"] == sql
    assert set(databases.values()) <= set(re.findall(r"CREATE DATABASE (\w+)", sql))
    # bus-setup makes each of those users
    job = container_of(of_kind("Job")["bus-setup"])
    assert set(users.values()) <= set(job["command"][2:])


def test_postgres_keeps_its_data_on_a_claim():
    postgres = of_kind("StatefulSet")["postgres"]
    (claim,) = postgres["spec"]["volumeClaimTemplates"]
    mounts = {m["name"]: m["mountPath"] for m in container_of(postgres)["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == "/var/lib/postgresql/data"
    assert mounts["init"] == "/docker-entrypoint-initdb.d"


# -- health, resources, privileges ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(of_kind("Deployment")))
def test_probes_mirror_the_compose_health_checks(name):
    deployment = of_kind("Deployment")[name]
    container = container_of(deployment)
    service = container["command"][1]
    check = COMPOSE["services"][service]["healthcheck"]["test"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert probe in container, f"{name}: no {probe}"
        if check == QUEUE_HEALTHCHECK:
            # this pod holds a consumer on its queue, asked of the management API
            assert container[probe]["exec"]["command"] == check[1:], f"{name}: {probe}"
        else:
            url = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)'", " ".join(check))
            port = {p["name"]: p["containerPort"] for p in container["ports"]}
            got = container[probe]["httpGet"]
            assert (port.get(got["port"], got["port"]), got["path"]) == \
                (int(url.group(1)), url.group(2)), f"{name}: {probe}"
    if check == QUEUE_HEALTHCHECK:
        names = {e["name"] for e in container["env"]}
        assert {"HEALTH_QUEUE", "AMQP_URI", "RABBIT_MANAGEMENT_URL"} <= names


def test_gateway_and_console_have_services():
    services = of_kind("Service")
    for name in ("gateway", "console"):
        container = container_of(of_kind("Deployment")[name])
        (port,) = container["ports"]
        (service_port,) = services[name]["spec"]["ports"]
        assert services[name]["spec"]["selector"] == \
            of_kind("Deployment")[name]["spec"]["selector"]["matchLabels"]
        assert service_port["targetPort"] in (port["name"], port["containerPort"])
    # the console reaches the gateway by its Service
    assert of_kind("ConfigMap")["minzi-config"]["data"]["GATEWAY_URL"] == \
        f"http://gateway:{services['gateway']['spec']['ports'][0]['port']}"


@pytest.mark.parametrize("name,doc", [pytest.param(n, d, id=f"{d['kind']}/{d['metadata']['name']}")
                                      for n, d in documents()
                                      if d["kind"] in ("Deployment", "StatefulSet", "Job")])
def test_limits_and_no_root(name, doc):
    pod = doc["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] > 0
    for container in pod["containers"]:
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_images_come_from_the_registry_placeholder():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    images = {i["name"]: i for i in kustomization["images"]}
    for _, doc in documents():
        for container in doc.get("spec", {}).get("template", {}).get("spec", {}) \
                            .get("containers", []):
            name = container["image"].split(":")[0]
            assert name in images, f"{doc['metadata']['name']}: {name} not in images:"
            if name.startswith("minzi/"):
                assert images[name]["newName"] == f"REGISTRY/{name}"


# -- secrets --------------------------------------------------------------------------------------

def test_no_secret_is_committed():
    for path in K8S.rglob("*"):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^kind:\s*Secret\s*$", text, re.MULTILINE), path
        assert not re.search(r"://[^/\s:@]+:[^@\s]+@", text), f"{path}: a URL with a password"
        assert not re.search(r"\b[0-9a-f]{32,}\b", text), f"{path}: a random-looking value"
        assert "PRIVATE KEY" not in text, path
    tracked = subprocess.run(["git", "ls-files", "deploy/kubernetes"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert not any(re.search(r"secrets\.ya?ml$", f) for f in tracked), tracked


def test_new_secrets_are_new_each_time_and_valid():
    first, second = make_secrets(), make_secrets()
    for a, b in zip(first, second, strict=True):
        kubernetes_validate.validate(a, KUBERNETES_VERSION, strict=True)
        assert a["metadata"]["namespace"] == "minzi"
        for key, value in a["stringData"].items():
            constant = key in ("username", "host", "port", "provider", "type")
            assert (value == b["stringData"][key]) == constant, f"{a['metadata']['name']}: {key}"
