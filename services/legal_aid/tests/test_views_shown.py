"""What staff see on a reception's page and a visitor's page when visits were written down out of
the order they happened: earlier visits and every visit latest first by when they happened, two
at the same moment the one written down later first. NOW is 10:00 in Beijing on 27 November."""
from legal_aid.domain import receptions, views

from .conftest import ALICE, NOW, at

C = "rainbow-city"


def test_visits_are_shown_latest_first_by_when_they_happened_not_when_written_down(tx):
    def visit(when, **visitor):
        return receptions.record_reception(tx, C, {**visitor, "area_of_law": "labour",
                                                   "outcome": "advised", "received_at": when},
                                           ALICE, NOW)

    # written down in this order: a visit on the 25th at 9:00, one on the 24th, a second one
    # on the 25th at 9:00, one on the 26th
    first = visit(at(-2, 9), visitor={"name": "张三", "phone": "13800001111"})
    person = {"visitor_id": first.visitor_id}
    second, third, fourth = visit(at(-3, 9), **person), visit(at(-2, 9), **person), visit(
        at(-1, 9), **person)
    # someone else came on the 24th too: not one of 张三's visits
    visit(at(-3, 9), visitor={"name": "李四", "phone": "13800002222"})

    def earlier(reception):
        return [v["id"] for v in
                views.reception_page(tx.session, reception, "zh")["earlier_visits"]]

    # by hand: the 25th (the later-written one, then the other), then the 24th
    assert earlier(fourth) == [third.id, first.id, second.id]
    # the other visit at the same moment counts as earlier; the 26th's does not
    assert earlier(first) == [third.id, second.id]
    assert earlier(second) == []
    page = views.visitor_view(receptions.get_visitor(tx.session, first.visitor_id, C),
                              with_visits=True, lang="zh")
    assert [v["id"] for v in page["visits"]] == [fourth.id, third.id, first.id, second.id]
    # on the visitor's own page a visit does not name the visitor again
    assert [v for v in page["visits"] if "visitor" in v] == []
