"""``minzi-run cat_fund`` — the image's start command — migrates a fresh SQLite database in its
working directory, starts the service and announces the program on the bus."""
import sqlite3

from nameko.standalone.rpc import ServiceRpcProxy

from minzi.contract import ProgramManifest
from minzi.testing import ServiceProcess


def test_minzi_run_starts_the_service_and_announces_it(rabbit_config, bus, tmp_path,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)  # the SQLite default (./data/cat_fund.db) lands here
    process = ServiceProcess("cat_fund", {
        "AMQP_URI": rabbit_config["AMQP_URI"], "DATABASE_URL": "", "HEARTBEAT_SECONDS": "30",
        "PROGRAM_COMMUNITIES": "rainbow-city,sunny-park"}, str(tmp_path))
    try:
        process.start()
        try:
            announced = bus.wait("program.announced")
        except AssertionError:
            raise AssertionError(process.log()) from None
        manifest = ProgramManifest().load(announced["data"])
        assert manifest["program_id"] == "cat_fund" and manifest["rpc_service"] == "cat_fund"
        assert manifest["communities"] == ["rainbow-city", "sunny-park"]
        assert manifest["heartbeat_seconds"] == 30
        database = tmp_path / "data" / "cat_fund.db"
        with sqlite3.connect(database) as connection:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"entries", "funds", "cats", "cases", "outbox", "inbox",
                "alembic_version"} <= tables
        # it answers the staff API over RPC, so it is fully up before it is asked to stop
        with ServiceRpcProxy("cat_fund", {"AMQP_URI": rabbit_config["AMQP_URI"]}) as proxy:
            response = proxy.api({"method": "GET", "path": "/report", "query": {},
                                  "body": None, "staff": None, "lang": "zh"})
        assert response["status"] == 200 and response["body"]["balance"] == "0.00"
        process.stop()
        try:
            bus.wait("program.withdrawn")
        except AssertionError:
            raise AssertionError(process.log()) from None
    finally:
        process.stop()
