#!/usr/bin/python3
"""The heavy workload (bench/heavy.yaml) as a SimPy 3 model.

An independent implementation of the documented rules, written for the
benchmark harness (bench/run) to compare runsim against: same workload, same
rules, its own random numbers. It prints one JSON object of counts with the
key names of `runsim run --format json`, so that the harness can check that
both give the same counts within their confidence intervals over several
seeds.

The workload, as bench/heavy.yaml and the README's "Assumptions" table state
it (the model hard-codes these; change them here if heavy.yaml changes):

- time is integer milliseconds from the start (2025-01-06T00:00:00Z); the
  run covers [0, horizon): nothing at or after the horizon happens;
- scheduled runs every 12 h anchored at 02:00;
- throttle: sliding log, at most 5 counted runs in any 12 h; a slot taken
  at s counts while now < s + 12 h; a run in progress holds its slot, a
  failed run gives it back when it finishes; scheduled runs count and are
  throttled (skipped, reason throttled, when the window is full);
  Retry-After is exact: the time until the slot that must free does so;
- an accepted on-demand start skips the next scheduled run if it is due
  within 10 h of the request, inclusive;
- a start while a run is in progress gets 409 (checked before the
  throttle); a scheduled run due during a run is skipped (run-in-progress);
- one client: Poisson arrivals at 100 an hour (exponential gaps truncated
  to the millisecond); after a 429 it retries exactly Retry-After later,
  after a 409 15 min later, at most 3 attempts in all;
- runs last a lognormal draw, median 110 min, sigma 0.3 (rounded to the
  millisecond, at least 1 ms); 95 % complete, 5 % fail;
- same-instant order: runs finishing, then the scheduled run, then
  requests in the order they were queued.

Usage: heavy_simpy.py [--seed N] [--horizon 1y|365d|48h] [--rate 100/h]

--rate changes the client's arrival rate (bench/run counts uses it to
compare the two at lighter loads, where scheduled runs do run).
"""

import argparse
import json
import math
import random
import sys

import simpy
from simpy.events import Event

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YEAR = 365 * DAY

# Same-instant order. SimPy orders events at one instant by (priority,
# insertion); its own URGENT (0) events, process starts among them, come
# first, so these are all above it.
FINISH, SCHEDULED, REQUEST = 10, 11, 12

EVERY = 12 * HOUR
ANCHOR = 2 * HOUR
LIMIT = 5
WINDOW = 12 * HOUR
LOOKAHEAD = 10 * HOUR
RATE_PER_HOUR = 100.0
MAX_ATTEMPTS = 3
CONFLICT_DELAY = 15 * MINUTE
MEDIAN_S = 110 * 60.0
SIGMA = 0.3
P_COMPLETED = 0.95


class At(Event):
    """A timeout with a priority among the events of its instant."""

    def __init__(self, env, delay, priority):
        if delay < 0:
            raise ValueError("negative delay %s" % delay)
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority, delay)


class SlidingLog:
    """At most LIMIT slots in any WINDOW; a slot taken at s counts while now < s + WINDOW."""

    def __init__(self):
        self.slots = []  # [taken_at, run], oldest first

    def _expire(self, now):
        i = 0
        while i < len(self.slots) and self.slots[i][0] + WINDOW <= now:
            i += 1
        if i:
            del self.slots[:i]

    def check(self, now):
        """(allowed, retry_after_ms)."""
        self._expire(now)
        n = len(self.slots)
        if n < LIMIT:
            return True, 0
        return False, self.slots[n - LIMIT][0] + WINDOW - now

    def take(self, now, run):
        self._expire(now)
        self.slots.append([now, run])

    def give_back(self, run):
        for i, (_, r) in enumerate(self.slots):
            if r == run:
                del self.slots[i]
                return


class Service:
    def __init__(self, env, seed):
        self.env = env
        self.runs_rng = random.Random("runsim-bench/%d/runs" % seed)
        self.throttle = SlidingLog()
        self.running = 0
        self.last_run = 0
        self.next_nominal = None  # nominal instant of the next scheduled run
        self.skip_through = -1  # scheduled runs due at or before it are skipped
        self.c = {
            "requests": 0, "accepted": 0, "throttled": 0, "conflicts": 0,
            "retries": 0, "gave_up": 0,
            "runs_started": 0, "runs_succeeded": 0, "runs_failed": 0,
            "scheduled_due": 0, "scheduled_run": 0,
        }
        self.skipped = {}

    def _start_run(self, scheduled):
        self.last_run += 1
        run = self.last_run
        self.throttle.take(self.env.now, run)  # reserved while it runs
        seconds = self.runs_rng.lognormvariate(math.log(MEDIAN_S), SIGMA)
        ms = max(1, int(math.floor(seconds * 1000 + 0.5)))
        completed = self.runs_rng.random() < P_COMPLETED
        self.running += 1
        self.c["runs_started"] += 1
        if scheduled:
            self.c["scheduled_run"] += 1
        self.env.process(self._run(run, ms, completed))

    def _run(self, run, ms, completed):
        yield At(self.env, ms, FINISH)
        self.running -= 1
        if completed:
            self.c["runs_succeeded"] += 1
        else:
            self.c["runs_failed"] += 1
            self.throttle.give_back(run)

    def _skip(self, reason):
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def scheduled_due(self, nominal):
        self.c["scheduled_due"] += 1
        if nominal <= self.skip_through:
            self._skip("on-demand")
        elif self.running > 0:
            self._skip("run-in-progress")
        elif not self.throttle.check(self.env.now)[0]:
            self._skip("throttled")
        else:
            self._start_run(scheduled=True)

    def start(self, attempt):
        """One attempt of POST runs/start: ("accepted"|"conflict"|"throttled", retry_after_ms)."""
        now = self.env.now
        self.c["requests"] += 1
        if attempt > 1:
            self.c["retries"] += 1
        if self.running > 0:
            self.c["conflicts"] += 1
            return "conflict", 0
        ok, retry_after = self.throttle.check(now)
        if not ok:
            self.c["throttled"] += 1
            return "throttled", retry_after
        self.c["accepted"] += 1
        nxt = self.next_nominal
        if nxt is not None and 0 <= nxt - now <= LOOKAHEAD:
            self.skip_through = max(self.skip_through, nxt)
        self._start_run(scheduled=False)
        return "accepted", 0


def scheduler(env, svc):
    nominal = ANCHOR
    while True:
        svc.next_nominal = nominal
        yield At(env, nominal - env.now, SCHEDULED)
        svc.next_nominal = nominal + EVERY
        svc.scheduled_due(nominal)
        nominal += EVERY


def request(env, svc):
    attempt = 1
    while True:
        answer, retry_after = svc.start(attempt)
        if answer == "accepted":
            return
        if attempt >= MAX_ATTEMPTS:
            svc.c["gave_up"] += 1
            return
        if answer == "throttled":
            if retry_after <= 0:
                raise RuntimeError("429 without Retry-After at %d" % env.now)
            wait = retry_after
        else:
            wait = CONFLICT_DELAY
        attempt += 1
        yield At(env, wait, REQUEST)


def client(env, svc, seed, rate_per_hour):
    rng = random.Random("runsim-bench/%d/client/poller" % seed)
    prev = 0
    while True:
        prev += int(rng.expovariate(1.0) / rate_per_hour * HOUR)
        yield At(env, prev - env.now, REQUEST)
        env.process(request(env, svc))


def parse_horizon(s):
    units = {"y": YEAR, "d": DAY, "h": HOUR, "m": MINUTE, "s": SECOND}
    if len(s) < 2 or s[-1] not in units:
        raise ValueError("horizon %r: want a number and one of y d h m s" % s)
    ms = int(float(s[:-1]) * units[s[-1]])
    if ms <= 0:
        raise ValueError("horizon %r must be positive" % s)
    return ms


def parse_rate(s):
    """Requests per hour from "100/h", "2.4/d" or "100"."""
    num, _, unit = s.partition("/")
    per = {"": 1.0, "h": 1.0, "d": 1 / 24.0}
    if unit not in per:
        raise ValueError("rate %r: want N/h or N/d" % s)
    r = float(num) * per[unit]
    if not r > 0:
        raise ValueError("rate %r must be positive" % s)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--horizon", default="1y")
    ap.add_argument("--rate", default="%g/h" % RATE_PER_HOUR)
    a = ap.parse_args()
    try:
        horizon = parse_horizon(a.horizon)
        rate = parse_rate(a.rate)
    except ValueError as e:
        print("heavy_simpy: %s" % e, file=sys.stderr)
        return 2
    env = simpy.Environment()
    svc = Service(env, a.seed)
    env.process(scheduler(env, svc))
    env.process(client(env, svc, a.seed, rate))
    env.run(until=horizon)
    out = {"model": "simpy " + simpy.__version__, "seed": a.seed, "horizon_s": horizon / 1000,
           "rate_per_hour": rate}
    out.update(svc.c)
    out["runs_in_progress"] = svc.running
    out["scheduled_skipped"] = svc.skipped
    json.dump(out, sys.stdout, indent=2, sort_keys=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
