"""Language identification accuracy on FLORES-200 devtest lines and 3-word snippets (bitext's detector)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from toolkit.langid import LanguageDetector


def main(shared: Path) -> None:
    det = LanguageDetector()
    sets = {}
    for lang, name in (("ar", "arb_Arab"), ("en", "eng_Latn")):
        lines = (shared / "data" / "flores" / f"{name}.devtest").read_text(encoding="utf-8").splitlines()
        sets[lang] = lines
        sets[f"{lang} short"] = [" ".join(x.split()[:3]) for x in lines]
    t0 = time.perf_counter()
    for label, lines in sets.items():
        lang = label.split()[0]
        acc = sum(det.detect(x) == lang for x in lines) / len(lines)
        print(f"{label}: {acc:.4f}")
    print(f"seconds: {time.perf_counter() - t0:.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared")
