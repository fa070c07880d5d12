"""The model index: a JSON list of installable models (name, languages, family, url, sha256, size).

Format: {"version": 1, "models": [{"name", "source_langs", "target_langs", "family", "url", "sha256", "size",
"format", "description", "license", "default", "homepage"}]}. A relative url resolves against the index's own
location. `sha256: null` means the publisher gives none: the installer computes the digest, stores it in the
manifest and warns that the download was not verified.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlparse

from toolkit.errors import BitextError

DEFAULT_INDEX = "toolkit/data/index.json (shipped with bitext)"


@dataclass
class IndexEntry:
    """One installable model as the index describes it."""

    name: str
    source_langs: list[str]
    target_langs: list[str]
    family: str
    url: str
    sha256: str | None = None  # None: not published; the installer computes it and warns
    size: int | None = None
    format: str = ""  # opus-mt | argos | ct2 (informative; the installer looks at the file itself)
    description: str = ""
    license: str = ""
    default: bool = False  # the model `bitext models install` picks for this pair
    homepage: str = ""

    def covers(self, src: str | None, tgt: str) -> bool:
        """True when this entry translates src into tgt."""
        return tgt in self.target_langs and (src is None or src in self.source_langs)


@dataclass
class ModelIndex:
    """A loaded index and where it came from (relative URLs resolve against it)."""

    location: str
    entries: list[IndexEntry] = field(default_factory=list)

    def get(self, name: str) -> IndexEntry:
        """The entry called `name`."""
        for e in self.entries:
            if e.name == name:
                return e
        raise BitextError(
            f"{name!r} is neither a file nor a model in the index {self.location}; "
            "see `bitext models available`, or install from a file: `bitext models install PATH`"
        )

    def find(self, src: str | None, tgt: str) -> list[IndexEntry]:
        """Entries for a pair, the default one first."""
        found = [e for e in self.entries if e.covers(src, tgt)]
        return sorted(found, key=lambda e: (not e.default, e.name))

    def to_json(self) -> list[dict]:
        """The entries as plain dicts."""
        return [asdict(e) for e in self.entries]


def load_index(spec: str | Path | None = None, *, timeout: float = 30.0) -> ModelIndex:
    """Read an index from a URL, a path, or (None) the one shipped with bitext; errors are one line."""
    if spec is None:
        text = resources.files("toolkit").joinpath("data/index.json").read_text(encoding="utf-8")
        return parse_index(text, DEFAULT_INDEX, base=None)
    spec = str(spec)
    scheme = urlparse(spec).scheme
    if scheme in {"http", "https"}:
        import requests

        try:
            resp = requests.get(spec, timeout=timeout)
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise BitextError(
                f"cannot read the model index {spec} ({type(exc).__name__}); "
                "to install without network: `bitext models install PATH`"
            ) from exc
        return parse_index(resp.text, spec, base=spec)
    path = Path(urlparse(spec).path) if scheme == "file" else Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BitextError(f"{path}: cannot read the model index ({exc})") from exc
    return parse_index(text, str(path), base=path.resolve().parent.as_uri() + "/")


def parse_index(text: str, location: str, *, base: str | None) -> ModelIndex:
    """Parse index JSON ({"models": [...]} or a bare list); each entry's url is resolved against `base`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BitextError(f"{location}: the model index is not valid JSON ({exc})") from exc
    items = data.get("models") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise BitextError(f'{location}: the model index needs a list of models under "models"')
    entries = []
    for i, item in enumerate(items):
        try:
            known = {k: v for k, v in item.items() if k in IndexEntry.__dataclass_fields__}
            entry = IndexEntry(**known)
        except (TypeError, AttributeError) as exc:
            raise BitextError(f"{location}: model #{i + 1} in the index is incomplete ({exc})") from exc
        if base and urlparse(entry.url).scheme == "":
            entry.url = urljoin(base, entry.url)
        entries.append(entry)
    return ModelIndex(location, entries)
