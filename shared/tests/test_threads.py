"""Slow work runs off the event loop: in a real thread of eventlet's pool when the service is
green, in place when it is not."""
import pytest
from eventlet import patcher

from minzi.threads import off_the_loop


def os_thread() -> int:
    return patcher.original("threading").get_ident()


@pytest.mark.skipif(not patcher.is_monkey_patched("thread"), reason="needs green threads")
def test_under_eventlet_the_work_runs_in_another_os_thread():
    assert off_the_loop(os_thread) != os_thread()
    assert off_the_loop(lambda a, b: a + b, 2, 3) == 5


def test_an_exception_reaches_the_caller():
    with pytest.raises(ZeroDivisionError):
        off_the_loop(lambda: 1 / 0)
