"""Plot a metric against one or two parameters, with confidence bands (matplotlib).

Needs the ``plot`` extra (``pip install netqsim[plot]``)::

    from netqsim.experiments import plot_metric
    ax = plot_metric(result.summary(), "fidelity", x="link_fidelity", hue="T2")

``summary`` is a table with one row per point (:meth:`SweepResult.summary`);
a metric ``m`` with columns ``m_ci_low`` / ``m_ci_high`` gets a shaded band.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib: pip install 'netqsim[plot]'"
        ) from None
    return plt


def plot_metric(
    summary: pd.DataFrame,
    metric: str,
    x: str,
    hue: str | None = None,
    *,
    ax: Any = None,
    logx: bool | None = None,
    label: str | None = None,
    band_alpha: float = 0.2,
    marker: str = "o",
) -> Any:
    """Plot ``metric`` against parameter ``x``; one line per value of ``hue``.

    ``logx=None`` picks a log x axis when ``x`` spans two decades or more
    of positive values. Returns the matplotlib ``Axes``.
    """
    for column in (metric, x, *([hue] if hue else [])):
        if column not in summary.columns:
            raise KeyError(f"no column {column!r} in the summary (columns: "
                           f"{', '.join(map(str, summary.columns))})")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    low, high = f"{metric}_ci_low", f"{metric}_ci_high"
    has_band = low in summary.columns and high in summary.columns
    groups = [(None, summary)] if hue is None else list(summary.groupby(hue, sort=True))
    for key, rows in groups:
        rows = rows.sort_values(x)
        if hue is None:
            text = label or metric
        else:
            text = f"{hue} = {key:.3g}" if isinstance(key, float) else f"{hue} = {key}"
        (line,) = ax.plot(rows[x], rows[metric], marker=marker, label=text)
        if has_band:
            ax.fill_between(rows[x].to_numpy(dtype=float), rows[low].to_numpy(dtype=float),
                            rows[high].to_numpy(dtype=float), color=line.get_color(),
                            alpha=band_alpha, linewidth=0)
    values = pd.to_numeric(summary[x], errors="coerce").dropna()
    if logx is None:
        logx = bool(len(values)) and values.min() > 0 and values.max() / values.min() >= 100
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(metric)
    if hue is not None or label is not None:
        ax.legend()
    ax.grid(True, alpha=0.3)
    return ax
