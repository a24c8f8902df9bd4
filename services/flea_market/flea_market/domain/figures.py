"""The flea market's figures, counted from its records: markets planned, held and cancelled;
the head counts of those held (the seed: 20 markets, each with 500 or more); the stalls signed
up; the charity sales and the money raised and handed over, in total and market by market."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.money import yuan

from ..models import Signup
from .codes import MARKET_STATES
from .markets import HELD, list_markets
from .sales import market_money_view, money_of
from .signups import SIGNED_UP

LARGE = 500     # the seed's "每次参与人数都在500人以上"


def figures(session: Session, community: str, lang: str = "zh") -> dict:
    markets = sorted(list_markets(session, community), key=lambda m: (m.day, m.id))
    held = [m for m in markets if m.state == HELD]
    counts = [m.participants for m in held]
    stalls: dict[int, int] = {}
    for signup in session.scalars(select(Signup).where(Signup.community == community,
                                                       Signup.state == SIGNED_UP)):
        stalls[signup.market_id] = stalls.get(signup.market_id, 0) + 1
    money = money_of(session, community)
    return {
        "community": community,
        "markets": {"total": len(markets),
                    "by_state": [{"state": state, "label": label(MARKET_STATES, state, lang),
                                  "count": sum(m.state == state for m in markets)}
                                 for state in MARKET_STATES]},
        "markets_held": len(held),
        "participants": {"total": sum(counts), "fewest": min(counts, default=None),
                         "most": max(counts, default=None),
                         "markets_with_500_or_more": sum(c >= LARGE for c in counts)},
        "stalls": sum(stalls.values()),
        "charity_markets": sum(m.charity for m in held),
        "sales": sum(m["sales"] for m in money.values()),
        "raised": yuan(sum(m["raised"] for m in money.values())),
        "handed_over": yuan(sum(m["handed_over"] for m in money.values())),
        "by_market": [{"market_id": m.id, "day": m.day.isoformat(), "theme": m.theme,
                       "state": m.state, "state_name": label(MARKET_STATES, m.state, lang),
                       "charity": m.charity, "beneficiary": m.beneficiary,
                       "participants": m.participants, "stalls": stalls.get(m.id, 0),
                       **market_money_view(money.get(m.id))} for m in markets],
    }
