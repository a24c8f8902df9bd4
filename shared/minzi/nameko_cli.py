"""``python -m minzi.nameko_cli run …``: nameko's own command line (what ``python -m nameko``
runs), started with ``minzi`` imported first so that its warning filters hold (``minzi-run``
execs this), and with what the services made to start kept out of the garbage collector's way
(``start_then_freeze``)."""
import gc
import json
import os
import time

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


LONG_MS = 5.0        # a collection this long or longer is kept with its moment
LONG_KEPT = 1000     # the latest of them


def time_collections(path: str, long_ms: float = LONG_MS):
    """Times this process's garbage collections, by generation (how many, their total and the
    longest, in ms: the process does nothing else meanwhile), keeps each of ``long_ms`` or more
    with its moment (``time.monotonic``, the machine's clock for every process, so that a reader
    can tell which part of its run a pause fell in), and writes the figures to ``path`` as JSON
    after every full collection and otherwise at most once a second. Set by ``MINZI_GC_TIMES``
    (the benchmark's); off otherwise. Returns the callback, to be taken out of ``gc.callbacks``
    again."""
    figures: dict = {str(generation): {"collections": 0, "total_ms": 0.0, "longest_ms": 0.0}
                     for generation in range(3)}
    figures["long"] = []     # [moment, generation, ms]
    started, due = [0.0], [0.0]

    def timed(phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            started[0] = now
            return
        pause = (now - started[0]) * 1000
        generation = figures[str(info["generation"])]
        generation["collections"] += 1
        generation["total_ms"] += pause
        generation["longest_ms"] = max(generation["longest_ms"], pause)
        if pause >= long_ms:
            figures["long"] = [*figures["long"][-(LONG_KEPT - 1):],
                               [time.monotonic(), info["generation"], round(pause, 2)]]
        if info["generation"] == 2 or now >= due[0]:
            due[0] = now + 1.0
            with open(path + ".tmp", "w") as handle:
                json.dump(figures, handle)
            os.replace(path + ".tmp", path)

    gc.callbacks.append(timed)
    return timed


def main() -> None:  # pragma: no cover - nameko's command line, run by the e2e tests
    timed = os.environ.get("MINZI_GC_TIMES")

    def start(runner: ServiceRunner) -> None:
        start_then_freeze(runner)
        if timed:   # the services' working life: what starting them took is not theirs
            time_collections(timed)

    ServiceRunner.start = start
    nameko.cli.main.main()


if __name__ == "__main__":  # pragma: no cover
    main()
