#!/usr/bin/python3
"""Checks the shelf of law files (laws/*.json) independently of slfit's formula engine.

Each file's formula is translated to Python (^ becomes **) and evaluated with NumPy at its presets
on the published check points; with SciPy present the published fits are redone from the law files
too: Muennighoff et al.'s R_D*, R_N* (datablations) and Gadre et al.'s extrapolation errors. The
numbers printed here are the reference values of tests/laws/test_shelf.cpp.

Not part of slfit: a side-by-side yardstick. Needs NumPy; the fits need Debian's python3-scipy.
Run from the checkout, with ../shared/data beside it for the data sets:

    /usr/bin/python3 bench/reference/shelf_check.py [--laws laws] [--data ../shared/data]

Exits 1 when a check fails, 0 otherwise (data sets or SciPy that are absent are skipped).
"""
import argparse
import csv
import itertools
import json
import math
import os
import re
import sys

import numpy as np

try:
    from scipy.optimize import curve_fit, minimize

    HAVE_SCIPY = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_SCIPY = False

FUNCTIONS = {
    "exp": np.exp,
    "log": np.log,
    "log2": np.log2,
    "log10": np.log10,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "min": np.minimum,
    "max": np.maximum,
    "pi": math.pi,
}
FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


def close(value, expected, rel, what):
    check(abs(value - expected) <= rel * abs(expected),
          f"{what}: {value!r} (expected {expected!r} within {rel:g} relative)")


class Law:
    """A law file: its formula as a Python function of named inputs and parameters."""

    def __init__(self, path):
        with open(path) as f:
            self.spec = json.load(f)
        self.name = self.spec["name"]
        self.inputs = [i if isinstance(i, str) else i["name"] for i in self.spec["inputs"]]
        self.parameters = list(self.spec["parameters"])
        self.code = compile(self.spec["formula"].replace("^", "**"), path, "eval")

    def __call__(self, params, **inputs):
        scope = dict(FUNCTIONS)
        scope.update(params)
        scope.update({k: np.asarray(v, dtype=float) for k, v in inputs.items()})
        with np.errstate(all="ignore"):
            return eval(self.code, {"__builtins__": {}}, scope)

    def preset(self, name):
        return dict(self.spec["presets"][name]["values"])

    def check_structure(self):
        """What the engine will also check: names used and declared, bounds, grids, presets."""
        used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", self.spec["formula"])) - set(FUNCTIONS)
        declared = set(self.inputs) | set(self.parameters)
        check(used == declared, f"{self.name}: formula uses exactly the declared names "
              f"(undeclared {sorted(used - declared)}, unused {sorted(declared - used)})")
        check(len(self.parameters) <= 12 and len(self.inputs) <= 8,
              f"{self.name}: {len(self.parameters)} parameters, {len(self.inputs)} inputs")
        for pname, p in self.spec["parameters"].items():
            lo, hi = p.get("lower", -math.inf), p.get("upper", math.inf)
            values = [p["value"]] + p.get("grid", [])
            for g in self.spec.get("start_grids", {}).values():
                values += g["values"].get(pname, [])
            inside = all(lo <= v <= hi for v in values)
            if p.get("transform") == "log":
                inside = inside and all(v > 0 for v in values)
            check(inside and "meaning" in p, f"{self.name}: {pname} has a meaning and its start "
                  f"values lie in [{lo}, {hi}]")
        for preset, body in self.spec.get("presets", {}).items():
            check(set(body["values"]) == set(self.parameters) and body.get("source"),
                  f"{self.name}: preset {preset} gives every parameter and a source")


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def column(rows, name):
    return np.array([float(r[name]) for r in rows])


def huber(r, delta):
    a = np.abs(r)
    return float(np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).sum())


def check_kaplan(law):
    p = law.preset("kaplan2020")
    # The law at their constants by hand (eq. 1.5), then through the file.
    by_hand = ((8.8e13 / 1e9) ** (0.076 / 0.095) + 5.4e13 / 1e10) ** 0.095
    value = float(law(p, N=1e9, D=1e10))
    close(value, by_hand, 1e-15, "kaplan2020: L(1e9, 1e10) at kaplan2020")
    print(f"      kaplan2020 check values: L(1e9, 1e10) = {value!r}, "
          f"L(1e8, 1e9) = {float(law(p, N=1e8, D=1e9))!r}")


def check_chinchilla(law):
    # LAWS.md section 1, check values [computed].
    p = law.preset("hoffmann2022")
    close(float(law(p, N=70e9, D=1.4e12)), 1.936645, 5e-7, "chinchilla-formula: L(70e9, 1.4e12)")
    close(float(law(p, N=280e9, D=3e11)), 1.993258, 5e-7, "chinchilla-formula: L(280e9, 3e11)")
    e = law.preset("epoch2024")
    close(float(law(e, N=70e9, D=1.4e12)),
          1.81686 + 482.00572 / 70e9 ** 0.34781 + 2085.43420 / 1.4e12 ** 0.36585, 1e-15,
          "chinchilla-formula: epoch2024 at (70e9, 1.4e12)")
    # The compiled law's grids (include/slfit/laws/chinchilla.hpp), value for value.
    spec = law.spec["parameters"]
    grid = law.spec["start_grids"]["hoffmann"]["values"]
    check(spec["E"]["grid"] == [math.exp(v) for v in (-1, 0, 1)]
          and spec["A"]["grid"] == [math.exp(v) for v in (0, 5, 10, 15)]
          and spec["B"]["grid"] == spec["A"]["grid"]
          and spec["alpha"]["grid"] == [0, 0.5, 1] and spec["beta"]["grid"] == [0, 0.5, 1],
          "chinchilla-formula: default grids equal the compiled law's")
    check(grid["E"] == [math.exp(v / 2) for v in range(-2, 3)]
          and grid["A"] == [math.exp(v) for v in range(0, 26, 5)] and grid["B"] == grid["A"]
          and grid["alpha"] == [0, 0.5, 1, 1.5, 2] and grid["beta"] == grid["alpha"]
          and math.prod(len(v) for v in grid.values()) == 4500,
          "chinchilla-formula: start grid hoffmann equals the compiled one (4500 starts)")


def check_compute(law):
    p = {"L_inf": 1.7, "A": 1000.0, "alpha": 0.1}
    close(float(law(p, C=1e21)), 1.7 + 1000.0 * 1e21 ** -0.1, 1e-15, "compute: L(1e21)")
    print(f"      compute check value: L(1e21) at (1.7, 1000, 0.1) = {float(law(p, C=1e21))!r}")


def check_broken_power(law):
    p = {"a": 1.5, "b": 50.0, "c0": 0.2, "c1": 0.3, "d1": 1e8, "f1": 0.5}
    x = 1e6
    by_hand = 1.5 + 50.0 * x ** -0.2 * (1 + (x / 1e8) ** 2) ** (-0.3 * 0.5)
    close(float(law(p, x=x)), by_hand, 1e-15, "broken-power: y(1e6)")
    # Far below the break the reducible part falls as x^-c0, far above as x^-(c0 + c1).
    def slope(x):
        r = lambda v: float(law(p, x=v)) - p["a"]
        return (math.log(r(x * 1.01)) - math.log(r(x / 1.01))) / (2 * math.log(1.01))
    close(slope(1e2), -0.2, 1e-4, "broken-power: log-log slope far below the break")
    close(slope(1e14), -0.5, 1e-4, "broken-power: log-log slope far above the break")
    print(f"      broken-power check value: y(1e6) = {float(law(p, x=x))!r}, "
          f"y(1e10) = {float(law(p, x=1e10))!r}")


def datablations_table(data):
    path = os.path.join(data, "datablations-sld", "data.csv")
    if not os.path.exists(path):
        print(f"skip  datablations fit: {path} is absent")
        return None
    rows = read_csv(path)
    # The file's 'unique_tokens' holds D and its 'tokens' U (SOURCE.md).
    return {"N": column(rows, "params"), "D": column(rows, "unique_tokens"),
            "U": column(rows, "tokens"), "loss": column(rows, "loss")}


def check_datablations(law, data):
    p = law.preset("muennighoff2023")
    # README (huggingface/datablations): printed to 17 digits.
    close(float(law(p, N=6.34e9, D=242e9, U=25e9)), 2.2256440889984477, 1e-15,
          "datablations: L(6.34e9, 242e9, 25e9), README")
    close(float(law(p, N=8.67e9, D=178e9, U=25e9)), 2.2269634075087867, 1e-15,
          "datablations: L(8.67e9, 178e9, 25e9), README")
    t = datablations_table(data)
    if t is None:
        return
    check(len(t["loss"]) == 182 and bool(np.all(t["D"] >= t["U"])),
          "datablations: 182 runs, D >= U on every row after the swap")

    def objective(rd, rn):
        q = dict(p, R_D_star=rd, R_N_star=rn)
        return huber(np.log(law(q, N=t["N"], D=t["D"], U=t["U"])) - np.log(t["loss"]), 1e-3)

    published = objective(15.387756, 5.309743)
    check(round(published, 7) == 0.0158259,
          f"datablations: objective at the published constants {published!r} (0.0158259)")
    if not HAVE_SCIPY:
        print("skip  datablations fit: no scipy")
        return

    # L-BFGS-B in the coordinates the law file declares (the notebook's: R_D*, R_N* themselves).
    specs = [law.spec["parameters"][k] for k in ("R_D_star", "R_N_star")]
    logs = [s.get("transform") == "log" for s in specs]
    to_u = lambda v: [math.log(x) if lg else x for x, lg in zip(v, logs)]
    to_v = lambda u: [math.exp(x) if lg else x for x, lg in zip(u, logs)]
    bounds = list(zip(to_u([s["lower"] for s in specs]), to_u([s["upper"] for s in specs])))

    def fit(grid):
        best = None
        for s in itertools.product(grid["R_D_star"], grid["R_N_star"]):
            r = minimize(lambda u: objective(*to_v(u)), to_u(s), method="L-BFGS-B",
                         bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000})
            if best is None or r.fun < best.fun:
                best = r
        return to_v(best.x), best.fun

    (rd, rn), f = fit(law.spec["start_grids"]["muennighoff"]["values"])
    print(f"      datablations, start grid muennighoff: R_D* = {rd:.7g}, R_N* = {rn:.7g}, "
          f"objective {f!r}")
    # The published constants are torch float32 L-BFGS's end point: 0.1% from the double
    # precision minimum of their basin, whose objective is the published one to its digits.
    close(rd, 15.387756, 1.1e-3, "datablations: R_D* from the notebook's grid vs published")
    close(rn, 5.309743, 1.1e-3, "datablations: R_N* from the notebook's grid vs published")
    check(round(f, 7) == 0.0158259 and f <= published,
          f"datablations: objective {f!r} = 0.0158259 and at most the published point's")
    (rd1, rn1), f1 = fit({"R_D_star": [15.387756], "R_N_star": [5.309743]})
    print(f"      datablations, started at the published point: R_D* = {rd1:.7g}, "
          f"R_N* = {rn1:.7g}, objective {f1!r}")
    check(abs(rd1 - rd) <= 1e-5 * rd and abs(rn1 - rn) <= 1e-5 * rn,
          "datablations: the same minimum when started at the published point")
    cond = minimize(lambda u: objective(15.387756, float(u[0])), [5.3], method="L-BFGS-B",
                    options={"ftol": 1e-15, "gtol": 1e-12})
    print(f"      datablations: with R_D* fixed at 15.387756 the best R_N* is {cond.x[0]:.7g}")
    # The valley is long and flat in R_D*: started near them (in logs), L-BFGS-B shows that it
    # has two lower minima (docs/laws/data-constrained.md: slfit reaches them from its grid).
    logs[:] = [True, True]
    bounds[:] = [(math.log(0.01), math.log(1000))] * 2
    for start, want in (((50, 2.5), (46.9903, 2.32958, 0.0158073786)),
                        ((90, 1.8), (95.3652, 1.70590, 0.0158046625))):
        (rd2, rn2), f2 = fit({"R_D_star": [start[0]], "R_N_star": [start[1]]})
        print(f"      datablations, from {start} in logs: R_D* = {rd2:.7g}, R_N* = {rn2:.7g}, "
              f"objective {f2!r}")
        check(abs(rd2 / want[0] - 1) < 1e-4 and abs(rn2 / want[1] - 1) < 1e-4
              and abs(f2 / want[2] - 1) < 1e-8, f"datablations: another minimum at {want}")


def gadre_rows(data):
    path = os.path.join(data, "gadre-overtraining", "losses.csv")
    if not os.path.exists(path):
        print(f"skip  gadre2024: {path} is absent")
        return None, None
    rpj = [r for r in read_csv(path) if r["train_dataset"] == "rpj"]
    small = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")
    fitted = [r for r in rpj if (r["model"] in small and float(r["cc_mult"]) == 1.0)
              or (r["model"] == "d=96_l=8_h=4" and float(r["cc_mult"]) == 16.0)]
    targets = [next(r for r in rpj if r["name"] == n)
               for n in ("rpj-open_lm_1b-32.0", "rpj-open_lm_7b-1.0")]
    # The selection the law file's description gives as --where / --holdout.
    where = [r for r in rpj if (float(r["tok_per_param"]) == 20 and float(r["N"]) < 1e9)
             or (float(r["tok_per_param"]) == 320 and float(r["N"]) < 2e7)
             or float(r["C_6ND"]) > 1e21]
    check([r["name"] for r in where if float(r["C_6ND"]) <= 1e21] == [r["name"] for r in fitted]
          and [r["name"] for r in where if float(r["C_6ND"]) > 1e21] ==
          [r["name"] for r in targets], "gadre2024: the description's --where/--holdout select "
          "the notebook's 5 fitted and 2 predicted runs")
    return fitted, targets


def check_gadre(law, data):
    fitted, targets = gadre_rows(data)
    if fitted is None:
        return
    check(len(fitted) == 5, "gadre2024: 5 fitted runs")

    def errors(p):
        out = []
        for r in targets:
            pred = float(law(p, C=float(r["C_6ND"]), M=float(r["tok_per_param"])))
            out.append(abs(pred - float(r["loss_c4_val"])) / float(r["loss_c4_val"]))
        return out

    e1, e7 = errors(law.preset("gadre2024-rpj"))
    check(f"{e1:.4%}" == "0.7103%" and f"{e7:.4%}" == "0.7320%",
          f"gadre2024: preset gadre2024-rpj predicts {e1:.6%} (0.7103%) and {e7:.6%} (0.7320%)")
    if not HAVE_SCIPY:
        print("skip  gadre2024 fit: no scipy")
        return
    C = column(fitted, "C_6ND")
    M = column(fitted, "tok_per_param")
    y = column(fitted, "loss_c4_val")

    # 1. The authors' own procedure (scaling/laws.py, curve_fit_powlaw_ours), their parameters.
    def powlaw_ours(x, alpha, beta, b, E):
        return alpha * np.power(x[0], b) + beta * np.power(6, b / 2) * np.power(x[1] * x[0], b) + E

    N = column(fitted, "N")
    best, best_res = None, math.inf
    for p0 in itertools.product([1e2, 3e2, 1e3, 3e3], [1e2, 3e2, 1e3, 3e3], [-1e-1, -3e-1],
                                [0.0, 1.0, 2.0, 10.0]):
        popt, _ = curve_fit(powlaw_ours, np.array([N, M]), y, p0=list(p0), maxfev=10000)
        res = y - powlaw_ours(np.array([N, M]), *popt)
        cur = (np.sum(res ** 2) / (res.size - 2)) ** 0.5
        if cur < best_res:
            best, best_res = popt, cur
    a_, c_, b_, E_ = best
    eta = -b_ / 2
    theirs = {"E": E_, "a": a_ * 6 ** eta, "b": c_, "eta": eta}
    rss = float(np.sum((law(theirs, C=C, M=M) - y) ** 2))
    e1, e7 = errors(theirs)
    print(f"      gadre2024, the authors' fit in the file's parameters: {theirs}, RSS {rss!r}")
    check(f"{e1:.4%}" == "0.7103%" and f"{e7:.4%}" == "0.7320%",
          f"gadre2024: the authors' fit through the law file: {e1:.4%}, {e7:.4%}")

    # 2. The law file's own formula, least squares from its grid (a, b, E linear: eta scanned).
    def resid(q):
        return law(dict(zip(("E", "a", "b", "eta"), q)), C=C, M=M) - y

    best = None
    for eta0 in law.spec["parameters"]["eta"]["grid"]:
        X = np.column_stack([np.ones_like(C), M ** eta0 * C ** -eta0, M ** -eta0 * C ** -eta0])
        lin = np.linalg.lstsq(X, y, rcond=None)[0]
        r = minimize(lambda q: float(np.sum(resid(q) ** 2)), [*lin, eta0], method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-20, "maxiter": 40000, "maxfev": 40000})
        if best is None or r.fun < best.fun:
            best = r
    mine = dict(zip(("E", "a", "b", "eta"), best.x))
    e1, e7 = errors(mine)
    print(f"      gadre2024, fitted from the law file: {mine}, RSS {best.fun!r}, "
          f"errors {e1:.6%}, {e7:.6%}")
    close(best.fun, 4.2565e-4, 1e-4, "gadre2024: RSS (LAWS.md 4.2565e-4)")
    check(f"{e1:.4%}" == "0.7103%" and f"{e7:.4%}" == "0.7320%",
          "gadre2024: extrapolation errors 0.7103% and 0.7320%")
    for k, v in law.preset("gadre2024-rpj").items():
        close(mine[k], v, 1e-6, f"gadre2024: preset {k} is the fit")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--laws", default=os.path.join(root, "laws"))
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
    args = ap.parse_args()
    laws = {}
    for f in sorted(os.listdir(args.laws)):
        if f.endswith(".json"):
            law = Law(os.path.join(args.laws, f))
            law.check_structure()
            laws[law.name] = law
    check_kaplan(laws["kaplan2020"])
    check_chinchilla(laws["chinchilla-formula"])
    check_compute(laws["compute"])
    check_broken_power(laws["broken-power"])
    check_datablations(laws["datablations"], args.data)
    check_gadre(laws["gadre2024"], args.data)
    print(f"{len(FAILURES)} failed" if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
