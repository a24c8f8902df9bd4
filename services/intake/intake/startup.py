"""What intake does when it starts: seed communities and the first admin, then ask every program
on the bus to announce itself."""
import logging
import os

from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minzi.bus import ConfirmingPublisher
from minzi.contract import intake_programs_queue, intake_reports_queue, intake_submissions_queue
from minzi.db import database_url, make_engine
from minzi.envelope import make_envelope, utcnow
from minzi.staff_identity import verify_key
from minzi.trust import development

from .domain.accounts import hash_password, hash_secret
from .domain.registrations import register_at_start
from .models import ApiKey, Community, Staff

_log = logging.getLogger(__name__)


def parse_communities(text: str | None) -> list[tuple[str, str, str | None]]:
    """``rainbow-city:彩虹城社区:Rainbow City;maple-court:枫林社区:Maple Court``"""
    out = []
    for item in (text or "").split(";"):
        parts = [p.strip() for p in item.split(":")]
        if parts and parts[0]:
            out.append((parts[0], parts[1] if len(parts) > 1 and parts[1] else parts[0],
                        parts[2] if len(parts) > 2 else None))
    return out


# written in the README and the development examples: anyone may know them
DOCUMENTED_SECRETS = {"change-me-now", "rainbow-open311-key", "rainbow-web-open311-key",
                      "change-me", "admin", "password"}
SHORTEST_SECRET = 12
# the Open311 keys made at start, each under its own name so an admin can revoke one alone:
# the first one for the station's clients, and the one of the web channel (the console's
# residents' pages)
OPEN311_KEYS = {"BOOTSTRAP_OPEN311_API_KEY": "bootstrap", "BOOTSTRAP_WEB_OPEN311_API_KEY": "web"}


def refuse_known_secrets(config: dict) -> None:
    """Outside development, intake does not start with a first admin password or Open311 key
    that is documented or short."""
    if development(config):
        return
    for key in ("BOOTSTRAP_ADMIN_PASSWORD", *OPEN311_KEYS, "BOOTSTRAP_OPS_PASSWORD"):
        value = str(config.get(key) or "")
        if value and (value in DOCUMENTED_SECRETS or len(value) < SHORTEST_SECRET):
            raise RuntimeError(f"{key} is a documented or short secret: set one of at least "
                               f"{SHORTEST_SECRET} characters (deploy/new-secrets.sh), or run "
                               "with MINZI_ENV=development")


def bootstrap(session: Session, config: dict) -> None:
    """Idempotent: communities from COMMUNITIES (with the names it gives them); an admin per
    community from BOOTSTRAP_ADMIN_PASSWORD while it has no staff (``admin`` in the default
    community, ``admin-<community>`` elsewhere); Open311 api_keys for the default community
    from BOOTSTRAP_OPEN311_API_KEY (named "bootstrap") and BOOTSTRAP_WEB_OPEN311_API_KEY (the
    console's, named "web"); the station's own programs from BOOTSTRAP_PROGRAMS (program
    ids, comma separated), registered for every community."""
    for community_id, name_zh, name_en in parse_communities(config.get("COMMUNITIES")):
        community = session.get(Community, community_id)
        if community is None:
            session.add(Community(id=community_id, name_zh=name_zh, name_en=name_en))
            session.flush()
        elif (community.name_zh, community.name_en) != (name_zh, name_en):
            # the names are COMMUNITIES' to give: an English name added later shows at once
            community.name_zh, community.name_en = name_zh, name_en
        password = config.get("BOOTSTRAP_ADMIN_PASSWORD")
        password = str(password) if password not in (None, "") else None
        has_staff = session.scalar(select(Staff.id).where(Staff.community_id == community_id))
        if password and not has_staff:
            username = "admin" if community_id == config.get("DEFAULT_COMMUNITY",
                                                             "rainbow-city") \
                else f"admin-{community_id}"
            session.add(Staff(username=username, name="管理员", role="admin",
                              community_id=community_id, password_hash=hash_password(password)))
            _log.info("created the first admin %s for %s", username, community_id)
        for setting, name in OPEN311_KEYS.items():
            key = config.get(setting)
            key = str(key) if key not in (None, "") else None
            if key and community_id == config.get("DEFAULT_COMMUNITY", "rainbow-city") and \
                    session.get(ApiKey, hash_secret(key)) is None:
                session.add(ApiKey(key_hash=hash_secret(key), community_id=community_id,
                                   name=name))
    ops_password = str(config.get("BOOTSTRAP_OPS_PASSWORD") or "")
    if ops_password and session.scalar(select(Staff.id).where(Staff.username == "ops")) is None:
        # the queues hold every community's messages: one account for the whole installation,
        # made here only, never through the staff API
        session.add(Staff(username="ops", name="运维", role="ops",
                          community_id=config.get("DEFAULT_COMMUNITY", "rainbow-city"),
                          password_hash=hash_password(ops_password)))
        _log.info("created the ops account")
    programs = [p.strip() for p in str(config.get("BOOTSTRAP_PROGRAMS") or "").split(",")
                if p.strip()]
    communities = [c[0] for c in parse_communities(config.get("COMMUNITIES"))]
    register_at_start(session, programs, communities, utcnow())
    session.commit()


class Startup(DependencyProvider):
    def setup(self) -> None:
        self.config = dict(self.container.config)
        for key in ("COMMUNITIES", "BOOTSTRAP_ADMIN_PASSWORD", *OPEN311_KEYS,
                    "BOOTSTRAP_OPS_PASSWORD"):
            if not self.config.get(key) and os.environ.get(key):
                self.config[key] = os.environ[key]
        verify_key(self.config)   # outside development, no start without the gateway's own key
        refuse_known_secrets(self.config)
        # The communities and their first admins exist before any entrypoint starts: every
        # extension is set up before any starts, so no login can arrive ahead of its admin.
        engine = make_engine(database_url(self.container.service_name,
                                          self.config.get("DATABASE_URL")))
        try:
            with sessionmaker(engine)() as session:
                bootstrap(session, self.config)
        finally:
            engine.dispose()

    def start(self) -> None:
        self.container.spawn_managed_thread(self._discover, identifier="program-discovery")

    def _discover(self) -> None:
        publisher = ConfirmingPublisher(self.config["AMQP_URI"])
        try:
            # intake's queues first, so no announcement answering the call is dropped
            publisher.declare(intake_programs_queue(), intake_reports_queue(),
                              intake_submissions_queue())
            publisher.publish(make_envelope("program.discover", {}, source="intake"),
                              "program.discover")
        except Exception as exc:
            _log.warning("could not ask programs to announce: %s", exc)
        finally:
            publisher.close()

    def get_dependency(self, worker_ctx: object) -> "Startup":
        return self
