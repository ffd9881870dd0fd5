#!/usr/bin/env python3
"""Prints criterion results of saved baselines as BENCHMARKS.md's tables: every measurement
(its median in each baseline), then issue 5's targets as ratios within each run, judged on
the median over the runs.

    cargo bench -p registry-bench -- --save-baseline run1      # and run2, run3, ...
    python3 benches/summarize.py [--target-dir DIR] run1 run2 run3

DIR defaults to ./target (or $CARGO_TARGET_DIR). Only the Python standard library is used.
"""
import argparse
import json
import os
import statistics
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baselines", nargs="+")
    parser.add_argument("--target-dir", default=os.environ.get("CARGO_TARGET_DIR", "target"))
    return parser.parse_args()


ARGS = parse_args()
ROOT = Path(ARGS.target_dir) / "criterion"


def median_ns(bench_id, baseline):
    """The median estimate in ns of `group/function[/parameter]` in `baseline`, or None."""
    path = ROOT / bench_id / baseline / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def ns(value):
    if value is None:
        return "—"
    if value >= 1e6:
        return f"{value / 1e6:,.2f} ms"
    if value >= 1e3:
        return f"{value / 1e3:,.2f} µs"
    return f"{value:,.1f} ns"


def times(value):
    return f"{value:.2f}x"


def bench_ids():
    found = set()
    for baseline in ARGS.baselines:
        for path in ROOT.glob(f"**/{baseline}/estimates.json"):
            found.add(str(path.parent.parent.relative_to(ROOT)))
    return sorted(found)


def per_run(measure):
    """`measure(baseline)` for each baseline, skipping runs where it is missing."""
    values = [measure(baseline) for baseline in ARGS.baselines]
    return [v for v in values if v is not None]


def ratio(numerator, denominator, scale=1.0):
    def measure(baseline):
        a, b = median_ns(numerator, baseline), median_ns(denominator, baseline)
        return None if a is None or b is None else scale * a / b

    return measure


def value(bench_id):
    return lambda baseline: median_ns(bench_id, baseline)


def main():
    ids = bench_ids()
    if not ids:
        raise SystemExit(f"no baseline {ARGS.baselines} under {ROOT}")
    runs = " | ".join(ARGS.baselines)
    print("### Every measurement (median of each run)\n")
    print(f"| benchmark | {runs} |")
    print("|---|" + "---:|" * len(ARGS.baselines))
    for bench_id in ids:
        cells = " | ".join(ns(median_ns(bench_id, b)) for b in ARGS.baselines)
        print(f"| `{bench_id}` | {cells} |")

    rows = []

    def target(name, measure, limit, met, shown):
        values = per_run(measure)
        if not values:
            rows.append((name, "not measured", limit, "—"))
            return
        middle = statistics.median(values)
        cells = ", ".join(shown(v) for v in values)
        verdict = "—" if met is None else ("met" if met(middle) else "**missed**")
        rows.append((name, f"{cells} (median {shown(middle)})", limit, verdict))

    for case, order in (("value_type_last", "`type` last"), ("value_type_first", "`type` first")):
        target(f"build from a `Value` ({order}) / boxed floor",
               ratio(f"build/{case}/registry", f"build/{case}/serde_boxed"),
               "<= 3x", lambda r: r <= 3, times)
        target(f"typetag from the same `Value` ({order}) / build",
               ratio(f"build/{case}/typetag", f"build/{case}/registry"),
               ">= 3x", lambda r: r >= 3, times)
    target("from text, `type` first: parse + build / typetag",
           ratio("build/text_type_first/registry", "build/text_type_first/typetag"),
           "<= 1x", lambda r: r <= 1, times)
    target("from text, `type` last: parse + build / typetag",
           ratio("build/text_type_last/registry", "build/text_type_last/typetag"),
           "< 1x", lambda r: r < 1, times)
    for name, bench_id, limit in (("`get`, local hit", "get/local_hit", 25),
                                  ("`get`, five parents up", "get/five_parents_up", 60),
                                  ("`get`, scoped sibling", "get/scoped_sibling", 60)):
        target(name, value(bench_id), f"<= {limit} ns", lambda v, l=limit: v <= l, ns)
    for name, bench_id in (("`_scope_` build / plain build", "scope/scope_key"),
                           ("default-scope build, thread override / plain build",
                            "scope/default_scope_thread_override"),
                           ("default-scope build, `init_default_scope` / plain build",
                            "scope/default_scope_init")):
        target(name, ratio(bench_id, "scope/plain"), "<= 1.3x", lambda r: r <= 1.3, times)
    # One iteration is one build on each thread, so 2 threads do twice the work.
    target("2-thread / 1-thread build throughput",
           ratio("threads/registry/1", "threads/registry/2", scale=2.0),
           ">= 1.8x", lambda r: r >= 1.8, times)
    target("(control) the same for the boxed serde floor",
           ratio("threads/serde_boxed/1", "threads/serde_boxed/2", scale=2.0),
           "—", None, times)
    target("first access, 10,000 entries, in a fresh process",
           value("scale/first_access_in_fresh_process"), "<= 5 ms", lambda v: v <= 5e6, ns)

    print("\n### Targets (ratios within each run; verdict on the median)\n")
    print(f"| target | {', '.join(ARGS.baselines)} | limit | |")
    print("|---|---:|---:|---|")
    for name, measured, limit, verdict in rows:
        print(f"| {name} | {measured} | {limit} | {verdict} |")


if __name__ == "__main__":
    main()
