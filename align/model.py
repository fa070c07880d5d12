"""The bead score: a logistic model over bead features, fitted on each document by self-training."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from align.beads import BEAD_TYPES

#: Prior weights per feature (cosine of each channel, then length log-probability), fitted on dev data.
PRIOR_WEIGHTS = {
    "anchors": 5.0,
    "chars": 2.0,
    "latin": 4.6,
    "dict": 17.0,
    "mt": 9.2,
    "mt_rev": 9.2,
    "mt_words": 3.0,
    "length": 0.6,
}
PRIOR_BIAS = 0.0
#: Added to the bias when a channel is present: a strong signal (MT) makes every bead cost something, so
#: beads are not split just because each piece scores positive (fitted on Text+Berg dev with its MT).
CHANNEL_BIAS = {"mt": -3.0, "mt_rev": 0.0}
#: Added to the null (1-0 / 0-1) score for a pair of scripts, in documents of at most SHORT_DOC sentences and
#: of at least LONG_DOC (log-linear between): between Arabic and Latin the similarity evidence is weaker, so
#: leaving a sentence out is cheaper. In a short document both ends pin the path and a cheap drop does little
#: harm; in a longer one it lets the path break many-to-one beads into a bead and a drop. Fitted on FLORES dev
#: ar-en, perturbed, with and without long segments and the dictionary, as documents (3-5 sentences) and
#: joined in fives, tens and thirties. Pairs without dev data keep the default.
SCRIPT_NULL = {("arabic", "latin"): (1.5, 0.75), ("latin", "arabic"): (1.5, 0.75)}
SHORT_DOC, LONG_DOC = 5, 15

#: Platt scaling of a bead's score into a probability of being exactly right, fitted on the dev sets
#: (Text+Berg dev with and without MT, FLORES dev perturbed with the dictionary; each weighted equally).
CALIBRATION = (0.32, 1.32)
#: Share of 1-0 / 0-1 beads that were exactly right on the same dev sets.
NULL_CONFIDENCE = 0.78

#: Log prior of each bead shape relative to 1-1 (Gale & Church's proportions, extended to 3 and 4).
TYPE_LOGPRIOR = {
    (0, 1): 0.0,
    (1, 0): 0.0,
    (1, 1): 0.0,
    (1, 2): -1.5,
    (2, 1): -1.5,
    (2, 2): -3.0,
    (1, 3): -3.0,
    (3, 1): -3.0,
    (1, 4): -4.5,
    (4, 1): -4.5,
}


@dataclass
class ScoreModel:
    """Weights of the bead logit: w . features + bias, plus a log prior per bead shape."""

    names: list[str]
    weights: np.ndarray
    bias: float = PRIOR_BIAS
    null_score: float = -3.0
    type_logprior: dict[tuple[int, int], float] = field(default_factory=lambda: dict(TYPE_LOGPRIOR))

    @classmethod
    def prior(cls, channel_names: list[str], null_score: float = -3.0) -> ScoreModel:
        """The dev-fitted prior model for these channels."""
        names = list(channel_names) + ["length"]
        weights = np.array([PRIOR_WEIGHTS.get(n, 12.0) for n in names])
        bias = PRIOR_BIAS + sum(CHANNEL_BIAS.get(n, 0.0) for n in channel_names)
        return cls(names, weights, bias, null_score)

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds that beads with features x are right."""
        return x @ self.weights + self.bias

    def refit(self, pos: np.ndarray, neg: np.ndarray, strength: float = 2.0) -> ScoreModel:
        """A model re-fitted on right (pos) vs wrong (neg) beads, shrunk towards this one (MAP, L2)."""
        if len(pos) < 3 or len(neg) < 3:
            return self
        x = np.vstack([pos, neg])
        y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
        sw = np.concatenate([np.ones(len(pos)), np.full(len(neg), len(pos) / len(neg))])
        xb = np.hstack([x, np.ones((len(x), 1))])
        prior = np.concatenate([self.weights, [self.bias]])
        reg = np.full(len(prior), strength)
        reg[-1] = 0.5
        w = prior.copy()
        for _ in range(30):
            z = np.clip(xb @ w, -30, 30)
            p = 1.0 / (1.0 + np.exp(-z))
            grad = xb.T @ (sw * (y - p)) - reg * (w - prior)
            hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
            step = np.linalg.solve(hess, grad)
            step *= min(1.0, 2.0 / max(np.abs(step).max(), 1e-12))  # damped Newton: no overshoot
            w += step
            if np.abs(step).max() < 1e-6:
                break
        w[:-1] = np.maximum(w[:-1], 0.0)  # evidence can switch a signal off, never make it repel
        return replace(self, weights=w[:-1], bias=float(w[-1]), type_logprior=dict(self.type_logprior))

    def with_type_counts(self, counts: dict[tuple[int, int], int], strength: float = 20.0) -> ScoreModel:
        """Bead-shape priors raised for the shapes seen often on a path (Dirichlet smoothing); a prior never
        falls below TYPE_LOGPRIOR, so shapes a first path misses are not made rarer still."""
        base = {t: np.exp(v) for t, v in TYPE_LOGPRIOR.items() if t[0] and t[1]}
        z = sum(base.values())
        total = sum(counts.get(t, 0) for t in base)
        probs = {t: (counts.get(t, 0) + strength * base[t] / z) / (total + strength) for t in base}
        one = probs[(1, 1)]
        lp = dict(self.type_logprior)
        lp.update({t: max(float(np.log(p / one)), TYPE_LOGPRIOR[t]) for t, p in probs.items()})
        return replace(self, type_logprior=lp)


def script_null(src_script: str, tgt_script: str, sentences: int) -> float:
    """What SCRIPT_NULL adds to the null score of a document in these scripts with this many sentences a side."""
    short, long = SCRIPT_NULL.get((src_script, tgt_script), (0.0, 0.0))
    t = np.log(max(sentences, 1) / SHORT_DOC) / np.log(LONG_DOC / SHORT_DOC)
    return float(short + (long - short) * min(1.0, max(0.0, t)))


def nonnull_types() -> list[tuple[int, int]]:
    """Bead shapes with sentences on both sides."""
    return [t for t in BEAD_TYPES if t[0] and t[1]]
