"""The figures' counts kept day by day (``case_figures_daily``, written through
``case_figures_changes`` by a trigger on ``cases``): whatever happens to the cases, and whenever
the changes are folded, the figures are those counted case by case (``figures.figures``, the
rules written out in Python). On SQLite here; ``test_figures_by_day_on_postgresql`` does the
same on PostgreSQL, with two transactions at once."""
import random
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from intake.domain import answers, reports
from intake.domain.figures import counted, figures, fold_changes
from intake.models import (
    Case,
    CaseEvent,
    Notification,
    case_figures_changes,
    case_figures_daily,
)

from .conftest import MAPLE_RECEPTIONIST, NOW, RECEPTIONIST, actor, desk, register_case

GROUPINGS = (("program", "month", "community"), ("program",), ("month",), ())
REQUESTS = ("公司拖欠我三个月工资", "楼下有只病猫", "想找律师咨询", "小区路灯不亮")


def case_by_case(session, community, day_from=None, day_to=None, program_id=None,
                 group_by=GROUPINGS[0]):
    """The figures as the rules count them, one case at a time."""
    cases = session.scalars(select(Case).where(Case.community_id == community)).all()

    def within(case):
        day = (case.created_at.replace(tzinfo=None) + timedelta(hours=8)).date()
        return (day_from is None or day >= day_from) and (day_to is None or day <= day_to) \
            and (program_id is None or case.program_id == program_id)
    return figures([c for c in cases if within(c)], group_by)


def a_story(tx, rng: random.Random, cases: int = 40) -> None:
    """Cases registered over two months at any hour, each taken some way along: accepted,
    resolved late or on time, answered, followed up; repeats of one another; some out of scope;
    folded at random moments in between."""
    made = []
    for _ in range(cases):
        now = NOW - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 24 * 60))
        staff = rng.choice((RECEPTIONIST, MAPLE_RECEPTIONIST))
        phone = f"1390000{rng.randint(0, 30):04d}"       # some residents ask twice
        case = register_case(tx, staff, now=now, description=rng.choice(REQUESTS),
                             resident_phone=phone)
        made.append((case, staff, now))
        if rng.random() < 0.3:
            fold_changes(tx.session)
    for case, staff, then in made:
        later = then + timedelta(hours=rng.randint(1, 100))
        step = rng.random()
        if case.status == "dispatched" and step < 0.8:
            reports.apply_report(desk(tx, later), {"case_id": case.id, "program_id":
                                                   case.program_id, "status": "accepted"})
            if step < 0.6:
                reports.apply_report(desk(tx, later + timedelta(hours=rng.randint(1, 60))), {
                    "case_id": case.id, "program_id": case.program_id, "status": "resolved",
                    "result": "已办结"})
            if step < 0.4 and case.owner_id is not None:
                answers.reply(desk(tx, later + timedelta(hours=70)), case, actor(staff), "答复")
                answers.follow_up(desk(tx, later + timedelta(hours=80)), case, actor(staff),
                                  resolved=rng.random() < 0.7, satisfied=rng.random() < 0.5)
        elif case.status == "awaiting_assignment" and step < 0.5:
            answers.close_out_of_scope(desk(tx, later), case, actor(staff), "不属本站。", "物业")
        if rng.random() < 0.2:
            fold_changes(tx.session)
    tx.session.flush()


def test_whatever_happens_and_whenever_folded_the_figures_are_the_cases_counted(tx):
    for seed in range(3):
        a_story(tx, random.Random(seed))
        periods = [(None, None), (date(2026, 10, 15), date(2026, 11, 10)),
                   (date(2026, 11, 1), None), (None, date(2026, 10, 31))]
        for community in ("rainbow-city", "maple-court"):
            for day_from, day_to in periods:
                for group_by in GROUPINGS:
                    for program_id in (None, "legal_aid"):
                        assert counted(tx.session, community, day_from, day_to, program_id,
                                       group_by) == \
                            case_by_case(tx.session, community, day_from, day_to, program_id,
                                         group_by), (seed, community, day_from, group_by)
    assert counted(tx.session, "rainbow-city", None, None)   # (the story counted something)


def test_folding_moves_the_changes_into_the_days_and_changes_no_figure(tx):
    a_story(tx, random.Random(7), cases=20)
    register_case(tx, resident_phone="13912345678")
    tx.session.flush()
    before = counted(tx.session, "rainbow-city", None, None)
    waiting = tx.session.scalar(select(func.count()).select_from(case_figures_changes))
    assert waiting > 0
    assert fold_changes(tx.session) > 0
    assert tx.session.scalar(select(func.count()).select_from(case_figures_changes)) == 0
    assert tx.session.scalar(select(func.sum(case_figures_daily.c.received))) == \
        sum(r["received"] for community in ("rainbow-city", "maple-court")
            for r in counted(tx.session, community, None, None, group_by=()))
    assert counted(tx.session, "rainbow-city", None, None) == before
    assert fold_changes(tx.session) == 0
    assert counted(tx.session, "rainbow-city", None, None) == before


def test_a_change_to_what_the_figures_do_not_count_writes_no_change(tx):
    case = register_case(tx)
    tx.session.flush()
    fold_changes(tx.session)
    case.resident_name = "改名"
    case.updated_at = NOW + timedelta(hours=1)
    tx.session.flush()
    assert tx.session.scalar(select(func.count()).select_from(case_figures_changes)) == 0
    case.first_response_at = NOW + timedelta(hours=1)
    tx.session.flush()
    assert tx.session.scalar(select(func.count()).select_from(case_figures_changes)) == 2


CHANGES = {   # each column the counts depend on, changed alone, as a correction might
    "community_id": "maple-court", "created_at": NOW - timedelta(days=40),
    "program_id": "cat_fund", "status": "closed", "first_response_at": None,
    "resolved_at": NOW + timedelta(hours=100), "replied_at": NOW + timedelta(hours=30),
    "due_at": NOW + timedelta(hours=1), "followup_resolved": False,
    "followup_satisfied": False}


def test_a_change_to_any_column_the_figures_count_by_is_counted(tx):
    from intake.models import FIGURE_COLUMNS
    assert set(CHANGES) == set(FIGURE_COLUMNS)
    for column, value in CHANGES.items():
        case = register_case(tx, resident_phone=f"1390000{len(column):04d}")
        case.status, case.first_response_at = "closed", NOW + timedelta(hours=1)
        case.resolved_at = case.replied_at = NOW + timedelta(hours=20)
        case.followup_resolved = case.followup_satisfied = True
        tx.session.flush()
        setattr(case, column, value)
        tx.session.flush()
        for community in ("rainbow-city", "maple-court"):
            assert counted(tx.session, community, None, None) == \
                case_by_case(tx.session, community), column


def test_resolved_on_the_minute_of_its_deadline_is_on_time(tx):
    case = register_case(tx)
    reports.apply_report(desk(tx, NOW), {"case_id": case.id, "program_id": case.program_id,
                                         "status": "resolved", "result": "已调解"})
    tx.session.flush()
    case.resolved_at = case.due_at
    tx.session.flush()
    [row] = counted(tx.session, "rainbow-city", None, None, group_by=())
    assert (row["resolved"], row["resolved_on_time"]) == (1, 1)
    assert [row] == case_by_case(tx.session, "rainbow-city", group_by=())


def test_a_case_written_as_a_repeat_or_deleted_and_an_odd_follow_up_count_as_the_rules_say(tx):
    """What the desk never does, but a correction by hand might: a case written as a repeat
    from the start, a satisfied resident with no answer on whether it was resolved, a case
    deleted; each counted as ``figures`` counts it."""
    first = register_case(tx, resident_phone="13900000001")
    repeat = register_case(tx, resident_phone="13900000002")
    tx.session.flush()
    tx.session.add(Case(tracking_code="T-REPEAT", community_id="rainbow-city", channel="visit",
                        status="duplicate", description="重复", created_at=NOW,
                        updated_at=NOW, duplicate_of_id=first.id))
    first.followup_satisfied = True
    tx.session.flush()
    assert counted(tx.session, "rainbow-city", None, None) == \
        case_by_case(tx.session, "rainbow-city")
    for gone in (repeat, tx.session.scalar(select(Case).filter_by(tracking_code="T-REPEAT"))):
        for table in (CaseEvent, Notification):
            tx.session.execute(delete(table).where(table.case_id == gone.id))
        tx.session.execute(delete(Case).where(Case.id == gone.id))
        assert counted(tx.session, "rainbow-city", None, None) == \
            case_by_case(tx.session, "rainbow-city")
    assert counted(tx.session, "rainbow-city", None, None)[0]["received"] == 1
