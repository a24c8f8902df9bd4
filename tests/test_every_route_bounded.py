"""Every route of every service states a bound on each integer, text, list and mapping it takes
(``minzi.api.unbounded``), so the OpenAPI document shows them and nothing out of range reaches a
database. A new field without one is named here."""
import importlib

import pytest

from minzi.api import unbounded

SERVICES = ("intake", "legal_aid", "cat_fund", "matchmaking", "sms_broadcast", "job_fair",
            "co_building", "agency", "hotline", "doctor", "flea_market", "dog_owners",
            "volunteer_grid",
            "sample_program")


@pytest.mark.parametrize("service", SERVICES)
def test_every_field_a_route_takes_has_a_bound(service):
    router = importlib.import_module(f"{service}.api" if service != "sample_program"
                                     else "sample_program.service").router
    loose = {f"{route.method} {route.template} {schema.__name__}": unbounded(schema())
             for route in router.routes for schema in (route.body, route.query)
             if schema is not None}
    assert {where: names for where, names in loose.items() if names} == {}
