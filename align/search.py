"""Coarse-to-fine banded search with the score model re-fitted on the document at each level."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from align.band import Band
from align.beads import BEAD_TYPES
from align.dp import NEG, best_path
from align.model import ScoreModel
from align.scoring import LengthModel, Level, PairDots, band_features, bead_features, member_penalty


@dataclass
class SearchOptions:
    """Knobs of the search (defaults fit any document size)."""

    full_cells: int = 500_000  # below this many grid cells, the coarsest level searches every cell
    width: int = 8  # band half-width around the path projected from the coarser level
    refine_width: int = 6  # band half-width of the final re-alignment with the re-fitted model
    #: Re-estimate what the fit_* options name on the document's own path, then search once more.
    self_train: bool = True
    #: Raise the prior of bead shapes the document uses often (a document whose source segments are long has
    #: many 1-3 and 1-4 beads); a prior never drops below Gale & Church's.
    fit_types: bool = True
    fit_length: bool = False  # re-estimate the length ratio/variance (measured on dev: it does not help)
    fit_weights: bool = False  # re-fit feature weights, shrunk towards the dev prior (dev: it does not help)


def score_cells(level: Level, band: Band, model: ScoreModel, length: LengthModel) -> dict:
    """Bead scores of every band cell, per bead shape."""
    dots = [PairDots(ch, band) for ch in level.channels]
    feats, rows = band_features(level, band, length, dots)
    cols = band.cells()[1] if level.members is not None else None
    out = {}
    for (a, b), (x, ok) in feats.items():
        if a == 0 or b == 0:
            out[(a, b)] = np.where(ok, model.null_score, NEG)
        else:
            score = model.logit(x) + model.type_logprior[(a, b)]
            if level.members is not None:
                score += member_penalty(level, dots, rows, cols, ok, a, b)
            out[(a, b)] = np.where(ok, score, NEG)
    return out


def run_dp(level: Level, band: Band, model: ScoreModel, length: LengthModel) -> tuple[np.ndarray, dict]:
    """Path nodes of the best alignment inside the band, and the bead scores it was found with."""
    scores = score_cells(level, band, model, length)
    return best_path(band, scores, model.null_score), scores


def path_beads(nodes: np.ndarray) -> np.ndarray:
    """Beads of a path as rows (i0, j0, a, b)."""
    d = np.diff(nodes, axis=0)
    return np.hstack([nodes[:-1], d])


def training_beads(level: Level, beads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Beads of the path with both sides (positives) and the same beads shifted on the target (negatives)."""
    pos = beads[(beads[:, 2] > 0) & (beads[:, 3] > 0)]
    return pos, near_misses(pos, level.n, level.m)


#: Ways a bead (i, j, a, b) can be nearly right: shifted, one sentence too many, one too few.
NEAR_MISSES = np.array(
    [
        (0, -1, 0, 0), (0, 1, 0, 0), (0, -2, 0, 0), (0, 2, 0, 0),
        (0, 0, 1, 0), (0, 0, 0, 1), (-1, 0, 1, 0), (0, -1, 0, 1),
        (0, 0, -1, 0), (0, 0, 0, -1), (1, 0, -1, 0), (0, 1, 0, -1),
    ]
)  # fmt: skip


def near_misses(pos: np.ndarray, n: int, m: int) -> np.ndarray:
    """Distinct valid beads one step away from the given ones (and not among them)."""
    if not len(pos):
        return np.zeros((0, 4), np.int64)
    cand = (pos[:, None, :] + NEAR_MISSES[None, :, :]).reshape(-1, 4)
    shapes = np.array([[a, b] for a, b in BEAD_TYPES if a and b])
    ok = (
        (cand[:, 0] >= 0)
        & (cand[:, 1] >= 0)
        & (cand[:, 0] + cand[:, 2] <= n)
        & (cand[:, 1] + cand[:, 3] <= m)
    )
    ok &= ((cand[:, None, 2:] == shapes[None]).all(axis=2)).any(axis=1)
    cand = np.unique(cand[ok], axis=0)
    known = {tuple(r) for r in pos.tolist()}
    return cand[[tuple(r) not in known for r in cand.tolist()]] if len(cand) else cand


def refit(
    level: Level,
    nodes: np.ndarray,
    model: ScoreModel,
    length: LengthModel,
    options: SearchOptions,
):
    """Length model, bead-shape priors and feature weights re-estimated from a path (as `options` say)."""
    beads = path_beads(nodes)
    if options.fit_length or options.fit_weights:  # near misses cost ~1.5 s at 45k beads: only when used
        pos, neg = training_beads(level, beads)
    else:
        pos = neg = np.zeros((0, 4), np.int64)
    if options.fit_length and len(pos) >= 5:
        src_cum = np.concatenate([[0], np.cumsum(level.src_len)])
        tgt_cum = np.concatenate([[0], np.cumsum(level.tgt_len)])
        ls = src_cum[pos[:, 0] + pos[:, 2]] - src_cum[pos[:, 0]]
        lt = tgt_cum[pos[:, 1] + pos[:, 3]] - tgt_cum[pos[:, 1]]
        length = LengthModel.fit(ls, lt)
    if options.fit_types:
        shapes, n = np.unique(beads[:, 2:], axis=0, return_counts=True)
        model = model.with_type_counts({(int(a), int(b)): int(k) for (a, b), k in zip(shapes, n)})
    if options.fit_weights and len(pos) >= 3 and len(neg) >= 3:
        model = model.refit(bead_features(level, pos, length), bead_features(level, neg, length))
    return model, length


def coarsen(level: Level) -> Level:
    """The level with pairs of consecutive units merged on both sides."""
    gs, gt = np.arange(level.n) // 2, np.arange(level.m) // 2
    return Level(
        [ch.coarsen(gs, gt) for ch in level.channels],
        np.bincount(gs, weights=level.src_len) if level.n else level.src_len,
        np.bincount(gt, weights=level.tgt_len) if level.m else level.tgt_len,
    )


def edge_rows(band: Band, nodes: np.ndarray) -> np.ndarray:
    """Rows where the path runs along the band's edge (there the band may have cut off the best path)."""
    i, j = nodes[1:-1, 0], nodes[1:-1, 1]
    lo, hi = band.lo[i], band.hi[i]
    return np.unique(i[((j <= lo) & (lo > 0)) | ((j >= hi) & (hi < band.m))])


def banded_dp(
    level: Level, coarse_nodes: np.ndarray, model: ScoreModel, length: LengthModel, width: int
) -> tuple[np.ndarray, Band, dict]:
    """DP in the band around a coarser path; while the path hugs the band's edge somewhere, the band is
    re-centred on the new path, doubled in width, and the DP runs again (at most 3 more times). Returns the
    path, the band and the bead scores of the last run."""
    nodes, scale = coarse_nodes, 2.0
    for _ in range(4):
        band = Band.around_path(level.n, level.m, nodes, scale, scale, width)
        scores: dict = {}  # the last try's scores are freed before the next ones exist
        nodes, scores = run_dp(level, band, model, length)
        if not len(edge_rows(band, nodes)):
            break
        scale, width = 1.0, width * 2
    return nodes, band, scores


def search(level: Level, model: ScoreModel, length: LengthModel, options: SearchOptions):
    """Best path at full resolution, the fitted model and length model."""
    levels = [level]
    while (levels[-1].n + 1) * (levels[-1].m + 1) > options.full_cells and max(
        levels[-1].n, levels[-1].m
    ) > 8:
        levels.append(coarsen(levels[-1]))
    top = levels[-1]
    # blocks are arbitrary cuts: at coarse levels no bead shape is a priori less likely than 1-1
    coarse = replace(model, type_logprior={t: 0.0 for t in model.type_logprior})
    band = Band.full(top.n, top.m)
    nodes, scores = run_dp(top, band, model if len(levels) == 1 else coarse, length)
    for finer in reversed(levels[:-1]):
        scores = {}  # a coarser level's scores are not needed again: free them before the finer ones exist
        nodes, band, scores = banded_dp(
            finer, nodes, model if finer is level else coarse, length, options.width
        )
    if options.self_train:
        fitted, length = refit(level, nodes, model, length, options)
        if options.fit_length or options.fit_weights:
            band = Band.around_path(level.n, level.m, nodes, 1.0, 1.0, options.refine_width)
            scores = {}
            scores = score_cells(level, band, fitted, length)
        else:  # only the shape priors moved: shift each shape's scores in the same band
            for shape, table in scores.items():
                if shape[0] and shape[1]:
                    shift = fitted.type_logprior[shape] - model.type_logprior[shape]
                    np.add(table, shift, out=table, where=table > NEG / 2)
        model = fitted
        nodes = best_path(band, scores, model.null_score)
    return nodes, model, length
