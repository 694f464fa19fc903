"""What a fit returns: FitResult (one fit), FitResults (one per group of ``by=``), Bootstrap."""

from __future__ import annotations

import copy
import math
import os
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
    frontier : dict or None
        With ``frontier=``: ``columns``, rows ``kept`` and ``dropped``.
    """

    def __init__(
        self,
        doc: Dict[str, Any],
        report: str,
        bootstrap: Optional[Bootstrap] = None,
        law: Any = None,
        data: Any = None,
        table_options: Optional[Dict[str, Any]] = None,
        run: Any = None,
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
        self.frontier: Optional[Dict[str, Any]] = doc.get("frontier")
        # What predict() and plot() reuse: the law, the data and its table options.
        self._law: Any = law
        self._data: Any = data
        self._table_options: Dict[str, Any] = dict(table_options or {})
        self._run: Any = run  # the C++ run, kept for its figure

    def summary(self) -> str:
        """The tool's text report of this fit (for a group of ``by=``: of the whole run)."""
        return self._report

    def predict(self, data: Any = None, at: Any = None, **table_options: Any) -> Any:
        """The fitted law at a table's rows or at grid points (see :func:`slfit.predict`).

        Parameters
        ----------
        data : pandas.DataFrame, dict of array-likes or str, optional
            Rows to evaluate at; by default the fitted table itself (all its rows that pass
            ``where``, held-out rows included). The fit's ``col``, ``derive``, ``where`` and
            ``target`` apply unless given here.
        at : dict, optional
            Grid points instead of rows: input name to a value or a list of values.
        **table_options
            ``col``, ``derive``, ``where``, ``target``, replacing the fit's.

        Returns
        -------
        pandas.DataFrame
            The law's inputs, ``value`` and (from a table with the target) ``observed``.

        Examples
        --------
        >>> r = slfit.fit("chinchilla", df)
        >>> r.predict(at={"N": 70e9, "D": 1.4e12})
        >>> r.predict(heldout_df)["value"]
        """
        from ._analyses import predict

        if self._law is None:
            raise ValueError("this result does not know its law (it was not made by slfit.fit)")
        if at is not None and data is None:
            return predict(self._law, at, params=self.params)
        options = {k: v for k, v in self._table_options.items() if k != "by"}
        options.update(table_options)
        if data is None:
            data = self._group_rows()
        return predict(self._law, at, data=data, params=self.params, **options)

    def _group_rows(self) -> Any:
        """The fitted table; for a group of ``by=``, only that group's rows."""
        by = self._table_options.get("by")
        if self.group is None or by is None:
            return self._data
        import pandas as pd

        frame = self._data
        if isinstance(frame, (str, os.PathLike)):
            frame = pd.read_csv(frame, float_precision="round_trip")
        elif not isinstance(frame, pd.DataFrame):
            frame = pd.DataFrame(dict(frame))
        column = frame[by]
        keep = column.astype(str) == str(self.group) if column.dtype == object else (
            column == self.group)
        return frame[keep.to_numpy()].reset_index(drop=True)

    def plot(self, title: str = "", axes: Any = None) -> Any:
        """The figure ``slfit fit --plot`` draws, drawn with matplotlib.

        Panel (a): the target against one input (D where the law has it, else the input with
        the most distinct values), observed points and the fitted law's curves, one colour per
        combination of the other inputs, held-out rows marked; panel (b): predicted against
        observed with the identity line. With ``by=``, the whole run's figure.

        Parameters
        ----------
        title : str, optional
            The figure's title (default: the library's).
        axes : sequence of matplotlib Axes, optional
            One per panel, to draw into; by default a new figure.

        Returns
        -------
        matplotlib.figure.Figure

        Raises
        ------
        UsageError
            A run the library cannot draw (a fit of a format column).
        """
        from ._plot import draw

        if self._run is None:
            raise ValueError("this result has no figure: it was not made by slfit.fit")
        return draw(self._run.figure(title), axes)

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

    def plot(self, title: str = "", axes: Any = None) -> Any:
        """The run's figure, as ``slfit fit --by COLUMN --plot`` draws it (see
        :meth:`FitResult.plot`)."""
        return self[0].plot(title, axes)


__all__ = ["Bootstrap", "FitResult", "FitResults"]
