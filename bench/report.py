#!/usr/bin/python3
"""Tables for bench/run: ratios with min/median/max, and the count check.

    report.py pops RUNSIM.json   the number of queue pops of a runsim run
    report.py heavy DIR          timings and counts of the paired heavy rounds
    report.py sweep DIR          worker scaling and the two-process control
    report.py counts DIR         the count check at several rates

Standard library only. The keys of runsim's JSON are matched loosely
(case, punctuation, a few other spellings, one level of nesting), and a
count that cannot be found stops the harness with the keys that were there.
"""

import json
import math
import os
import re
import statistics
import sys

# name in the tables -> spellings accepted in the JSON (runsim's first)
COUNTS = [
    ("requests", ["requests", "attempts", "requests_total"]),
    ("accepted", ["accepted"]),
    ("throttled", ["throttled"]),
    ("conflicts", ["conflicts", "conflict", "conflicted"]),
    ("retries", ["retries", "retried"]),
    ("gave_up", ["gave_up", "given_up", "gaveup", "abandoned"]),
    ("runs_started", ["runs_started", "started_runs"]),
    ("runs_succeeded", ["runs_succeeded", "runs_completed", "succeeded"]),
    ("runs_failed", ["runs_failed", "failed_runs", "failed"]),
    ("scheduled_due", ["scheduled_due", "scheduled_runs_due"]),
    ("scheduled_run", ["scheduled_run", "scheduled_ran", "scheduled_started"]),
]
# runsim gives the total and, apart, the counts by reason: the reasons first.
SKIPPED = ["scheduled_skipped_by_reason", "scheduled_skipped", "skipped", "scheduled_skips"]

# two-sided 95 % Student t quantiles by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365,
       8: 2.306, 9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160,
       14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
       20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(1)


def norm(k):
    return re.sub(r"[^a-z0-9]", "", k.lower())


def lookup(d, spellings, what, path):
    """The value of the first spelling found at the top level, else one level down."""
    want = [norm(s) for s in spellings]
    levels = [d] + [v for v in d.values() if isinstance(v, dict)]
    for level in levels:
        keys = {norm(k): k for k in level}
        for w in want:
            if w in keys:
                return level[keys[w]]
    die("%s: no %s in the JSON (looked for %s); its keys: %s"
        % (path, what, ", ".join(spellings), ", ".join(sorted(d))))


def counts(path):
    """Counts of one run, by the names of COUNTS, plus skipped:<reason>."""
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        die("%s: %s" % (path, e))
    out = {}
    for name, spellings in COUNTS:
        v = lookup(d, spellings, name, path)
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            die("%s: %s is %r, not a number" % (path, name, v))
        out[name] = v
    sk = lookup(d, SKIPPED, "scheduled_skipped", path)
    if isinstance(sk, dict):
        for reason, n in sk.items():
            out["skipped:" + reason] = n
    elif isinstance(sk, (int, float)):
        out["skipped:all"] = sk
    else:
        die("%s: scheduled_skipped is %r" % (path, sk))
    return out


def pops(c):
    """Queue pops of a runsim run: every queue entry the engine pops is one
    attempt (arrival or retry), one scheduled run due, or one run finishing."""
    return int(c["requests"] + c["scheduled_due"] + c["runs_succeeded"] + c["runs_failed"])


def horizon_s(path):
    with open(path) as f:
        d = json.load(f)
    if "horizon_s" in d:
        return float(d["horizon_s"])
    from datetime import datetime
    start = lookup(d, ["start"], "start", path)
    end = lookup(d, ["end"], "end", path)
    p = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (p(end) - p(start)).total_seconds()


def t95(df):
    if df in T95:
        return T95[df]
    below = [k for k in T95 if k <= df]
    return T95[max(below)] if df < 120 else 1.96


def ci(xs):
    m = statistics.fmean(xs)
    if len(xs) < 2:
        return m, m, m
    h = t95(len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs))
    return m, m - h, m + h


def mmm(xs):
    return min(xs), statistics.median(xs), max(xs)


def read_times(path):
    """round -> name -> (wall, user+sys)."""
    t = {}
    with open(path) as f:
        for line in f:
            r, name, wall, user, sys_ = line.split()
            t.setdefault(int(r), {})[name] = (float(wall), float(user) + float(sys_))
    return t


def row(label, xs, fmt):
    lo, med, hi = mmm(xs)
    return "  %-38s %10s %10s %10s" % (label, fmt % lo, fmt % med, fmt % hi)


def heavy(d):
    times = read_times(os.path.join(d, "times.tsv"))
    rounds = sorted(times)
    rs, py = {}, {}
    for r in rounds:
        rs[r] = counts(os.path.join(d, "r%d.runsim.json" % r))
        py[r] = counts(os.path.join(d, "r%d.simpy.json" % r))
        hr = horizon_s(os.path.join(d, "r%d.runsim.json" % r))
        hp = horizon_s(os.path.join(d, "r%d.simpy.json" % r))
        if abs(hr - hp) > 1e-3:
            die("round %d: runsim covered %gs, the SimPy model %gs" % (r, hr, hp))
    n = len(rounds)
    cpu = {k: [times[r][k][1] for r in rounds] for k in ("runsim", "simpy", "bare")}
    pp = [pops(rs[r]) for r in rounds]

    print("Paired CPU time (user+sys of the whole process), %d rounds, seeds %s:"
          % (n, ",".join(str(r) for r in rounds)))
    print("  %-38s %10s %10s %10s" % ("", "min", "median", "max"))
    print(row("runsim run heavy.yaml (s)", cpu["runsim"], "%.3f"))
    print(row("SimPy model (s)", cpu["simpy"], "%.3f"))
    print(row("bare typed-heap loop (s)", cpu["bare"], "%.3f"))
    print(row("queue pops (runsim = bare loop)", pp, "%d"))
    print(row("runsim M pops/s", [p / c / 1e6 for p, c in zip(pp, cpu["runsim"])], "%.2f"))
    print(row("bare loop M pops/s", [p / c / 1e6 for p, c in zip(pp, cpu["bare"])], "%.2f"))
    print("Ratios of paired runs (the same round):")
    print(row("SimPy / runsim (x)", [s / r for s, r in zip(cpu["simpy"], cpu["runsim"])], "%.1f"))
    print(row("runsim speed, % of bare loop", [100 * b / r for b, r in zip(cpu["bare"], cpu["runsim"])], "%.1f"))

    print()
    print("Counts, mean [95%% interval] over the %d seeds (each program its own random numbers):" % n)
    bad = compare([rs[r] for r in rounds], [py[r] for r in rounds])
    if bad:
        print("\nFAIL: runsim and the SimPy model differ on %s" % ", ".join(bad))
        return 1
    return 0


# Counts with fewer events than this over all seeds of both programs (or
# as few short of a bound) are compared by an exact test on their totals:
# their t intervals mean little (an event seen in no seed gives [0, 0]).
RARE = 30


def rare_totals(a, b):
    """For integer counts that are rarely off a bound (nearly always 0, or
    nearly always 730 of 730 scheduled runs): the totals of their distances
    from the lowest or the highest value seen, whichever is under RARE
    events in all; else (None, None)."""
    if not all(float(x).is_integer() for x in a + b):
        return None, None
    lo, hi = min(a + b), max(a + b)
    for f in (lambda x: x - lo, lambda x: hi - x):
        ta, tb = sum(f(x) for x in a), sum(f(x) for x in b)
        if ta + tb < RARE:
            return int(ta), int(tb)
    return None, None


def binomial_p(ka, kb):
    """Two-sided p of ka vs kb events over equal numbers of seeds, if both
    come from one Poisson rate: the split of ka+kb is Binomial(ka+kb, 1/2)."""
    n, k = ka + kb, min(ka, kb)
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n
    return min(1.0, 2 * tail)


def compare(rs, py):
    """Prints the count table of runs rs (runsim) and py (SimPy), over the
    same number of seeds, and returns the counts that differ: 95 % intervals
    disjoint (for a count with fewer than RARE events in all, or as few short
    of a bound, an exact test on the totals at p < 0.01). Two programs with the same distribution have
    disjoint intervals about 0.6 % of the time per count, while one mean
    falls outside the other's interval about 19 % of the time: that alone
    is reported, not failed."""
    n = len(rs)
    keys = [k for k, _ in COUNTS] + sorted({k for c in rs + py for k in c if k.startswith("skipped:")})
    print("  %-26s %-34s %-34s %s" % ("", "runsim", "SimPy", "verdict"))
    bad = []
    for k in keys:
        a = [c.get(k, 0) for c in rs]
        b = [c.get(k, 0) for c in py]
        ma, la, ha = ci(a)
        mb, lb, hb = ci(b)
        ta, tb = rare_totals(a, b)
        eps = 1e-9
        if la - eps <= mb <= ha + eps and lb - eps <= ma <= hb + eps:
            verdict = "same (each mean in the other's interval)"
        elif ta is not None:
            p = binomial_p(int(ta), int(tb))
            verdict = "%s (rare: %d vs %d events in all, exact test p=%.2f)" % (
                "DIFFER" if p < 0.01 else "same", ta, tb, p)
            if p < 0.01:
                bad.append(k)
        elif la <= hb + eps and lb <= ha + eps:
            verdict = "overlap (a mean outside the other's interval)"
        else:
            verdict = "DIFFER (intervals disjoint)"
            bad.append(k)
        cell = lambda m, lo, hi: "%.1f [%.1f, %.1f]" % (m, lo, hi)
        print("  %-26s %-34s %-34s %s" % (k, cell(ma, la, ha), cell(mb, lb, hb), verdict))
    if n < 2:
        print("  (one seed: no intervals; use more to check the counts)")
    return bad


def counts_check(d):
    """DIR/<i>/rate holds a rate; DIR/<i>/s<seed>.{runsim,simpy}.json the runs."""
    bad = []
    for sub in sorted(os.listdir(d), key=lambda x: (len(x), x)):
        p = os.path.join(d, sub)
        if not os.path.isdir(p):
            continue
        with open(os.path.join(p, "rate")) as f:
            rate = f.read().strip()
        seeds = sorted(int(f[1:].split(".")[0]) for f in os.listdir(p) if f.endswith(".runsim.json"))
        rs = [counts(os.path.join(p, "s%d.runsim.json" % s)) for s in seeds]
        py = [counts(os.path.join(p, "s%d.simpy.json" % s)) for s in seeds]
        for s in seeds:
            hr = horizon_s(os.path.join(p, "s%d.runsim.json" % s))
            hp = horizon_s(os.path.join(p, "s%d.simpy.json" % s))
            if abs(hr - hp) > 1e-3:
                die("rate %s, seed %d: runsim covered %gs, the SimPy model %gs" % (rate, s, hr, hp))
        print("Rate %s: counts, mean [95%% interval] over %d seeds:" % (rate, len(seeds)))
        bad += ["%s at %s" % (k, rate) for k in compare(rs, py)]
        print()
    if bad:
        print("FAIL: runsim and the SimPy model differ on %s" % ", ".join(bad))
        return 1
    print("ok: no count differs (no pair of intervals disjoint, no rare count off by the exact test)")
    return 0


def sweep(d):
    t = read_times(os.path.join(d, "sweep.tsv"))
    rounds = sorted(t)
    workers = sorted({int(k[1:]) for r in rounds for k in t[r] if k.startswith("w")})
    print("Wall time, %d rounds (speed-ups are paired: the same round):" % len(rounds))
    print("  %-38s %10s %10s %10s" % ("", "min", "median", "max"))
    for w in workers:
        print(row("sweep, --workers %d: wall (s)" % w, [t[r]["w%d" % w][0] for r in rounds], "%.3f"))
        print(row("sweep, --workers %d: CPU (s)" % w, [t[r]["w%d" % w][1] for r in rounds], "%.3f"))
    for w in workers[1:]:
        print(row("sweep speed-up, %d workers vs 1 (x)" % w,
                  [t[r]["w1"][0] / t[r]["w%d" % w][0] for r in rounds], "%.2f"))
    print(row("control: one bare loop, wall (s)", [t[r]["ctl1"][0] for r in rounds], "%.3f"))
    print(row("control: two at once, wall (s)", [t[r]["ctl2"][0] for r in rounds], "%.3f"))
    print(row("control speed-up, 2 processes (x)",
              [2 * t[r]["ctl1"][0] / t[r]["ctl2"][0] for r in rounds], "%.2f"))
    if 2 in workers:
        print(row("sweep speed-up (2) / control speed-up",
                  [(t[r]["w1"][0] / t[r]["w2"][0]) / (2 * t[r]["ctl1"][0] / t[r]["ctl2"][0]) for r in rounds], "%.2f"))
    print("  (2.00 for the control means two idle CPUs; less means the machine was busy,")
    print("   and the sweep's speed-up cannot be expected to exceed it)")
    return 0


def main():
    cmds = {"heavy": heavy, "sweep": sweep, "counts": counts_check}
    if len(sys.argv) != 3 or sys.argv[1] not in list(cmds) + ["pops"]:
        die("usage: report.py pops FILE | heavy DIR | sweep DIR | counts DIR")
    cmd, arg = sys.argv[1], sys.argv[2]
    if cmd == "pops":
        print(pops(counts(arg)))
        return 0
    return cmds[cmd](arg)


if __name__ == "__main__":
    sys.exit(main())
