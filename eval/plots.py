"""Report figures drawn with matplotlib (Agg backend), returned as base64 PNG data URIs for one-file HTML."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


def _png(fig) -> str:
    """A figure as a data URI (the figure is closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def scores_with_ci(
    names: Sequence[str],
    scores: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    metric: str,
    clusters: Sequence[int] | None = None,
) -> str:
    """Horizontal dot plot: each system's score with its 95 % bootstrap interval, best on top, coloured by cluster."""
    order = list(range(len(names)))
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(names) + 1.1))
    for row, s in enumerate(order):
        color = PALETTE[(clusters[s] - 1) % len(PALETTE)] if clusters else PALETTE[0]
        ax.plot([lows[s], highs[s]], [row, row], color=color, linewidth=2.5, solid_capstyle="round")
        ax.plot(scores[s], row, "o", color=color, markersize=7, markeredgecolor="white")
    ax.set_yticks(range(len(order)), [names[s] for s in order])
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric} (dot: score; bar: bootstrap 95 % interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if clusters:
        for c in sorted(set(clusters)):
            ax.plot([], [], "o", color=PALETTE[(c - 1) % len(PALETTE)], label=f"cluster {c}")
        ax.legend(loc="best", fontsize=8, frameon=False)
    return _png(fig)


def segment_distributions(names: Sequence[str], per_system: Sequence[Sequence[float]], metric: str) -> str:
    """Box plots of segment-level scores per system (mean marked)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(names) + 1.1))
    data = [np.asarray(v, dtype=float) for v in per_system]
    ax.boxplot(
        data,
        vert=False,
        showmeans=True,
        showfliers=False,
        widths=0.6,
        meanprops={
            "marker": "D",
            "markerfacecolor": "#d62728",
            "markeredgecolor": "#d62728",
            "markersize": 4,
        },
    )
    ax.set_yticks(range(1, len(names) + 1), list(names))
    ax.invert_yaxis()
    ax.set_xlabel(f"segment-level {metric} (box: quartiles; whiskers: 1.5 IQR; ◆ mean)")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def length_buckets(
    labels: Sequence[str], counts: Sequence[int], table: dict[str, Sequence[float]], metric: str, basis: str
) -> str:
    """One line per system: corpus score of the segments in each source-length bucket."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    x = np.arange(len(labels))
    for i, (name, vals) in enumerate(table.items()):
        ax.plot(x, vals, "o-", color=PALETTE[i % len(PALETTE)], label=name, linewidth=1.5, markersize=4)
    ax.set_xticks(x, [f"{lab}\n({n} seg.)" for lab, n in zip(labels, counts)])
    ax.set_xlabel(f"{basis} length in words")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    return _png(fig)


def pvalue_matrix(
    names: Sequence[str], matrix: Sequence[Sequence[float | None]], metric: str, alpha: float
) -> str:
    """Heat map of pairwise p-values (dark = significant at alpha)."""
    k = len(names)
    data = np.array([[np.nan if p is None else p for p in row] for row in matrix], dtype=float)
    fig, ax = plt.subplots(figsize=(0.55 * k + 2.8, 0.5 * k + 1.6))
    im = ax.imshow(data, cmap="Blues_r", vmin=0, vmax=max(0.2, alpha * 2))
    for a in range(k):
        for b in range(k):
            if not np.isnan(data[a, b]):
                p = data[a, b]
                ax.text(
                    b,
                    a,
                    f"{p:.3f}".lstrip("0") + ("*" if p < alpha else ""),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if p < alpha else "black",
                )
    ax.set_xticks(range(k), names, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(k), names, fontsize=7)
    ax.set_title(f"pairwise p-values, {metric} (* p < {alpha})", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.04)
    return _png(fig)
