"""The gateway's root (and ``/api/v1``) answers JSON that points at what is there: the staff
API and how to log in, its OpenAPI document, Open311 discovery and the resident's tracking."""
import pytest

LINKS = {"staff_api": "/api/v1", "log_in": "/api/v1/auth/token",
         "openapi": "/api/v1/openapi.json", "open311_discovery": "/open311/v2/discovery.json",
         "open311_services": "/open311/v2/services.json",
         "tracking": "/api/v1/track/{tracking_code}", "health": "/health"}


@pytest.mark.parametrize("path", ["/", "/api/v1"])
def test_the_root_points_at_the_api_its_document_open311_and_tracking(gateway, web_session,
                                                                       path):
    zh = web_session.get(path)
    assert zh.status_code == 200
    assert zh.headers["Content-Type"] == "application/json; charset=utf-8"
    assert zh.json()["links"] == LINKS
    assert zh.json()["name"] == "民字工程社区服务平台"
    assert "OpenAPI" in zh.json()["about"] and "?lang=en" in zh.json()["about"]
    for english in (web_session.get(path + "?lang=en"),
                    web_session.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"})):
        assert english.json()["name"] == "Minzi community service platform"
        assert english.json()["links"] == LINKS
        assert english.json()["about"].startswith("The staff API takes a token")
    # it needs no service behind it
    assert gateway.stage.calls == []


def test_every_link_of_the_root_is_a_route_the_gateway_answers(gateway, web_session):
    for name, link in LINKS.items():
        path = link.replace("{tracking_code}", "ABCD2345")
        method = "POST" if name == "log_in" else "GET"
        assert web_session.request(method, path, json={}).status_code == 200, name
