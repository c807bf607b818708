"""Confidence intervals, the progress bar and the plotting helper."""

from __future__ import annotations

import io
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from netqsim.experiments import mean_ci, plot_metric, summarize
from netqsim.experiments.metrics import t_quantile, wilson_ci
from netqsim.experiments.progress import Progress, format_duration

matplotlib.use("Agg")


@pytest.mark.parametrize(("dof", "expected"), [
    (1, 12.7062), (2, 4.3027), (3, 3.1824), (5, 2.5706), (10, 2.2281), (30, 2.0423),
    (1000, 1.9623),
])
def test_t_quantile(dof, expected):
    assert t_quantile(0.975, dof) == pytest.approx(expected, rel=2e-3)


def test_mean_ci_of_a_non_binary_column_is_the_t_interval():
    values = [0.2, 1.5, 1.0, 0.0, 1.0, 3.0, 1.0, 0.5]
    mean, low, high = mean_ci(values)
    sem = np.std(values, ddof=1) / math.sqrt(8)
    assert mean == pytest.approx(1.025)
    assert high - mean == pytest.approx(t_quantile(0.975, 7) * sem)
    assert mean - low == pytest.approx(high - mean)
    assert mean_ci([3.0]) == (3.0, 3.0, 3.0)
    assert all(math.isnan(v) for v in mean_ci([]))
    assert mean_ci([1.0, float("nan"), 3.0])[0] == 2.0
    narrow = mean_ci(values, confidence=0.5)
    assert narrow[1] > low and narrow[2] < high


def test_mean_ci_of_a_binary_column_is_the_wilson_interval():
    values = [0, 1, 1, 0, 1, 1, 1, 0]
    assert mean_ci(values) == (0.625, *wilson_ci(5, 8))
    assert mean_ci([True, False, float("nan")]) == (0.5, *wilson_ci(1, 2))
    narrow = mean_ci(values, confidence=0.5)
    assert mean_ci(values)[1] < narrow[1] < 0.625 < narrow[2] < mean_ci(values)[2]


def test_summarize_default_metrics_skip_non_numbers():
    df = pd.DataFrame({
        "point": [0, 0, 0, 0, 1], "seed": [7, 7, 7, 7, 8], "x": [1.0, 1.0, 1.0, 1.0, 2.0],
        "iteration": [0, 0, 1, 1, None], "node": ["A", "B", "A", "B", None],
        "m": [0, 1, 1, 1, None], "basis": ["Z", "X", "Z", "Z", None],
        "point_error": [None, None, None, None, "RuntimeError: boom"],
    })
    summary = summarize(df, ["x"])
    assert list(summary.columns) == ["point", "seed", "x", "A.m", "A.m_ci_low", "A.m_ci_high",
                                     "B.m", "B.m_ci_low", "B.m_ci_high", "point_error"]
    assert summary.loc[0, "A.m"] == 0.5 and summary.loc[0, "B.m"] == 1.0
    assert math.isnan(summary.loc[1, "A.m"]) and summary.loc[1, "point_error"] == (
        "RuntimeError: boom")


def test_progress_is_quiet_off_a_terminal():
    stream = io.StringIO()
    with Progress(3, stream=stream) as bar:
        bar.update()
    assert stream.getvalue() == ""


def test_progress_draws_with_eta():
    stream = io.StringIO()
    with Progress(4, stream=stream, enabled=True, min_interval=0, already=2) as bar:
        bar.update()
        bar.update(failed=1)
        assert "2/4 points  50%" in bar.line() and "ETA" in bar.line()
        assert "(1 failed)" in bar.line() and "(2 done before)" in bar.line()
    text = stream.getvalue()
    assert text.startswith("\r[") and text.endswith("\n")
    assert format_duration(3725) == "1:02:05" and format_duration(65) == "1:05"
    assert format_duration(float("nan")) == "?"


def test_plot_metric_with_bands():
    summary = pd.DataFrame({
        "F": [0.8, 0.9, 1.0] * 2, "T2": [1e5] * 3 + [1e6] * 3,
        "fid": [0.7, 0.8, 0.9, 0.75, 0.85, 0.95],
        "fid_ci_low": [0.65, 0.75, 0.85, 0.7, 0.8, 0.9],
        "fid_ci_high": [0.75, 0.85, 0.95, 0.8, 0.9, 1.0],
    })
    ax = plot_metric(summary, "fid", x="F", hue="T2")
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # a band per line
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["T2 = 1e+05", "T2 = 1e+06"]
    ax = plot_metric(summary, "fid", x="T2")
    assert ax.get_xscale() == "linear"  # one decade only
    with pytest.raises(KeyError, match="no column 'nope'"):
        plot_metric(summary, "nope", x="F")
    import matplotlib.pyplot as plt

    plt.close("all")
