"""Loading every input kind into a review file, and the review file's checked changes."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from toolkit.errors import BitextError
from toolkit.review.export import to_tmx
from toolkit.review.loaders import load_pairs
from toolkit.review.reviewfile import open_review, review_path_for
from toolkit.review.store import NotFound, Query, ReviewError, StaleVersion


def test_beads_become_pairs_in_order(kim_files, data_dir):
    pairs = load_pairs(kim_files)
    assert pairs.kind == "beads"
    assert len(pairs.items) == 12
    third = pairs.items[2]
    en = (data_dir / "kim.en.txt").read_text(encoding="utf-8").splitlines()
    assert third.target == f"{en[2]} {en[3]}"
    assert third.origin["src_ids"] == [2] and third.origin["tgt_ids"] == [2, 3]
    assert "bead 1-2" in third.flags
    assert third.source_lang == "ar"  # guessed from the script when no code is given


def test_languages_given_later_fill_the_unknown_ones(kim_files):
    store = open_review(kim_files).store
    src, tgt = store.languages()
    assert src == "ar"
    store = open_review(
        kim_files, target_lang="en", source_lang="fa"
    ).store  # reused: only unknown sides change
    assert store.languages() == ("ar", "en")


def test_seed_sentences_come_from_the_seed_article(shared, data_dir):
    seed = (shared / "seed" / "000_368e647d4396fd8b.txt").read_text(encoding="utf-8")
    for line in (data_dir / "kim.ar.txt").read_text(encoding="utf-8").splitlines():
        assert line in seed


def test_align_jsonl_scores_become_confidence(kim_jsonl):
    pairs = load_pairs([kim_jsonl])
    assert pairs.kind == "align"
    assert [it.confidence for it in pairs.items][:4] == [0.95, 0.9, 0.42, 0.31]
    assert pairs.items[0].source_lang == "ar" and pairs.items[0].target_lang == "en"


def test_translate_jsonl_keeps_flags_and_skips_pass_through(hostile_jsonl):
    path = hostile_jsonl
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["paragraphs"][0]["segments"].append(
        {"id": "0.9", "source": "2023", "target": "2023", "translated": False, "confidence": None}
    )
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    pairs = load_pairs([path])
    assert pairs.kind == "translate"
    assert len(pairs.items) == 4
    assert pairs.items[0].flags == ["untranslated"] and pairs.items[0].confidence == 0.2
    assert pairs.items[0].doc == "../../etc/passwd"  # just a label: it never reaches the file system


def test_tmx_input(tmp_path, kim_review):
    tmx = tmp_path / "in.tmx"
    tmx.write_bytes(to_tmx(kim_review.all_items()))
    pairs = load_pairs([tmx])
    assert pairs.kind == "tmx"
    assert [(i.source, i.target) for i in pairs.items] == [
        (i.source, i.target) for i in kim_review.all_items()
    ]
    assert pairs.items[0].source_lang == "ar" and pairs.items[0].target_lang == "en"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"src": "a", "tgt": "b"}\n{"src": "a", oops}\n', "x.jsonl:2: not valid JSON"),
        (
            '{"src": "a", "tgt": "b", "confidence": 7}\n',
            "x.jsonl:1: 'confidence' must be a number from 0 to 1",
        ),
        ("[1, 2]\n", "x.jsonl:1: expected a JSON object"),
        ('{"hello": 1}\n', "x.jsonl:1: neither a translated document"),
        ("\n\n", "no pairs to review"),
        (
            '{"id": "d", "paragraphs": [{"segments": [{"source": 3}]}]}\n',
            "segment 0: 'source' must be a string",
        ),
    ],
)
def test_bad_jsonl_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BitextError, match=message.replace("(", r"\(")) as err:
        load_pairs([path])
    assert "\n" not in str(err.value)


def test_bad_beads_name_file_and_line(kim_files):
    kim_files[2].write_text("[0]:[0]\n[1]:[99]\n")
    with pytest.raises(BitextError, match=r"kim.beads:2: target sentence 99 does not exist"):
        load_pairs(kim_files)
    kim_files[2].write_text("[0]:[0]\n0-1\n")
    with pytest.raises(BitextError, match=r"kim.beads:2: not a bead"):
        load_pairs(kim_files)


def test_bad_tmx_and_missing_file(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(BitextError, match="bad.tmx: not a readable TMX file"):
        load_pairs([bad])
    with pytest.raises(BitextError, match="nope.jsonl: no such file"):
        load_pairs([tmp_path / "nope.jsonl"])


def test_review_file_is_made_beside_the_input_and_reused(kim_jsonl, align_jsonl_writer):
    first = open_review([kim_jsonl])
    assert first.created and first.store.path == review_path_for([kim_jsonl])
    assert first.store.path.parent == kim_jsonl.parent
    item = first.store.all_items()[0]
    first.store.update(item.id, item.version, status="approved")
    again = open_review([kim_jsonl])
    assert not again.created and not again.warnings
    assert again.store.get(item.id).status == "approved"
    align_jsonl_writer(kim_jsonl, [0.5] * 12)  # the input changes: the saved review wins, with a warning
    changed = open_review([kim_jsonl])
    assert changed.store.get(item.id).status == "approved"
    assert "changed since" in changed.warnings[0]
    assert open_review([changed.store.path]).store.path == changed.store.path  # the review file itself


def test_worst_first_and_filters(kim_review):
    worst = [it.confidence for it in kim_review.query(Query())[0]]
    assert worst == sorted(worst)
    assert [it.seq for it in kim_review.query(Query(sort="order"))[0]] == list(range(1, 13))
    low, total = kim_review.query(Query(max_confidence=0.5))
    assert total == 2 and {it.confidence for it in low} == {0.42, 0.31}
    flagged, _ = kim_review.query(Query(flag="bead 1-2"))
    assert [it.seq for it in flagged] == [3]
    assert "bead 1-2" in kim_review.flag_names()
    first = kim_review.all_items()[0]
    kim_review.update(first.id, first.version, status="rejected")
    assert [it.id for it in kim_review.query(Query(status="rejected"))[0]] == [first.id]
    assert kim_review.counts() == {"pending": 11, "approved": 0, "rejected": 1, "total": 12}


def test_stale_version_is_refused_with_the_current_pair(kim_review):
    item = kim_review.all_items()[0]
    kim_review.update(item.id, item.version, target="first tab's text")
    with pytest.raises(StaleVersion) as err:
        kim_review.update(item.id, item.version, target="second tab's text")
    assert err.value.status == 409 and err.value.item.target == "first tab's text"
    assert kim_review.get(item.id).target == "first tab's text"
    with pytest.raises(StaleVersion):
        kim_review.merge_next(item.id, item.version)
    with pytest.raises(StaleVersion):
        kim_review.split(item.id, item.version, 1, 1)


def test_concurrent_writers_lose_nothing(kim_review):
    item = kim_review.all_items()[0]
    results = []

    def write(n: int) -> None:
        try:
            kim_review.update(item.id, item.version, target=f"writer {n}")
            results.append(n)
        except StaleVersion:
            pass

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 1
    now = kim_review.get(item.id)
    assert now.target == f"writer {results[0]}" and now.version == item.version + 1


def test_merge_then_split_round_trip(kim_review):
    items = kim_review.all_items()
    third, fourth = items[2], items[3]
    merged = kim_review.merge_next(third.id, third.version)
    assert merged.source == f"{third.source} {fourth.source}"
    assert merged.target == f"{third.target} {fourth.target}"
    assert merged.origin["src_ids"] == [2, 3] and merged.origin["tgt_ids"] == [2, 3, 4]
    assert merged.confidence == 0.31 and merged.status == "pending"
    assert merged.flags == ["bead 2-3"]
    with pytest.raises(NotFound):
        kim_review.get(fourth.id)
    assert len(kim_review.all_items()) == 11
    a, b = kim_review.split(merged.id, merged.version, len(third.source) + 1, len(third.target) + 1)
    assert (a.source, a.target) == (third.source, third.target)
    assert (b.source, b.target) == (fourth.source, fourth.target)
    assert a.flags == b.flags == []  # the bead shape no longer holds
    assert [it.seq for it in kim_review.all_items()] == list(range(1, 13))
    assert [it.id for it in kim_review.all_items()][2:4] == [a.id, b.id]


def test_bad_edits_are_refused(kim_review):
    items = kim_review.all_items()
    last = items[-1]
    with pytest.raises(ReviewError, match="last pair"):
        kim_review.merge_next(last.id, last.version)
    with pytest.raises(ReviewError, match="outside the text"):
        kim_review.split(last.id, last.version, 10_000, 0)
    with pytest.raises(ReviewError, match="both halves"):
        kim_review.split(last.id, last.version, 0, 0)
    with pytest.raises(ReviewError, match="unknown status"):
        kim_review.update(last.id, last.version, status="done")
    assert kim_review.get(last.id).version == last.version


def test_not_a_review_file(tmp_path):
    from toolkit.review.store import ReviewStore

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BitextError, match="not a bitext review file"):
        ReviewStore(other)
