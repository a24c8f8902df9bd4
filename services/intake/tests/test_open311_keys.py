"""The Open311 keys made at start: the station's first one and the web channel's (the console's
residents' pages), each under its own name, so a leaked one is revoked alone."""
import pytest

from minzi.api import DomainError

from intake.domain.accounts import check_api_key, list_api_keys, revoke_api_key
from intake.startup import bootstrap, refuse_known_secrets

from .conftest import ADMIN, NOW

SETTINGS = {"COMMUNITIES": "rainbow-city:彩虹城社区",
            "BOOTSTRAP_OPEN311_API_KEY": "station-key-123",
            "BOOTSTRAP_WEB_OPEN311_API_KEY": "console-key-456"}


def test_the_web_channels_key_is_made_at_start_and_revoked_alone(tx):
    bootstrap(tx.session, SETTINGS)
    bootstrap(tx.session, SETTINGS)                     # a restart makes no second copy
    keys = {k["name"]: k for k in list_api_keys(tx.session, "rainbow-city")}
    assert sorted(keys) == ["bootstrap", "web"]
    revoke_api_key(tx.session, ADMIN, keys["web"]["id"], NOW)
    with pytest.raises(DomainError) as refused:
        check_api_key(tx.session, "console-key-456", "rainbow-city")
    assert (refused.value.code, refused.value.status) == ("api_key", 403)
    check_api_key(tx.session, "station-key-123", "rainbow-city")   # still good


def test_outside_development_the_web_channels_key_must_be_its_own_long_secret():
    production = {"MINZI_ENV": "production"}
    for value in ("rainbow-web-open311-key", "elevenchars"):
        with pytest.raises(RuntimeError, match="BOOTSTRAP_WEB_OPEN311_API_KEY"):
            refuse_known_secrets({**production, "BOOTSTRAP_WEB_OPEN311_API_KEY": value})
    refuse_known_secrets({**production, "BOOTSTRAP_WEB_OPEN311_API_KEY": "twelve-chars"})
