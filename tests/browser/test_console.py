"""What the station's people and a resident do in the console, in a real browser: a
receptionist registers a walk-in's problem, a lawyer resolves it from the legal-aid home's
pages, the receptionist replies, the resident reads the reply and rates it on a phone, and the
station head sees the figures change. Expected values are the requirement's words and hand
counts."""
import re

import pytest
import requests
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import screenshot

pytestmark = pytest.mark.e2e
WAIT = 30


# While a submitted form's answer loads, an element found a moment before may belong to the page
# that is going away: Chromium says it is stale, or that the node "does not belong to the
# document". A wait looks again rather than failing on that; what it waits for must still come.
PAGE_CHANGING = (StaleElementReferenceException, NoSuchElementException, WebDriverException)


def wait(driver):
    return WebDriverWait(driver, WAIT, ignored_exceptions=PAGE_CHANGING)


def open_page(driver, station, path):
    driver.get(station.console + path)


def text_of(driver, css):
    return wait(driver).until(seen.visibility_of_element_located((By.CSS_SELECTOR, css))).text


def fill(driver, field_id, value):
    """Type into a field of the page now shown (waiting for it if the page is still changing)."""
    def typed(_):
        element = driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)
        return element.get_attribute("value") == value
    wait(driver).until(typed)


def messages(driver):
    return [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".message")]


def make_account(station, username, name, role, program_id=None):
    """Opened by the admin through the API; its owner sets their own password at first log-in."""
    created = requests.post(station.url("/api/v1/staff"), headers=station.login(), timeout=10,
                            json={"username": username, "name": name, "role": role,
                                  "program_id": program_id, "password": "first-pass-1"})
    assert created.status_code == 201, created.text


def first_log_in(driver, station, username):
    """Log in with the admin's password; the console asks for one's own before anything else."""
    open_page(driver, station, "/login")
    fill(driver, "f-username", username)
    fill(driver, "f-password", "first-pass-1")
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait(driver).until(seen.url_contains("/password"))
    assert "首次登录，请先设置您自己的密码" in messages(driver)
    fill(driver, "f-old_password", "first-pass-1")
    fill(driver, "f-new_password", f"{username}-own-pass")
    fill(driver, "f-new_password_again", f"{username}-own-pass")
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait(driver).until(seen.url_contains("/cases"))
    assert "密码已修改" in messages(driver)


def log_in(driver, station, username):
    open_page(driver, station, "/login")
    fill(driver, "f-username", username)
    fill(driver, "f-password", f"{username}-own-pass")
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait(driver).until(seen.url_contains("/cases"))


def log_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait(driver).until(seen.url_contains("/login"))


def figures_row(driver, table, name):
    """The cells of the row named ``name`` in one of the figures page's tables."""
    for row in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == name:
            return cells
    return None


def test_a_walk_in_is_registered_resolved_replied_and_rated(station, desk_browser,
                                                            phone_browser):
    make_account(station, "wang.desk", "王接待", "receptionist")
    make_account(station, "li.lawyer", "李律师", "handler", "legal_aid")
    make_account(station, "zhao.head", "赵站长", "station_head")
    desk = desk_browser

    # the station head looks at the figures before anything happened: no case yet
    first_log_in(desk, station, "zhao.head")
    open_page(desk, station, "/figures")
    assert figures_row(desk, "figures-program", "普法互助家园") is None
    log_out(desk)

    # the receptionist registers a walk-in's problem at the one window
    first_log_in(desk, station, "wang.desk")
    open_page(desk, station, "/cases/new")
    Select(desk.find_element(By.ID, "f-channel")).select_by_value("visit")
    fill(desk, "f-description", "公司拖欠三个月工资，老板不接电话")
    fill(desk, "f-resident_name", "张三")
    fill(desk, "f-resident_phone", "13800001111")
    fill(desk, "f-address", "彩虹城3号楼2单元")
    Select(desk.find_element(By.ID, "f-service")).select_by_value("labour_dispute")
    desk.find_element(By.CSS_SELECTOR, "button[value=questions]").click()
    # the type's own questions (its Open311 attributes) appear
    fill(desk, "a-employer", "彩虹城物业公司")
    fill(desk, "a-amount_owed", "15000")
    desk.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    check = text_of(desk, "#check")
    assert "劳动争议" in check                        # the chosen type, as it will be saved
    assert "没有发现同一电话或地址的在办诉求" in check   # nothing like it is open yet
    screenshot(desk, "registration-checked")
    desk.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(desk).until(seen.url_matches(r"/cases/\d+"))
    assert "已受理登记" in messages(desk)
    case_url = desk.current_url.split("?")[0]
    code = re.search(r"诉求 (\w{10})", text_of(desk, "h1")).group(1)
    # the legal-aid home takes it in and accepts it: the page shows it once it has
    def accepted():
        desk.get(case_url)
        return desk.find_element(By.ID, "case-status").text == "承办中"
    wait(desk).until(lambda _: accepted())
    history = desk.find_element(By.ID, "history").text
    assert "受理登记" in history and "转交承办" in history and "承办人接收" in history
    screenshot(desk, "case-registered")
    log_out(desk)

    # the lawyer resolves it from the legal-aid home's own pages, found in the menu
    first_log_in(desk, station, "li.lawyer")
    assert code in desk.find_element(By.TAG_NAME, "table").text   # in the program's queue
    desk.find_element(By.LINK_TEXT, "普法互助家园").click()
    wait(desk).until(seen.url_contains("/p/legal_aid/cases"))
    assert "转来的案件" in text_of(desk, "h1")
    screenshot(desk, "legal-aid-cases")
    desk.find_element(By.LINK_TEXT, code).click()
    wait(desk).until(seen.url_contains("/p/legal_aid/case?case_id="))
    assert "已受理" in text_of(desk, "#record-0")
    desk.find_element(By.CSS_SELECTOR, "#form-1 summary").click()
    fill(desk, "f1-result", "已联系用人单位，约定本周五前补发全部工资")
    desk.find_element(By.CSS_SELECTOR, "#form-1 button[type=submit]").click()
    wait(desk).until(seen.text_to_be_present_in_element((By.ID, "record-0"), "已办结"))
    assert "已完成" in messages(desk)
    assert not desk.find_elements(By.ID, "form-1")     # nothing left to resolve
    screenshot(desk, "legal-aid-case-resolved")
    # intake heard it: the case waits for the reply to the resident
    desk.get(case_url)
    wait(desk).until(seen.text_to_be_present_in_element((By.ID, "case-status"), "已办结，待答复"))
    assert desk.find_element(By.ID, "case-result").text == \
        "已联系用人单位，约定本周五前补发全部工资"
    # replying is the owner's (the receptionist's), not the lawyer's: no such form here
    assert not desk.find_elements(By.ID, "action-reply")
    screenshot(desk, "case-resolved-by-lawyer")
    log_out(desk)

    # the receptionist, who took it in, replies to the resident
    log_in(desk, station, "wang.desk")
    desk.get(case_url)
    desk.find_element(By.CSS_SELECTOR, "#action-reply summary").click()
    fill(desk, "f-text", "您好，公司已同意本周五前补发工资。")
    desk.find_element(By.CSS_SELECTOR, "#action-reply button[type=submit]").click()
    wait(desk).until(seen.text_to_be_present_in_element((By.ID, "case-status"), "已答复"))
    log_out(desk)

    # the resident reads the reply on a phone and rates it, once
    phone = phone_browser
    open_page(phone, station, "/r/track")
    fill(phone, "f-code", code)
    phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    assert text_of(phone, "#track-reply") == "您好，公司已同意本周五前补发工资。"
    assert phone.find_element(By.ID, "track-status").text == "已答复"
    page = phone.find_element(By.TAG_NAME, "main").text
    assert "李律师" not in page and "王接待" not in page   # no staff names for the public
    screenshot(phone, "resident-reads-reply")
    phone.find_element(By.CSS_SELECTOR, "input[name=resolved][value=yes]").click()
    phone.find_element(By.CSS_SELECTOR, "input[name=satisfied][value=yes]").click()
    phone.find_element(By.CSS_SELECTOR, "form[action='/r/feedback'] button[type=submit]").click()
    wait(phone).until(seen.text_to_be_present_in_element((By.ID, "track-status"), "已回访结案"))
    assert "感谢您的评价" in messages(phone)
    assert not phone.find_elements(By.CSS_SELECTOR, "form[action='/r/feedback']")
    screenshot(phone, "resident-rated")

    # the station head sees it: one case received, responded, resolved and rated satisfied
    log_in(desk, station, "zhao.head")
    open_page(desk, station, "/figures")
    # received 1; response, resolution, satisfaction and on-time rates 1 of 1 each
    assert figures_row(desk, "figures-program", "普法互助家园") == [
        "普法互助家园", "1", "100%", "100%", "100%", "100%"]
    wait(desk).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-drawn=true]")) == 4)
    screenshot(desk, "figures")


def test_a_page_of_managers_is_refused_to_a_receptionist_as_the_api_answers(station,
                                                                             desk_browser):
    make_account(station, "sun.desk", "孙接待", "receptionist")
    make_account(station, "qian.head", "钱站长", "station_head")
    desk = desk_browser
    first_log_in(desk, station, "qian.head")
    open_page(desk, station, "/staff")
    assert "孙接待" in desk.find_element(By.TAG_NAME, "table").text
    log_out(desk)

    first_log_in(desk, station, "sun.desk")
    open_page(desk, station, "/staff")
    assert messages(desk) == ["您的角色无权进行此操作"]
    assert not desk.find_elements(By.TAG_NAME, "table")
    screenshot(desk, "refused-for-receptionist")
    # the manager's queues are not in a receptionist's menu either
    menu = desk.find_element(By.CSS_SELECTOR, "nav.main").text
    assert "待分派" not in menu and "受理登记" in menu


def test_a_resident_asks_on_a_phone_and_sees_only_their_own_request(station, phone_browser):
    # another resident's walk-in, registered at the window
    staff = station.login()
    other = requests.post(station.url("/api/v1/cases"), headers=staff, timeout=10, json={
        "channel": "visit", "description": "楼上漏水已经三天", "resident_name": "刘梅",
        "resident_phone": "13900002222", "address": "彩虹城8号楼1单元"})
    assert other.status_code == 201, other.text
    other_code = other.json()["tracking_code"]

    phone = phone_browser
    open_page(phone, station, "/")
    phone.find_element(By.LINK_TEXT, "反映问题、提出诉求").click()
    phone.find_element(By.CSS_SELECTOR, "input[name=service_code][value=labour_dispute]").click()
    phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    fill(phone, "a-employer", "某餐馆")
    fill(phone, "f-description", "餐馆欠我两个月工资")
    fill(phone, "f-address_string", "彩虹城5号楼")
    fill(phone, "f-phone", "13700003333")
    screenshot(phone, "resident-request-form")
    phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    code = text_of(phone, "#tracking-code")
    assert re.fullmatch(r"\w{10}", code) and code != other_code
    screenshot(phone, "resident-request-sent")
    phone.find_element(By.CSS_SELECTOR, "form[action='/r/track'] button").click()
    assert text_of(phone, "#track-status") in ("已转交承办", "承办中")
    page = phone.find_element(By.TAG_NAME, "main").text
    assert "餐馆欠我两个月工资" in page
    for theirs in ("楼上漏水已经三天", "刘梅", "13900002222", "彩虹城8号楼1单元", other_code):
        assert theirs not in page
    # a code nobody was given finds nothing
    open_page(phone, station, "/r/track")
    fill(phone, "f-code", "ZZZZZZZZZZ")
    phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait(phone).until(lambda d: messages(d))   # the answer's page, once it has loaded
    assert "查询码不存在，请核对" in messages(phone)


def test_the_language_switch_shows_the_pages_in_english(station, desk_browser):
    desk = desk_browser
    open_page(desk, station, "/login")
    assert text_of(desk, "h1") == "工作人员登录"
    desk.find_element(By.LINK_TEXT, "English").click()
    wait(desk).until(seen.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Staff log-in"))
    fill(desk, "f-username", "nobody")
    fill(desk, "f-password", "wrong-password")
    desk.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    # the API's refusal, in the language chosen (the switch is remembered)
    assert wait(desk).until(lambda d: messages(d))
    assert all(re.search(r"[A-Za-z]", m) and not re.search(r"[\u4e00-\u9fff]", m)
               for m in messages(desk))
    screenshot(desk, "login-english")
