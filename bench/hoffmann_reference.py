#!/usr/bin/python3
"""Reference implementation of Hoffmann et al.'s fitting procedure, the way the published anchors
run it (Hoffmann et al. 2022, Approach 3; Besiroglu et al. 2024's replication): SciPy's L-BFGS-B
with an analytic gradient, Huber loss with delta = 1e-3 on log L, started from each point of the
4500-point grid, the best end point kept. Optionally a bootstrap of K refits, each resample refitted
from the full-data optimum.

Not part of slfit: it is the side-by-side yardstick for bench/hoffmann_bench.py. Needs Debian's
python3-scipy (run with /usr/bin/python3).

    /usr/bin/python3 bench/hoffmann_reference.py data.csv [--starts K] [--bootstrap K] [--seed S]

The CSV has columns N, D and loss. Prints one JSON object: objective, parameters (E, A, B, alpha,
beta), seconds for the grid fit, and for the bootstrap seconds, resamples and standard errors.
"""
import argparse
import itertools
import json
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

DELTA = 1e-3


def objective_and_gradient(x, log_n, log_d, log_loss):
    a, b, e, alpha, beta = x
    t = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
    pred = logsumexp(t, axis=0)
    r = pred - log_loss
    value = np.sum(huber(DELTA, r))
    dr = np.clip(r, -DELTA, DELTA)  # derivative of the Huber loss
    w = np.exp(t - pred)  # softmax weights: d pred / d (a, b, e)
    grad = np.array([
        np.sum(dr * w[0]),
        np.sum(dr * w[1]),
        np.sum(dr * w[2]),
        -np.sum(dr * w[0] * log_n),
        -np.sum(dr * w[1] * log_d),
    ])
    return value, grad


def hoffmann_grid():
    alphas = np.arange(0.0, 2.0 + 1e-9, 0.5)
    es = np.arange(-1.0, 1.0 + 1e-9, 0.5)
    scales = np.arange(0.0, 25.0 + 1e-9, 5.0)
    # (a, b, e, alpha, beta): 6 * 6 * 5 * 5 * 5 = 4500 points
    return [np.array(p) for p in itertools.product(scales, scales, es, alphas, alphas)]


def fit_from(x0, log_n, log_d, log_loss):
    res = minimize(objective_and_gradient, x0, args=(log_n, log_d, log_loss), jac=True,
                   method="L-BFGS-B")
    return res.fun, res.x


def fit_grid(starts, log_n, log_d, log_loss):
    best_value, best_x = np.inf, None
    for x0 in starts:
        value, x = fit_from(x0, log_n, log_d, log_loss)
        if np.isfinite(value) and value < best_value:
            best_value, best_x = value, x
    return best_value, best_x


def natural(x):
    a, b, e, alpha, beta = x
    return {"E": float(np.exp(e)), "A": float(np.exp(a)), "B": float(np.exp(b)),
            "alpha": float(alpha), "beta": float(beta)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--starts", type=int, default=0,
                    help="use only the first K grid starts (0: all 4500)")
    ap.add_argument("--bootstrap", type=int, default=0, help="resamples (0: none)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    data = np.genfromtxt(args.data, delimiter=",", names=True)
    log_n, log_d, log_loss = np.log(data["N"]), np.log(data["D"]), np.log(data["loss"])

    starts = hoffmann_grid()
    if args.starts > 0:
        starts = starts[:args.starts]
    t0 = time.perf_counter()
    value, x = fit_grid(starts, log_n, log_d, log_loss)
    seconds = time.perf_counter() - t0
    out = {"rows": int(len(log_n)), "starts": len(starts), "objective": float(value),
           "parameters": natural(x), "seconds": seconds}

    if args.bootstrap > 0:
        rng = np.random.default_rng(args.seed)
        n = len(log_n)
        samples = []
        t0 = time.perf_counter()
        for _ in range(args.bootstrap):
            idx = rng.integers(0, n, n)
            _, xb = fit_from(x, log_n[idx], log_d[idx], log_loss[idx])
            samples.append([natural(xb)[k] for k in ("E", "A", "B", "alpha", "beta")])
        boot_seconds = time.perf_counter() - t0
        se = np.std(np.array(samples), axis=0, ddof=1)
        out["bootstrap"] = {"resamples": args.bootstrap, "seconds": boot_seconds,
                            "se": dict(zip(("E", "A", "B", "alpha", "beta"), map(float, se)))}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
