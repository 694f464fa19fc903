"""slfit in five minutes: fit Chinchilla to real runs from a notebook.

Hoffmann et al.'s runs (as digitised by Epoch AI) are loaded into pandas, fitted with their
procedure, plotted, bootstrapped, used for predictions and a compute-optimal recipe, and compared
with two other laws, one of them written as a formula on the spot.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/quickstart.py \\
        ../shared/data/epoch-chinchilla/svg_extracted_data.csv [OUTPUT_DIR]

Run a cell at a time in a notebook: each numbered step stands alone.
"""

import pathlib
import sys
import tempfile

import pandas as pd

import slfit

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT = HERE.parents[1].parent / "shared" / "data" / "epoch-chinchilla" / "svg_extracted_data.csv"
csv = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else pathlib.Path(tempfile.mkdtemp())
if not csv.exists():
    print(f"skipped: no data at {csv} (the shared data folder sits beside the checkout)")
    sys.exit(0)
out.mkdir(parents=True, exist_ok=True)

# 1. Load the runs: N parameters, D tokens (from the compute C = 6ND), the final loss. Hoffmann et
#    al. left out the five runs with the highest loss.
df = pd.read_csv(csv)
df = pd.DataFrame({
    "N": df["Model Size"],
    "D": df["Training FLOP"] / (6 * df["Model Size"]),
    "loss": df["loss"],
})
df = df.drop(index=df["loss"].nlargest(5).index).reset_index(drop=True)
print(f"{len(df)} runs, N from {df.N.min():.3g} to {df.N.max():.3g}")

# 2. Fit L(N, D) = E + A / N^alpha + B / D^beta as they did: Huber loss (delta 1e-3) on log L
#    from a grid of 4500 starts. The result carries the parameters, their standard errors, the
#    covariance and whether the fit converged.
law = slfit.law("chinchilla")
print(law.summary())
r = slfit.fit(law, df, objective="huber", delta=1e-3, starts="hoffmann")
print(r.summary())
print("alpha =", r.params["alpha"], "+/-", r.se["alpha"])
assert r.converged and r.objective <= 0.0010182740 + 1e-10  # SciPy's optimum, published

# 3. Look at it: the losses against the tokens with the fitted curves, one colour per model
#    size, and the fitted losses against the observed ones (the figure of `slfit fit --plot`).
import matplotlib  # noqa: E402  (a notebook draws inline; a script writes a file)

matplotlib.use("Agg")
fig = r.plot()
fig.savefig(out / "quickstart_fit.png", dpi=100)
print("figure:", out / "quickstart_fit.png")

# 4. How sure are the exponents? 400 resamples of the runs, each refitted from the optimum.
#    Ctrl-C stops a long bootstrap.
b = slfit.fit(law, df, objective="huber", delta=1e-3, starts="hoffmann", bootstrap=400,
              seed=1).bootstrap
print("alpha 95% interval:", b.ci95["alpha"], " beta:", b.ci95["beta"])
print("N_opt ~ C^a with a in", b.derived["a"]["ci95"])

# 5. Use the fit: the loss of Chinchilla itself (70B parameters, 1.4T tokens), and the
#    compute-optimal model and data for Gopher's budget of 5.76e23 FLOPs.
print(r.predict(at={"N": 70e9, "D": 1.4e12}))
print(slfit.optimal(law, "allocation", {"C": 5.76e23}, params=r))

# 6. Does another law describe the runs better? Kaplan et al.'s (from slfit's shelf of laws)
#    and one written here: Chinchilla with a shared exponent for N and D.
shared = slfit.Law.from_formula(
    "E + A / N**alpha + B / D**alpha",
    inputs=["N", "D"],
    name="shared-exponent",
    parameters={
        "E": {"value": 1.7, "lower": 0, "grid": [1.5, 2.0]},
        "A": {"value": 400, "lower": 0, "transform": "log", "grid": [1e2, 1e3]},
        "B": {"value": 400, "lower": 0, "transform": "log", "grid": [1e2, 1e3]},
        "alpha": {"value": 0.3, "lower": 0.01, "upper": 2, "grid": [0.2, 0.3, 0.5]},
    },
)
c = slfit.compare([law, "kaplan2020", shared], df, objective="huber", delta=1e-3)
print(c[["law", "k", "rss", "delta_aic", "delta_bic", "status"]].to_string(index=False))
print("best by AIC:", c.attrs["best_by_aic"])
