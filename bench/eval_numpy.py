#!/usr/bin/python3
"""Chinchilla evaluated with NumPy over ROWS rows, as research scripts write it, timed like
bench/eval.cpp (best of REPEATS). Prints JSON. Needs Debian's python3-numpy.

    /usr/bin/python3 bench/eval_numpy.py [ROWS] [REPEATS]
"""
import json
import sys
import time

import numpy as np


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = np.random.default_rng(1)
    n = np.exp(rng.uniform(np.log(1e7), np.log(1e11), rows))
    d = np.exp(rng.uniform(np.log(1e9), np.log(1e13), rows))
    E, A, B, alpha, beta = 1.81686, 482.00572, 2085.43420, 0.34781, 0.36585

    def best_of(job):
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            job()
            best = min(best, time.perf_counter() - t0)
        return best

    power = best_of(lambda: E + A / n**alpha + B / d**beta)
    log_n, log_d = np.log(n), np.log(d)
    with_logs = best_of(lambda: E + A * np.exp(-alpha * log_n) + B * np.exp(-beta * log_d))
    print(json.dumps({"rows": rows, "repeats": repeats, "numpy_power_seconds": power,
                      "numpy_with_logs_seconds": with_logs, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
