"""slfit for Python: fit scaling laws with slfit's engine, with the numbers of the ``slfit`` tool.

The package is a thin layer over slfit's run-time layer (the same requests the command-line
tool makes): it knows no law by name, and ``FitResult.to_dict()`` is the object ``slfit fit
--json`` prints for the same inputs.

>>> import slfit, pandas as pd
>>> df = pd.read_csv("runs.csv")
>>> r = slfit.fit("chinchilla", df, col={"N": "params", "D": "tokens"},
...               objective="huber", delta=1e-3, starts="hoffmann")
>>> print(r.summary())
>>> r.bootstrap  # with bootstrap=1000
>>> r.predict(at={"N": 70e9, "D": 1.4e12})
>>> slfit.compare(["chinchilla", "kaplan2020"], df, col={"N": "params", "D": "tokens"})

Functions: :func:`fit`, :func:`predict`, :func:`optimal`, :func:`simulate`, :func:`compare`,
:func:`isoflop`, :func:`design`, :func:`law`, :func:`laws`. Errors: :class:`UsageError`,
:class:`DataError` (both ValueError). Ctrl-C stops a long bootstrap and raises KeyboardInterrupt.
See ``docs/python.md``.
"""

from . import _shelf  # noqa: F401 (first: the installed shelf, before any law is read)
from ._analyses import compare, optimal, predict, simulate
from ._design import DesignResult, design
from ._errors import DataError, UsageError
from ._fit import fit
from ._isoflop import IsoflopResult, isoflop
from ._laws import Law, law, laws
from ._result import Bootstrap, FitResult, FitResults

__all__ = [
    "Bootstrap",
    "DataError",
    "DesignResult",
    "FitResult",
    "FitResults",
    "IsoflopResult",
    "Law",
    "UsageError",
    "compare",
    "design",
    "fit",
    "isoflop",
    "law",
    "laws",
    "optimal",
    "predict",
    "simulate",
]
