"""What residents text to the station's number. TD / 退订 opts the number out and 订阅 / 恢复
back in, for every contact with that number (each a consent record); anything else becomes a
new intake case (``case.submitted``) linked to the broadcast they last received. The gateway's
message id makes a reply count once."""
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.store import Transaction

from ..models import Contact, Inbound, Message
from .access import PROGRAM_ID
from .changes import record
from .checks import aware, normalise_phone
from .consent import resident_actor, set_consent
from .contacts import address_of

OPT_OUT_WORDS = {"TD", "退订", "UNSUBSCRIBE"}
OPT_IN_WORDS = {"订阅", "恢复", "SUBSCRIBE"}
# what a keyword may be wrapped in: spaces (also full-width), quotes, and final punctuation
_NOISE = re.compile(r"[\s\u3000\"'“”‘’。．.！!，,？?~～]+")


def keyword(text: str) -> str:
    """``"  td。"`` -> ``"TD"``: what a reply says once spacing, case and punctuation are gone."""
    return _NOISE.sub("", text).upper()


def last_message(session: Session, contact_ids: list[int]) -> Message | None:
    """The message these contacts were last sent, the one a reply answers."""
    if not contact_ids:
        return None
    return session.scalars(select(Message).where(
        Message.contact_id.in_(contact_ids), Message.state.in_(("sent", "delivered")))
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(1)).first()


def receive_reply(tx: Transaction, data: dict, now: datetime,
                  communities: list[str]) -> tuple[Inbound, bool]:
    """An SMS from a resident (``data``: from, text, message_id, received_at). Returns
    (inbound, created): the same gateway message id again is found, not applied again.
    ``communities``: the program's; a number nobody registered is heard in the only one."""
    session = tx.session
    gateway_id = str(data["message_id"]).strip()
    existing = session.scalar(select(Inbound).where(Inbound.gateway_message_id == gateway_id))
    if existing is not None:
        return existing, False
    phone = normalise_phone(data["from"]) or str(data["from"]).strip()[:20]
    text = data["text"].strip()
    contacts = session.scalars(select(Contact).where(Contact.phone == phone)
                               .order_by(Contact.id)).unique().all()
    last = last_message(session, [c.id for c in contacts])
    contact = (last.contact if last else None) or (contacts[0] if contacts else None)
    community = contact.community if contact else (
        communities[0] if len(communities) == 1 else None)
    inbound = Inbound(gateway_message_id=gateway_id, phone=phone, text=text,
                      received_at=aware(data.get("received_at")) or now, recorded_at=now,
                      community=community, contact_id=contact.id if contact else None,
                      broadcast_id=last.broadcast_id if last else None,
                      message_id=last.id if last else None, kind="unmatched")
    session.add(inbound)
    session.flush()
    word = keyword(text)
    if word in OPT_OUT_WORDS or word in OPT_IN_WORDS:
        opt_out = word in OPT_OUT_WORDS
        inbound.kind = "opt_out" if opt_out else "opt_in"
        for each in contacts:  # a number that says stop is not texted, wherever it is registered
            set_consent(session, each, opt_out, now, text=text, source="sms",
                        inbound=inbound, message=last, actor=resident_actor(phone))
    elif community is not None:
        inbound.kind = "case"
        inbound.request_key = f"sms-inbound-{gateway_id}"
        reference = ({"program_id": PROGRAM_ID, "kind": "broadcast", "id": str(last.broadcast_id)}
                     if last else None)
        tx.publish("case.submitted", {
            "request_key": inbound.request_key, "community": community, "channel": "sms",
            "description": text[:4000],
            "resident": {"name": contact.name if contact else None, "phone": phone},
            "address": address_of(contact) if contact else None,
            "service_code": None, "attributes": {}, "reference": reference,
        }, community=community)
    record(session, community, resident_actor(phone), f"reply_{inbound.kind}", "inbound",
           inbound.id, None, now)
    return inbound, True
