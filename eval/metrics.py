"""Build sacrebleu's own metric objects (BLEU, chrF, chrF++, TER) from the harness's options."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

from toolkit.errors import BitextError

METRIC_NAMES = ("bleu", "chrf", "chrf++", "ter")
NEEDS_DOWNLOAD = ("spm", "flores101", "flores200", "spBLEU-1K")
HIGHER_IS_BETTER = {"bleu": True, "chrf": True, "chrf++": True, "ter": False}


@dataclass(frozen=True)
class MetricOptions:
    """Every sacrebleu option the harness exposes, with sacrebleu's CLI defaults."""

    metrics: tuple[str, ...] = ("bleu", "chrf", "ter")
    target_lang: str | None = None
    tokenize: str | None = None
    lowercase: bool = False
    smooth_method: str = "exp"
    smooth_value: float | None = None
    chrf_char_order: int = CHRF.CHAR_ORDER
    chrf_word_order: int = CHRF.WORD_ORDER
    chrf_beta: int = CHRF.BETA
    chrf_whitespace: bool = False
    chrf_lowercase: bool = False
    chrf_eps_smoothing: bool = False
    ter_case_sensitive: bool = False
    ter_normalized: bool = False
    ter_no_punct: bool = False
    ter_asian_support: bool = False


def parse_metric_list(names: Sequence[str]) -> tuple[str, ...]:
    """Normalise metric names (comma or space separated; chrf++ / chrfpp / chrF++)."""
    out: list[str] = []
    for raw in names:
        for name in raw.replace(",", " ").split():
            key = name.lower().replace("chrfpp", "chrf++")
            if key not in METRIC_NAMES:
                raise BitextError(f"unknown metric {name!r} (choose from {', '.join(METRIC_NAMES)})")
            if key not in out:
                out.append(key)
    return tuple(out) or ("bleu", "chrf", "ter")


def metric_kind(key: str) -> str:
    """The sacrebleu class family of a metric key: bleu, chrf or ter."""
    return "chrf" if key.startswith("chrf") else key


def build_metric(key: str, opts: MetricOptions, references: Sequence[Sequence[str]] | None) -> Metric:
    """A sacrebleu metric object for `key`, with its reference statistics cached once."""
    # sacrebleu logs advice (e.g. "consider zh tokenizer") on its own logger; keep the terminal clean.
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)
    try:
        if key == "bleu":
            return BLEU(
                lowercase=opts.lowercase,
                force=True,
                tokenize=opts.tokenize,
                smooth_method=opts.smooth_method,
                smooth_value=opts.smooth_value,
                trg_lang=opts.target_lang or "",
                references=references,
            )
        if key in ("chrf", "chrf++"):
            return CHRF(
                char_order=opts.chrf_char_order,
                word_order=2 if key == "chrf++" else opts.chrf_word_order,
                beta=opts.chrf_beta,
                lowercase=opts.chrf_lowercase,
                whitespace=opts.chrf_whitespace,
                eps_smoothing=opts.chrf_eps_smoothing,
                references=references,
            )
        if key == "ter":
            return TER(
                normalized=opts.ter_normalized,
                no_punct=opts.ter_no_punct,
                asian_support=opts.ter_asian_support,
                case_sensitive=opts.ter_case_sensitive,
                references=references,
            )
    except ImportError as exc:
        raise BitextError(
            f"BLEU tokenizer {opts.tokenize!r} needs the Python package {exc.name!r}: pip install {exc.name}"
        ) from None
    except OSError as exc:  # URLError is an OSError: SentencePiece tokenizers download a model on first use
        from sacrebleu.utils import SACREBLEU_DIR

        raise BitextError(
            f"BLEU tokenizer {opts.tokenize!r} needs its SentencePiece model under {SACREBLEU_DIR}/models, "
            f"which sacrebleu downloads on first use and could not ({exc}); copy the model there or use "
            "another tokenizer (13a, intl, char, zh)"
        ) from None
    raise BitextError(f"unknown metric {key!r}")


def higher_is_better(key: str) -> bool:
    """True for BLEU/chrF, False for TER (an error rate)."""
    return HIGHER_IS_BETTER[key]
