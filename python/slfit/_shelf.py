"""The shelf a pip-installed package ships: the law files as ``slfit/laws/``.

Added at import to the folders the library searches for laws by name (``slfit.law("kaplan2020")``),
after those of ``SLFIT_LAW_PATH``. The in-tree build (``build/python``) has no such folder: its
module finds the source tree's ``laws/`` by itself.
"""

import os

from . import _slfit

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "laws")

if os.path.isdir(FOLDER):
    _slfit.add_law_shelf(FOLDER)
