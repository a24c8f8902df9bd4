"""Copies of one service started at once on a database that does not exist yet (a new
installation scaled to several copies from the start): one creates the database and its tables,
the others wait for it, and every copy starts."""
import os
import subprocess
import sys
import uuid
from urllib.parse import urlparse, urlunparse

import pytest
from sqlalchemy import create_engine, inspect, text

from minzi.db import normalise_url
from minzi.testing import DEFAULT_SERVER_URL

COPIES = 4
MIGRATE = ("import sys; from minzi import run; "
           "run.migrate('co_building', run.service_root('co_building'), "
           "{'DATABASE_URL': sys.argv[1]})")


@pytest.fixture
def new_database_url():
    server = normalise_url(os.environ.get("MINZI_TEST_DATABASE_URL", DEFAULT_SERVER_URL))
    name = f"minzi_test_new_{uuid.uuid4().hex[:10]}"
    yield urlunparse(urlparse(server)._replace(path=f"/{name}"))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_copies_starting_at_once_on_a_new_database_all_start(new_database_url):
    pytest.importorskip("co_building")
    copies = [subprocess.Popen([sys.executable, "-c", MIGRATE, new_database_url],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for _ in range(COPIES)]
    outputs = [copy.communicate(timeout=120)[0] for copy in copies]
    assert [copy.returncode for copy in copies] == [0] * COPIES, "\n".join(outputs)
    # exactly one of them made the database
    assert sum("created database" in output for output in outputs) == 1, outputs

    engine = create_engine(normalise_url(new_database_url))
    try:
        with engine.connect() as connection:
            (version,) = connection.execute(text("SELECT version_num FROM alembic_version"))
        assert {"outbox", "inbox", "units", "commitments"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert version[0]
