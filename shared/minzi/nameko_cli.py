"""``python -m minzi.nameko_cli run …``: nameko's own command line (what ``python -m nameko``
runs), started with ``minzi`` imported first so that its warning filters hold (``minzi-run``
execs this), and with what the services made to start kept out of the garbage collector's way
(``start_then_freeze``)."""
import gc

import nameko.cli.main
from nameko.runners import ServiceRunner

_start = ServiceRunner.start


def start_then_freeze(runner: ServiceRunner) -> None:
    """Start the services, then freeze what exists (``gc.freeze``): the modules, the mappers,
    the schemas and the connections a service makes to start live as long as the process, yet
    every full collection walked them all again, holding every green thread of the process
    still for 70–160 ms (intake holds about 150,000 objects once started). Frozen, they are left
    out of every collection; what requests make is collected as before."""
    _start(runner)
    gc.freeze()


def main() -> None:  # pragma: no cover - nameko's command line, run by the e2e tests
    ServiceRunner.start = start_then_freeze
    nameko.cli.main.main()


if __name__ == "__main__":  # pragma: no cover
    main()
