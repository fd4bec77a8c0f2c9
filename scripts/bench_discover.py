"""Times causal-learn's PC on one CSV file, as `counterfact discover` runs it by default.

    python scripts/bench_discover.py FILE TEST [RUNS=1]

TEST is fisherz or chisq. Settings: alpha 0.05, stable=True, uc_rule=0, uc_priority=2 (causal-learn's
defaults), all columns. Prints one JSON line: the seconds of reading (numpy) and of `pc` alone, the
best of RUNS, and the number of edges.
"""
import json
import sys
import time

import numpy as np
from causallearn.search.ConstraintBased.PC import pc


def main():
    path, test = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    t0 = time.perf_counter()
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    read = time.perf_counter() - t0
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        cg = pc(data, 0.05, test, stable=True, uc_rule=0, uc_priority=2, show_progress=False)
        best = min(best, time.perf_counter() - t0)
    edges = len(cg.G.get_graph_edges())
    print(json.dumps({"file": path.rsplit("/", 1)[-1], "test": test, "read_seconds": round(read, 3),
                      "pc_seconds": round(best, 3), "edges": edges}))


if __name__ == "__main__":
    main()
