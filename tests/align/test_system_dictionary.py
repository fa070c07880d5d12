"""An installed FreeDict dictionary is found and used by default; parsed dictionaries are cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from align.dictionary import load_dictionary, system_dictionary
from align.goldsets import arabic_sets
from eval.alignment import parse_bead
from toolkit.cli import main

DICTD = Path("/usr/share/dictd/freedict-ara-eng.index")
needs_freedict = pytest.mark.skipif(not DICTD.exists(), reason="apt-get install dict-freedict-ara-eng")


def test_finds_a_freedict_database_in_either_direction(tmp_path):
    (tmp_path / "freedict-deu-fra.index").write_text("x\tA\tB\n", encoding="utf-8")
    assert system_dictionary("de", "fr", [tmp_path]) == tmp_path / "freedict-deu-fra.index"
    assert system_dictionary("fr", "de", [tmp_path]) == tmp_path / "freedict-deu-fra.index"
    assert system_dictionary("de", "en", [tmp_path]) is None
    assert system_dictionary("und", "fr", [tmp_path]) is None


def test_parsed_dictionary_is_cached_and_refreshed_when_the_file_changes(tmp_path):
    tsv = tmp_path / "d.tsv"
    tsv.write_text("كتاب\tbook\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_dictionary(tsv, cache_dir=cache)
    assert len(list(cache.glob("*.pickle"))) == 1
    assert (
        load_dictionary(tsv, cache_dir=cache).left_to_right("كتاب") == first.left_to_right("كتاب") == ["book"]
    )
    tsv.write_text("كتاب\tbook\nقلم\tpen\n", encoding="utf-8")
    assert load_dictionary(tsv, cache_dir=cache).left_to_right("قلم") == ["pen"]


@needs_freedict
def test_cli_uses_the_installed_dictionary_by_default(shared, tmp_path):
    assert system_dictionary("ar", "en") == DICTD == system_dictionary("en", "ar")
    doc = next(d for d in arabic_sets(shared, "ntrex") if d.name == "euronews-en.153800")
    (tmp_path / "s.txt").write_text("\n".join(doc.src) + "\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("\n".join(doc.tgt) + "\n", encoding="utf-8")
    base = ["align", str(tmp_path / "s.txt"), str(tmp_path / "t.txt"), "--presplit"]

    def beads(*extra: str) -> list[tuple[list[int], list[int]]]:
        res = CliRunner(env={"XDG_CACHE_HOME": str(tmp_path)}).invoke(
            main, [*base, *extra], catch_exceptions=False
        )
        assert res.exit_code == 0, res.output
        return [parse_bead(line) for line in res.stdout.splitlines()]

    default, explicit, none = beads(), beads("--dict", str(DICTD)), beads("--no-dict")
    assert default == explicit
    right = [sum(b in doc.gold for b in x) for x in (explicit, none)]
    assert right[0] > right[1], right
