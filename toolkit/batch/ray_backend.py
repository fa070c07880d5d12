"""The Ray backend: actors that each load the model once translate chunks; the driver keeps ledger and outputs.

Only distinct segment texts travel to the actors and only translations come back, so the ledger, the memory and
every output file are handled exactly as in a local run (the same chunks, the same batches, the same bytes).
The model folder is shipped through Ray's object store to nodes that do not have it at the same path.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from toolkit.engine import DecodeOptions, SegmentResult, Translator
from toolkit.errors import BitextError
from toolkit.models.store import MANIFEST, InstalledModel, Manifest


class TranslatorActor:
    """A Ray actor holding one loaded model."""

    def __init__(self, model_path: str, manifest: dict, options: dict, files: list, source_lang, target_lang):
        path = Path(model_path)
        if not (path / MANIFEST).is_file():
            import ray

            path = _materialise(ray.get(files[0]))
        self.translator = Translator(InstalledModel(path, Manifest(**manifest)), DecodeOptions(**options))
        _ = self.translator.ct2
        self.source_lang, self.target_lang = source_lang, target_lang

    def translate(self, texts: list[str]) -> list[SegmentResult]:
        """Translate distinct texts (no memory here: the driver consulted it)."""
        return self.translator.translate_texts(
            texts, source_lang=self.source_lang, target_lang=self.target_lang
        )

    def ready(self) -> str:
        """The node this actor runs on, once its model is loaded."""
        return os.uname().nodename


def _pack(model_dir: Path) -> dict[str, bytes]:
    """Every file of a model folder, by relative path."""
    return {p.relative_to(model_dir).as_posix(): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}


def _materialise(files: dict[str, bytes]) -> Path:
    """Write a shipped model folder to a temp folder on this node."""
    root = Path(tempfile.mkdtemp(prefix="bitext-model-"))
    for rel, data in files.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return root


def connect(address: str) -> None:
    """Join the Ray cluster at `address` ('auto': the running one, else start one on this machine)."""
    import ray

    if ray.is_initialized():
        return
    kw = {"include_dashboard": False, "log_to_driver": False, "logging_level": "ERROR"}
    try:
        if address == "auto":
            try:
                ray.init(address="auto", **kw)
            except ConnectionError:
                ray.init(**kw)
        else:
            ray.init(address=address, **kw)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise BitextError(f"--ray {address}: cannot connect to a Ray cluster ({exc})") from exc


class RayBackend:
    """Chunks go round-robin to actors; up to two chunks per actor are in flight."""

    def __init__(self, cfg, translator: Translator) -> None:
        import ray

        connect(cfg.ray)
        self.ray = ray
        self.cache_key = translator.cache_key
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = cfg.ray_actors or max(1, cpus // 2)
        per_actor = max(1, min(cpus // n, 8)) if cpus >= n else 1
        options = asdict(translator.options)
        # each actor runs a worker per CPU it holds; min_batches stays the driver's, so batches (and int8
        # outputs) are the same as in a local run
        options["inter_threads"] = per_actor
        model = translator.model
        self._files = files = ray.put(_pack(model.path))
        # no restarts: a dead actor fails its chunk's documents with a reason (rerun with --retry-failed)
        actor = ray.remote(num_cpus=min(per_actor, cpus / n) if cpus else 0)(TranslatorActor)
        self.actors = [
            actor.remote(
                str(model.path), asdict(model.manifest), options, [files], cfg.source_lang, cfg.target_lang
            )
            for _ in range(n)
        ]
        try:
            ray.get([a.ready.remote() for a in self.actors])
        except Exception as exc:  # noqa: BLE001 - any actor start failure is one user-facing error
            raise BitextError(f"--ray {cfg.ray}: the translation actors could not start ({exc})") from exc
        self.window = 2 * n
        self._next = 0

    def submit(self, texts: list[str]) -> object:
        """Send texts to the next actor."""
        actor = self.actors[self._next % len(self.actors)]
        self._next += 1
        return actor.translate.remote(texts)

    def result(self, handle: object) -> list[SegmentResult]:
        """Wait for an actor's translations."""
        try:
            return self.ray.get(handle)
        except self.ray.exceptions.RayTaskError as exc:
            raise RuntimeError(
                str(exc.cause if getattr(exc, "cause", None) else exc).splitlines()[-1]
            ) from exc

    def close(self) -> None:
        """Stop the actors (the cluster itself is left running when we joined one)."""
        for a in self.actors:
            self.ray.kill(a)
        self.actors = []
