"""The benchmark's profile of PostgreSQL, statement by statement: what the server's
pg_stat_statements counted between two looks, per case, the most time first."""
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("bench_intake",
                                               os.path.join(HERE, "bench_intake.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

SELECT = "SELECT cases.id, cases.status\nFROM cases WHERE cases.id = $1"
INSERT = "INSERT INTO inbox (event_id, handler) VALUES ($1, $2)"


def test_only_what_ran_between_the_two_looks_counts_per_case_the_most_time_first():
    before = {("intake", 1): (SELECT, 10, 5.0, 1.0), ("intake", 2): ("COMMIT", 4, 2.0, 0.0)}
    after = {("intake", 1): (SELECT, 30, 25.0, 3.0), ("intake", 2): ("COMMIT", 4, 2.0, 0.0),
             ("sample_program", 3): (INSERT, 10, 8.0, 2.0)}

    rows = bench.statement_profile(before, after, cases=10)

    assert rows == [
        {"service": "intake", "statement": "SELECT … FROM cases WHERE cases.id = $1",
         "calls": 2.0, "exec": pytest.approx(2.0), "plan": pytest.approx(0.2)},
        {"service": "sample_program", "statement": "INSERT INTO inbox (…) VALUES (…)",
         "calls": 1.0, "exec": pytest.approx(0.8), "plan": pytest.approx(0.2)}]


def test_a_statement_is_shown_on_one_line_without_its_column_lists():
    assert bench.short_statement(
        "INSERT INTO case_events (case_id, at) VALUES ($1, $2::timestamptz), ($3, $4)") == (
        "INSERT INTO case_events (…) VALUES (…), …")
    assert bench.short_statement(bench.OWN_STATEMENT + "SELECT count(*) FROM cases") == (
        "SELECT … FROM cases")
    long = bench.short_statement("UPDATE cases SET " + ", ".join(f"c{i}=${i}" for i in range(60)))
    assert len(long) == 100 and long.endswith("…")


def test_the_profile_prints_each_statement_or_says_why_it_is_not_there(capsys):
    bench.print_server_statements(None, None, 10, planning_tracked=True)
    assert "not measured; this server has not loaded pg_stat_statements" in capsys.readouterr().out

    bench.print_server_statements({}, {("intake", 1): (SELECT, 20, 30.0, 10.0)}, 10,
                                  planning_tracked=True)
    out = capsys.readouterr().out
    assert "all: 4.00 ms a case, of which planning 1.00 (25%); 2.0 statements a case" in out
    assert "4.00      1.00   2.00  intake         SELECT … FROM cases" in out

    bench.print_server_statements({}, {("intake", 1): (SELECT, 20, 30.0, 0.0)}, 10,
                                  planning_tracked=False)
    assert "planning not tracked (pg_stat_statements.track_planning = off)" in (
        capsys.readouterr().out)
