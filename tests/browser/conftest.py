"""The console in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``), in
front of intake, the gateway and the programs whose pages it shows (the legal-aid home, the cat
fund, the matchmaking studio, the job fair), each started as an OS process with ``minzi-run`` as
in ``tests/e2e`` (the ``Suite`` of ``tests/conftest.py``). Screenshots of the main pages go to
``tests/browser/artefacts/``.

Intake runs with a time limit of 3.6 seconds for a case waiting to be assigned, so that one is
escalated to the station head while a test watches (in a station: 24 hours)."""
import os
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest

from ..conftest import Suite

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# the console's own Open311 key (the web channel's), made by intake at start
WEB_KEY = "browser-test-web-key"


class Station(Suite):
    """The suite with the console in front of its gateway, posting residents' requests with the
    web channel's key."""

    def start_console(self):
        super().start_console(CONSOLE_OPEN311_API_KEY=WEB_KEY)


@pytest.fixture(scope="module")
def station(vhost_module, tmp_path_factory):
    with ExitStack() as stack:
        running = Station(vhost_module, str(tmp_path_factory.mktemp("logs")), stack)
        try:
            running.start_intake(BOOTSTRAP_WEB_OPEN311_API_KEY=WEB_KEY,
                                 UNASSIGNED_TIME_LIMIT_HOURS="0.001")
            # the console on this machine forwards its browsers' addresses
            running.start("gateway", TRUSTED_PROXIES="127.0.0.1")
            for program in ("legal_aid", "cat_fund", "matchmaking", "job_fair"):
                running.start(program)
            running.wait_until_up()
            for code in ("labour_dispute", "sick_or_injured_cat", "matchmaking_consultation",
                         "job_seeking"):
                running.wait_for_service(code)
            running.start_console()
            yield running
        except BaseException:
            print(running.logs())
            raise
        finally:
            running.stop_all()


def _browser(width, height):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("the browser tests need Debian's chromium and chromium-driver "
                    "(scripts/test installs them): apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(argument)
    # the language a browser set up in Chinese asks for (Accept-Language)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    return driver


@pytest.fixture
def desk_browser():
    """A station computer's window."""
    driver = _browser(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture
def phone_browser():
    """A resident's phone: 390×844."""
    driver = _browser(390, 844)
    yield driver
    driver.quit()


def screenshot(driver, name):
    ARTEFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))
