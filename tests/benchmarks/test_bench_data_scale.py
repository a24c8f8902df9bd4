"""The data-scale benchmark runs on a small database and prints every figure (no timing is
checked: the figures are for docs/benchmarks-data-scale.md)."""
import importlib.util
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_data_scale",
                                                  HERE / "bench_data_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_fills_a_database_and_prints_every_read(capsys):
    bench = load_benchmark()
    assert bench.main(["--cases", "2000", "--runs", "3"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^machine: \d+ cores", out, re.M)
    assert re.search(r"^postgresql: \d+", out, re.M)
    counts = dict(re.findall(r"(\w+) (\d+)", re.search(r"^rows: (.*)$", out, re.M).group(1)))
    assert int(counts["cases"]) == 2000
    assert 3 * 2000 <= int(counts["case_events"]) <= 8 * 2000
    assert int(counts["notifications"]) >= 2000
    for title, _ in bench.READS:
        assert re.search(rf"^{re.escape(title)} +p50 +[\d.]+ ms +p95 +[\d.]+ ms +p99 +[\d.]+ ms",
                         out, re.M), title
    assert re.search(rf"^\d+ of {len(bench.READS)} reads under 50 ms at p95", out, re.M)
