"""Data for a fit: a pandas DataFrame, a dict of array-likes, or a CSV path."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Tuple, Union

import numpy as np

Columns = Dict[str, Union[np.ndarray, List[str]]]


def _column(name: str, values: Any) -> Union[np.ndarray, List[str]]:
    """One column: numbers as float64 (no copy when they already are), anything else as text."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"column {name!r}: expected one dimension, got {array.ndim}")
    if array.dtype.kind in "biuf":
        return np.asarray(array, dtype=np.float64)
    if array.dtype.kind == "O":
        try:
            return array.astype(np.float64)
        except (TypeError, ValueError):
            pass
    return ["" if v is None else str(v) for v in array.tolist()]


def _frame_column(series: Any) -> Union[np.ndarray, List[str]]:
    if series.dtype == np.float64:
        return series.to_numpy()  # the frame's own memory, not a copy
    if series.dtype.kind in "biuf":
        return series.to_numpy(dtype=np.float64)
    if str(series.dtype) in ("Int64", "Float64", "boolean"):  # pandas' nullable types: NA is NaN
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return _column(str(series.name), series.to_numpy())


def as_data(data: Any) -> Tuple[Union[str, Columns], str]:
    """The data as the module takes it: a CSV path, or a dict of columns and the table's name."""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data), ""
    if hasattr(data, "columns") and hasattr(data, "dtypes"):  # a pandas DataFrame
        return {str(c): _frame_column(data[c]) for c in data.columns}, "data"
    if isinstance(data, Mapping):
        return {str(k): _column(str(k), v) for k, v in data.items()}, "data"
    raise TypeError(
        "data: expected a pandas DataFrame, a dict of array-likes or a CSV path, got "
        f"{type(data).__name__}"
    )
