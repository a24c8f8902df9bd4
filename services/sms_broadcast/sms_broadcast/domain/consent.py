"""A resident's choice to receive the community's texts or not, with the evidence of it (who,
when, in reply to which message, in what words). An opt-out also stops what was waiting to go to
them."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Staff, actor_name
from minzi.logs import mask_phone
from minzi.store import Transaction

from ..models import Consent, Contact, Inbound, Message
from .changes import record

OPTED_OUT = "居民已退订 / opted out"   # the error of a message not sent because of it


def resident_actor(phone: str) -> str:
    """How the record names a resident acting by SMS: ``居民 138****1111``."""
    return f"居民 {mask_phone(phone)}"


def set_consent(session: Session, contact: Contact, opt_out: bool, now: datetime, *, text: str,
                source: str, actor: str, inbound: Inbound | None = None,
                message: Message | None = None) -> None:
    contact.opted_out = opt_out
    contact.opted_out_at = now if opt_out else None
    contact.updated_by, contact.updated_at = actor, now
    session.add(Consent(community=contact.community, contact_id=contact.id, phone=contact.phone,
                        action="opt_out" if opt_out else "opt_in", text=text, source=source,
                        inbound_id=inbound.id if inbound else None,
                        message_id=message.id if message else None, recorded_by=actor, at=now))
    if opt_out:  # what was waiting to go to them is not sent
        for waiting in session.scalars(select(Message).where(
                Message.contact_id == contact.id, Message.state == "pending")):
            waiting.state, waiting.error = "skipped", OPTED_OUT
            waiting.updated_at = now
    record(session, contact.community, actor, "opted_out" if opt_out else "opted_in", "contact",
           contact.id, text, now)


def staff_consent(tx: Transaction, staff: Staff, contact: Contact, opt_out: bool, note: str,
                  now: datetime) -> Contact:
    """Staff record a resident's wish given in person or by phone."""
    set_consent(tx.session, contact, opt_out, now, text=note, source="staff",
                actor=actor_name(staff))
    return contact
