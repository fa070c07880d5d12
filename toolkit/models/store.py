"""The model store: one folder per installed model, each with a manifest.json."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from toolkit.errors import BitextError

MANIFEST = "manifest.json"


@dataclass
class Manifest:
    """What bitext knows about an installed model."""

    name: str
    source_langs: list[str]
    target_langs: list[str]
    family: str = "marian"  # marian | nllb | m2m100 | argos | ct2
    tokenizer: str = "sentencepiece"  # sentencepiece | char
    ct2_dir: str = "model"
    source_spm: str | None = "source.spm"
    target_spm: str | None = "target.spm"
    defaults: dict = field(default_factory=dict)
    checksum: str = ""
    origin: str = ""
    max_input_tokens: int = 512

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest.json; a broken one is a one-line error naming the file."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        except (OSError, ValueError, TypeError) as exc:
            raise BitextError(f"{path}: unreadable model manifest ({exc})") from exc

    def dump(self, path: Path) -> None:
        """Write the manifest as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass
class InstalledModel:
    """A model folder in the store and its manifest."""

    path: Path
    manifest: Manifest

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def ct2_path(self) -> Path:
        return self.path / self.manifest.ct2_dir

    @property
    def source_spm_path(self) -> Path | None:
        return self.path / self.manifest.source_spm if self.manifest.source_spm else None

    @property
    def target_spm_path(self) -> Path | None:
        return self.path / self.manifest.target_spm if self.manifest.target_spm else None

    def covers(self, src: str | None, tgt: str) -> bool:
        """True when this model translates src into tgt (src None: any source)."""
        m = self.manifest
        return tgt in m.target_langs and (src is None or src in m.source_langs)


def default_store_root() -> Path:
    """The per-user model folder (platform data dir)."""
    return platformdirs.user_data_path("bitext") / "models"


INSTALL_HINT = (
    "install one with `bitext models install NAME` (see `bitext models available`) "
    "or from a file: `bitext models install PATH.zip|PATH.argosmodel|DIR`"
)


class ModelStore:
    """A folder of installed models."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root else default_store_root()

    def list(self) -> list[InstalledModel]:
        """Every installed model, by name."""
        if not self.root.is_dir():
            return []
        found = []
        for d in sorted(self.root.iterdir()):
            if (d / MANIFEST).is_file() and not d.name.startswith("."):
                found.append(InstalledModel(d, Manifest.load(d / MANIFEST)))
        return found

    def get(self, name: str) -> InstalledModel:
        """The installed model called `name`."""
        d = self.root / name
        if not (d / MANIFEST).is_file():
            raise BitextError(f"no model named {name!r} in {self.root}; {INSTALL_HINT}")
        return InstalledModel(d, Manifest.load(d / MANIFEST))

    def find(self, src: str | None, tgt: str) -> InstalledModel:
        """The first installed model that covers src→tgt (bilingual before multilingual)."""
        models = [m for m in self.list() if m.covers(src, tgt)]
        if not models:
            pair = f"{src or '?'}→{tgt}"
            raise BitextError(f"no model installed for {pair} in {self.root}; {INSTALL_HINT}")
        models.sort(key=lambda m: (len(m.manifest.source_langs) * len(m.manifest.target_langs), m.name))
        return models[0]

    def resolve(self, spec: str | Path | None, src: str | None, tgt: str) -> InstalledModel:
        """A model from a name, a path to a model folder, or (None) the best installed one for the pair."""
        if spec is None:
            return self.find(src, tgt)
        p = Path(spec)
        if (p / MANIFEST).is_file():
            return InstalledModel(p, Manifest.load(p / MANIFEST))
        return self.get(str(spec))

    def remove(self, name: str) -> None:
        """Delete an installed model."""
        model = self.get(name)
        shutil.rmtree(model.path)
