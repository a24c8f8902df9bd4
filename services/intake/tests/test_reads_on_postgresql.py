"""The searches, the queues and the figures on PostgreSQL, migrated as in production: the same
stories and hand counts as on SQLite (``test_search``, ``test_views``, ``test_figures``,
``test_figures_by_day``), now read through the indexes of migration 0009 (the searches'
``minzi_grams`` pieces) and the days' counts of migration 0013 (the figures, kept by its
trigger). Each test in a transaction rolled back afterwards."""
import re
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from minzi.db import make_engine, normalise_url
from minzi.testing import RecordingTransaction, postgres_database

from intake.domain.duplicates import _looking_for
from intake.domain.search import word_conditions
from intake.domain.views import list_cases
from intake.models import Case
from intake.schemas import CaseSearchQuery

from .conftest import NOW, RECEPTIONIST, REPEAT_LOOK, planned, register_case, seed
from .test_figures import (  # noqa: F401
    month,
    test_a_period_is_a_span_of_beijing_dates,
    test_a_period_runs_from_midnight_to_midnight_in_beijing,
    test_by_beijing_month,
    test_by_community,
    test_by_program,
    test_by_program_month_and_community,
    test_edges_counted_by_hand,
)
from .test_figures_by_day import (  # noqa: F401  (run again here, on PostgreSQL)
    test_a_case_written_as_a_repeat_or_deleted_and_an_odd_follow_up_count_as_the_rules_say,
    test_a_change_to_any_column_the_figures_count_by_is_counted,
    test_a_change_to_what_the_figures_do_not_count_writes_no_change,
    test_folding_moves_the_changes_into_the_days_and_changes_no_figure,
    test_resolved_on_the_minute_of_its_deadline_is_on_time,
    test_whatever_happens_and_whenever_folded_the_figures_are_the_cases_counted,
)
from .test_search import (  # noqa: F401
    story,
    test_a_name_an_address_or_a_tracking_code_finds_its_cases,
    test_a_page_is_the_same_whether_the_head_of_the_queue_holds_it_or_not,
    test_a_phone_finds_its_cases_written_either_way_and_only_the_whole_number,
    test_a_search_stays_within_the_queue_and_comes_a_page_at_a_time,
    test_dates_are_beijing_days_of_registration,
    test_free_text_finds_cases_with_every_word,
    test_what_a_search_finds_is_masked_as_the_list_is,
)
from .test_views import test_the_queues  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine():
    with postgres_database("minzi_intake_reads") as url:
        config = Config(str(ROOT / "alembic.ini"))
        config.set_main_option("script_location", str(ROOT / "migrations"))
        config.set_main_option("sqlalchemy.url", normalise_url(url))
        command.upgrade(config, "head")
        engine = make_engine(normalise_url(url))
        yield engine
        engine.dispose()


@pytest.fixture
def tx(engine):
    """As conftest's ``tx``, on the migrated PostgreSQL database."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint",
                          expire_on_commit=False)
        seed(session)
        try:
            yield RecordingTransaction(session)
        finally:
            session.close()
            outer.rollback()


def found(tx, **query):
    q = CaseSearchQuery().load(query)
    return {c["resident_name"] for c in list_cases(tx.session, RECEPTIONIST, q, "zh", NOW)}


@pytest.mark.parametrize("words", [
    "", "水", "漏水", "楼上漏水已经三天", "家里 WiFi\u3000连不上", "𠀋𠀌 astral", "水" * 2000])
def test_a_text_is_cut_into_every_two_characters_in_turn(tx, words):
    """``minzi_grams``, which the indexes of pieces hold: every two neighbouring characters,
    repeats and all, as the search cuts its words (a character outside the BMP is one)."""
    pieces = tx.session.scalar(text("SELECT minzi_grams(:t)"), {"t": words})
    assert pieces == [words[i:i + 2] for i in range(len(words) - 1)]


def test_the_pieces_of_nothing_are_nothing_and_the_function_is_planned_once(tx):
    """NULL has no pieces (a case without a name); the function is PL/pgSQL, whose statements
    the server plans once in a connection, where a SQL function's body is planned again in
    every statement that writes a case (migration 0015)."""
    assert tx.session.scalar(text("SELECT minzi_grams(NULL)")) is None
    assert tx.session.scalar(text(
        "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
        "WHERE p.proname = 'minzi_grams'")) == "plpgsql"


def test_a_part_of_one_or_two_characters_finds_what_contains_it(tx):
    register_case(tx, description="楼上漏水已经三天", resident_name="欧阳修",
                  resident_phone="13900002222", address="彩虹城8号楼1单元")
    register_case(tx, description="水管爆了", resident_name="阳光",
                  resident_phone="13900003333", address="彩虹城9号楼")
    register_case(tx, description="家里WiFi连不上", resident_name="林",
                  resident_phone="13900004444", address="彩虹城3号楼")
    tx.session.flush()
    assert found(tx, q="wifi") == found(tx, q="WIFI 连不上") == {"林"}   # any capitals
    assert found(tx, name="阳") == {"欧阳修", "阳光"}
    assert found(tx, name="欧阳") == {"欧阳修"}
    assert found(tx, name="阳修") == {"欧阳修"}
    assert found(tx, name="修阳") == set()
    assert found(tx, q="水") == {"欧阳修", "阳光"}
    assert found(tx, q="漏水") == {"欧阳修"}
    assert found(tx, q="8号楼") == {"欧阳修"}
    assert found(tx, q="阳 水管") == {"阳光"}
    assert found(tx, address="9号") == {"阳光"}


def test_the_searches_read_the_indexes(tx):
    """What the planner may use (enable_seqscan off, as on a big table): words of a request,
    however many, in one scan of the index of every text's pieces; a name and an address each
    in its own text's index."""
    tx.session.execute(text("SET LOCAL enable_seqscan = off"))

    def plan(**query):
        statement = select(Case.id).where(
            *word_conditions(CaseSearchQuery().load(query), grams=True))
        connection = tx.session.connection()
        compiled = statement.compile(dialect=connection.dialect,
                                     compile_kwargs={"render_postcompile": True})
        return "\n".join(r[0] for r in connection.exec_driver_sql(
            f"EXPLAIN {compiled}", compiled.params))

    for words in ("漏水", "楼上 漏水", "楼上 漏水 彩虹城"):
        searched = plan(q=words)
        assert searched.count("Bitmap Index Scan on ix_cases_text_grams") == 1, searched
        assert "ix_cases_name_grams" not in searched and "address_grams" not in searched
    assert "Bitmap Index Scan on ix_cases_name_grams" in plan(name="欧阳")
    assert "Bitmap Index Scan on ix_cases_address_grams" in plan(address="8号楼")


def test_the_look_for_a_repeat_reads_only_the_cases_of_its_key_phone_or_address(tx):
    """A registration looks for the case its key made and the open case it repeats (the same
    phone or address): each by its own index, an exact match, never by walking the community's
    open cases of the service, which grow with the station (here 5,000 of them, analysed)."""
    tx.session.execute(text(   # a station's open cases of one service, each its own resident
        "INSERT INTO cases (tracking_code, public_id, request_key, community_id, channel, status,"
        " resident_phone, description, address, attributes, service_code, chase_level,"
        " escalated, reopened_count, created_at, updated_at)"
        " SELECT 'T' || i, 'P' || i, 'rainbow-city/' || i, 'rainbow-city', 'open311',"
        " 'accepted', '139' || lpad(i::text, 8, '0'), '楼上漏水', '彩虹城' || i || '号', '{}',"
        " 'water_repair', 0, false, 0, now(), now() FROM generate_series(1, 5000) AS i"))
    tx.session.execute(text("ANALYZE cases"))
    expected = {(True, True, True): {"cases_request_key_key", "ix_cases_repeat_phone",
                                     "ix_cases_repeat_address"},
                (False, True, True): {"ix_cases_repeat_phone", "ix_cases_repeat_address"},
                (False, False, True): {"ix_cases_repeat_address"},
                (False, True, False): {"ix_cases_repeat_phone"},
                (True, False, False): {"cases_request_key_key"}}
    for shape, indexes in expected.items():
        looked = planned(tx.session.connection(), _looking_for(*shape), REPEAT_LOOK, "EXPLAIN")
        read = set(re.findall(r"Index (?:Only )?Scan (?:using|on) ((?:ix_)?cases_\w+)", looked))
        assert read == indexes, (shape, looked)
