"""The Python entry point: align(src_sentences, tgt_sentences, ...) -> list[Bead]."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from align.band import Band
from align.beads import Bead
from align.lexicon import LexiconOptions, doc_words, learn, lexicon_channel
from align.model import CALIBRATION, NULL_CONFIDENCE, PRIOR_BIAS, ScoreModel, script_null
from align.posterior import POSTERIORS, bead_posteriors
from align.scoring import LengthModel, Level, MemberPenalty, bead_features, pair_cosines
from align.search import SearchOptions, path_beads, score_cells, search
from align.signals import Evidence, Signals, build_channels, empty_channel, lengths
from align.text import prior_ratio, script_of
from toolkit.errors import BitextError


@dataclass
class AlignOptions:
    """Everything that changes how a pair is aligned."""

    signals: Signals = field(default_factory=Signals)
    search: SearchOptions = field(default_factory=SearchOptions)
    null_score: float = -3.0
    max_sentence_chars: int = 5000  # longer sentences are scored on their first this-many characters
    confidence_temperature: float = 0.7  # posterior sharpness, chosen on dev (Text+Berg, FLORES) by log-loss
    #: Learn word associations (IBM Model 1) from the confident 1-1 beads of a first pass and realign with them
    #: as a channel (hunalign's bootstrapping). None: only when no MT is given, the character channel is on
    #: and no side is CJK. Off by default: it lifts Text+Berg de-fr without MT (dev 0.790 -> 0.840, test
    #: 0.819 -> 0.841) but lowers ParIce en-is (0.857 -> 0.852) and NTREX ar-en (0.956 -> 0.937 with the
    #: dictionary); with MT it lowers F1 on dev. It costs a second pass.
    lexicon: bool | None = False
    lexicon_min_posterior: float = 0.9  # training beads: 1-1 beads of the first path at least this probable
    lexicon_weight: float = 12.0  # weight of the learned-lexicon channel's cosine
    lexicon_options: LexiconOptions = field(default_factory=LexiconOptions)
    lexicon_confidence_temperature: float = 1.0  # posteriors with a learned lexicon are sharper (dev AUC)
    #: In a bead of 3+ sentences, a member sentence that shares no more with the bead's other side than
    #: unrelated sentence pairs do (on every channel named here) costs `member_cost`, so that lines with no
    #: counterpart (captions, OCR junk) are left out instead of absorbed into 1-4 beads.
    member_penalty: bool = True
    member_channels: tuple[str, ...] = ("mt", "mt_rev", "lex", "chars")
    member_needs: tuple[str, ...] = ("mt", "mt_rev", "lex")  # only with one of these (strong) channels
    member_quantile: float = 0.4  # per channel: this quantile of cosines of pairs 3-5 off the diagonal
    member_cost: float = -1.5


def align(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    *,
    evidence: Evidence | None = None,
    src_mt: Sequence[str] | None = None,
    tgt_mt: Sequence[str] | None = None,
    options: AlignOptions | None = None,
) -> list[Bead]:
    """Align two sentence lists monotonically; every bead carries a confidence in [0, 1].

    Either side may be empty (everything becomes 1-0 or 0-1). `src_mt` / `tgt_mt` are line-parallel
    translations of a side into the other side's language; `evidence` carries the other signals.
    """
    options = options or AlignOptions()
    ev = evidence or Evidence()
    if src_mt is not None:
        ev.src_mt = src_mt
    if tgt_mt is not None:
        ev.tgt_mt = tgt_mt
    src, tgt = list(src_sentences), list(tgt_sentences)
    _check_parallel("--src-mt", ev.src_mt, src)
    _check_parallel("--tgt-mt", ev.tgt_mt, tgt)
    if not src or not tgt:
        return [Bead([], [j], 1.0) for j in range(len(tgt))] + [Bead([i], [], 1.0) for i in range(len(src))]
    cap = options.max_sentence_chars
    src_c, tgt_c = [s[:cap] for s in src], [t[:cap] for t in tgt]
    if ev.src_mt is not None:
        ev.src_mt = [s[:cap] for s in ev.src_mt]
    if ev.tgt_mt is not None:
        ev.tgt_mt = [t[:cap] for t in ev.tgt_mt]
    channels = build_channels(src_c, tgt_c, ev, options.signals) or [empty_channel(len(src), len(tgt))]
    null_score = options.null_score + script_null(script_of(src), script_of(tgt), min(len(src), len(tgt)))
    level, nodes, model, length = _search_pass(channels, src, tgt, null_score, options)
    use_lexicon = options.lexicon
    if use_lexicon is None:
        use_lexicon = (
            options.signals.chars
            and ev.src_mt is None
            and ev.tgt_mt is None
            and "cjk" not in (script_of(src), script_of(tgt))
        )
    extra = _lexicon_channel(src_c, tgt_c, level, nodes, model, length, options) if use_lexicon else None
    if extra is not None:
        weights = {extra.name: options.lexicon_weight}
        level, nodes, model, length = _search_pass(channels + [extra], src, tgt, null_score, options, weights)
    return _beads(level, nodes, model, length, options)


def _search_pass(
    channels: list,
    src: list[str],
    tgt: list[str],
    null_score: float,
    options: AlignOptions,
    weights: dict[str, float] | None = None,
) -> tuple[Level, np.ndarray, ScoreModel, LengthModel]:
    """One alignment pass over these channels: the member test, the length model, the prior score model (with
    `weights` overriding channel weights) and the banded search; the length model comes back as scored."""
    level = Level(channels, lengths(src), lengths(tgt))
    if options.member_penalty:
        level.members = _member_penalty(level, channels, options)
    length = LengthModel.for_documents(level.src_len.sum(), level.tgt_len.sum(), prior_ratio(src, tgt))
    if not options.signals.length:
        length = LengthModel(length.ratio, 1e9)
    model = ScoreModel.prior([ch.name for ch in channels], null_score)
    for name, weight in (weights or {}).items():
        model.weights[model.names.index(name)] = weight
    nodes, model, length = search(level, model, length, options.search)
    if not options.signals.length:
        length = LengthModel(length.ratio, 1e9)
    return level, nodes, model, length


def _path_posteriors(
    level: Level,
    nodes: np.ndarray,
    model: ScoreModel,
    length: LengthModel,
    options: AlignOptions,
    temperature: float | None = None,
) -> np.ndarray:
    """Posterior probability of each bead of a path (forward-backward in the band around it)."""
    beads = path_beads(nodes)
    if (level.n + 1) * (level.m + 1) <= options.search.full_cells:
        band = Band.full(level.n, level.m)
    else:
        band = Band.around_path(level.n, level.m, nodes, 1.0, 1.0, options.search.width)
    scores = score_cells(level, band, model, length)
    t = options.confidence_temperature if temperature is None else temperature
    return bead_posteriors(band, scores, model.null_score, beads, t)


def _member_penalty(level: Level, channels: list, options: AlignOptions) -> MemberPenalty | None:
    """The member test of this document: its channels and the cosine level of unrelated sentence pairs."""
    idx = tuple(k for k, ch in enumerate(channels) if ch.name in options.member_channels)
    if not idx or not any(ch.name in options.member_needs for ch in channels):
        return None
    n, m = level.n, level.m
    k = np.unique(np.linspace(0, n - 1, min(n, 2000)).astype(np.int64))  # a sample is enough for a quantile
    diag = np.round((k + 0.5) * m / n).astype(np.int64)
    i = np.tile(k, 6)
    j = np.concatenate([diag + off for off in (-5, -4, -3, 3, 4, 5)])
    i, j = i[(j >= 0) & (j < m)], j[(j >= 0) & (j < m)]
    if len(i) < 10:
        return None
    cos = np.stack([pair_cosines(channels[c], i, j) for c in idx], axis=1)
    thresholds = tuple(float(t) for t in np.quantile(cos, options.member_quantile, axis=0))
    return MemberPenalty(idx, thresholds, options.member_cost)


def _lexicon_channel(
    src: list[str],
    tgt: list[str],
    level: Level,
    nodes: np.ndarray,
    model: ScoreModel,
    length: LengthModel,
    options: AlignOptions,
):
    """A channel of word associations learned on the confident 1-1 beads of a first path (or None)."""
    if not POSTERIORS:
        return None
    beads = path_beads(nodes)
    conf = _path_posteriors(level, nodes, model, length, options)
    good = beads[(beads[:, 2] == 1) & (beads[:, 3] == 1) & (conf >= options.lexicon_min_posterior)]
    lo = options.lexicon_options
    if len(good) < 10:
        return None
    sw, tw = doc_words(src, lo.min_len), doc_words(tgt, lo.min_len)
    table = learn([sw[i] for i in good[:, 0]], [tw[j] for j in good[:, 1]], lo)
    return lexicon_channel("lex", src, tgt, table, lo.min_len) if table else None


def _beads(
    level: Level, nodes: np.ndarray, model: ScoreModel, length: LengthModel, options: AlignOptions
) -> list[Bead]:
    """Beads of a path; each one's confidence is its posterior probability given both documents."""
    beads = path_beads(nodes)
    both = (beads[:, 2] > 0) & (beads[:, 3] > 0)
    feats = np.zeros((len(beads), len(model.names)))
    if both.any():
        feats[both] = bead_features(level, beads[both], length)
    if POSTERIORS:
        t = options.lexicon_confidence_temperature if "lex" in model.names else options.confidence_temperature
        conf = _path_posteriors(level, nodes, model, length, options, t)
    else:  # without numba: a calibrated logistic of each bead's own score
        conf = np.full(len(beads), NULL_CONFIDENCE)
        if both.any():
            z = model.logit(feats[both])
            z += np.array([model.type_logprior[(int(a), int(b))] for a, b in beads[both, 2:]])
            z -= model.bias - PRIOR_BIAS  # calibrated without the per-channel bias (a search-time cost)
            conf[both] = 1.0 / (1.0 + np.exp(-np.clip(CALIBRATION[0] * z + CALIBRATION[1], -30, 30)))
    out = []
    for k, (i0, j0, a, b) in enumerate(beads.tolist()):
        f = dict(zip(model.names, feats[k].round(4).tolist()))
        out.append(Bead(list(range(i0, i0 + a)), list(range(j0, j0 + b)), round(float(conf[k]), 4), f))
    return out


def _check_parallel(option: str, mt: Sequence[str] | None, side: list[str]) -> None:
    """A translation must have exactly one line per sentence of its side."""
    if mt is not None and len(mt) != len(side):
        raise BitextError(
            f"{option} has {len(mt)} lines but its side has {len(side)} sentences; they must match"
        )


def gather_evidence(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    dictionary=None,
    transliterator=None,
    src_mt: Sequence[str] | None = None,
    tgt_mt: Sequence[str] | None = None,
    src_para_starts: Sequence[int] = (),
    tgt_para_starts: Sequence[int] = (),
) -> Evidence:
    """Evidence for align(): orients the dictionary, transliterates name-like words of an Arabic side."""
    from align.text import script_of
    from align.translit import name_candidates

    ev = Evidence(
        src_mt=src_mt, tgt_mt=tgt_mt, src_para_starts=src_para_starts, tgt_para_starts=tgt_para_starts
    )
    src, tgt = list(src), list(tgt)
    if dictionary is not None:
        if dictionary.coverage(src, "left") + dictionary.coverage(tgt, "right") >= dictionary.coverage(
            src, "right"
        ) + dictionary.coverage(tgt, "left"):
            ev.src_dict = dictionary.left_to_right
        else:
            ev.src_dict = dictionary.right_to_left
    if transliterator is not None:
        scripts = script_of(src), script_of(tgt)
        for side, sents, other in (("src", src, scripts[1]), ("tgt", tgt, scripts[0])):
            own = scripts[0] if side == "src" else scripts[1]
            if own == "arabic" and other == "latin":
                known = None
                if dictionary is not None:
                    known = lambda w: bool(dictionary.left_to_right(w) or dictionary.right_to_left(w))  # noqa: E731
                table = transliterator.transliterate(name_candidates(sents, known))
                setattr(ev, f"{side}_translit", table)
    return ev
