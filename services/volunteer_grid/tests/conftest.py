"""volunteer_grid's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``."""
import pytest

from minzi.testing import domain_transaction

from volunteer_grid.models import Base


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction
