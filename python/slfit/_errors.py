"""The exceptions slfit raises: the library's own messages, as the tool prints them."""

from . import _slfit

UsageError = _slfit.UsageError
UsageError.__module__ = "slfit"
UsageError.__doc__ = """A request that cannot mean anything.

An unknown law, option, parameter or preset, a bad option value, an expression that does not
parse. The message is the library's (the tool prints the same line and exits 2), with options
named by their keyword (``option 'col'``). A subclass of :class:`ValueError`.
"""

DataError = _slfit.DataError
DataError.__module__ = "slfit"
DataError.__doc__ = """Data that does not fit the request.

A missing column (with a did-you-mean), a NaN or infinite value in a column the request reads, no
rows left after ``where``, a file that cannot be read. The message is the library's (the tool
prints the same line and exits 1). A subclass of :class:`ValueError`.

Numerical outcomes (no convergence, a parameter at its bound, a singular covariance) are not
errors: they are in the result (``status``, ``message``, ``at_bound``).
"""

__all__ = ["UsageError", "DataError"]
