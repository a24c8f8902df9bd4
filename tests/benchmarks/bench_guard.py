"""What the gateway's Open311 limit per phone costs while requests come in, by how many phones
tried within the hour: the gateway's moving windows beside the ``limits`` library's in-memory
moving window (what the gateway used before), in the same run. Prints; asserts nothing.

    python tests/benchmarks/bench_guard.py                      # 0, 3,000, 20,000, 70,000 phones
    python tests/benchmarks/bench_guard.py --phones 0,5000 --rate 100 --seconds 2

The requests come at ``--rate`` a second, each from a new phone, for ``--seconds``; the figure is
the process's CPU over that time, as a share of one core (the expiry's thread included)."""
import argparse
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from gateway.guard import MovingWindow

LIMIT = "5/hour"    # OPEN311_REQUESTS_PER_PHONE's default


class LimitsMemory:
    """The baseline: ``limits``' MemoryStorage with its moving-window strategy."""

    def __init__(self):
        self.item = parse(LIMIT)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def take(self, key):
        return self.limiter.hit(self.item, "open311_phone", key)


class Windows:
    def __init__(self):
        item = parse(LIMIT)
        self.window = MovingWindow(item.amount, item.get_expiry())

    def take(self, key):
        return self.window.take(key)


def share_of_a_core(limiter, phones, rate, seconds):
    for i in range(phones):                       # residents who tried earlier in the hour
        limiter.take(f"138{i:08d}")
    time.sleep(0.2)
    cpu, wall = time.process_time(), time.monotonic()
    for i in range(int(rate * seconds)):
        limiter.take(f"139{i:08d}")
        time.sleep(1 / rate)
    return (time.process_time() - cpu) / (time.monotonic() - wall)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", default="0,3000,20000,70000",
                        help="phones that tried within the hour before the run, comma-separated")
    parser.add_argument("--rate", type=float, default=50, help="requests a second")
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args(argv)
    print(f"The Open311 limit per phone ({LIMIT}) at {args.rate:g} requests/s for "
          f"{args.seconds:g} s, each from a new phone; CPU of this process, share of one core:")
    print(f"  {'phones in the hour':>18}  {'limits MemoryStorage':>21}  "
          f"{'gateway MovingWindow':>21}  {'ratio':>6}")
    for phones in (int(p) for p in args.phones.split(",")):
        before = share_of_a_core(LimitsMemory(), phones, args.rate, args.seconds)
        after = share_of_a_core(Windows(), phones, args.rate, args.seconds)
        print(f"  {phones:>18,}  {before:>20.1%}  {after:>20.1%}  "
              f"{after / before if before else float('nan'):>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
