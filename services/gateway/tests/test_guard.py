"""The moving windows behind the gateway's limits, on a clock the test turns: who may try, how
long the one refused waits, and that a resident who stopped trying is forgotten; and what the
guard takes from the configuration."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.guard import Guard, MovingWindow


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_the_tries_over_the_amount_wait_until_the_oldest_leaves_the_window(clock):
    window = MovingWindow(3, 60, clock)
    for at in (0, 10, 20):
        clock.now = 1000 + at
        assert window.take("13800000001") is None
    clock.now = 1030
    assert window.take("13800000001") == pytest.approx(30)   # the first try leaves at 1060
    clock.now = 1059.5
    assert window.take("13800000001") == pytest.approx(0.5)  # refused tries are not counted
    clock.now = 1060
    assert window.take("13800000001") is None                # room for one more
    assert window.take("13800000001") == pytest.approx(10)   # the try at 1010 leaves at 1070


def test_a_limit_of_none_refuses_every_try(clock):
    window = MovingWindow(0, 3600, clock)
    assert window.take("13800000001") == 3600
    assert Guard({"OPEN311_REQUESTS_PER_PHONE": "0/hour"}, clock).take(
        "open311_phone", "13800000001") == 3600


def test_each_key_has_its_own_window(clock):
    window = MovingWindow(1, 60, clock)
    assert window.take("13800000001") is None
    assert window.take("13800000001") is not None
    assert window.take("13800000002") is None


def test_counted_failures_close_the_window_without_a_try_being_refused(clock):
    window = MovingWindow(2, 900, clock)
    assert window.wait_seconds("admin") is None
    window.count("admin")
    window.count("admin")
    assert window.wait_seconds("admin") == pytest.approx(900)
    clock.now += 100
    window.count("admin")            # a third failure while shut: only the last two are kept
    assert len(window.tries["admin"]) == 2
    assert window.wait_seconds("admin") == pytest.approx(800)   # the second leaves at 1900


def test_a_key_is_forgotten_a_window_after_its_last_try(clock):
    window = MovingWindow(5, 60, clock)
    for phone in range(100):
        window.take(f"1380000{phone:04d}")
    clock.now += 30
    window.take("13800000000")       # tried again: kept a window after this try
    clock.now += 31
    window.take("13900000000")       # any write drops what has expired
    assert set(window.tries) == {"13800000000", "13900000000"}
    assert window.take("13800000001") is None and len(window.tries["13800000001"]) == 1


def test_the_guard_answers_in_whole_seconds_from_the_configured_limits(clock):
    guard = Guard({"OPEN311_REQUESTS_PER_PHONE": "2/hour", "LOGIN_FAILURES_PER_USER": "1/minute"},
                  clock)
    assert guard.take("open311_phone", "13800000001") is None
    clock.now += 0.4
    assert guard.take("open311_phone", "13800000001") is None
    assert guard.take("open311_phone", "13800000001") == 3600    # 3599.6 s, rounded up
    assert guard.take("open311_phone", "13800000002") is None    # another phone's own count
    clock.now += 3599.59
    assert guard.take("open311_phone", "13800000001") == 1       # never "wait 0 seconds"
    guard.count("login_user", "admin")
    assert guard.wait_seconds("login_user", "admin") == 60
    assert guard.wait_seconds("login_user", "someone") is None
    assert guard.take("open311_key", "key") is None              # the default 600/minute


def request_from(address, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Request(EnvironBuilder(headers=headers,
                                  environ_base={"REMOTE_ADDR": address}).get_environ())


def test_the_body_limit_and_the_trusted_proxies_come_from_the_configuration():
    assert Guard({}).max_body_bytes == 1024 * 1024
    assert Guard({"MAX_BODY_BYTES": "4096"}).max_body_bytes == 4096
    behind_the_console = Guard({"TRUSTED_PROXIES": "10.0.0.5"})
    assert behind_the_console.client(request_from("10.0.0.5", "203.0.113.7")) == "203.0.113.7"
    assert behind_the_console.client(request_from("198.51.100.2", "203.0.113.7")) == \
        "198.51.100.2"                                # anyone else's header is not believed
    assert Guard({}).client(request_from("10.0.0.5", "203.0.113.7")) == "10.0.0.5"
