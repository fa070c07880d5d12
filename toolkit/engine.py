"""Translate segments and documents with CTranslate2: deduplicate, tokenize, batch by length, reassemble."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Protocol

from toolkit.document import Document
from toolkit.errors import BitextError
from toolkit.models import families
from toolkit.models.store import InstalledModel, ModelStore
from toolkit.quality import segment_flags
from toolkit.tokenize import Tokenizer, load_tokenizer

CLAUSE = re.compile(r"(?<=[،؛,;:])\s+|\s+(?=[–—])")
SPACE = re.compile(r"\s+")
NON_LETTERS = re.compile(r"(?:[^\w\u0610-\u061a\u064b-\u065f\u0670]|[\d_])+")


def default_threads() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass
class DecodeOptions:
    """Decoding settings; the defaults suit a CPU."""

    beam_size: int = 4
    compute_type: str = "int8"
    inter_threads: int = 0  # CTranslate2 workers, each on its own batch; 0: one per core (one on a GPU)
    intra_threads: int = 1  # threads per worker; 0: the cores divided among the workers
    max_batch_tokens: int = 2048
    min_batches: int = (
        0  # a call is cut into at least this many batches (0: one per worker), to keep all busy
    )
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_decoding_length: int | None = None  # None: grows with the source (decoding_ratio × tokens + 10)
    decoding_ratio: float = 2.0
    chunk_segments: int = 2048  # segments handed to CTranslate2 per call (bounds memory, paces progress)

    def key(self) -> str:
        """The settings that change a translation, as stable text (for translation-memory keys)."""
        keep = {
            k: v
            for k, v in asdict(self).items()
            if k
            not in {"inter_threads", "intra_threads", "chunk_segments", "max_batch_tokens", "min_batches"}
        }
        return json.dumps(keep, sort_keys=True)


def resolve_threads(options: DecodeOptions, device: str) -> DecodeOptions:
    """The options with the worker count and the batches per call fixed (0 means: from this machine's cores)."""
    workers = options.inter_threads or (default_threads() if device == "cpu" else 1)
    return replace(options, inter_threads=workers, min_batches=options.min_batches or workers)


def batch_budget(lengths: Sequence[int], min_batches: int, cap: int) -> int:
    """Tokens per CTranslate2 batch: `cap`, or fewer so that a small call still makes `min_batches` batches
    (one per worker), but never fewer than the longest input."""
    if min_batches <= 1 or not lengths:
        return cap
    return max(max(lengths), min(cap, -(-sum(lengths) // min_batches)))


@dataclass
class SegmentResult:
    """The translation of one segment, its model score (mean log-probability per token) and its flags."""

    target: str
    score: float
    flags: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """The geometric-mean token probability, in [0, 1]."""
        return math.exp(min(0.0, self.score))


class Memory(Protocol):
    """A translation memory the engine consults before translating."""

    def get_many(self, key: str, sources: list[str]) -> dict[str, SegmentResult]: ...

    def put_many(self, key: str, results: dict[str, SegmentResult]) -> None: ...


class Translator:
    """A loaded model that translates lists of texts and whole documents."""

    def __init__(
        self, model: InstalledModel, options: DecodeOptions | None = None, *, device: str = "cpu"
    ) -> None:
        self.model = model
        self.options = resolve_threads(options or DecodeOptions(), device)
        self.device = device
        self.tokenizer: Tokenizer = load_tokenizer(model)

    @classmethod
    def from_store(
        cls,
        store: ModelStore,
        spec: str | None,
        source_lang: str | None,
        target_lang: str,
        options: DecodeOptions | None = None,
        *,
        device: str = "cpu",
    ) -> Translator:
        """The translator for a model name/path, or for the best installed model covering the pair."""
        return cls(store.resolve(spec, source_lang, target_lang), options, device=device)

    @cached_property
    def ct2(self):
        """The CTranslate2 translator, loaded on first use."""
        import ctranslate2

        o = self.options
        try:
            return ctranslate2.Translator(
                str(self.model.ct2_path),
                device=self.device,
                compute_type=o.compute_type,
                inter_threads=o.inter_threads,
                intra_threads=o.intra_threads or max(1, default_threads() // o.inter_threads),
            )
        except (RuntimeError, ValueError) as exc:
            raise BitextError(f"{self.model.ct2_path}: cannot load the CTranslate2 model ({exc})") from exc

    @property
    def cache_key(self) -> str:
        """Model identity and decoding settings: equal keys give equal translations."""
        m = self.model.manifest
        return f"{m.name}:{m.checksum}:{self.options.key()}"

    def check_pair(self, source_lang: str | None, target_lang: str) -> None:
        """Refuse a language pair the model does not cover."""
        if not self.model.covers(source_lang, target_lang):
            m = self.model.manifest
            raise BitextError(
                f"model {m.name!r} translates {','.join(m.source_langs)}→{','.join(m.target_langs)}, "
                f"not {source_lang or '?'}→{target_lang}"
            )

    def translate_texts(
        self,
        texts: Sequence[str],
        *,
        source_lang: str | None,
        target_lang: str,
        memory: Memory | None = None,
        progress=None,
    ) -> list[SegmentResult]:
        """Translate texts (each a sentence or so); equal texts are translated once."""
        self.check_pair(source_lang, target_lang)
        distinct = list(dict.fromkeys(texts))
        found: dict[str, SegmentResult] = (
            memory.get_many(self.cache_key, distinct) if memory and distinct else {}
        )
        todo = [t for t in distinct if t not in found]
        if todo:
            fresh = self._translate_distinct(todo, source_lang, target_lang, progress)
            found.update(fresh)
            if memory:
                memory.put_many(self.cache_key, fresh)
        return [found[t] for t in texts]

    def translate_documents(
        self,
        docs: Sequence[Document],
        *,
        source_lang: str | None,
        target_lang: str,
        memory: Memory | None = None,
        progress=None,
    ) -> None:
        """Fill target, score and flags of every segment that needs translation, across all documents."""
        segs = [s for d in docs for s in d.segments() if s.translate]
        results = self.translate_texts(
            [s.source for s in segs],
            source_lang=source_lang,
            target_lang=target_lang,
            memory=memory,
            progress=progress,
        )
        for seg, res in zip(segs, results, strict=True):
            seg.target, seg.score, seg.flags = res.target, res.score, list(res.flags)

    # -- internals -------------------------------------------------------------------------------------------

    def _split(self, text: str, n_tokens: int) -> tuple[list[str], list[str]]:
        """Pieces of `text` the model can take whole, and the separators around them (kept from the text)."""
        if self.tokenizer.word_units:
            return _split_at(text, NON_LETTERS)
        limit = self.model.manifest.max_input_tokens - 2
        if n_tokens <= limit:
            return [text], ["", ""]
        pieces, glue = [], []
        for rx in (CLAUSE, SPACE, None):
            parts, seps = _split_at(text, rx) if rx else _hard_split(text, limit)
            pieces, glue = self._pack(parts, seps, limit)
            if all(len(t) <= limit for t in self.tokenizer.encode(pieces)):
                break
        return pieces, glue

    def _pack(self, parts: list[str], seps: list[str], limit: int) -> tuple[list[str], list[str]]:
        """Greedily join neighbouring parts while they stay within `limit` tokens."""
        lengths = [len(t) for t in self.tokenizer.encode(parts)]
        pieces, glue = [parts[0]], [seps[0]]
        size = lengths[0]
        for part, sep, n in zip(parts[1:], seps[1:-1], lengths[1:], strict=True):
            if size + n + 1 <= limit:
                pieces[-1] += sep + part
                size += n + 1
            else:
                pieces.append(part)
                glue.append(sep)
                size = n
        glue.append(seps[-1])
        return pieces, glue

    def _translate_distinct(
        self, texts: list[str], source_lang: str | None, target_lang: str, progress
    ) -> dict[str, SegmentResult]:
        """Translate distinct texts: split long ones, translate the distinct pieces by length, rejoin."""
        encoded = (
            {} if self.tokenizer.word_units else dict(zip(texts, self.tokenizer.encode(texts), strict=True))
        )
        plans = [self._split(t, len(encoded.get(t, ()))) for t in texts]
        pieces = list(dict.fromkeys(p for ps, _ in plans for p in ps))
        missing = [p for p in pieces if p not in encoded]
        encoded.update(zip(missing, self.tokenizer.encode(missing), strict=True))
        out = self._translate_units(pieces, [encoded[p] for p in pieces], source_lang, target_lang, progress)
        results = {}
        for text, (ps, glue) in zip(texts, plans, strict=True):
            parts = [out[p] for p in ps]
            target = glue[0] + "".join(u.target + g for u, g in zip(parts, glue[1:], strict=True))
            score = sum(u.logprob for u in parts) / max(1, sum(u.length for u in parts))
            flags = segment_flags(
                text, target, source_lang, target_lang, hit_limit=any(u.hit_limit for u in parts)
            )
            results[text] = SegmentResult(target, score, flags)
        return results

    def _translate_units(
        self, pieces: list[str], encoded: list[list[str]], source_lang: str | None, target_lang: str, progress
    ) -> dict[str, _UnitResult]:
        """Run CTranslate2 over pieces: chunks of similar length (so each gets a tight decoding limit), batched by tokens."""
        o, m = self.options, self.model.manifest
        lt = families.language_tokens(m.family, source_lang, target_lang, m.defaults)
        tokens = [families.wrap_source(lt, t) for t in encoded]
        prefix = lt.target_prefix
        order = sorted(range(len(pieces)), key=lambda i: len(tokens[i]))
        out: dict[str, _UnitResult] = {}
        for start in range(0, len(order), o.chunk_segments):
            chunk = sorted(order[start : start + o.chunk_segments])  # CTranslate2 sorts within a call itself
            batch = [tokens[i] for i in chunk]
            limit = o.max_decoding_length or int(o.decoding_ratio * max(map(len, batch)) + 10)
            results = self.ct2.translate_batch(
                batch,
                target_prefix=[prefix] * len(batch) if prefix else None,
                max_batch_size=batch_budget([len(t) for t in batch], o.min_batches, o.max_batch_tokens),
                batch_type="tokens",
                beam_size=o.beam_size,
                length_penalty=o.length_penalty,
                repetition_penalty=o.repetition_penalty,
                no_repeat_ngram_size=o.no_repeat_ngram_size,
                max_decoding_length=limit,
                max_input_length=0,
                return_scores=True,
            )
            hyps = [families.strip_target(lt, r.hypotheses[0]) for r in results]
            for i, hyp, text, r in zip(chunk, hyps, self.tokenizer.decode(hyps), results, strict=True):
                out[pieces[i]] = _UnitResult(text, r.scores[0], len(hyp) + 1, len(hyp) >= limit)
            if progress:
                progress(len(chunk))
        return out


@dataclass
class _UnitResult:
    """What the model made of one piece: text, summed log-probability, token count, whether it hit the limit."""

    target: str
    logprob: float
    length: int
    hit_limit: bool


def _split_at(text: str, rx: re.Pattern) -> tuple[list[str], list[str]]:
    """Split text at a regex: the parts, and the n+1 separators around them (leading, between, trailing)."""
    parts, seps, pos = [], [""], 0
    for m in rx.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
            seps.append("")
        seps[-1] += m.group(0)
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
        seps.append("")
    if not parts:
        return [], [text]
    return parts, seps


def _hard_split(text: str, limit: int) -> tuple[list[str], list[str]]:
    """Last resort for text with no spaces: fixed-size character chunks joined with nothing."""
    step = max(1, limit)
    parts = [text[i : i + step] for i in range(0, len(text), step)]
    return parts, [""] * (len(parts) + 1)
