"""The programs' own pages in a real browser: each live program is in the menu by its name, as
its manifest says, without the console knowing it; a program's staff see their own program's
pages only, and its forms send to its API, showing a refusal beside the field."""
from pathlib import Path

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select

from .conftest import screenshot
from .test_console import fill, first_log_in, make_account, messages, open_page, text_of, wait

pytestmark = pytest.mark.e2e
SERVICES = Path(__file__).resolve().parents[2] / "services"
RUNNING = ("legal_aid", "cat_fund", "matchmaking", "job_fair")   # what the station fixture starts


def name_of(program_id):
    manifest = yaml.safe_load((SERVICES / program_id / "manifest.yaml").read_text("utf-8"))
    return manifest["name"]["zh"]


def menu(driver):
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav.main a")]


def test_a_programs_staff_keep_its_books_from_its_own_pages(station, desk_browser):
    make_account(station, "chen.cat", "陈志愿者", "program_staff", "cat_fund")
    desk = desk_browser
    first_log_in(desk, station, "chen.cat")
    assert name_of("cat_fund") in menu(desk)
    assert not [name_of(p) for p in RUNNING if p != "cat_fund" and name_of(p) in menu(desk)]

    desk.find_element(By.LINK_TEXT, name_of("cat_fund")).click()
    wait(desk).until(seen.url_contains("/p/cat_fund/ledger"))
    before = text_of(desk, "#record-0")
    # a sum with a third decimal is refused beside its box, and nothing is booked
    desk.find_element(By.CSS_SELECTOR, "#form-2 summary").click()
    fill(desk, "f2-amount", "88.505")
    Select(desk.find_element(By.ID, "f2-channel")).select_by_value("wechat")
    desk.find_element(By.CSS_SELECTOR, "#form-2 button[type=submit]").click()
    problem = text_of(desk, "#p-f2-amount")
    assert problem and desk.find_element(By.ID, "f2-amount").get_attribute("value") == "88.505"
    assert text_of(desk, "#record-0") == before
    screenshot(desk, "program-cat-fund-refused")
    # the right sum is booked, and the balance shows it
    fill(desk, "f2-amount", "88.50")
    Select(desk.find_element(By.ID, "f2-channel")).select_by_value("wechat")
    fill(desk, "f2-donor_name", "王阿姨")
    desk.find_element(By.ID, "f2-agreed_to_be_named").click()
    desk.find_element(By.CSS_SELECTOR, "#form-2 button[type=submit]").click()
    wait(desk).until(seen.url_contains("/p/cat_fund/entry?entry_id="))   # the new entry
    assert "已完成" in messages(desk)
    assert "88.50" in text_of(desk, "#record-0")
    screenshot(desk, "program-cat-fund-entry")
    desk.find_element(By.LINK_TEXT, "基金账目").click()
    wait(desk).until(seen.url_contains("/p/cat_fund/ledger"))
    assert "88.50 元" in text_of(desk, "#record-0")
    assert "88.50" in text_of(desk, "#table-1")
    screenshot(desk, "program-cat-fund-ledger")


def test_an_admin_finds_every_live_programs_pages(station, desk_browser):
    desk = desk_browser
    open_page(desk, station, "/login")
    fill(desk, "f-username", "admin")
    from ..conftest import ADMIN_PASSWORD
    fill(desk, "f-password", ADMIN_PASSWORD)
    desk.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait(desk).until(seen.url_contains("/cases"))
    for program_id in RUNNING:
        desk.find_element(By.LINK_TEXT, name_of(program_id)).click()
        wait(desk).until(seen.url_contains(f"/p/{program_id}/"))
        assert text_of(desk, "h1")
        assert not desk.find_elements(By.CSS_SELECTOR, ".message.error"), desk.current_url
        tabs = [a.text for a in desk.find_elements(By.CSS_SELECTOR, "nav.tabs a")]
        assert len(tabs) >= 2, tabs                   # the program's own pages, as tabs
        screenshot(desk, f"program-{program_id}")
