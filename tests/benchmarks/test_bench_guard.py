"""The limit's benchmark runs on a few phones and prints a figure for each side; the figures
themselves are the benchmark's to print, not a test's to judge."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_the_guard_benchmark_prints_both_sides_for_each_number_of_phones():
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "bench_guard.py"), "--phones", "0,200",
         "--rate", "100", "--seconds", "0.2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = re.findall(r"^\s+([\d,]+)\s+([\d.]+)%\s+([\d.]+)%\s+\S+x$", result.stdout, re.M)
    assert [phones for phones, _, _ in rows] == ["0", "200"], result.stdout
