"""slfit.isoflop: IsoFLOP profiles (Approach 2), as ``slfit isoflop`` computes them."""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _slfit
from ._data import as_data
from ._laws import as_law
from ._options import grid_items, int_option, nan_if_null, normalize


class IsoflopResult:
    """The IsoFLOP analysis of one table (or one group of ``by=``).

    Attributes
    ----------
    budgets : pandas.DataFrame
        One row per budget, in increasing C: ``C``, ``N``, ``D`` and ``loss`` at the parabola's
        minimum, ``points``, ``interior``, ``used``, ``reason`` (why it was left out; None when
        used), ``offset`` (the minimum's distance from the centre of the sampled ln N range, in
        half-ranges), ``off_centre`` and ``curvature``.
    N, D : dict
        The power laws ``x_opt = coefficient * C**exponent``: ``exponent``, ``coefficient`` and,
        with a bootstrap, ``ci95`` (``{"exponent": (lo, hi), "coefficient": (lo, hi)}``).
    rows : pandas.DataFrame
        At the ``at`` budgets: ``C``, ``N``, ``D``, ``tokens_per_parameter`` (and their 95%
        intervals as ``*_lo``, ``*_hi`` columns with a bootstrap).
    used : int
        Budgets kept for the power laws.
    warnings : list of str
        Off-centre budgets (Approach 2's bias) and failed resamples.
    group : str or None
        With ``by=``: this group's value.
    law : dict or None
        With ``law=``: ``name``, ``fit`` (as ``slfit fit --json``), and the law's allocation
        (``C``, ``N``, ``D``, ``tokens_per_parameter``, ``loss``) at each used budget
        (``budgets``) and at ``at`` (``rows``).
    """

    def __init__(self, doc: Dict[str, Any], report: str, run: Any) -> None:
        import pandas as pd

        self._doc = doc
        self._report = report
        self._run = run
        self.group: Optional[str] = doc.get("group")
        budgets = pd.DataFrame.from_records(doc["budgets"])
        for column in ("N", "D", "loss", "offset", "curvature"):
            budgets[column] = budgets[column].map(nan_if_null)
        self.budgets = budgets
        self.N: Dict[str, Any] = self._law(doc["N"])
        self.D: Dict[str, Any] = self._law(doc["D"])
        records = []
        for row in doc["rows"]:
            record = {k: nan_if_null(row[k]) for k in ("C", "N", "D", "tokens_per_parameter")}
            for k, (lo, hi) in row.get("ci95", {}).items():
                record[f"{k}_lo"], record[f"{k}_hi"] = nan_if_null(lo), nan_if_null(hi)
            records.append(record)
        self.rows = pd.DataFrame.from_records(
            records, columns=None if records else ["C", "N", "D", "tokens_per_parameter"])
        self.used: int = int(doc["budgets_used"])
        self.law: Optional[Dict[str, Any]] = copy.deepcopy(doc.get("law"))
        self.warnings: List[str] = list(doc["warnings"])

    @staticmethod
    def _law(doc: Dict[str, Any]) -> Dict[str, Any]:
        out: Dict[str, Any] = {"exponent": nan_if_null(doc["exponent"]),
                               "coefficient": nan_if_null(doc["coefficient"])}
        if "ci95" in doc:
            out["ci95"] = {k: (nan_if_null(lo), nan_if_null(hi))
                           for k, (lo, hi) in doc["ci95"].items()}
        return out

    def summary(self) -> str:
        """The tool's text report (with ``by=``: of the whole run)."""
        return self._report

    def to_dict(self) -> Dict[str, Any]:
        """The object ``slfit isoflop --json`` prints for the same inputs (a copy)."""
        return copy.deepcopy(self._doc)

    def plot(self, title: str = "", axes: Any = None) -> Any:
        """The figure ``slfit isoflop --plot`` draws (profiles with their parabolas and minima;
        the fitted frontier), drawn with matplotlib. With ``by=``: the first group's.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ._plot import draw

        return draw(self._run.figure(title), axes)

    def __repr__(self) -> str:
        group = "" if self.group is None else f" group={self.group!r}"
        return (f"<slfit.IsoflopResult{group} budgets={len(self.budgets)} used={self.used} "
                f"N_opt ~ C^{self.N['exponent']:.4g} D_opt ~ C^{self.D['exponent']:.4g}>")


def isoflop(
    data: Any,
    *,
    col: Union[Mapping[str, str], Sequence[str], None] = None,
    derive: Any = None,
    where: Any = None,
    target: Optional[str] = None,
    by: Optional[str] = None,
    bootstrap: int = 0,
    seed: int = 0,
    at: Union[Mapping[str, Any], Sequence[str], None] = None,
    min_points: int = 3,
    off_centre: float = 0.5,
    frontier: Union[str, Sequence[str], None] = None,
    law: Any = None,
    objective: Optional[str] = None,
    delta: Optional[float] = None,
    space: Optional[str] = None,
) -> Union[IsoflopResult, List[IsoflopResult]]:
    """Compute-optimal N and D from IsoFLOP profiles (Hoffmann et al.'s Approach 2).

    For each compute budget C, the loss is fitted by a parabola in ln N (and in ln D); its
    minimum is kept only when the parabola opens upwards and the minimum lies inside the sizes
    the budget sampled (otherwise the budget is reported with the reason and left out). Power laws
    ``N_opt = k_N C**a`` and ``D_opt = k_D C**b`` are fitted through the kept minima.

    Parameters
    ----------
    data : pandas.DataFrame, dict of array-likes, or str
        The runs: a compute column and N or D (the other is C / (6 x)), or both.
    col : dict, optional
        ``C``, ``N``, ``D`` or ``target`` to a column: ``{"C": "budget", "N": "params"}``
        (unmapped: the columns named C, N and D).
    derive, where, target
        As for :func:`slfit.fit`; ``target`` is the loss (default ``"loss"``).
    by : str, optional
        One analysis per value of this column (text or numbers): returns a list.
    bootstrap : int
        Resample runs within budgets this many times for percentile intervals; ``seed`` seeds it.
    at : dict, optional
        Budgets to extrapolate to: ``{"C": [3.8e25]}``.
    min_points : int
        Runs (and distinct sizes) a budget needs for its parabola (at least 3).
    off_centre : float
        Warn when a kept minimum lies further than this from the centre of its budget's sampled
        ln N range, in half-ranges (Approach 2 is biased there; arXiv 2603.22339).
    frontier : str or list of str, optional
        Keep, for each distinct value of these columns (``"budget,params"``), only the run with
        the lowest loss (the tuned frontier of a sweep); ``to_dict()["frontier"]`` says how many
        rows were dropped.
    law : str, path-like or Law, optional
        A parametric law of N and D fitted to the same runs (Approach 3 beside Approach 2), with
        ``objective``, ``delta`` and ``space`` as for :func:`slfit.fit`; its compute-optimal
        allocation at each used budget and at ``at`` is in ``law`` (``to_dict()["law"]``) and
        beside the profiles' in ``summary()``.

    Returns
    -------
    IsoflopResult, or a list of them with ``by=``.

    Raises
    ------
    DataError
        Missing columns, non-positive C, N or D, or fewer than two usable budgets (the message
        gives each budget's reason).

    Examples
    --------
    >>> r = slfit.isoflop(df, col={"C": "compute_budget", "D": "training_tokens"},
    ...                   target="validation_loss", at={"C": 3.8e25}, bootstrap=1000)
    >>> r.D["exponent"], r.rows
    """
    table, name = as_data(data)
    options = normalize({k: v for k, v in
                         {"col": col, "derive": derive, "where": where, "target": target,
                          "frontier": frontier}.items()
                         if v is not None})
    handle = None if law is None else as_law(law)._handle
    fit = normalize({k: v for k, v in
                     {"objective": objective, "delta": delta, "space": space}.items()
                     if v is not None})
    out = _slfit.isoflop(table, name, options, "" if by is None else str(by),
                         int_option("bootstrap", bootstrap), int_option("seed", seed, wide=True),
                         grid_items(at) if at is not None else [],
                         int_option("min_points", min_points),
                         float(off_centre), handle, fit)
    doc = json.loads(out["json"])
    if isinstance(doc, list):
        return [IsoflopResult(d, out["report"], out["run"]) for d in doc]
    return IsoflopResult(doc, out["report"], out["run"])


__all__ = ["IsoflopResult", "isoflop"]
