"""Data-scale benchmark: intake's reads on a PostgreSQL database of many cases. Prints figures;
asserts nothing.

    python tests/benchmarks/bench_data_scale.py [--cases 1000000] [--runs 60] [--explain]
                                                [--keep-database]

Makes a new PostgreSQL database (MINZI_TEST_DATABASE_URL's server, else 127.0.0.1 as user
postgres), migrates it with intake's own migrations, fills it in SQL (INSERT ... SELECT over
generate_series): communities, every program's service types from the programs' manifests,
staff, cases over three years (most closed), each with 3-8 events of history and its messages to
the resident. Then it times the reads the staff API and Open311 run, by calling intake's own view
functions on a session, with parameters drawn from the data: p50/p95/p99 per read. ``--explain``
prints EXPLAIN ANALYZE of each statement of the reads whose p95 is 50 ms or more. The database is
dropped at the end unless ``--keep-database``.
"""
import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from alembic import command
from alembic.config import Config
from sqlalchemy import event, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from minzi.db import make_engine, normalise_url
from minzi.testing import DEFAULT_SERVER_URL, postgres_database

from intake import open311
from intake.domain import duplicates, views
from intake.domain.desk import by_tracking_code, get_case
from intake.domain.figures import fold_changes
from intake.models import Case

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "services" / "intake"
TARGET_MS = 50.0
COMMUNITIES = [("rainbow-city", "彩虹城社区", "Rainbow City"),
               ("sunny-garden", "阳光花园社区", "Sunny Garden"),
               ("river-bank", "滨河社区", "River Bank"),
               ("east-gate", "东门社区", "East Gate"),
               ("pine-court", "松园社区", "Pine Court"),
               ("lotus-lane", "荷花里社区", "Lotus Lane")]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
            "邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕"
         "桂兰淑珍凤英玉梅秀珍文杰浩然子涵欣怡梓萱宇轩一诺雨桐思远晨曦佳怡")
PROBLEMS = ["楼道灯不亮", "楼上漏水", "夜间施工噪音", "电梯经常停运", "小区停车难",
            "垃圾清运不及时",
            "暖气不热", "自来水发黄", "公司拖欠三个月工资", "房东不退押金", "邻居装修扰民",
            "流浪猫受伤", "楼下狗叫扰民", "遛狗不牵绳", "想办理居住证", "咨询养老补贴",
            "家电维修", "需要送水上门", "老人需要上门看病", "想报名志愿者", "下水道堵塞",
            "路灯损坏", "井盖缺失", "绿地被占用", "外墙脱落", "单元门禁损坏", "求职登记",
            "咨询劳动合同", "婚姻家庭纠纷", "物业费争议", "快递柜故障", "充电桩不够",
            "楼道堆放杂物", "窗户玻璃破损", "燃气味道", "宠物粪便无人清理", "广场舞噪音",
            "共享单车乱停", "空调外机滴水", "屋顶防水层破损"]
EXTRAS = ["已经持续一周", "希望尽快处理", "多次反映未解决", "影响老人出行", "孩子晚上睡不好",
          "请派人来看看", "周末在家", "电话联系即可", "情况比较紧急", "邻居也有同样问题"]
# the chain of a case's history, as far as its status has gone
HISTORY = ["registered", "dispatched", "accepted", "progress", "resolved", "replied",
           "followed_up", "chased"]


def machine() -> str:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    model = "?"
    with contextlib.suppress(OSError, StopIteration):
        model = next(line.split(":", 1)[1].strip() for line in
                     Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    return (f"{os.cpu_count()} cores ({model}), {memory} memory, load average {load}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


# -- the data --------------------------------------------------------------------------------------

def migrate(url: str) -> None:
    config = Config(str(INTAKE / "alembic.ini"))
    config.set_main_option("script_location", str(INTAKE / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url))
    command.upgrade(config, "head")


def manifests() -> list[dict]:
    found = []
    for path in sorted((ROOT / "services").glob("*/manifest.yaml")):
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
        if manifest.get("service_types"):
            found.append(manifest)
    return found


def sql_list(items) -> str:
    return "ARRAY[" + ",".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


def fill(engine, cases: int) -> dict[str, float]:
    """Everything, in SQL; returns the seconds each table took."""
    took: dict[str, float] = {}
    now = datetime.now(UTC)
    programs = manifests()
    with engine.begin() as db:
        db.execute(text("SET LOCAL synchronous_commit = off"))
        for cid, zh, en in COMMUNITIES:
            db.execute(text("INSERT INTO communities (id, name_zh, name_en) VALUES (:i, :z, :e)"),
                       {"i": cid, "z": zh, "e": en})
        for m in programs:
            names = m.get("name") or {}
            manifest = {**m, "communities": [c for c, _, _ in COMMUNITIES]}
            db.execute(text(
                "INSERT INTO programs (program_id, name_zh, name_en, rpc_service, manifest, "
                "manifest_hash, first_seen, last_seen, live) VALUES (:p, :z, :e, :r, "
                "CAST(:m AS json), 'bench', :n, :n, true)"),
                {"p": m["program_id"], "z": names.get("zh", m["program_id"]),
                 "e": names.get("en"), "r": m.get("rpc_service"),
                 "m": json.dumps(manifest, ensure_ascii=False, default=str),
                 "n": now})
            for t in m["service_types"]:
                tn = t.get("name") or {}
                for cid, _, _ in COMMUNITIES:
                    db.execute(text(
                        'INSERT INTO service_offers (program_id, community_id, code, name_zh, '
                        'name_en, "group", keywords, time_limit_hours, urgency, attributes) '
                        "VALUES (:p, :c, :code, :z, :e, :g, CAST('[]' AS json), :h, :u, "
                        "CAST('[]' AS json))"),
                        {"p": m["program_id"], "c": cid, "code": t["code"],
                         "z": tn.get("zh", t["code"]), "e": tn.get("en"), "g": t.get("group"),
                         "h": t.get("time_limit_hours") or 24, "u": t.get("urgency")})
        # staff: per community 6 receptionists, 8 handlers, a station head, an admin
        db.execute(text("""
            INSERT INTO staff (username, name, role, community_id, password_hash, active,
                               created_at, must_change_password)
            SELECT c.id || '-' || r.role || '-' || k, r.role || k, r.role, c.id, 'x', true,
                   now(), false
            FROM communities c,
                 (VALUES ('receptionist', 6), ('handler', 8), ('station_head', 1),
                         ('admin', 1)) AS r(role, n),
                 generate_series(1, r.n) k"""))
        db.execute(text("""
            CREATE TEMP TABLE bench_offer AS
            SELECT (row_number() OVER (ORDER BY program_id, code))::int - 1 AS i,
                   program_id, code, time_limit_hours AS hours, urgency
            FROM service_offers WHERE community_id = 'rainbow-city'"""))
        db.execute(text("""
            CREATE TEMP TABLE bench_receptionist AS
            SELECT community_id, array_agg(id ORDER BY id) AS ids FROM staff
            WHERE role = 'receptionist' GROUP BY community_id"""))
        offers = db.execute(text("SELECT count(*) FROM bench_offer")).scalar()
        started = time.perf_counter()
        db.execute(text("SELECT setseed(0.2026)"))
        db.execute(text(f"""
            CREATE TEMP TABLE bench_case AS
            SELECT g AS id,
                   (ARRAY{[c for c, _, _ in COMMUNITIES]})[1 + floor(power(random(), 1.4)
                        * {len(COMMUNITIES)})::int] AS community_id,
                   now() - random() * interval '1095 days' AS created_at,
                   random() AS u_status, random() AS u_channel, random() AS u_offer,
                   random() AS u_person, random() AS u_time, random() AS u_text
            FROM generate_series(1, {cases}) g"""))
        db.execute(text(f"""
            INSERT INTO cases (id, tracking_code, public_id, community_id, channel, status,
                resident_name, resident_phone, resident_contact, description, address, lat, long,
                attributes, service_code, program_id, owner_id, handler, time_limit_hours,
                urgency, due_at, chase_level, escalated, result, reply, followup_resolved,
                followup_satisfied, reopened_count, created_at, dispatched_at,
                first_response_at, resolved_at, replied_at, closed_at, updated_at)
            SELECT b.id,
                (SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ',
                        (((b.id::bigint * 982451653) % 819628286980801)
                         / power(31, k)::bigint % 31)::int + 1, 1), '' ORDER BY k)
                 FROM generate_series(0, 9) k),
                'R' || upper(lpad(to_hex((b.id::bigint * 2654435761) % 281474976710656),
                                  12, '0')),
                b.community_id, s.channel, s.status,
                substr('{SURNAMES}', 1 + (b.u_person * {len(SURNAMES)})::int % {len(SURNAMES)},
                       1)
                  || substr('{GIVEN}', 1 + (b.u_person * 99991)::int % {len(GIVEN) - 1},
                            1 + (b.id % 2)),
                CASE WHEN b.id % 20 = 0
                     THEN '138 ' || lpad((b.id % 10000)::text, 4, '0') || ' '
                          || lpad(((b.u_person * 1e8)::bigint % 10000)::text, 4, '0')
                     ELSE '13' || lpad(((b.u_person * 1e12)::bigint % 1000000000)::text, 9,
                                       '0') END,
                NULL,
                '彩虹城' || (1 + b.id % 40) || '号楼' || (1 + b.id % 6) || '单元'
                  || (101 + b.id % 1800) || '，'
                  || ({sql_list(PROBLEMS)})[1 + (b.u_text * {len(PROBLEMS)})::int
                                            % {len(PROBLEMS)}]
                  || '，' || ({sql_list(EXTRAS)})[1 + (b.u_text * 7919)::int % {len(EXTRAS)}]
                  || '。' || ({sql_list(PROBLEMS)})[1 + (b.id * 13) % {len(PROBLEMS)}],
                '彩虹城' || (1 + b.id % 40) || '号楼' || (1 + b.id % 6) || '单元'
                  || (101 + b.id % 1800),
                39.9 + (b.id % 1000) / 100000.0, 116.4 + (b.id % 777) / 100000.0,
                CAST('{{}}' AS json), o.code, o.program_id,
                CASE WHEN s.channel IN ('open311', 'web') THEN NULL
                     ELSE r.ids[1 + b.id % array_length(r.ids, 1)] END,
                CASE WHEN s.status NOT IN ('awaiting_assignment', 'dispatched')
                     THEN '承办人' || (b.id % 9) END,
                o.hours, o.urgency,
                b.created_at + o.hours * interval '1 hour',
                0, false,
                CASE WHEN s.answered THEN '已处理完毕' END,
                CASE WHEN s.status IN ('replied', 'closed') THEN '您反映的问题已处理，谢谢' END,
                CASE WHEN s.status = 'closed' THEN b.u_time < 0.9 END,
                CASE WHEN s.status = 'closed' THEN b.u_time < 0.85 END,
                0, b.created_at,
                CASE WHEN s.status <> 'awaiting_assignment'
                     THEN b.created_at + interval '10 minutes' END,
                CASE WHEN s.status NOT IN ('awaiting_assignment', 'dispatched')
                     THEN b.created_at + b.u_time * interval '20 hours' END,
                CASE WHEN s.answered
                     THEN b.created_at + b.u_time * o.hours * 1.3 * interval '1 hour' END,
                CASE WHEN s.status IN ('replied', 'closed')
                     THEN b.created_at + b.u_time * o.hours * 1.3 * interval '1 hour'
                          + interval '2 hours' END,
                CASE WHEN s.status IN ('closed', 'out_of_scope', 'duplicate')
                     THEN b.created_at + (b.u_time * o.hours * 1.3 + 72) * interval '1 hour'
                     END,
                b.created_at + interval '3 days'
            FROM bench_case b
            JOIN bench_offer o ON o.i = (b.u_offer * {offers})::int % {offers}
            JOIN bench_receptionist r ON r.community_id = b.community_id
            CROSS JOIN LATERAL (
                SELECT st.status, st.status IN ('resolved', 'replied', 'closed') AS answered,
                       CASE WHEN b.u_channel < 0.30 THEN 'visit'
                            WHEN b.u_channel < 0.55 THEN 'phone'
                            WHEN b.u_channel < 0.70 THEN 'open311'
                            WHEN b.u_channel < 0.80 THEN 'web'
                            WHEN b.u_channel < 0.90 THEN 'wechat'
                            WHEN b.u_channel < 0.95 THEN 'sms' ELSE 'letter' END AS channel
                FROM (SELECT CASE
                    WHEN b.created_at > now() - interval '20 days' THEN CASE
                        WHEN b.u_status < 0.08 THEN 'awaiting_assignment'
                        WHEN b.u_status < 0.25 THEN 'dispatched'
                        WHEN b.u_status < 0.55 THEN 'accepted'
                        WHEN b.u_status < 0.65 THEN 'resolved'
                        WHEN b.u_status < 0.80 THEN 'replied'
                        WHEN b.u_status < 0.97 THEN 'closed' ELSE 'out_of_scope' END
                    ELSE CASE
                        WHEN b.u_status < 0.003 THEN 'dispatched'
                        WHEN b.u_status < 0.008 THEN 'accepted'
                        WHEN b.u_status < 0.010 THEN 'resolved'
                        WHEN b.u_status < 0.090 THEN 'replied'
                        WHEN b.u_status < 0.130 THEN 'out_of_scope'
                        WHEN b.u_status < 0.160 THEN 'duplicate' ELSE 'closed' END
                    END AS status) st) s"""))
        db.execute(text("DROP TABLE bench_case"))
        db.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)"),
                   {"n": cases})
        # some open cases chased, some escalated
        db.execute(text("""
            UPDATE cases SET chase_level = CASE WHEN id % 3 = 0 THEN 2 ELSE 1 END,
                             escalated = id % 3 = 0
            WHERE status IN ('awaiting_assignment', 'dispatched', 'accepted')
              AND due_at < now() AND id % 2 = 0"""))
        # the foreign keys' checks below plan their lookup of a case once, from what the
        # planner knows of the table then: without this, an empty table, and any of its
        # indexes holding the id will do (one of them a walk of the whole index per row)
        db.execute(text("ANALYZE cases"))
        took["cases"] = time.perf_counter() - started
        started = time.perf_counter()
        # what the trigger on cases wrote of each, folded into the days' counts as intake's
        # timer does
        fold_changes(Session(bind=db))
        took["figures' days"] = time.perf_counter() - started
        started = time.perf_counter()
        # 3-8 events each, as far along the chain as the case went; chased cases end in a chase
        db.execute(text(f"""
            INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note,
                                     public)
            SELECT c.id, c.created_at + k * interval '5 hours',
                   CASE WHEN k = 1 THEN '接待员' ELSE '承办人' || (c.id % 9) END,
                   CASE WHEN c.chase_level > 0 AND k = 3 + c.id % 6
                        THEN CASE WHEN c.escalated THEN 'escalated' ELSE 'chased' END
                        ELSE (ARRAY{HISTORY})[1 + (k - 1) % 7] END,
                   NULL, c.status,
                   CASE WHEN k % 2 = 0 THEN '已联系居民，正在处理' END,
                   NOT (c.chase_level > 0 AND k = 3 + c.id % 6)
            FROM cases c, generate_series(1, 3 + c.id % 6) k"""))
        took["case_events"] = time.perf_counter() - started
        started = time.perf_counter()
        db.execute(text("""
            INSERT INTO notifications (case_id, purpose, sequence, channel, recipient, body,
                                       status, attempts, created_at, sent_at)
            SELECT c.id, p.purpose, 1, 'sms', c.resident_phone,
                   '【彩虹城社区服务站】您的诉求已受理，查询码 ' || c.tracking_code, 'sent', 1,
                   c.created_at, c.created_at + interval '1 minute'
            FROM cases c, (VALUES ('receipt'), ('reply')) AS p(purpose)
            WHERE p.purpose = 'receipt' OR c.replied_at IS NOT NULL"""))
        took["notifications"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE"))
    took["vacuum analyze"] = time.perf_counter() - started
    return took


# -- the reads -------------------------------------------------------------------------------------

def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Reads:
    """The reads, each one call of intake's own view function on a new session, as the API's
    routes make them, with its parameters drawn from the data."""

    def __init__(self, engine, seed: int = 7):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        with engine.connect() as db:
            step = max(1, (db.execute(text("SELECT max(id) FROM cases")).scalar() or 0) // 2000)
            sample = db.execute(text(
                "SELECT id, tracking_code, resident_phone, resident_name, community_id, "
                "description, address, service_code FROM cases WHERE id % :s = 0 LIMIT 2000"),
                {"s": step}).all()
            self.staff = db.execute(text(
                "SELECT id, community_id, role FROM staff WHERE role IN "
                "('receptionist', 'handler', 'station_head')")).all()
            self.codes = db.execute(text("SELECT community_id, code FROM service_offers")).all()
            self.programs = [r[0] for r in db.execute(text(
                "SELECT program_id FROM programs"))]
        self.sample = sample
        self.communities = [c for c, _, _ in COMMUNITIES]

    def _staff(self, role: str | None = None) -> dict:
        rows = [s for s in self.staff if role is None or s.role == role]
        s = self.rng.choice(rows)
        return {"id": s.id, "username": f"u{s.id}", "name": f"u{s.id}", "role": s.role,
                "community": s.community_id, "program_id": None}

    def _case(self):
        return self.rng.choice(self.sample)

    def _list(self, staff: dict, **q) -> Callable:
        query = {"queue": "all", "status": None, "program_id": None, "limit": 50, "offset": 0,
                 **q}
        return lambda s: views.list_cases(s, staff, query, "zh", self.now)

    def queue_mine(self):
        return self._list(self._staff("receptionist"), queue="mine")

    def queue_all(self):
        return self._list(self._staff("station_head"))

    def overdue(self):
        return self._list(self._staff("station_head"), queue="overdue")

    def by_tracking_code(self):
        c = self._case()
        return self._list(self._staff_of(c), tracking_code=c.tracking_code)

    def by_phone(self):
        c = self._case()
        return self._list(self._staff_of(c), phone=c.resident_phone)

    def by_name(self):
        c = self._case()
        return self._list(self._staff_of(c), name=c.resident_name)

    def by_text(self):
        c = self._case()
        words = [w for w in PROBLEMS if w in c.description]
        word = self.rng.choice(words)
        part = word[:2] if self.rng.random() < 0.5 else word
        return self._list(self._staff_of(c), q=part)

    def by_text_two_words(self):
        c = self._case()
        a, b = self.rng.sample([w for w in PROBLEMS if w in c.description] + ["彩虹城"], 2)
        return self._list(self._staff_of(c), q=f"{a[:2]} {b[-2:]}")

    def _staff_of(self, case) -> dict:
        return {"id": 1, "username": "u", "name": "u", "role": "station_head",
                "community": case.community_id, "program_id": None}

    def case_page(self):
        c = self._case()
        staff = self._staff_of(c)

        def call(s):
            case = get_case(s, c.id, staff)
            view = views.case_view(case, staff, "zh", self.now, with_history=True)
            view["notifications"] = views.case_notifications(s, case)
            return view
        return call

    def tracking_page(self):
        c = self._case()
        return lambda s: views.tracking_view(by_tracking_code(s, c.tracking_code), s, "zh")

    def _figures(self, days: int, group_by: str):
        community = self.rng.choice(self.communities)
        end = (self.now - timedelta(days=self.rng.randint(0, 60))).date()
        q = {"date_from": end - timedelta(days=days - 1), "date_to": end, "program_id": None,
             "group_by": group_by}
        return lambda s: views.community_figures(s, community, q)

    def figures_month(self):
        return self._figures(30, "program,month,community")

    def figures_year(self):
        return self._figures(365, "program,month,community")

    def open311_default(self):
        community = self.rng.choice(self.communities)
        return lambda s: open311.requests(s, community, {}, "zh", self.now)

    def open311_filtered(self):
        community, code = self.rng.choice(self.codes)
        args = self.rng.choice([
            {"status": "open"}, {"status": "closed"}, {"service_code": code},
            {"service_code": code, "status": "closed"},
            {"start_date": (self.now - timedelta(days=400)).isoformat(),
             "end_date": (self.now - timedelta(days=380)).isoformat()},
            {"start_date": (self.now - timedelta(days=700)).isoformat(),
             "end_date": (self.now - timedelta(days=600)).isoformat(), "status": "closed"}])
        return lambda s: open311.requests(s, community, args, "zh", self.now)

    def open311_one(self):
        c = self._case()
        with self.engine.connect() as db:
            found = db.execute(text("SELECT community_id, public_id FROM cases WHERE "
                                    "channel = 'open311' AND id >= :i ORDER BY id LIMIT 1"),
                               {"i": c.id}).first()
        return lambda s: open311.one_request(s, found[0], found[1], "zh")

    def repeat_lookup(self):
        """What a registration reads before it writes a case: the case its key made, else the
        open case it repeats (a new resident's phone, an address with cases of its own)."""
        c = self.rng.choice([c for c in self.sample if c.service_code])
        neighbour = self.rng.choice([n for n in self.sample if n.address])
        phone = f"138{self.rng.randrange(10**8):08d}"
        new = Case(community_id=c.community_id, resident_phone=phone, address=neighbour.address)
        key = f"{c.community_id}/bench-{uuid.uuid4().hex}"
        return lambda s: duplicates.sent_before_or_repeated(s, new, c.service_code, key)


READS = [("queue: mine (receptionist)", "queue_mine"),
         ("queue: all, first page (station head)", "queue_all"),
         ("queue: overdue", "overdue"),
         ("search: tracking code", "by_tracking_code"),
         ("search: phone", "by_phone"),
         ("search: name", "by_name"),
         ("search: text, one word", "by_text"),
         ("search: text, two words", "by_text_two_words"),
         ("case page with history and messages", "case_page"),
         ("resident's tracking page", "tracking_page"),
         ("figures: a month by program, month, community", "figures_month"),
         ("figures: a year by program, month, community", "figures_year"),
         ("open311: requests.json, no filter (90 days)", "open311_default"),
         ("open311: requests.json with filters", "open311_filtered"),
         ("open311: one request", "open311_one"),
         ("registration: the look for the case it repeats", "repeat_lookup")]


def time_reads(engine, runs: int, explain: bool, only: list[str] | None) -> list[dict]:
    reads = Reads(engine)
    results = []
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    for title, name in READS:
        if only and name not in only:
            continue
        make = getattr(reads, name)
        for _ in range(3):   # warm the caches and the pool
            with reads.sessions() as session:
                make()(session)
        samples = []
        for _ in range(runs):
            call = make()
            with reads.sessions() as session:
                started = time.perf_counter()
                call(session)
                samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        row = {"read": title, "name": name, "runs": runs, "p50": percentile(samples, 0.50),
               "p95": percentile(samples, 0.95), "p99": percentile(samples, 0.99),
               "mean": statistics.fmean(samples)}
        results.append(row)
        mark = "" if row["p95"] < TARGET_MS else "   > 50 ms"
        print(f"{title:48} p50 {row['p50']:8.1f} ms  p95 {row['p95']:8.1f} ms  "
              f"p99 {row['p99']:8.1f} ms{mark}", flush=True)
        if explain and row["p95"] >= TARGET_MS:
            statements.clear()
            event.listen(engine, "before_cursor_execute", keep)
            try:
                with reads.sessions() as session:
                    make()(session)
            finally:
                event.remove(engine, "before_cursor_execute", keep)
            for statement, parameters in list(statements):
                with engine.connect() as db:
                    cursor = db.connection.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = "\n".join("    " + r[0] for r in cursor.fetchall())
                print(f"  EXPLAIN ANALYZE of\n    {statement[:400]}\n{plan}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60, help="timed calls of each read")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE the statements of each read over 50 ms at p95")
    parser.add_argument("--only", action="append", help="time only this read (its name)")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the database behind (its URL is printed)")
    parser.add_argument("--url", help="use this existing, filled database; fill nothing")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")

    def run(url: str, fresh: bool) -> None:
        engine = make_engine(normalise_url(url))
        with engine.connect() as db:
            print("postgresql:", db.execute(text("SHOW server_version")).scalar(),
                  "| shared_buffers", db.execute(text("SHOW shared_buffers")).scalar(),
                  "| work_mem", db.execute(text("SHOW work_mem")).scalar())
        if fresh:
            started = time.perf_counter()
            migrate(url)
            print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
            took = fill(engine, args.cases)
            print("filled in " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()),
                  flush=True)
        with engine.connect() as db:
            counts = {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("communities", "programs", "service_offers", "staff", "cases",
                                "case_events", "notifications")}
            statuses = db.execute(text("SELECT status, count(*) FROM cases GROUP BY status "
                                       "ORDER BY 2 DESC")).all()
            years = db.execute(select(Case.created_at).order_by(Case.created_at).limit(1)
                               ).scalar()
            size = db.execute(text("SELECT pg_size_pretty(pg_database_size("
                                   "current_database()))")).scalar()
        print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        print("cases by status: " + ", ".join(f"{s} {n}" for s, n in statuses))
        print(f"oldest case {years:%Y-%m-%d}; database {size}")
        print(f"\n{args.runs} calls of each read (new session each, parameters drawn from the "
              "data); target p95 < 50 ms")
        results = time_reads(engine, args.runs, args.explain, args.only)
        over = [r["read"] for r in results if r["p95"] >= TARGET_MS]
        print(f"\n{len(results) - len(over)} of {len(results)} reads under {TARGET_MS:.0f} ms "
              f"at p95" + (f"; over: {', '.join(over)}" if over else ""))
        engine.dispose()

    if args.url:
        run(args.url, fresh=False)
    elif args.keep_database:
        url = new_database()
        print(f"database: {url} (kept: time it again with --url, drop it when done)")
        run(url, fresh=True)
    else:
        with postgres_database("minzi_bench_data") as url:
            run(url, fresh=True)
    return 0


def new_database() -> str:
    server = normalise_url(os.environ.get("MINZI_TEST_DATABASE_URL", DEFAULT_SERVER_URL))
    name = f"minzi_bench_data_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(server).set(database=name).render_as_string(hide_password=False))


if __name__ == "__main__":
    sys.exit(main())
