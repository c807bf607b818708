"""Metrics: reduce each point's per-iteration results to numbers.

The default metric is the mean with a confidence interval (level
``confidence``, 0.95 unless the sweep says otherwise) of every numeric result
column, per node: columns ``<node>.<key>``, ``<node>.<key>_ci_low`` and
``<node>.<key>_ci_high``. A column whose values are all 0 or 1 (a success
flag) is a proportion and gets the Wilson score interval, which stays inside
[0, 1]; any other column gets the Student t interval.

A sweep file can list its own metrics instead::

    metrics:
      - name: fidelity          # mean (with CI) of Bob's "success" column
        node: Bob
        column: success
      - name: pairs             # another reduction: sum, min, max, std or count
        column: delivered
        reduce: sum
      - name: qber              # any function of the point's rows
        function: programs:qber

A function gets the point's rows (a DataFrame: one row per iteration and
node) and returns a number or a dict of numbers (``name.key`` columns).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .spec import ERROR, RESERVED_COLUMNS, Metric, load_function


def _normal_quantile(p: float) -> float:
    """Inverse of the standard normal CDF (Acklam's rational approximation, |err| < 1.2e-9)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
         1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
         6.680131188771972e01, -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
         -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
         3.754408661907416e00)
    if not 0 < p < 1:
        raise ValueError(f"p must be in (0, 1), got {p}")
    low = 0.02425
    if p < low:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    if p > 1 - low:
        return -_normal_quantile(1 - p)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (
        ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


def t_quantile(p: float, dof: float) -> float:
    """Quantile ``p`` of Student's t with ``dof`` degrees of freedom.

    Exact for 1 and 2 degrees of freedom, a Cornish-Fisher expansion around
    the normal quantile otherwise (relative error about 1e-3 at 3 degrees of
    freedom, below 1e-4 from 5 on).
    """
    if dof <= 0:
        return math.nan
    if dof == 1:
        return math.tan(math.pi * (p - 0.5))
    if dof == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = _normal_quantile(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / dof + g2 / dof**2 + g3 / dof**3 + g4 / dof**4


def is_binary(values: Any) -> bool:
    """Whether every value (NaNs ignored) is 0 or 1, i.e. the mean is a proportion."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return arr.size > 0 and bool(np.all((arr == 0) | (arr == 1)))


def wilson_ci(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval ``(low, high)`` of a proportion: ``successes`` out of ``n``.

    Unlike the normal or t interval around ``successes / n`` it never leaves
    [0, 1] and does not shrink to a point when every trial succeeds (or fails).
    """
    if n <= 0:
        return math.nan, math.nan
    z = _normal_quantile(0.5 + confidence / 2)
    p = successes / n
    scale = 1 + z * z / n
    center = (p + z * z / (2 * n)) / scale
    half = z / scale * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # at p = 0 (p = 1) the lower (upper) bound is exactly 0 (1); rounding would miss it
    low = 0.0 if successes == 0 else center - half
    high = 1.0 if successes == n else center + half
    return low, high


def mean_ci(values: Any, confidence: float = 0.95) -> tuple[float, float, float]:
    """``(mean, ci_low, ci_high)`` of ``values`` (NaNs ignored).

    Values that are all 0 or 1 get the Wilson score interval of the
    proportion (:func:`wilson_ci`); others the Student t interval, where one
    value gives a zero-width interval. No values give NaNs.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = arr.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(arr.mean())
    if is_binary(arr):
        low, high = wilson_ci(int(arr.sum()), n, confidence)
        return mean, low, high
    if n == 1:
        return mean, mean, mean
    sem = float(arr.std(ddof=1)) / math.sqrt(n)
    half = t_quantile(0.5 + confidence / 2, n - 1) * sem
    return mean, mean - half, mean + half


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)


def result_columns(df: pd.DataFrame, params: Sequence[str]) -> list[str]:
    """The result columns of a tidy table (not point/seed/iteration/node/error/parameters)."""
    skip = set(RESERVED_COLUMNS) | set(params)
    return [c for c in df.columns if c not in skip]


def _reduce(series: pd.Series, how: str, confidence: float, name: str) -> dict[str, float]:
    values = pd.to_numeric(series, errors="coerce").astype(float)
    if how == "mean":
        mean, low, high = mean_ci(values.to_numpy(), confidence)
        return {name: mean, f"{name}_ci_low": low, f"{name}_ci_high": high}
    clean = values.dropna()
    if how == "count":
        return {name: float(clean.size)}
    if clean.empty:
        return {name: math.nan}
    value = {"sum": clean.sum, "min": clean.min, "max": clean.max,
             "std": lambda: clean.std(ddof=1)}[how]()
    return {name: float(value)}


def _function_values(func: Callable[[pd.DataFrame], Any], rows: pd.DataFrame,
                     name: str) -> dict[str, Any]:
    value = func(rows)
    if isinstance(value, Mapping):
        return {f"{name}.{k}": v for k, v in value.items()}
    return {name: value}


def summarize(
    df: pd.DataFrame,
    params: Sequence[str],
    metrics: Sequence[Metric] = (),
    *,
    confidence: float = 0.95,
    base_dir: str | Path | None = None,
) -> pd.DataFrame:
    """One row per point: ``point``, ``seed``, the parameters, the metrics and ``error``.

    Without ``metrics``, every numeric result column gets its mean and
    confidence interval per node. A metric function that raises leaves NaN
    and its error in the row's ``error``.
    """
    params = list(params)
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    functions = {m.name: load_function(m.function, base) for m in metrics if m.function}
    results = result_columns(df, params)
    rows = []
    for point, rows_df in df.groupby("point", sort=True):
        first = rows_df.iloc[0]
        row: dict[str, Any] = {"point": int(point), "seed": int(first["seed"])}
        row.update({p: first[p] for p in params})
        errors = rows_df[ERROR].dropna()
        error = str(errors.iloc[0]) if len(errors) else None
        ok = rows_df[rows_df[ERROR].isna()]
        if metrics:
            for m in metrics:
                if m.function is not None:
                    try:
                        row.update(_function_values(functions[m.name], ok, m.name))
                    except Exception as exc:
                        row[m.name] = math.nan
                        error = error or f"metric {m.name}: {type(exc).__name__}: {exc}"
                    continue
                sel = ok if m.node is None else ok[ok["node"] == m.node]
                if m.column in sel.columns:
                    series = sel[m.column].dropna()
                else:
                    series = pd.Series(dtype=float)
                row.update(_reduce(series, m.reduce, confidence, m.name))
        else:
            for node, node_rows in ok.groupby("node", sort=False):
                for col in results:
                    series = node_rows[col].dropna()
                    if series.empty or not _numeric(series):
                        continue
                    row.update(_reduce(series, "mean", confidence, f"{node}.{col}"))
        row[ERROR] = error
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=["point", "seed", *params, ERROR])
    cols = [c for c in out.columns if c != ERROR] + [ERROR]
    return out[cols]
