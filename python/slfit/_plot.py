"""Drawing the library's figures with matplotlib: the panels `slfit fit --plot` draws."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from . import _slfit

# gnuplot's point types as matplotlib markers and whether they are filled.
_MARKERS = {1: ("+", True), 2: ("x", True), 3: ("*", True), 4: ("s", False), 5: ("s", True),
            6: ("o", False), 7: ("o", True), 8: ("^", False), 9: ("^", True), 10: ("v", False),
            11: ("v", True), 12: ("D", False), 13: ("D", True)}
_DASHES = {1: "-", 2: "--", 3: ":", 4: "-.", 5: (0, (5, 2, 1, 2, 1, 2))}
_LOCATIONS = {"top right": "upper right", "top left": "upper left",
              "bottom right": "lower right", "bottom left": "lower left"}


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - matplotlib is optional
        raise ImportError("plot() needs matplotlib (Debian: python3-matplotlib)") from e
    return plt


def _colour(series: Dict[str, Any], palette: Sequence[str], scale: Any) -> Any:
    if series["color"] == -1:
        return "black"
    if series["color"] == -2 and scale is not None:
        return scale.to_rgba(series["cb"])
    return palette[series["color"] % len(palette)]


def _colour_scale(panel: Dict[str, Any]) -> Any:
    """The palette of a panel whose series are coloured by value (colour -2), or None."""
    values = [s["cb"] for s in panel["series"] if s["color"] == -2]
    if not values:
        return None
    import matplotlib

    lo, hi = min(values), max(values)
    if panel["logcb"] and lo > 0:
        norm: Any = matplotlib.colors.LogNorm(lo, hi if hi > lo else lo * 10)
    else:
        norm = matplotlib.colors.Normalize(lo, hi if hi > lo else lo + 1)
    return matplotlib.cm.ScalarMappable(norm=norm, cmap="viridis")


def _draw_series(ax: Any, s: Dict[str, Any], colour: Any) -> None:
    label = s["title"] or None
    marker, filled = _MARKERS.get(s["point"], ("o", True))
    face = colour if filled else "none"
    x, y = (np.empty(0), np.empty(0)) if s["key_only"] else (s["x"], s["y"])
    if s["style"] == "points":
        ax.plot(x, y, linestyle="none", marker=marker, markerfacecolor=face,
                markeredgecolor=colour, color=colour, markersize=5, label=label)
    else:
        marker = marker if s["style"] == "linespoints" else None
        ax.plot(x, y, linestyle=_DASHES.get(s["dash"], "-"), marker=marker,
                markerfacecolor=face, color=colour, linewidth=1.5, markersize=5, label=label)


def _draw_panel(ax: Any, panel: Dict[str, Any], palette: Sequence[str]) -> None:
    scale = _colour_scale(panel)
    for s in panel["series"]:
        _draw_series(ax, s, _colour(s, palette, scale))
    if panel["logx"]:
        ax.set_xscale("log")
    if panel["logy"]:
        ax.set_yscale("log")
    if panel["identity"]:
        lo = min(min(ax.get_xlim()), min(ax.get_ylim()))
        hi = max(max(ax.get_xlim()), max(ax.get_ylim()))
        ax.plot([lo, hi], [lo, hi], color="grey", linewidth=1, linestyle="--")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
    ax.set_title(panel["title"])
    ax.set_xlabel(panel["xlabel"])
    ax.set_ylabel(panel["ylabel"])
    ax.grid(True, color="#e0e0e0")
    if any(s["title"] for s in panel["series"]):
        entries = sum(1 for s in panel["series"] if s["title"])
        if entries > 7:  # a long legend goes beside the panel, where it hides no data
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
        else:
            ax.legend(fontsize="small", loc=_LOCATIONS.get(panel["key"], "best"))
    if scale is not None:
        ax.figure.colorbar(scale, ax=ax, label=panel["cblabel"])


def draw(figure: Dict[str, Any], axes: Optional[Sequence[Any]] = None) -> Any:
    """Draws a figure dict (the module's ``figure()``) and returns the matplotlib Figure."""
    plt = _pyplot()
    panels: List[Dict[str, Any]] = figure["panels"]
    if axes is None:
        fig, created = plt.subplots(1, len(panels), figsize=(6.4 * len(panels), 4.8),
                                    squeeze=False)
        axes = list(created[0])
    else:
        axes = list(np.atleast_1d(axes))
        if len(axes) != len(panels):
            raise ValueError(f"axes: the figure has {len(panels)} panels, got {len(axes)} axes")
        fig = axes[0].figure
    palette = _slfit.palette()
    for ax, panel in zip(axes, panels):
        _draw_panel(ax, panel, palette)
    if figure["title"]:
        fig.suptitle(figure["title"])
    fig.tight_layout()
    return fig
