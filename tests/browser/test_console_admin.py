"""The admin's pages in a real browser: an admin opens a receptionist's account from the staff
page, and the receptionist's first log-in asks for a password of their own before anything
else; the admin's pages are not theirs to open."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select

from ..conftest import ADMIN_PASSWORD
from .conftest import screenshot
from .test_console import fill, log_out, messages, open_page, wait

pytestmark = pytest.mark.e2e


def submit(driver, form_css):
    driver.find_element(By.CSS_SELECTOR, f"{form_css} button[type=submit]").click()


def test_an_admin_opens_an_account_whose_owner_then_sets_their_own_password(station,
                                                                            desk_browser):
    station.login()   # the first admin's own first log-in, done as its owner would
    admin_password = station.own_passwords.get(("admin", ADMIN_PASSWORD), ADMIN_PASSWORD)
    desk = desk_browser
    open_page(desk, station, "/login")
    fill(desk, "f-username", "admin")
    fill(desk, "f-password", admin_password)
    submit(desk, "form.stack")
    wait(desk).until(seen.url_contains("/cases"))

    desk.find_element(By.LINK_TEXT, "工作人员").click()
    wait(desk).until(seen.url_contains("/admin/staff"))
    roles = Select(desk.find_element(By.ID, "f-role"))
    assert [o.text for o in roles.options] == [
        "接待员", "承办人", "站长", "项目工作人员", "共建单位联系人", "管理员"]
    fill(desk, "f-username", "zhou.desk")
    fill(desk, "f-name", "周接待")
    roles.select_by_visible_text("接待员")
    fill(desk, "f-password", "zhou-first-1")
    submit(desk, "form[action='/admin/staff']")
    wait(desk).until(seen.url_contains("done=staff_created"))
    assert "账号已建立，请把用户名和初始密码当面交给本人" in messages(desk)
    row = [td.text for td in desk.find_elements(By.XPATH, "//tr[td[1]='zhou.desk']/td")]
    assert row[:5] == ["zhou.desk", "周接待", "接待员", "", "待本人设置密码"]
    screenshot(desk, "admin-staff")
    log_out(desk)

    # the receptionist's first log-in: their own password first, nothing else before it
    open_page(desk, station, "/login")
    fill(desk, "f-username", "zhou.desk")
    fill(desk, "f-password", "zhou-first-1")
    submit(desk, "form.stack")
    wait(desk).until(seen.url_contains("/password"))
    assert "首次登录，请先设置您自己的密码" in messages(desk)
    open_page(desk, station, "/cases")
    wait(desk).until(seen.url_contains("/password"))
    fill(desk, "f-old_password", "zhou-first-1")
    fill(desk, "f-new_password", "zhou-own-password")
    fill(desk, "f-new_password_again", "zhou-own-password")
    submit(desk, "form.stack")
    wait(desk).until(seen.url_contains("/cases"))
    assert "密码已修改" in messages(desk)
    menu = desk.find_element(By.CSS_SELECTOR, "nav.main").text
    assert "周接待（接待员）" in menu and "工作人员" not in menu
    open_page(desk, station, "/admin/staff")
    wait(desk).until(lambda d: messages(d))
    assert messages(desk) == ["此页只有管理员可以打开"]
    assert not desk.find_elements(By.ID, "staff")
    log_out(desk)

    # the admin's page now shows the account in use
    open_page(desk, station, "/login")
    fill(desk, "f-username", "admin")
    fill(desk, "f-password", admin_password)
    submit(desk, "form.stack")
    wait(desk).until(seen.url_contains("/cases"))
    open_page(desk, station, "/admin/staff")
    wait(desk).until(seen.presence_of_element_located((By.ID, "staff")))
    row = [td.text for td in desk.find_elements(By.XPATH, "//tr[td[1]='zhou.desk']/td")]
    assert row[4] == "在用"
    open_page(desk, station, "/admin/record")
    record = desk.find_element(By.ID, "record").text
    # who did it is named by their name; what was done to, by its username
    assert "新建账号 zhou.desk" in record and "周接待 修改密码 zhou.desk" in record
