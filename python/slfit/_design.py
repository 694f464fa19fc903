"""slfit.design: which runs to train next, as ``slfit design`` chooses them."""

from __future__ import annotations

import copy
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _slfit
from ._analyses import parameter_source
from ._data import as_data
from ._errors import UsageError
from ._laws import Law, as_law
from ._options import int_option, nan_if_null, normalize

LawLike = Union[str, "os.PathLike[str]", Law]


class DesignResult:
    """The runs a design buys, in order, and what it expects of them.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per run bought, in the order chosen: ``step`` (from 1), ``row`` (the run's
        1-based row in the candidates, as the tool numbers them), with a DataFrame of candidates
        ``index`` (that row's label in it, for ``candidates.loc[r.runs["index"]]``), the law's
        inputs, ``cost``, ``cumulative_cost`` and ``target_rmse`` (the predicted RMSE at the
        targets once this run and those before it are trained).
    law, strategy : str
    budget, spent : float
        What could be spent, and what the runs bought cost together.
    initial_rmse, final_rmse : float
        The predicted RMSE at the targets before any run is bought (with the belief alone) and
        after the last.
    parameters : dict
        The belief's point estimate (natural units).
    noise : float
        The standard deviation of a run's loss the design assumed (log loss in log space), and
        ``noise_source`` where it came from.
    candidates, targets : int
        How many pool rows could be bought, and how many points are predicted.
    pool_cost : float
        What every candidate costs together.
    warnings : list of str
    """

    def __init__(self, doc: Dict[str, Any], report: str, run: Any, index: Any) -> None:
        import pandas as pd

        self._doc = doc
        self._report = report
        self._run = run
        self.law: str = doc["law"]
        self.strategy: str = doc["strategy"]
        self.budget: float = float(doc["budget"])
        self.spent: float = float(doc["spent"])
        self.initial_rmse: float = nan_if_null(doc["initial_rmse"])
        steps = doc["steps"]
        self.final_rmse: float = (nan_if_null(steps[-1]["target_rmse"]) if steps
                                  else self.initial_rmse)
        self.parameters: Dict[str, float] = {k: nan_if_null(v)
                                             for k, v in doc["parameters"].items()}
        self.noise: float = float(doc["noise"])
        self.noise_source: str = doc["noise_source"]
        self.candidates: int = int(doc["candidates"])
        self.targets: int = int(doc["targets"])
        self.pool_cost: float = float(doc["pool_cost"])
        self.warnings: List[str] = list(doc["warnings"])
        columns = ["step", "row"] + [k for k in (steps[0] if steps else {})
                                     if k not in ("step", "row", "cost", "cumulative_cost",
                                                  "target_rmse")]
        runs = pd.DataFrame.from_records(steps, columns=columns + ["cost", "cumulative_cost",
                                                                   "target_rmse"])
        runs = runs.astype({"step": "int64", "row": "int64", "target_rmse": "float64"})
        if index is not None:
            runs.insert(2, "index", [index[r - 1] for r in runs["row"]])
        self.runs = runs

    def summary(self) -> str:
        """The tool's text report."""
        return self._report

    def to_dict(self) -> Dict[str, Any]:
        """The object ``slfit design --json`` prints for the same inputs (a copy)."""
        return copy.deepcopy(self._doc)

    def plot(self, title: str = "", axes: Any = None) -> Any:
        """The figure ``slfit design --plot`` draws (pool, pilot runs, targets and the runs
        bought, numbered in order, over the law's first two inputs), drawn with matplotlib.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ._plot import draw

        return draw(self._run.figure(title), axes)

    def __repr__(self) -> str:
        return (f"<slfit.DesignResult law={self.law!r} strategy={self.strategy!r} "
                f"runs={len(self.runs)} spent={self.spent:.4g} of {self.budget:.4g} "
                f"target_rmse {self.initial_rmse:.4g} -> {self.final_rmse:.4g}>")


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"option '{name}' takes a number, got {type(value).__name__}")
    return float(value)


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UsageError(f"option '{name}' takes a str, got {type(value).__name__}")
    return value


def design(
    law: LawLike,
    candidates: Any,
    *,
    budget: float,
    targets: Any = None,
    target_where: Optional[str] = None,
    cost: Optional[str] = None,
    data: Any = None,
    params: Any = None,
    preset: Optional[str] = None,
    strategy: str = "v-optimal",
    samples: int = 16,
    seed: int = 0,
    noise: Optional[float] = None,
    space: Optional[str] = None,
    threads: int = 0,
    col: Union[Mapping[str, str], Sequence[str], None] = None,
    derive: Any = None,
    where: Any = None,
    pilot_col: Union[Mapping[str, str], Sequence[str], None] = None,
    target: Optional[str] = None,
    bootstrap: int = 0,
    fix: Union[Mapping[str, float], Sequence[str], None] = None,
) -> DesignResult:
    """Choose the runs of a pool to train next, within a budget, for the sharpest predictions at
    the targets (``slfit design``; ``docs/design.md`` gives the method and a study of it).

    The law is linearised around what is believed about its parameters; runs are bought one at a
    time, each the one that most lowers the expected squared prediction error at the targets
    (``"v-optimal"``, averaged over samples of the belief) per unit cost, until the budget is
    spent.

    Parameters
    ----------
    law : str, path-like or Law
        A law's name, a law file's path, or a :class:`Law`.
    candidates : pandas.DataFrame, dict of array-likes or str
        The runs one could train: columns for the law's inputs (and any the cost reads).
    budget : float
        What may be spent, in the units of ``cost``.
    targets : pandas.DataFrame, dict of array-likes or str, optional
        The points whose predictions matter ...
    target_where : str, optional
        ... or an expression selecting the candidate rows that are the targets (too dear to
        train; they are not bought). Give one of the two.
    cost : str, optional
        A run's cost, an expression of the candidates' columns (default ``"6*N*D"`` for a law
        of N and D).
    data : pandas.DataFrame, dict of array-likes or str, optional
        A pilot table: the law is fitted to it first and the fit is the belief (its parameters,
        their covariance or, with ``bootstrap``, its draws, and the noise of its residuals).
    params : FitResult, dict or str, optional
        Or the belief as a fit's result (its covariance or bootstrap draws, and its noise), a
        parameter file (``slfit fit --json`` output) or a dict of name to value (give ``noise``).
    preset : str, optional
        Or a published preset (give ``noise``). Exactly one of ``data``, ``params`` and
        ``preset``.
    strategy : str
        ``"v-optimal"``, ``"d-optimal"`` (the most information about the parameters per unit
        cost), ``"random"`` (a seeded shuffle) or ``"cheapest"``: the last two are baselines.
    samples : int
        Parameter samples the gains are averaged over (1: the point estimate only).
    seed : int
        Seeds the random strategy, the samples and the pilot's bootstrap.
    noise : float, optional
        The standard deviation of a run's loss (log loss in log space); default: from the
        belief's residuals.
    space : str, optional
        With ``preset`` or values: the space of the predictions (``"log"`` or ``"linear"``); a
        fit brings its own.
    threads : int
        Threads (0: all cores); the result does not depend on it.
    col, derive, where
        Map the law's inputs to columns of ``candidates`` and ``targets``, add columns to both,
        keep candidate rows where an expression holds (as for :func:`slfit.fit`).
    pilot_col, target, bootstrap, fix
        With ``data``: the pilot's column map, its loss column (default ``"loss"``), a bootstrap
        of the pilot fit with this many resamples, parameters held fixed in it.

    Returns
    -------
    DesignResult

    Raises
    ------
    UsageError
        No belief or two, no targets or two kinds, a law without a default cost, options out of
        range.
    DataError
        An empty pool, a budget below the cheapest run, a cost that is not positive or a target
        outside the law's domain (each naming the row).

    Examples
    --------
    >>> pilot = slfit.fit("chinchilla", small_runs, bootstrap=200)
    >>> r = slfit.design("chinchilla", pool, params=pilot, target_where="6*N*D >= 1e22",
    ...                  budget=1e21)
    >>> r.runs[["step", "N", "D", "cost", "target_rmse"]]
    """
    entry = as_law(law)
    fit_handle = None
    preset_name, path, values = "", "", {}
    if params is not None and getattr(params, "_run", None) is not None and not isinstance(
            params, Mapping):
        if preset is not None:
            raise UsageError("give exactly one of option 'preset' and option 'params'")
        fit_handle = params._run
    else:
        preset_name, path, values = parameter_source(params, preset)
    pool, pool_name = as_data(candidates)
    index = getattr(candidates, "index", None) if pool_name else None
    goal = None if targets is None else as_data(targets)[0]
    pilot = None if data is None else as_data(data)[0]
    pilot_options = normalize({k: v for k, v in
                               {"col": pilot_col, "target": target, "fix": fix}.items()
                               if v is not None})
    resamples = int_option("bootstrap", bootstrap)
    if resamples:
        pilot_options["bootstrap"] = resamples
    if pilot is not None:
        pilot_options.update(seed=int_option("seed", seed, wide=True),
                             threads=int_option("threads", threads))
    table = normalize({k: v for k, v in {"col": col, "derive": derive, "where": where}.items()
                       if v is not None})
    out = _slfit.design(entry._handle, pool, goal, table, preset_name, path, values, fit_handle,
                        pilot, pilot_options, _text("target_where", target_where),
                        _text("cost", cost), _number("budget", budget),
                        _text("strategy", strategy), int_option("samples", samples),
                        int_option("seed", seed, wide=True),
                        0.0 if noise is None else _number("noise", noise),
                        _text("space", space), int_option("threads", threads))
    return DesignResult(json.loads(out["json"]), out["report"], out["run"], index)


__all__ = ["DesignResult", "design"]
