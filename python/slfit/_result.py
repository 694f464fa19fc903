"""What a fit returns: FitResult (one fit), FitResults (one per group of ``by=``), Bootstrap."""

from __future__ import annotations

import copy
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np


def _number(value: Any) -> float:
    """A JSON number, with null (the library's NaN) as nan."""
    return math.nan if value is None else float(value)


class Bootstrap:
    """Bootstrap intervals of a fit (``fit(..., bootstrap=K)``).

    Attributes
    ----------
    resamples : int
        Resamples drawn.
    se : dict of str to float
        Standard deviation of each parameter over the valid resamples.
    ci95 : dict of str to (float, float)
        Percentile 95% interval of each parameter.
    samples : numpy.ndarray
        The resampled parameters, one row per resample and one column per name in ``names``
        (NaN where a resample failed).
    names : list of str
        The parameters, in the columns' order of ``samples``.
    derived : dict of str to dict
        The law's summary quantities and any ``quantity``/``budget`` outputs bootstrapped with
        the parameters (Chinchilla's allocation exponent ``a``): name to ``estimate``, ``se``,
        ``ci95``, ``covariance_se`` and ``valid``, as in ``fit --json``.
    derived_samples : numpy.ndarray
        Their resampled values, one column per name in ``derived_names``.
    derived_names : list of str
        The columns of ``derived_samples``.
    """

    def __init__(
        self,
        doc: Dict[str, Any],
        names: Sequence[str],
        samples: np.ndarray,
        derived_names: Sequence[str] = (),
        derived_samples: Optional[np.ndarray] = None,
    ) -> None:
        self._doc = doc
        self.resamples: int = int(doc["resamples"])
        self.se: Dict[str, float] = {k: _number(v) for k, v in doc["se"].items()}
        self.ci95: Dict[str, Tuple[float, float]] = {
            k: (_number(v[0]), _number(v[1])) for k, v in doc["ci95"].items()
        }
        self.names: List[str] = list(names)
        self.samples: np.ndarray = samples
        self.derived: Dict[str, Dict[str, Any]] = copy.deepcopy(doc.get("derived", {}))
        self.derived_names: List[str] = list(derived_names)
        if derived_samples is None:
            derived_samples = np.empty((samples.shape[0], 0))
        self.derived_samples: np.ndarray = derived_samples

    def to_dict(self) -> Dict[str, Any]:
        """The ``bootstrap`` object of ``slfit fit --bootstrap K --json``."""
        return copy.deepcopy(self._doc)

    def __repr__(self) -> str:
        return f"<slfit.Bootstrap resamples={self.resamples} samples={self.samples.shape}>"


class FitResult:
    """One fit: parameters, standard errors, covariance, objective, status and the report.

    Attributes
    ----------
    law : str
        The law fitted.
    points : int
        Rows fitted.
    params : dict of str to float
        Parameter values in natural units, in the law's order.
    se : dict of str to float
        Standard errors (NaN where the covariance could not be computed).
    cov : numpy.ndarray
        Covariance of the parameters in the order of ``params`` (NaN when not available).
    objective : float
        The objective's value at the best fit.
    converged : bool
        Whether the best start converged.
    status : str
        ``"converged"``, ``"not_converged"`` or ``"failed"`` (the library's words).
    message : str
        The solver's message.
    at_bound : dict of str to str
        Parameters at a bound: name to ``"lower"`` or ``"upper"``.
    starts : int
        Starts tried.
    bootstrap : Bootstrap or None
        With ``bootstrap=K``.
    holdout, predictions : dict or None
        With ``holdout=`` / ``predict_at=``: those objects of ``fit --json``.
    group : object or None
        With ``by=``: this fit's value of the ``by`` column.
    """

    def __init__(
        self,
        doc: Dict[str, Any],
        report: str,
        bootstrap: Optional[Bootstrap] = None,
    ) -> None:
        self._doc = doc
        self._report = report
        self.law: str = doc["law"]
        self.points: int = int(doc["points"])
        self.params: Dict[str, float] = {k: _number(v) for k, v in doc["parameters"].items()}
        self.se: Dict[str, float] = {k: _number(v) for k, v in doc["standard_errors"].items()}
        k = len(self.params)
        if "covariance" in doc:
            self.cov: np.ndarray = np.array(doc["covariance"], dtype=np.float64).reshape(k, k)
        else:
            self.cov = np.full((k, k), np.nan)
        self.objective: float = _number(doc["objective"]["value"])
        self.converged: bool = bool(doc["converged"])
        self.status: str = doc["status"]
        self.message: str = doc["message"]
        self.at_bound: Dict[str, str] = dict(doc["at_bound"])
        self.starts: int = int(doc["starts"])
        self.bootstrap: Optional[Bootstrap] = bootstrap
        self.holdout: Optional[Dict[str, Any]] = doc.get("holdout")
        self.predictions: Optional[Dict[str, Any]] = doc.get("predictions")
        self.group: Any = doc.get("group")

    def summary(self) -> str:
        """The tool's text report of this fit (for a group of ``by=``: of the whole run)."""
        return self._report

    def to_dict(self) -> Dict[str, Any]:
        """The object ``slfit fit --json`` prints for the same inputs (a copy)."""
        return copy.deepcopy(self._doc)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        group = "" if self.group is None else f" group={self.group!r}"
        return (
            f"<slfit.FitResult law={self.law!r}{group} status={self.status!r} "
            f"objective={self.objective:.10g} params={{{params}}}>"
        )


class FitResults(list):
    """The fits of ``fit(..., by=COLUMN)``: a list of :class:`FitResult`, one per group."""

    def __init__(self, results: Sequence[FitResult], report: str) -> None:
        super().__init__(results)
        self._report = report

    def summary(self) -> str:
        """The tool's text report of the run (one row per group)."""
        return self._report

    def to_dict(self) -> List[Dict[str, Any]]:
        """The list ``slfit fit --by COLUMN --json`` prints for the same inputs."""
        return [r.to_dict() for r in self]


__all__ = ["Bootstrap", "FitResult", "FitResults"]
