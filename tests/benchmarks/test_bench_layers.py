"""The layers' benchmark runs on a few calls, on both databases, and prints a figure for each
layer beside the run's own baseline; the figures are the benchmark's to print, not a test's to
judge."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = ("a bare transaction", "registration in the rules alone",
          "registration through the staff API", "registration through Open311",
          "a program's acceptance applied", "the same, one of 10 waiting together")


def test_the_layers_benchmark_prints_each_layer_against_the_bare_transaction():
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "bench_layers.py"), "--database", "both",
         "--cases", "10"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for database in ("sqlite", "postgresql"):
        part = out.split(f"=== {database}: 10 calls of each ===")[1].split("===")[0]
        for layer in LAYERS:
            figure = re.search(rf"  {re.escape(layer)}.*?\s([\d.]+) ms\s+\(([\d.]+) bare "
                               r"transactions\)", part)
            assert figure and float(figure.group(1)) > 0, (database, layer, out)
        assert re.search(r"a case as the benchmark sends them .*: [\d.]+ ms of intake's CPU"
                         r".*; [\d.]+ ms with its acceptance in a batch of 10", part), out
