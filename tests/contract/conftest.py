"""Start tests/contract/doc_program.py (a program written from docs/contract.md alone) as an OS
process of its own, and read what it received from its record file."""
import ast
import json
import os
import signal
import subprocess
import sys
import uuid

import pytest

DOC_PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "doc_program.py")


class DocProgram:
    def __init__(self, amqp_uri, workdir, program_id, communities, service_code,
                 auto_resolve=True, heartbeat_seconds=1, work_seconds=0.5, extra=()):
        self.program_id = program_id
        tag = f"{program_id}-{uuid.uuid4().hex[:6]}"
        self.record_path = os.path.join(workdir, f"{tag}.jsonl")
        self.log_path = os.path.join(workdir, f"{tag}.log")
        self.command = [sys.executable, DOC_PROGRAM, "--amqp-uri", amqp_uri,
                        "--program-id", program_id, "--communities", ",".join(communities),
                        "--service-code", service_code, "--record", self.record_path,
                        "--heartbeat-seconds", str(heartbeat_seconds),
                        "--work-seconds", str(work_seconds), *extra]
        if auto_resolve:
            self.command.append("--auto-resolve")
        self.process = None

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - written by the process until stop()
        # its own directory and no PYTHONPATH: nothing of the project's can be imported by accident
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.process = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT,
                                        cwd=os.path.dirname(self.record_path), env=env,
                                        start_new_session=True)
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self, timeout=20):
        """SIGTERM, as a container stop sends; the program withdraws before it exits."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if getattr(self, "_log", None):
            self._log.close()
        return self.process.returncode

    def records(self, type_="case.dispatched"):
        if not os.path.exists(self.record_path):
            return []
        with open(self.record_path, encoding="utf-8") as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
        return [line for line in lines if type_ is None or line["type"] == type_]

    def log(self):
        if not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


@pytest.fixture
def doc_programs(suite, tmp_path, request):
    """A factory: ``doc_programs("repairs", ["rainbow-city"], "door_repair")`` starts one."""
    started = []

    def start(program_id, communities, service_code, **options):
        program = DocProgram(suite.amqp_uri, str(tmp_path), program_id, communities,
                             service_code, **options).start()
        started.append(program)
        return program

    yield start
    for program in started:
        program.terminate()
    if getattr(request.node, "rep_call_failed", False):
        for program in started:
            print(f"----- doc_program {program.program_id} -----\n{program.log()[-3000:]}")


def imported_modules(path=DOC_PROGRAM):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0] if not node.level else ".")
    return names
