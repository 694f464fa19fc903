# Type stubs of the package slfit.
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

_PathLike = Union[str, "os.PathLike[str]"]
_Grid = Union[Mapping[str, Any], Sequence[str]]

class UsageError(ValueError): ...
class DataError(ValueError): ...

class Law:
    @classmethod
    def from_file(cls, path: _PathLike) -> Law: ...
    @classmethod
    def from_formula(
        cls,
        formula: str,
        inputs: Sequence[Union[str, Mapping[str, Any]]],
        parameters: Mapping[str, Union[float, Mapping[str, Any]]],
        name: str = ...,
        presets: Optional[Mapping[str, Mapping[str, Any]]] = ...,
        description: Optional[str] = ...,
    ) -> Law: ...
    @property
    def name(self) -> str: ...
    @property
    def info(self) -> Dict[str, Any]: ...
    def summary(self) -> str: ...

def law(name: _PathLike) -> Law: ...
def laws() -> List[Dict[str, Any]]: ...

class Bootstrap:
    resamples: int
    se: Dict[str, float]
    ci95: Dict[str, Tuple[float, float]]
    samples: np.ndarray
    names: List[str]
    derived: Dict[str, Dict[str, Any]]
    derived_samples: np.ndarray
    derived_names: List[str]
    def to_dict(self) -> Dict[str, Any]: ...

class FitResult:
    law: str
    points: int
    params: Dict[str, float]
    se: Dict[str, float]
    cov: np.ndarray
    objective: float
    converged: bool
    status: str
    message: str
    at_bound: Dict[str, str]
    starts: int
    bootstrap: Optional[Bootstrap]
    holdout: Optional[Dict[str, Any]]
    predictions: Optional[Dict[str, Any]]
    group: Any
    frontier: Optional[Dict[str, Any]]
    def summary(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def predict(self, data: Any = ..., at: Optional[_Grid] = ..., **table_options: Any) -> Any: ...
    def plot(self, title: str = ..., axes: Any = ...) -> Any: ...

class FitResults(List[FitResult]):
    def summary(self) -> str: ...
    def to_dict(self) -> List[Dict[str, Any]]: ...
    def plot(self, title: str = ..., axes: Any = ...) -> Any: ...

def fit(law: Union[_PathLike, Law], data: Any, **options: Any) -> Any: ...

_LawLike = Union[_PathLike, Law]
_Params = Union[FitResult, Mapping[str, float], _PathLike, None]

def predict(
    law: _LawLike,
    at: Optional[_Grid] = ...,
    *,
    data: Any = ...,
    params: _Params = ...,
    preset: Optional[str] = ...,
    col: Any = ...,
    derive: Any = ...,
    where: Any = ...,
    target: Optional[str] = ...,
) -> Any: ...
def optimal(
    law: _LawLike,
    quantity: str,
    at: Optional[_Grid] = ...,
    *,
    params: _Params = ...,
    preset: Optional[str] = ...,
    vs: _Params = ...,
    bits: Union[Mapping[str, float], Sequence[str], None] = ...,
) -> Any: ...
def simulate(
    law: _LawLike,
    at: _Grid,
    *,
    params: _Params = ...,
    preset: Optional[str] = ...,
    noise: float = ...,
    noise_kind: str = ...,
    seed: int = ...,
    target: str = ...,
) -> Any: ...
def compare(laws: Sequence[_LawLike], data: Any, **options: Any) -> Any: ...

class IsoflopResult:
    budgets: Any
    N: Dict[str, Any]
    D: Dict[str, Any]
    rows: Any
    used: int
    warnings: List[str]
    group: Optional[str]
    law: Optional[Dict[str, Any]]
    def summary(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def plot(self, title: str = ..., axes: Any = ...) -> Any: ...

def isoflop(
    data: Any,
    *,
    col: Union[Mapping[str, str], Sequence[str], None] = ...,
    derive: Any = ...,
    where: Any = ...,
    target: Optional[str] = ...,
    by: Optional[str] = ...,
    bootstrap: int = ...,
    seed: int = ...,
    at: Optional[_Grid] = ...,
    min_points: int = ...,
    off_centre: float = ...,
    frontier: Union[str, Sequence[str], None] = ...,
    law: Union[_PathLike, Law, None] = ...,
    objective: Optional[str] = ...,
    delta: Optional[float] = ...,
    space: Optional[str] = ...,
) -> Union[IsoflopResult, List[IsoflopResult]]: ...

class DesignResult:
    runs: Any
    law: str
    strategy: str
    budget: float
    spent: float
    initial_rmse: float
    final_rmse: float
    parameters: Dict[str, float]
    noise: float
    noise_source: str
    candidates: int
    targets: int
    pool_cost: float
    warnings: List[str]
    def summary(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def plot(self, title: str = ..., axes: Any = ...) -> Any: ...

def design(
    law: _LawLike,
    candidates: Any,
    *,
    budget: float,
    targets: Any = ...,
    target_where: Optional[str] = ...,
    cost: Optional[str] = ...,
    data: Any = ...,
    params: _Params = ...,
    preset: Optional[str] = ...,
    strategy: str = ...,
    samples: int = ...,
    seed: int = ...,
    noise: Optional[float] = ...,
    space: Optional[str] = ...,
    threads: int = ...,
    col: Union[Mapping[str, str], Sequence[str], None] = ...,
    derive: Any = ...,
    where: Any = ...,
    pilot_col: Union[Mapping[str, str], Sequence[str], None] = ...,
    target: Optional[str] = ...,
    bootstrap: int = ...,
    fix: Union[Mapping[str, float], Sequence[str], None] = ...,
) -> DesignResult: ...
