#!/usr/bin/env python3
"""The Python side of scripts/bench-cli.sh: pandas.read_csv + causalml LRSRegressor on the synthetic files.

    python3 scripts/bench_python.py measure DATA_DIR OUT.json [--repeats 3]
    python3 scripts/bench_python.py once    FILE
    python3 scripts/bench_python.py report  OUT_DIR

`measure` times, per file, the same calls as the reference script (make_perf.py): `pd.read_csv(path)`, then
`LRSRegressor().estimate_ate(X=X, treatment=T, y=Y)` with X = columns x0..x19, T = w as int, Y = y, each the
median of `--repeats` runs of time.perf_counter() (data already in memory for the estimator). The estimator is
timed with the library's default thread pools and inside threadpoolctl.threadpool_limits(1). The column
extraction `df[xcols].to_numpy()` etc. is timed separately. If causalml cannot be imported, the reference
figures below (2 cores, Intel Xeon, median of 3) are written instead, marked `"source": "reference"`.

`once` does the whole job once in a fresh interpreter (imports, read_csv, LRSRegressor) and prints the ATE, for
timing Python as a process the way hyperfine times the CLI.

`report` reads OUT_DIR/python.json, the hyperfine exports OUT_DIR/cli-*.json (and OUT_DIR/py-process-*.json if
present) and the CLI's own JSON output OUT_DIR/cli-out-*.json and prints the Markdown tables of BENCHMARKS.md.
"""
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

FILES = {"synth_mode1_n100000.csv": 100_000, "synth_mode1_n1000000.csv": 1_000_000}
XCOLS = [f"x{i}" for i in range(20)]

# The reference run of causalml 0.18.0 / pandas 3.1.1 on the same files (../shared/refs/perf.json, Intel Xeon).
REFERENCE = {
    "synth_mode1_n100000.csv": {
        "read_csv_s": 0.1126672679999956,
        "lrs_s": {"default": 0.1860707559999355, "1": 0.20141357900001822},
        "ate": 0.6744501171597936, "ci_lower": 0.6594098280501531, "ci_upper": 0.6894904062694341,
    },
    "synth_mode1_n1000000.csv": {
        "read_csv_s": 1.2128932360001272,
        "lrs_s": {"default": 4.155071019000388, "1": 3.674769291999837},
        "ate": 0.6900487222657169, "ci_lower": 0.685257808742787, "ci_upper": 0.6948396357886468,
    },
}


def bench(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "runs_s": times}, result


def measure(data_dir, out_path, repeats):
    warnings.filterwarnings("ignore")
    out = {"python": platform.python_version(), "repeats": repeats, "loadavg_before": list(os.getloadavg()),
           "files": {}}
    try:
        t0 = time.perf_counter()
        import numpy as np
        import pandas as pd
        from causalml.inference.meta import LRSRegressor
        from threadpoolctl import threadpool_limits
        out["import_s"] = time.perf_counter() - t0
    except ImportError as e:
        out["source"] = "reference"
        out["import_error"] = str(e)
        for name, ref in REFERENCE.items():
            out["files"][name] = {
                "read_csv": {"median_s": ref["read_csv_s"]},
                "to_numpy": {"median_s": 0.0},
                "LRSRegressor.estimate_ate": {
                    f"threads={k}": {"median_s": v, "ate": ref["ate"], "ci_lower": ref["ci_lower"],
                                     "ci_upper": ref["ci_upper"]} for k, v in ref["lrs_s"].items()},
            }
        Path(out_path).write_text(json.dumps(out, indent=1) + "\n")
        print(f"causalml not importable ({e}); wrote the reference figures", file=sys.stderr)
        return

    from importlib.metadata import version
    out["source"] = "measured"
    out["versions"] = {p: version(p) for p in ["causalml", "pandas", "numpy", "scikit-learn", "statsmodels"]}
    for name in FILES:
        path = Path(data_dir) / name
        r = {}
        r["read_csv"], df = bench(lambda: pd.read_csv(path), repeats)

        def columns():
            return df[XCOLS].to_numpy(), df["w"].to_numpy().astype(int), df["y"].to_numpy()

        r["to_numpy"], (X, T, Y) = bench(columns, repeats)
        r["LRSRegressor.estimate_ate"] = {}
        for threads in ("default", 1):
            ctx = threadpool_limits(1) if threads == 1 else threadpool_limits(None)
            with ctx:
                t, (ate, lb, ub) = bench(lambda: LRSRegressor().estimate_ate(X=X, treatment=T, y=Y), repeats)
            r["LRSRegressor.estimate_ate"][f"threads={threads}"] = dict(
                t, ate=float(np.ravel(ate)[0]), ci_lower=float(np.ravel(lb)[0]), ci_upper=float(np.ravel(ub)[0]))
        out["files"][name] = r
        del df, X, T, Y
        print("python:", name, "read_csv", round(r["read_csv"]["median_s"], 3), "s; LRSRegressor",
              {k: round(v["median_s"], 3) for k, v in r["LRSRegressor.estimate_ate"].items()}, file=sys.stderr)
    out["loadavg_after"] = list(os.getloadavg())
    Path(out_path).write_text(json.dumps(out, indent=1) + "\n")


def once(path):
    warnings.filterwarnings("ignore")
    import pandas as pd
    from causalml.inference.meta import LRSRegressor
    df = pd.read_csv(path)
    ate, lb, ub = LRSRegressor().estimate_ate(
        X=df[XCOLS].to_numpy(), treatment=df["w"].to_numpy().astype(int), y=df["y"].to_numpy())
    print(float(ate[0]), float(lb[0]), float(ub[0]))


def rel(a, b):
    return abs(a - b) / abs(b)


def report(out_dir):
    out_dir = Path(out_dir)
    py = json.loads((out_dir / "python.json").read_text())
    lines = []
    lines.append("| file | rows | CLI median (min–max) | Python read_csv | Python to_numpy | Python LRSRegressor "
                 "(default / 1 thread) | Python total | speed-up |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    check = ["| file | quantity | CLI | causalml | relative difference |", "|---|---|---:|---:|---:|"]
    process = ["| file | CLI process (median) | Python process (median, 3 runs) | speed-up |", "|---|---:|---:|---:|"]
    parse = ["| file | CLI `--method ols` | CLI `--method diff-means` | `wc -l FILE` | share of the OLS run spent "
             "past parsing |", "|---|---:|---:|---:|---:|"]
    for name, n in FILES.items():
        stem = name.removesuffix(".csv")
        hf = json.loads((out_dir / f"cli-{stem}.json").read_text())["results"]
        ols = next(r for r in hf if "--method ols" in r["command"])
        dm = next(r for r in hf if "--method diff-means" in r["command"])
        wc = next(r for r in hf if r["command"].startswith("wc "))
        p = py["files"][name]
        lrs = p["LRSRegressor.estimate_ate"]
        lrs_best = min(v["median_s"] for v in lrs.values())
        total = p["read_csv"]["median_s"] + p["to_numpy"]["median_s"] + lrs_best
        cli = ols["median"]
        lines.append(
            f"| {name} | {n:,} | {cli:.3f} s ({ols['min']:.3f}–{ols['max']:.3f}, {len(ols['times'])} runs) "
            f"| {p['read_csv']['median_s']:.3f} s | {p['to_numpy']['median_s']:.3f} s "
            f"| {lrs['threads=default']['median_s']:.3f} s / {lrs['threads=1']['median_s']:.3f} s "
            f"| {total:.3f} s | **{total / cli:.1f}×** |")
        parse.append(f"| {name} | {cli:.3f} s | {dm['median']:.3f} s | {wc['median']:.3f} s "
                     f"| {max(cli - dm['median'], 0) / cli:.0%} |")
        pp = out_dir / f"py-process-{stem}.json"
        if pp.exists():
            pr = json.loads(pp.read_text())["results"][0]
            process.append(f"| {name} | {cli:.3f} s | {pr['median']:.3f} s | {pr['median'] / cli:.1f}× |")
        est = json.loads((out_dir / f"cli-out-{stem}.json").read_text())
        o = next(r for r in est["results"] if r["method"] == "ols")
        ref = lrs["threads=default"]
        for q, a, b in (("ATE", o["estimate"], ref["ate"]), ("CI lower", o["ci_low"], ref["ci_lower"]),
                        ("CI upper", o["ci_high"], ref["ci_upper"])):
            check.append(f"| {name} | {q} | {a:.16g} | {b:.16g} | {rel(a, b):.1e} |")
    print("\n".join(lines))
    print()
    print("\n".join(check))
    print()
    print("\n".join(parse))
    if len(process) > 2:
        print()
        print("\n".join(process))
    print()
    print(f"python source: {py['source']}; versions: {py.get('versions')}; "
          f"import numpy+pandas+causalml: {py.get('import_s', float('nan')):.2f} s; "
          f"loadavg before/after: {py['loadavg_before']} / {py.get('loadavg_after')}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "measure":
        repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 3
        if repeats < 3:
            sys.exit("--repeats must be at least 3")
        measure(argv[1], argv[2], repeats)
    elif len(argv) == 2 and argv[0] == "once":
        once(argv[1])
    elif len(argv) == 2 and argv[0] == "report":
        report(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
