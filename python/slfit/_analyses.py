"""predict, optimal, simulate and compare: the tool's other commands, with DataFrames out."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _slfit
from ._data import as_data
from ._errors import UsageError
from ._laws import Law, as_law
from ._options import grid_items, int_option, normalize

LawLike = Union[str, "os.PathLike[str]", Law]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - Debian's python3-pandas is a dependency
        raise ImportError("slfit returns tables as pandas DataFrames: install pandas") from e
    return pandas


def parameter_source(params: Any, preset: Optional[str]) -> Tuple[str, str, Dict[str, float]]:
    """(preset, parameter file, values): where a law's parameters come from.

    ``params`` is a :class:`FitResult`, a dict of name to value, or a parameter file's path (a
    ``fit --json`` output); ``preset`` a preset's name. The library wants exactly one.
    """
    preset = "" if preset is None else str(preset)
    if params is None:
        return preset, "", {}
    if isinstance(params, list):
        raise TypeError("params: a FitResults (one fit per group) holds several fits; pass one")
    if isinstance(params, (str, os.PathLike)):
        return preset, os.fspath(params), {}
    values = getattr(params, "params", params)
    if not isinstance(values, Mapping):
        raise TypeError(
            "params: expected a FitResult, a dict of name to value or a parameter file's path, "
            f"got {type(params).__name__}"
        )
    out = {str(k): float(v) for k, v in values.items()}
    if preset or not out:  # the library's words for both
        raise UsageError("give exactly one of option 'preset' and option 'params'")
    return preset, "", out


def _table_options(
    col: Any, derive: Any, where: Any, target: Optional[str]
) -> Dict[str, Any]:
    options = {"col": col, "derive": derive, "where": where, "target": target}
    return normalize({k: v for k, v in options.items() if v is not None})


def predict(
    law: LawLike,
    at: Union[Mapping[str, Any], Sequence[str], None] = None,
    *,
    data: Any = None,
    params: Any = None,
    preset: Optional[str] = None,
    col: Any = None,
    derive: Any = None,
    where: Any = None,
    target: Optional[str] = None,
) -> Any:
    """The law's values at grid points or at a table's rows, as ``slfit predict`` gives them.

    Parameters
    ----------
    law : str, path-like or Law
        A law's name, a law file's path, or a :class:`Law`.
    at : dict, optional
        Input name to a value or a list of values; several inputs give every combination
        (``{"N": [1e9, 1e10], "D": 2e10}``). A law's named values are understood
        (``{"format": "E4M3"}``). Give ``at`` or ``data``.
    data : pandas.DataFrame, dict of array-likes or str, optional
        Evaluate at every row (in order) instead; with the target column also ``observed``.
    params : FitResult, dict or str, optional
        The parameters: a fit's result, a dict of name to value (every parameter), or a
        parameter file (``slfit fit --json`` output). Give ``params`` or ``preset``.
    preset : str, optional
        A published preset of the law (``"hoffmann2022"``).
    col, derive, where, target
        With ``data``: as for :func:`slfit.fit` (map inputs to columns, derive columns, keep rows,
        the observed column or expression).

    Returns
    -------
    pandas.DataFrame
        The law's inputs, ``value`` and, from a table with the target, ``observed``;
        ``attrs`` holds ``law`` and ``preset``.

    Examples
    --------
    >>> slfit.predict("chinchilla", {"N": [1e9, 1e10], "D": 2e10}, preset="hoffmann2022")
    >>> r = slfit.fit("chinchilla", df)
    >>> slfit.predict("chinchilla", data=heldout, params=r)
    """
    entry = as_law(law)
    preset_name, path, values = parameter_source(params, preset)
    items = grid_items(at) if at is not None else []
    table: Any = None
    name = ""
    options = _table_options(col, derive, where, target)
    if data is not None:
        table, name = as_data(data)
    columns = _slfit.predict(entry._handle, preset_name, path, values, items, table, name, options)
    frame = _pandas().DataFrame(columns)
    frame.attrs.update({"law": entry.name, "preset": preset_name or None})
    return frame


def optimal(
    law: LawLike,
    quantity: str,
    at: Union[Mapping[str, Any], Sequence[str], None] = None,
    *,
    params: Any = None,
    preset: Optional[str] = None,
    vs: Any = None,
    bits: Union[Mapping[str, float], Sequence[str], None] = None,
) -> Any:
    """One of the law's analyses at grid points, as ``slfit optimal`` gives it.

    Parameters
    ----------
    law : str, path-like or Law
        A law's name, a law file's path, or a :class:`Law`.
    quantity : str
        The analysis (``"allocation"``: compute-optimal N and D at C = 6ND; the law's others are
        listed by ``slfit.law(name).info["analyses"]``).
    at : dict
        The analysis's inputs to values or lists of values (``{"C": [1e21, 1e23]}``).
    params, preset
        As for :func:`predict`.
    vs : FitResult, dict or str, optional
        A second fit of the same law; with ``quantity="multiplier"`` the result is the compute
        multiplier at each C: the compute the first fit's compute-optimal model needs to reach
        the loss this one's reaches at C (``C_first``), divided by C (OLMo's effective compute
        multiplier, marin's effective speedup). When both fits carry bootstrap draws (two
        FitResults fitted with ``bootstrap=K``, or two files of ``fit --bootstrap K --draws
        --json``), draw i of one is paired with draw i of the other and each output gets a 95%
        interval, in columns ``NAME_lower`` and ``NAME_upper``. With the same ``seed`` and
        ``bootstrap`` on tables whose rows match, both fits resampled the same rows in draw i, so
        the interval allows for what they share.
    bits : dict, optional
        With ``quantity="precision-efficiency"`` (a law with a per-level multiplier, such as
        ``compression``), each level's bits of precision (``{"w4a4": 4, "bf16": 16}``, the
        reference included) in place of ``at``: one row per level with ``P``, ``eff`` and
        ``efficiency`` = eff x P_ref / P; from a bootstrapped fit also 95% intervals and
        ``best``, the share of draws in which that level is the most efficient.

    Returns
    -------
    pandas.DataFrame
        One row per point: the inputs, then the analysis's outputs. ``attrs`` holds ``law``,
        ``preset``, ``quantity``, ``warnings`` and the law's summary quantities at these
        parameters (for Chinchilla ``G``, ``a``, ``b``), as in ``slfit optimal --json``; with
        intervals also ``paired_draws`` and ``failed_pairs`` (one count per row).

    Examples
    --------
    >>> slfit.optimal("chinchilla", "allocation", {"C": 5.76e23}, preset="hoffmann2022")
    """
    entry = as_law(law)
    preset_name, path, values = parameter_source(params, preset)
    vs_path, vs_values = "", {}
    if vs is not None:
        _, vs_path, vs_values = parameter_source(vs, None)
    if isinstance(bits, Mapping):
        bit_items = [f"{level}={float(p)!r}" for level, p in bits.items()]
    else:
        bit_items = [str(b) for b in (bits or [])]
    doc = json.loads(
        _slfit.optimal(entry._handle, str(quantity), preset_name, path, values,
                       grid_items(at) if at is not None else [], vs_path, vs_values,
                       *_draws(params), *_draws(vs), bit_items)
    )
    rows = doc.pop("rows")
    failed = [row.pop(key) for row in rows for key in ("failed_pairs", "failed_draws")
              if key in row]
    for row in rows:  # intervals as the tool's CSV gives them: NAME_lower, NAME_upper
        for name, (lower, upper) in row.pop("ci95", {}).items():
            row[name + "_lower"], row[name + "_upper"] = lower, upper
    frame = _pandas().DataFrame.from_records(rows)
    numeric = [c for c in frame.columns if not (rows and isinstance(rows[0].get(c), str))]
    frame = frame.astype({c: "float64" for c in numeric})  # null (the library's NaN) as NaN
    if failed:
        doc["failed_draws" if "draws" in doc else "failed_pairs"] = failed
    frame.attrs.update(doc)
    return frame


def _draws(params: Any) -> Tuple[Any, Any]:
    """A bootstrapped FitResult's resampled parameters (names, samples), else (None, None)."""
    boot = getattr(params, "bootstrap", None)
    if boot is None or not isinstance(getattr(params, "params", None), Mapping):
        return None, None
    return list(boot.names), boot.samples


def simulate(
    law: LawLike,
    at: Union[Mapping[str, Any], Sequence[str]],
    *,
    params: Any = None,
    preset: Optional[str] = None,
    noise: float = 0.0,
    noise_kind: str = "additive",
    seed: int = 0,
    target: str = "loss",
) -> Any:
    """A table of the law on a grid, with seeded noise, as ``slfit simulate`` writes it.

    Parameters
    ----------
    law : str, path-like or Law
        A law's name, a law file's path, or a :class:`Law`.
    at : dict
        Input name to a value or a list of values; every combination is a row.
    params, preset
        As for :func:`predict`.
    noise : float
        The noise's standard deviation (0: none).
    noise_kind : {"additive", "multiplicative"}
        ``value + noise * z`` or ``value * exp(noise * z)``, z standard normal from slfit's own
        generator: the same rows for the same seed on every machine. Noise that would make a
        positive value zero or negative is refused (UsageError), never clipped.
    seed : int
        The generator's seed.
    target : str
        The name of the simulated column.

    Returns
    -------
    pandas.DataFrame
        The law's inputs and ``target``.

    Examples
    --------
    >>> df = slfit.simulate("chinchilla", {"N": [1e8, 1e9, 1e10], "D": [1e9, 1e10, 1e11]},
    ...                     preset="hoffmann2022", noise=0.01, noise_kind="multiplicative",
    ...                     seed=1)
    """
    entry = as_law(law)
    preset_name, path, values = parameter_source(params, preset)
    columns = _slfit.simulate(
        entry._handle, preset_name, path, values, grid_items(at), float(noise), str(noise_kind),
        int_option("seed", seed, wide=True), str(target)
    )
    return _pandas().DataFrame(columns)


def compare(laws: Sequence[LawLike], data: Any, **options: Any) -> Any:
    """Fit several laws to the same rows and rank them, as ``slfit compare`` does.

    Parameters
    ----------
    laws : list of str, path-like or Law
        At least two laws: names, law files' paths or :class:`Law` objects.
    data : pandas.DataFrame, dict of array-likes, or str
        The table, as for :func:`slfit.fit`.
    **options
        :func:`slfit.fit`'s options, shared by every law (``col``, ``objective``, ``holdout``:
        rank by held-out error too, ...).

    Returns
    -------
    pandas.DataFrame
        One row per law, in the order given: ``law``, ``points``, ``k`` (free parameters + 1),
        ``rss``, ``aic``, ``bic``, ``delta_aic``, ``delta_bic``, ``rank_aic``, ``rank_bic``,
        ``holdout_rmse`` (NaN without ``holdout``), ``status``. ``attrs`` holds
        ``best_by_aic``, ``best_by_bic``, ``best_by_holdout``, ``warnings``, ``report`` (the
        tool's text) and ``fits`` (law name to its :class:`FitResult`).

    Examples
    --------
    >>> slfit.compare(["chinchilla", "kaplan2020"], df, col={"N": "params", "D": "tokens"})
    """
    from ._result import FitResult

    entries = [as_law(law) for law in laws]
    table, name = as_data(data)
    out = _slfit.compare([e._handle for e in entries], table, name, normalize(options))
    doc = json.loads(out["json"])
    rows: List[Dict[str, Any]] = []
    fits: Dict[str, Any] = {}
    nan = float("nan")
    for item in doc["laws"]:
        fit = item["fit"]
        rows.append(
            {
                "law": item["law"],
                "points": item["points"],
                "k": item["k"],
                "rss": _number(item["rss"]),
                "aic": _number(item["aic"]),
                "bic": _number(item["bic"]),
                "delta_aic": _number(item["delta_aic"]),
                "delta_bic": _number(item["delta_bic"]),
                "rank_aic": item["rank_aic"],
                "rank_bic": item["rank_bic"],
                "holdout_rmse": _number(item["holdout"]["rmse"]) if "holdout" in item else nan,
                "status": fit["status"],
            }
        )
        fits[item["law"]] = FitResult(fit, out["report"])
    frame = _pandas().DataFrame(rows)
    frame.attrs.update(
        {
            "best_by_aic": doc["best_by_aic"],
            "best_by_bic": doc["best_by_bic"],
            "best_by_holdout": doc["best_by_holdout"],
            "warnings": list(doc["warnings"]),
            "report": out["report"],
            "fits": fits,
        }
    )
    return frame


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


__all__ = ["compare", "optimal", "predict", "simulate"]
