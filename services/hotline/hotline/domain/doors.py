"""The guide card (便民服务导向牌) and the building doors (楼门) it is posted at: the seed's 90.
Each door once; a posting is on the record with who posted it and the day."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import DoorPosting
from .activity import record


def post(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
         now: datetime) -> DoorPosting:
    if data["posted_on"] > local_date(now):
        raise DomainError("posted_in_future", "张贴日期不能晚于今天",
                          "The posting day cannot be in the future", field="posted_on",
                          status=422)
    same = tx.session.scalars(select(DoorPosting).where(
        DoorPosting.community == community, DoorPosting.building == data["building"],
        DoorPosting.door == data["door"])).first()
    if same is not None:
        raise Conflict("door_already_posted",
                       f"{data['building']}{data['door']}已经张贴过导向牌了",
                       f"The card is already posted at {data['building']} {data['door']}",
                       field="door")
    posting = DoorPosting(community=community, building=data["building"], door=data["door"],
                          posted_on=data["posted_on"], posted_by=actor_name(who),
                          created_at=now)
    tx.session.add(posting)
    tx.session.flush()
    record(tx, community, "door", posting.id, "posted", who, now,
           building=posting.building, door=posting.door)
    return posting


def list_doors(session: Session, community: str) -> list[DoorPosting]:
    return list(session.scalars(select(DoorPosting).where(DoorPosting.community == community)
                                .order_by(DoorPosting.id)))
