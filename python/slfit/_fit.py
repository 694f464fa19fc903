"""slfit.fit: one request to the run-time layer, as ``slfit fit`` makes it."""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Union

import numpy as np

from . import _slfit
from ._data import as_data
from ._laws import Law, as_law
from ._options import normalize
from ._result import Bootstrap, FitResult, FitResults


# The options that say how the table is read, which FitResult.predict() reuses.
_TABLE_OPTIONS = ("col", "derive", "where", "target", "by")


def fit(law: Union[str, "os.PathLike[str]", Law], data: Any, **options: Any) -> Any:
    """Fit a law to a table, as ``slfit fit`` does, with the same numbers.

    Parameters
    ----------
    law : str, path-like or Law
        A law's name (``"chinchilla"``), a law file's path, or a :class:`Law`.
    data : pandas.DataFrame, dict of array-likes, or str
        The table: a DataFrame, a dict of column name to 1-D array-like, or a CSV file's path.
        Numeric columns are used as float64; other columns are labels (for ``by``, ``group``).
        A NaN or infinite value is refused only where the request reads that column.
    **options
        The tool's long options with ``-`` written ``_``:

        - ``col`` : dict of law input (or ``"target"``) to column, e.g. ``{"N": "params"}``
        - ``derive`` : dict ``{"D": "C/(6*N)"}`` or list of ``"NAME=EXPR"``, applied in order
        - ``where`` : str or list of str, rows to keep (``"loss < 3.44"``)
        - ``target`` : column or expression fitted (default ``"loss"``)
        - ``objective`` : ``"squared"``, ``"huber"`` or ``"absolute"``; ``delta`` : float
        - ``space`` : ``"log"`` or ``"linear"``; ``overestimate_penalty`` : float
        - ``starts`` : ``"default"``, ``"hoffmann"``, ``"random:K"``; ``start`` : dict (one
          point) or list of dicts; ``seed`` : int
        - ``fix`` : dict of name to value; ``bound`` : dict of name to ``(lo, hi)``
          (``math.inf`` allowed); ``weights`` : column
        - ``threads`` (0: all cores), ``screening``, ``screen_keep``, ``solver``
        - ``by`` : column, one fit per value (returns :class:`FitResults`)
        - ``bootstrap`` : int K, ``group`` : column, ``bootstrap_from_starts`` : bool,
          ``quantity``/``quantity_at``, ``budget`` : float or list, ``draws`` : bool (every
          resample's parameters in ``to_dict()["bootstrap"]["draws"]``, as ``fit --draws``; the
          result's ``bootstrap.samples`` holds them either way)
        - ``holdout`` : expression selecting the rows held out; ``predict_at`` : dict of input
          to values
        - ``skip_nonpositive`` : bool; ``fix_from``
        - ``per`` : ``"NAME=COLUMN"`` or ``"NAME=COLUMN:REFERENCE"`` (or a list): fit parameter
          NAME once per level of COLUMN, reported as ``NAME[level]``; ``format_column`` and
          ``reference`` set the column and reference level of a law's own per-level parameter
          (a law file's ``"per"``, compression's ``eff``)
        - ``frontier`` : ``"N,D"`` or a list of columns: keep, for each distinct combination of
          their values, only the row with the lowest target (the tuned frontier of a sweep)

    Returns
    -------
    FitResult or FitResults
        One result, or with ``by=`` one per group. A fit that did not converge or failed is a
        result (see ``status``), not an exception; the library's warnings are issued as
        :class:`RuntimeWarning`.

    Raises
    ------
    UsageError
        An unknown law or option (with a did-you-mean), a bad option value.
    DataError
        A missing column, a NaN where the request reads, no rows left.

    Examples
    --------
    >>> r = slfit.fit("chinchilla", df, col={"N": "params", "D": "tokens"},
    ...               objective="huber", delta=1e-3, starts="hoffmann")
    >>> print(r.summary())
    >>> r.params["alpha"], r.se["alpha"]
    """
    entry = as_law(law)
    table, name = as_data(data)
    out = _slfit.fit(entry._handle, table, name, normalize(options))
    for warning in out["warnings"]:
        warnings.warn(warning, RuntimeWarning, stacklevel=2)
    doc = json.loads(out["json"])
    report = out["report"]
    context = {
        "law": entry,
        "data": data,
        "table_options": {k: options[k] for k in _TABLE_OPTIONS if options.get(k) is not None},
        "run": out["run"],
    }
    if isinstance(doc, list):
        return FitResults([FitResult(d, report, **context) for d in doc], report)
    boot = None
    if "bootstrap" in doc:
        samples = np.asarray(out["bootstrap_samples"], dtype=np.float64)
        derived = np.asarray(out["bootstrap_derived_samples"], dtype=np.float64)
        boot = Bootstrap(doc["bootstrap"], out["bootstrap_names"], samples,
                         out["bootstrap_derived_names"], derived)
    return FitResult(doc, report, boot, **context)


__all__ = ["fit"]
