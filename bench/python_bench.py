#!/usr/bin/python3
"""Python benchmark: `slfit.fit` against the `slfit` tool, and against vpnls, in one run.

    /usr/bin/python3 bench/python_bench.py [--build build-bench] [--data ../shared/data]
                                           [--repeats 21] [--resamples 4000]
                                           [--vpnls DIR] [--json FILE]

1. Python vs tool: the same fits, with the same options, run as `slfit fit ... --json` (a new
   process each time: process start, reading the CSV file and printing the JSON are included,
   timed by this script's wall clock around the subprocess) and as `slfit.fit(...)` in this
   process from a pandas DataFrame already in memory (the DataFrame's conversion, the run, and
   reading the results into a FitResult included). The fits: Hoffmann et al.'s procedure on
   Epoch's 240 points (Huber 1e-3 on log L, 4500 starts), a plain fit with the defaults, a
   bootstrap of --resamples refits, and the Chinchilla experiment of Open-Athena's IsoFLOP table
   with derived columns (Huber 1e-3 on L). Both sides must reach the same objective, bit for bit
   (one engine); prints the median times over --repeats interleaved runs, their ratio and their
   difference in milliseconds. `import slfit` is timed apart, in fresh interpreters.
2. Open-Athena's five data sets of vpnls's README (ml_scalefit chinchilla, llama_3 raw_loss,
   marin comma / dclm / nemotron: every row, outliers included), L = E + A/N^alpha + B/D^beta
   with N = params/1e6, D = tokens/1e9, Huber 1e-3 on L (linear space). slfit's fit as a user
   writes it (the law's bounds, default starts, screening on) on all cores and on one thread,
   and with vpnls's exponent box [0.01, 1] as bounds; with --vpnls DIR (a vpnls checkout whose
   Cython extension is built in place, see docs/performance.md) also vpnls's grid solver as its
   README runs it (resolution 0.01, one process), timed in this same process, interleaved with
   slfit's runs. Both sides' objectives are computed by one NumPy function from each side's
   parameters: vpnls's (and scalefit's) normalisation, the mean over rows of r^2/2 (|r| <= delta)
   or delta (|r| - delta/2), which is slfit's objective (a sum) divided by the rows. slfit's
   optimum must lie in vpnls's box for its objective to count as no higher.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from hoffmann_bench import cpu_model, prepare_epoch  # noqa: E402

# vpnls's README: experiment key, its short name and the rows it reports (every row, outliers
# included) with the Huber loss x 1e6 it printed for vpnls (scripts/usage.py, commit 026317d).
EXPERIMENTS = [
    ("ml_scalefit__massivetext__chinchilla", "chinchilla", 124, 13.1),
    ("llama_3__raw_loss", "llama3", 133, 2.3),
    ("marin_202603__comma__llama_2", "marin/comma", 85, 22.9),
    ("marin_202603__dclm__llama_2", "marin/dclm", 85, 22.9),
    ("marin_202603__nemotron__llama_2", "marin/nemotron", 88, 22.6),
]
DELTA = 1e-3
RESOLUTION = 0.01  # vpnls README's exponent grid step
# scripts/usage.py's bounds; vpnls's grid uses alpha's and beta's (E, A, B >= 0 by its NNLS).
VPNLS_BOUNDS = {"E": (0.0, 5.0), "A": (0.0, 10.0), "B": (0.0, 10.0), "alpha": (0.01, 1.0),
                "beta": (0.01, 1.0)}
# slfit's options for those fits: what a user of slfit would write for vpnls's problem (the law's
# own bounds; the benchmark checks that the optimum found lies in vpnls's exponent box).
ISOFLOP_OPTIONS = {
    "derive": {"N": "params/1e6", "D": "tokens/1e9"},
    "objective": "huber",
    "delta": DELTA,
    "space": "linear",
}


def tool_args(options):
    """The tool's flags for fit()'s keyword options (dicts as repeated NAME=VALUE flags)."""
    def text(v):
        return repr(v) if isinstance(v, float) else str(v)

    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, dict):
            for key, v in value.items():
                item = f"{text(v[0])}:{text(v[1])}" if name == "bound" else text(v)
                args += [flag, f"{key}={item}"]
        else:
            args += [flag, text(value)]
    return args


def huber_mean(params, N, D, L, delta=DELTA):
    """vpnls's objective for the Chinchilla law: the mean Huber loss of the residuals on L."""
    pred = params["E"] + params["A"] / N ** params["alpha"] + params["B"] / D ** params["beta"]
    r = np.abs(pred - L)
    return float(np.mean(np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta))))


def import_seconds(build, repeats=5):
    """Median time of `import slfit` in a fresh interpreter, with and without pandas loaded."""
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"))
    out = {}
    for label, pre in (("after_pandas", "import pandas; "), ("alone", "")):
        code = (pre + "import time; t = time.perf_counter(); import slfit; "
                "print(time.perf_counter() - t)")
        runs = [float(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                     capture_output=True, text=True).stdout)
                for _ in range(repeats)]
        out[label] = statistics.median(runs)
    return out


def python_vs_tool(args, slfit, tool, tmp):
    epoch_csv = os.path.join(tmp, "epoch240.csv")
    rows = prepare_epoch(args.data, epoch_csv)
    # The DataFrame holds exactly the doubles the tool reads from the file (%.17g, read back
    # with correct rounding by both).
    epoch = pd.read_csv(epoch_csv, float_precision="round_trip")
    iso = pd.read_csv(os.path.join(args.data, "openathena-isoflops", "isoflops.csv"),
                      float_precision="round_trip")
    iso = iso[iso["experiment"] == EXPERIMENTS[0][0]][["params", "tokens", "loss"]]
    iso = iso.reset_index(drop=True)
    iso_csv = os.path.join(tmp, "isoflops_chinchilla.csv")
    with open(iso_csv, "w") as f:
        f.write("params,tokens,loss\n")
        for p, t, loss in iso.itertuples(index=False):
            f.write(f"{p!r},{t!r},{loss!r}\n")

    hoffmann = {"objective": "huber", "delta": 1e-3, "space": "log", "starts": "hoffmann"}
    configs = [
        ("hoffmann", f"Hoffmann's procedure, Epoch ({rows} rows), 4500 starts", epoch, epoch_csv,
         hoffmann),
        ("default", "plain fit, defaults (squared, log L, 432 starts), Epoch", epoch, epoch_csv,
         {}),
        ("bootstrap", f"Hoffmann's fit + bootstrap of {args.resamples} refits, Epoch", epoch,
         epoch_csv, dict(hoffmann, bootstrap=args.resamples, seed=1)),
        ("isoflops", f"Open-Athena chinchilla ({len(iso)} rows), derive N, D, Huber on L",
         iso, iso_csv, ISOFLOP_OPTIONS),
    ]

    def run_tool(csv_path, options):
        cmd = [tool, "fit", "--law", "chinchilla", "--data", csv_path, "--json"]
        t0 = time.perf_counter()
        out = subprocess.run(cmd + tool_args(options), check=True, capture_output=True,
                             text=True).stdout
        seconds = time.perf_counter() - t0
        return seconds, json.loads(out)

    def run_python(frame, options):
        t0 = time.perf_counter()
        r = slfit.fit("chinchilla", frame, **options)
        return time.perf_counter() - t0, r

    print(f"running each fit {args.repeats} times as the tool and from Python, interleaved ...",
          flush=True)
    first = {}
    for key, _, frame, csv_path, options in configs:  # untimed warm-up, first call reported
        first[key] = run_python(frame, options)[0]
        run_tool(csv_path, options)

    def engine(doc):  # the engine's own clock: the fit, and the bootstrap's refits
        return doc["seconds"] + doc.get("bootstrap", {}).get("seconds", 0.0)

    times = {key: {"tool": [], "tool_own": [], "python": [], "python_own": []}
             for key, *_ in configs}
    last = {}
    for _ in range(args.repeats):
        for key, _, frame, csv_path, options in configs:
            t_tool, doc = run_tool(csv_path, options)
            t_py, r = run_python(frame, options)
            times[key]["tool"].append(t_tool)
            times[key]["tool_own"].append(engine(doc))
            times[key]["python"].append(t_py)
            times[key]["python_own"].append(engine(r.to_dict()))
            last[key] = (doc, r)

    imports = import_seconds(args.build)
    print(f"\n1. slfit.fit from a DataFrame vs `slfit fit --json` (median of {args.repeats} "
          "interleaved runs each)")
    print("   tool: wall clock of the whole process (start-up, reading the CSV file, the fit, "
          "printing JSON),\n   a fair price for a tool; Python: slfit.fit(...) in this process "
          "(DataFrame conversion, the fit,\n   reading the JSON back into a FitResult); (engine): "
          "the fit's own clock as its JSON reports it")
    head = (f"   {'fit':<62} {'tool s':>8} {'(engine)':>8} {'python s':>9} {'(engine)':>8} "
            f"{'py/tool':>7} {'diff ms':>8} {'objective':>21} {'same':>4}")
    print(head)
    print("   " + "-" * (len(head) - 3))
    results = {}
    all_ok = True
    for key, label, frame, csv_path, options in configs:
        doc, r = last[key]
        t_tool = statistics.median(times[key]["tool"])
        t_own = statistics.median(times[key]["tool_own"])
        t_py = statistics.median(times[key]["python"])
        t_py_own = statistics.median(times[key]["python_own"])
        same = (doc["objective"]["value"] == r.objective
                and all(doc["parameters"][k] == v for k, v in r.params.items()))
        if "bootstrap" in doc:
            same = same and doc["bootstrap"]["se"] == r.bootstrap.to_dict()["se"]
        ok = t_py <= 1.10 * t_tool + 0.003
        all_ok = all_ok and ok and same
        print(f"   {label:<62} {t_tool:8.4f} {t_own:8.4f} {t_py:9.4f} {t_py_own:8.4f} "
              f"{t_py / t_tool:7.2f} "
              f"{(t_py - t_tool) * 1e3:+8.2f} {r.objective:21.15g} {'yes' if same else 'NO':>4}")
        results[key] = {"label": label, "tool_seconds": times[key]["tool"],
                        "tool_own_seconds": times[key]["tool_own"],
                        "python_own_seconds": times[key]["python_own"],
                        "python_seconds": times[key]["python"], "python_first_call": first[key],
                        "tool_median": t_tool, "python_median": t_py, "objective": r.objective,
                        "same_objective": same, "within_target": ok}
    print("   target: python <= 1.10 x tool + 3 ms, the same objective: "
          + ("met" if all_ok else "NOT met"))
    print(f"   import slfit in a fresh interpreter: {imports['alone'] * 1e3:.1f} ms "
          f"({imports['after_pandas'] * 1e3:.1f} ms with pandas already imported); first call "
          "in this process: " + ", ".join(f"{k} {v:.4f} s" for k, v in first.items()))
    return {"fits": results, "import_seconds": imports}


def load_vpnls(path):
    src = os.path.join(path, "src")
    sys.path.insert(0, src if os.path.isdir(os.path.join(src, "vpnls")) else path)
    try:
        from vpnls.api import bounds, fit_vpnls, huber
    except ImportError as e:
        sys.exit(f"cannot import vpnls from {path} ({e}): build its extension as "
                 "docs/performance.md says")
    box = bounds(**VPNLS_BOUNDS)

    def fit(N, D, L):
        return fit_vpnls(N, D, L, resolution=RESOLUTION, loss=huber(DELTA), bounds=box)
    return fit


def params_of(r):
    if hasattr(r, "params"):
        return r.params
    return {"E": r.E, "A": r.A, "B": r.B, "alpha": r.alpha, "beta": r.beta}


def in_box(p):
    return all(VPNLS_BOUNDS[k][0] <= p[k] <= VPNLS_BOUNDS[k][1] for k in ("alpha", "beta"))


def versus_vpnls(args, slfit, vpnls_fit):
    table = pd.read_csv(os.path.join(args.data, "openathena-isoflops", "isoflops.csv"))
    sets = []
    for key, short, n, published in EXPERIMENTS:
        frame = table[table["experiment"] == key]
        if len(frame) != n:
            sys.exit(f"{key}: {len(frame)} rows, vpnls's README has {n}")
        N = frame["params"].to_numpy() / 1e6
        D = frame["tokens"].to_numpy() / 1e9
        L = frame["loss"].to_numpy()
        sets.append((key, short, frame, (N, D, L), published))

    # slfit's configurations: name, extra options, the column's title.
    box = {"alpha": VPNLS_BOUNDS["alpha"], "beta": VPNLS_BOUNDS["beta"]}
    configs = [("slfit", {}, "slfit"), ("one_thread", {"threads": 1}, "1 thread"),
               ("keep8", {"screen_keep": 8}, "keep 8"), ("box", {"bound": box}, "box")]

    def slfit_side(extra):
        return lambda s: slfit.fit("chinchilla", s[2], **ISOFLOP_OPTIONS, **extra)

    sides = {name: slfit_side(extra) for name, extra, _ in configs}
    if vpnls_fit is not None:
        sides["vpnls"] = lambda s: vpnls_fit(*s[3])
    print(f"\nrunning the five IsoFLOP fits {args.repeats} times each ({', '.join(sides)}), "
          "interleaved, in this process ...", flush=True)
    times = {s[0]: {side: [] for side in sides} for s in sets}
    fits = {}
    first = {s[0]: {} for s in sets}
    for s in sets:  # the first call of each, timed apart
        for side, f in sides.items():
            t0 = time.perf_counter()
            fits[(s[0], side)] = f(s)
            first[s[0]][side] = time.perf_counter() - t0
    for _ in range(args.repeats):
        for s in sets:
            for side, f in sides.items():
                t0 = time.perf_counter()
                fits[(s[0], side)] = f(s)
                times[s[0]][side].append(time.perf_counter() - t0)

    def med(key, side):
        return statistics.median(times[key][side])

    def obj(key, side, data):
        return huber_mean(params_of(fits[(key, side)]), *data)

    print("\n2. Open-Athena IsoFLOP sets (vpnls's README), E + A/N^alpha + B/D^beta, "
          f"N = params/1e6, D = tokens/1e9, Huber {DELTA:g} on L")
    print("   slfit:  slfit.fit(\"chinchilla\", frame, " + ", ".join(
        f"{k}={v!r}" for k, v in ISOFLOP_OPTIONS.items()) + ")")
    print("           the law's bounds, its 432 default starts, screening auto, all cores; "
          "and the same with")
    print(f"           threads=1 (1 thread), screen_keep=8 (keep 8: 8 screened starts solved "
          f"instead of 32),\n           bound={box!r} (box: vpnls's exponent range)")
    if vpnls_fit is not None:
        print(f"   vpnls:  fit_vpnls(N, D, L, resolution={RESOLUTION}, loss=huber({DELTA:g}), "
              "bounds=bounds(**scripts/usage.py's)),\n           its Cython grid in one process, "
              "as its README")
    print("   objective: mean Huber x 1e6 over the rows (vpnls's normalisation; slfit's own is "
          "the sum), one\n   NumPy function of each side's parameters; in box: slfit's alpha and "
          "beta in [0.01, 1]")
    titles = [title for _, _, title in configs]
    ref = "vpnls" if vpnls_fit is not None else "README"
    head = (f"   {'experiment':<15} {'n':>4} {ref:>9} " + " ".join(f"{t:>9}" for t in titles)
            + (f" {'slfit-vpnls':>12}" if vpnls_fit is not None else "") + f" {'in box':>6}")
    print(head)
    print("   " + "-" * (len(head) - 3))
    out = {}
    for key, short, frame, data, published in sets:
        n = len(data[2])
        objs = {name: obj(key, name, data) for name, _, _ in configs}
        p = params_of(fits[(key, "slfit")])
        row = {"rows": n, "slfit_params": p, "slfit_status": fits[(key, "slfit")].status,
               "slfit_in_vpnls_box": in_box(p), "first_call_seconds": first[key],
               "slfit_objective_own": fits[(key, "slfit")].objective / n}
        for name, _, _ in configs:
            row[name + "_objective"] = objs[name]
            row[name + "_seconds"] = times[key][name]
            row[name + "_params"] = params_of(fits[(key, name)])
        theirs = published * 1e-6
        if vpnls_fit is not None:
            theirs = obj(key, "vpnls", data)
            row.update({"vpnls_params": params_of(fits[(key, "vpnls")]), "vpnls_objective": theirs,
                        "vpnls_objective_own": fits[(key, "vpnls")].loss_value,
                        "vpnls_seconds": times[key]["vpnls"]})
        cells = " ".join(f"{objs[name] * 1e6:9.4f}" for name, _, _ in configs)
        ref_cell = f"{theirs * 1e6:9.4f}" if vpnls_fit is not None else f"{published:9.1f}"
        diff = f" {(objs['slfit'] - theirs) * 1e6:+12.4f}" if vpnls_fit is not None else ""
        print(f"   {short:<15} {n:4d} {ref_cell} {cells}{diff} "
              f"{'yes' if row['slfit_in_vpnls_box'] else 'NO':>6}")
        out[key] = row

    print(f"\n   times: median of {args.repeats} runs, seconds" + (
        "; (ratio) vpnls's time / slfit's" if vpnls_fit is not None else ""))
    if vpnls_fit is not None:
        head = f"   {'experiment':<15} {'vpnls':>8} " + " ".join(f"{t:>16}" for t in titles)
    else:
        head = f"   {'experiment':<15} " + " ".join(f"{t:>9}" for t in titles)
    print(head)
    print("   " + "-" * (len(head) - 3))
    for key, short, *_ in sets:
        cells = []
        for name, _, _ in configs:
            t = med(key, name)
            if vpnls_fit is not None:
                cells.append(f"{t:8.4f} ({med(key, 'vpnls') / t:5.1f}x)")
            else:
                cells.append(f"{t:9.4f}")
        lead = f"{med(key, 'vpnls'):8.4f} " if vpnls_fit is not None else ""
        print(f"   {short:<15} {lead}" + " ".join(cells))
    if vpnls_fit is not None:
        print("   target, objective no higher (in vpnls's box) and under a tenth of vpnls's time "
              "on every set:")
        for name, _, title in configs:
            misses = []
            for key, short, *_ in sets:
                row = out[key]
                if not (row[name + "_objective"] <= row["vpnls_objective"]
                        and in_box(row[name + "_params"])):
                    misses.append(f"{short} objective")
                if 10 * med(key, name) > med(key, "vpnls"):
                    misses.append(f"{short} {med(key, 'vpnls') / med(key, name):.1f}x")
            print(f"     {title:<9} " + ("met" if not misses else "NOT met: " + ", ".join(misses)))
            out.setdefault("targets", {})[name] = misses
    print("   parameters (E, A, B, alpha, beta):")
    for key, short, *_ in sets:
        p = out[key]["slfit_params"]
        line = "slfit " + " ".join(f"{p[k]:.4f}" for k in ("E", "A", "B", "alpha", "beta"))
        if "vpnls_params" in out[key]:
            q = out[key]["vpnls_params"]
            line += "; vpnls " + " ".join(f"{q[k]:.4f}" for k in ("E", "A", "B", "alpha", "beta"))
        print(f"   {short:<15} {line}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    ap.add_argument("--repeats", type=int, default=21,
                    help="timed runs of each fit on each side; the median counts")
    ap.add_argument("--resamples", type=int, default=4000, help="bootstrap refits in part 1")
    ap.add_argument("--vpnls", help="a vpnls checkout with its extension built (part 2)")
    ap.add_argument("--json", help="also write the measurements to this file")
    args = ap.parse_args()

    tool = os.path.join(args.build, "tools", "slfit", "slfit")
    package = os.path.join(args.build, "python")
    if not os.path.exists(tool) or not os.path.isdir(os.path.join(package, "slfit")):
        sys.exit(f"missing {tool} or {package}/slfit: run bench/run.sh python")
    if not os.path.isdir(args.data):
        sys.exit(f"no data folder at {args.data} (the shared data sets sit beside the checkout)")
    sys.path.insert(0, package)
    import slfit
    vpnls_fit = load_vpnls(args.vpnls) if args.vpnls else None

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; Python {sys.version.split()[0]}, "
          f"NumPy {np.__version__}, pandas {pd.__version__}")
    with tempfile.TemporaryDirectory(prefix="slfit-pybench-") as tmp:
        part1 = python_vs_tool(args, slfit, tool, tmp)
    part2 = versus_vpnls(args, slfit, vpnls_fit)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"python_vs_tool": part1, "isoflops": part2}, f, indent=1)


if __name__ == "__main__":
    main()
