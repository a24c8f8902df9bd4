"""片儿医's pages: they load, every call they make is a route, every route a staffer uses is on
some page, and the public page is the card alone."""
from pathlib import Path

from minzi.pages import PLACEHOLDER, calls, check_routes, load_pages

from doctor.api import router

# the service's folder; in a mutation run the tests sit one folder deeper (mutants/tests), beside
# a copy of the package, and pages.yaml is found beside that folder
HERE = Path(__file__).resolve().parent
PAGES = load_pages(next(p for p in (HERE.parent / "pages.yaml", HERE.parent.parent / "pages.yaml")
                        if p.exists()))


def test_the_pages_call_only_routes_of_the_program():
    assert PAGES
    check_routes(PAGES, router)


def test_every_route_is_on_a_page():
    used = {(method, PLACEHOLDER.sub("1", path)) for page in PAGES
            for method, path, _ in calls(page)}
    missing = [f"{r.method} {r.template}" for r in router.routes
               if not any(method == r.method and r.pattern.match(path) for method, path in used)]
    assert missing == []


def test_the_pages_the_brief_names_are_there_and_the_card_alone_is_public():
    assert {p["id"] for p in PAGES} == {"cases", "case", "records", "record", "consent",
                                        "clinics", "clinic", "doctors", "figures", "card"}
    public = [p for p in PAGES if p["public"]]
    assert [(p["id"], [c[1] for c in calls(p)]) for p in public] == [("card", ["/card"])]
