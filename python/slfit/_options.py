"""Keyword options in the tool's spellings: dicts become NAME=VALUE items, numbers exact text."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

import numpy as np

from ._errors import UsageError


def _text(value: Any) -> str:
    """A number as text that reads back to the same double (repr), anything else as str."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"expected a number or a str, got {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value))
    return str(value)


def _item(option: str, key: str, value: Any) -> str:
    if option == "bound":
        low, high = value
        return f"{key}={_text(low)}:{_text(high)}"
    if isinstance(value, (list, tuple)) or np.ndim(value) > 0:  # also arrays and Series
        return f"{key}=" + ",".join(_text(v) for v in np.asarray(value, dtype=object).ravel())
    return f"{key}={_text(value)}"


def _scalar(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def normalize(options: Mapping[str, Any]) -> Dict[str, Any]:
    """The options with Python values turned into what the tool would have been given.

    ``fix={"E": 1.8}`` becomes ``["E=1.8"]``, ``bound={"E": (0, inf)}`` ``["E=0.0:inf"]``,
    ``col={"N": "params"}`` ``["N=params"]``, ``predict_at={"N": [1e9, 1e10]}``
    ``["N=1000000000.0,10000000000.0"]``, ``start={"E": 1.7, "A": 400}`` (one point; a list of
    them for several) ``["E=1.7,A=400.0"]``; a tuple is a
    list; numpy scalars are Python's. Names are checked by the library.
    """
    out: Dict[str, Any] = {}
    for option, value in options.items():
        if option == "start" and isinstance(value, Mapping):
            value = [value]
        if isinstance(value, Mapping):
            value = [_item(option, str(k), v) for k, v in value.items()]
        elif option == "start" and isinstance(value, (list, tuple)):
            value = [
                ",".join(_item(option, str(k), v) for k, v in point.items())
                if isinstance(point, Mapping)
                else point
                for point in value
            ]
        elif isinstance(value, tuple):
            value = list(value)
        elif option == "budget" and isinstance(value, np.ndarray):
            value = [float(v) for v in value]
        if isinstance(value, list):
            value = [_scalar(v) for v in value]
        out[option] = _scalar(value)
    return out


def grid_items(at: Any) -> List[str]:
    """A grid as the tool's ``--at`` items: ``{"N": [1e9, 1e10], "D": 2e10}`` becomes
    ``["N=1000000000.0,10000000000.0", "D=20000000000.0"]``; a list of such str is kept."""
    if isinstance(at, Mapping):
        return [_item("at", str(k), v) for k, v in at.items()]
    if isinstance(at, str):
        return [at]
    if isinstance(at, (list, tuple)) and all(isinstance(v, str) for v in at):
        return list(at)
    raise TypeError(
        "at: expected a dict of input name to values, or a list of 'NAME=V1,V2' str, got "
        f"{type(at).__name__}"
    )


_INT = (-2**31, 2**31 - 1)  # the library's int
_INT64 = (-2**63, 2**63 - 1)  # its seeds (checked nonnegative there)


def int_option(name: str, value: Any, wide: bool = False) -> int:
    """``value`` as an int when it is one (not a bool) that the library's int holds (its 64-bit
    seed with ``wide``), else a UsageError: never a wrapped-around number or a cast error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise UsageError(f"option '{name}' takes an int, got {type(value).__name__}")
    low, high = _INT64 if wide else _INT
    if not low <= int(value) <= high:
        raise UsageError(f"option '{name}' is out of range: {int(value)}")
    return int(value)


def nan_if_null(value: Any) -> float:
    """A number of the library's JSON as float: null (its NaN) as NaN."""
    return float("nan") if value is None else float(value)


__all__: List[str] = ["grid_items", "int_option", "nan_if_null", "normalize"]
