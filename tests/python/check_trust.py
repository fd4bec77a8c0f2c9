"""The "Can it be trusted?" part of `counterfact python` against the engine (relative 1e-6).

    python tests/python/check_trust.py COUNTERFACT_BINARY REFS_DIR

For each case, the script written by `counterfact python ... --benchmark ... --refute-method ...`
is run, and

(a) its sensitivity line (sensemakr's formulas in numpy: the statistics, every benchmark bound and
    the E-values) must equal `counterfact sensitivity --json` on the same analysis;
(b) the estimate DoWhy's refuters refute must equal the engine's estimate of that method
    (`counterfact estimate --json`): the same regression or weighting, refuted by DoWhy's calls.
    DoWhy's new effects come from its own random draws and are shown, not compared.

Prints one line per comparison; exit status 1 on any mismatch.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TOL = 1e-6
cli, refs = sys.argv[1], Path(sys.argv[2])
data = refs / "data"
NSW_X = "age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75"
CASES = [
    # name, file, analysis flags, benchmarks, refuted method (DoWhy on Darfur's 486 village
    # indicators takes minutes: its refuters are checked on NSW + CPS)
    ("darfur", "darfur.csv",
     ["--treatment", "directlyharmed", "--outcome", "peacefactor", "--covariates",
      "age,farmer_dar,herder_dar,pastvoted,hhsize_darfur,female,village", "--categorical", "village",
      "--method", "ols"], "female,age", None),
    ("nsw_cps", "nsw_cps.csv",
     ["--treatment", "treat", "--outcome", "re78", "--covariates", NSW_X, "--method", "ols,ipw"],
     "re75,educ", "ipw"),
]
SENS_KEYS = ["estimate", "se", "t_statistic", "dof", "r2yd_x", "rv_q", "rv_qa"]
BOUND_KEYS = ["r2dz_x", "r2yz_dx", "adjusted_estimate", "adjusted_se", "adjusted_lower_CI",
              "adjusted_upper_CI"]


def rel(a, b):
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


bad = False
with tempfile.TemporaryDirectory() as tmp:
    for name, file, flags, bench, method in CASES:
        path = str(data / file)
        script = Path(tmp) / f"{name}.py"
        refute = ["--refute-method", method, "--refute-n", "5"] if method else []
        script.write_text(run([cli, "python", path, *flags, "--benchmark", bench, *refute]))
        out = run([sys.executable, str(script)], cwd=tmp, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        sens = next(l for l in lines if "sensitivity" in l)
        dowhy = [l["dowhy_refuter"] for l in lines if "dowhy_refuter" in l]
        engine = json.loads(run([cli, "sensitivity", path, *flags, "--benchmark", bench, "--json"]))
        ours, theirs = engine["sensitivity"], sens["sensitivity"]
        pairs = [(k, ours[k], theirs[k]) for k in SENS_KEYS]
        if len(ours["bounds"]) != len(theirs["bounds"]):
            print(f"{name}\tbounds\t{len(ours['bounds'])}\t{len(theirs['bounds'])}\t-\tFAIL")
            bad = True
        for a, b in zip(ours["bounds"], theirs["bounds"]):
            if a["bound_label"] != b["bound_label"]:
                print(f"{name}\tbound label\t{a['bound_label']}\t{b['bound_label']}\t-\tFAIL")
                bad = True
            pairs += [(f"{a['bound_label']} {k}", a[k], b[k]) for k in BOUND_KEYS]
        pairs += [(k, engine["evalue"][k], sens["evalue"][k]) for k in ["evalue_point", "evalue_ci"]]
        for label, a, b in pairs:
            d = rel(a, b)
            ok = d <= TOL
            bad |= not ok
            print(f"{name}\t{label}\t{a:.10g}\t{b:.10g}\t{d:.1e}\t{'ok' if ok else 'FAIL'}")
        if method is None:
            continue
        est = json.loads(run([cli, "estimate", path, *flags, "--json"]))
        ours_est = next(r["estimate"] for r in est["results"] if r["method"] == method)
        if len(dowhy) != 5 or any("error" in r for r in dowhy):
            print(f"{name}\tdowhy refuters\t5\t{dowhy}\t-\tFAIL")
            bad = True
        for r in dowhy:
            if "error" in r:
                continue
            d = rel(ours_est, r["estimate"])
            ok = d <= TOL
            bad |= not ok
            print(f"{name}\tdowhy {r['refuter']} ({method}): estimate refuted\t{ours_est:.10g}\t"
                  f"{r['estimate']:.10g}\t{d:.1e}\t{'ok' if ok else 'FAIL'}; new effect {r['new_effect']:.6g}")
sys.exit(1 if bad else 0)
