"""A client's Idempotency-Key header reaches the program: money sent twice is recorded once."""
import pytest
import requests

pytestmark = pytest.mark.e2e


def test_a_donation_posted_twice_with_one_idempotency_key_is_recorded_once(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("cat_fund")
    suite.wait_until_up()
    suite.wait_for_service("sick_or_injured_cat")
    admin = suite.login()
    made = requests.post(suite.url("/api/v1/staff"), headers=admin, timeout=10, json={
        "username": "fund", "name": "基金会出纳", "role": "program_staff", "program_id": "cat_fund",
        "password": "fund-pass-1"})
    assert made.status_code == 201, made.text
    fund = {**suite.login("fund", "fund-pass-1"), "Idempotency-Key": "donation-2026-001"}
    gift = {"amount": "88.80", "donor_name": "热心居民", "agreed_to_be_named": False,
            "channel": "wechat"}
    url = suite.url("/api/v1/programs/cat_fund/donations")
    first = requests.post(url, headers=fund, json=gift, timeout=10)
    again = requests.post(url, headers=fund, json=gift, timeout=10)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["receipt_no"] == first.json()["receipt_no"]
    report = requests.get(suite.url("/api/v1/programs/cat_fund/report?community=rainbow-city"),
                          timeout=10).json()
    assert report["balance"] == "88.80"
