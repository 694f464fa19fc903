"""Laws: the catalogue by name, law files, and formula laws written in Python."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _slfit


class Law:
    """A scaling law slfit can fit: built in, from the shelf, from a law file or a formula.

    Get one with :func:`slfit.law`, :meth:`Law.from_file` or :meth:`Law.from_formula`; every
    function that takes a law also takes its name or a law file's path.

    Attributes
    ----------
    name : str
        The law's name, as in results and in ``slfit laws``.
    """

    def __init__(self, handle: "_slfit.Law") -> None:
        self._handle = handle
        self._info: Optional[Dict[str, Any]] = None

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Law":
        """Read a law file (JSON: ``inputs``, ``formula``, ``parameters``, ...).

        Parameters
        ----------
        path : str or path-like
            The law file; it is read once per program, as the tool's ``--law-file`` is.

        Returns
        -------
        Law

        Raises
        ------
        UsageError
            The file does not parse or its spec is refused (the message names the field).
        DataError
            The file cannot be read.
        """
        return cls(_slfit.law_from_file(os.fspath(path)))

    @classmethod
    def from_formula(
        cls,
        formula: str,
        inputs: Sequence[Union[str, Mapping[str, Any]]],
        parameters: Mapping[str, Union[float, Mapping[str, Any]]],
        name: str = "formula",
        presets: Optional[Mapping[str, Mapping[str, Any]]] = None,
        description: Optional[str] = None,
    ) -> "Law":
        """A law written as a formula, exactly as a law file would write it.

        Parameters
        ----------
        formula : str
            The law's value over inputs and parameters, in the expression language of
            ``derive`` (``E + A / N**alpha + B / D**beta``; ``**`` is ``^``).
        inputs : list of str or dict
            The input columns: names, or objects with ``name``, ``meaning``, ``positive``.
        parameters : dict
            Parameter name to an object with ``value``, ``lower``, ``upper``, ``transform``
            (``"identity"`` or ``"log"``), ``grid`` and ``meaning``; a plain number is taken as
            ``{"value": number}``.
        name : str, optional
            The law's name in results (default ``"formula"``).
        presets : dict, optional
            Preset name to ``{"values": {...}, "source": "..."}``.
        description : str, optional
            One line saying what the law is.

        Returns
        -------
        Law

        Raises
        ------
        UsageError
            The spec is refused; the message names the field, as for a law file.

        Examples
        --------
        >>> law = slfit.Law.from_formula(
        ...     "E + A / N**alpha", inputs=["N"],
        ...     parameters={"E": {"value": 1.7, "lower": 0},
        ...                 "A": {"value": 400, "lower": 0, "transform": "log"},
        ...                 "alpha": {"value": 0.3, "lower": 0, "upper": 2}})
        """
        spec: Dict[str, Any] = {"name": name}
        if description is not None:
            spec["description"] = description
        spec["inputs"] = list(inputs)
        spec["formula"] = formula
        spec["parameters"] = {
            k: (dict(v) if isinstance(v, Mapping) else {"value": v}) for k, v in parameters.items()
        }
        if presets is not None:
            spec["presets"] = {k: dict(v) for k, v in presets.items()}
        text = json.dumps(spec, allow_nan=False)
        return cls(_slfit.law_from_json(text, f"Law.from_formula({name!r})"))

    @property
    def name(self) -> str:
        """The law's name."""
        return self._handle.name

    @property
    def info(self) -> Dict[str, Any]:
        """The law as ``slfit laws --law NAME --json`` prints it (inputs, parameters, ...)."""
        if self._info is None:
            self._info = json.loads(self._handle.json())
        return self._info

    def summary(self) -> str:
        """The law as ``slfit laws --law NAME`` prints it."""
        return self._handle.report()

    def __repr__(self) -> str:
        return f"slfit.Law({self.name!r})"


def law(name: str) -> Law:
    """A law by name, or from its file for a path (containing ``/`` or ending in ``.json``).

    Parameters
    ----------
    name : str
        A name from :func:`slfit.laws` (``"chinchilla"``) or a law file's path.

    Returns
    -------
    Law

    Raises
    ------
    UsageError
        No such law (the message suggests the closest name).
    """
    return Law(_slfit.resolve_law(os.fspath(name)))


def laws() -> List[Dict[str, Any]]:
    """Every law slfit knows, as ``slfit laws --json`` lists them.

    Returns
    -------
    list of dict
        One dict per law: name, inputs, parameters, presets, analyses, ...
    """
    doc = json.loads(_slfit.laws_json())
    return doc["laws"] if isinstance(doc, dict) and "laws" in doc else doc


def as_law(value: Union[str, "os.PathLike[str]", Law]) -> Law:
    """A :class:`Law` from a Law, a name or a law file's path."""
    if isinstance(value, Law):
        return value
    if isinstance(value, (str, os.PathLike)):
        return law(os.fspath(value))
    raise TypeError(f"law: expected a name, a path or a slfit.Law, got {type(value).__name__}")
