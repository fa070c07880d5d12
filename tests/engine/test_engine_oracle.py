"""bitext's output equals raw CTranslate2 on the same tokens and options (the real, trained transliterator).

float32 is used for the oracle: int8 results depend on which sentences share a batch (8 of the seed article's
396 distinct words differ between one-at-a-time and batched int8 decoding), float32 results do not.
"""

import ctranslate2

from toolkit.engine import NON_LETTERS, DecodeOptions, Translator
from toolkit.segment import make_document

FLOAT = DecodeOptions(compute_type="float32")


def raw_word(model_dir, words, beam_size=4):
    """What raw CTranslate2 makes of each word, as the model's README describes its use."""
    tr = ctranslate2.Translator(str(model_dir), compute_type="float32")
    out = []
    for w in words:
        limit = int(2.0 * len(w) + 10)
        r = tr.translate_batch([list(w)], beam_size=beam_size, max_decoding_length=limit, max_input_length=0)
        out.append("".join(r[0].hypotheses[0]))
    return out


def test_known_transliterations(translit_store):
    tr = Translator(translit_store.get("aren-translit"), DecodeOptions(compute_type="float32"))
    res = tr.translate_texts(["بغداد", "كيم"], source_lang="ar", target_lang="en")
    assert [r.target for r in res] == ["baghdad", "kim"]
    assert all(0 < r.confidence <= 1 for r in res)


def test_every_segment_equals_raw_ctranslate2(translit_store, shared):
    model = translit_store.get("aren-translit")
    text = (shared / "seed" / "000_368e647d4396fd8b.txt").read_text(encoding="utf-8")
    doc = make_document(text, "ar")
    Translator(model, FLOAT).translate_documents([doc], source_lang="ar", target_lang="en")
    segs = [s for s in doc.segments() if s.translate]
    words = sorted({w for s in segs for w in NON_LETTERS.split(s.source) if w})
    oracle = dict(zip(words, raw_word(model.ct2_path, words)))
    for s in segs:
        expected, pos = [], 0
        for m in NON_LETTERS.finditer(s.source):
            if m.start() > pos:
                expected.append(oracle[s.source[pos : m.start()]])
            expected.append(m.group(0))
            pos = m.end()
        if pos < len(s.source):
            expected.append(oracle[s.source[pos:]])
        assert s.target == "".join(expected), s.source


def test_distinct_segments_translated_once(translit_store):
    class CountingMemory:
        def __init__(self):
            self.data, self.puts = {}, []

        def get_many(self, key, sources):
            return {s: self.data[(key, s)] for s in sources if (key, s) in self.data}

        def put_many(self, key, results):
            self.puts.append(sorted(results))
            self.data.update({(key, s): r for s, r in results.items()})

    mem = CountingMemory()
    tr = Translator(translit_store.get("aren-translit"))
    first = tr.translate_texts(["كيم", "بوتين", "كيم"], source_lang="ar", target_lang="en", memory=mem)
    assert mem.puts == [sorted(["كيم", "بوتين"])]
    again = tr.translate_texts(["بوتين", "كيم"], source_lang="ar", target_lang="en", memory=mem)
    assert len(mem.puts) == 1  # all hits
    assert [r.target for r in again] == [first[1].target, first[0].target]


def test_beam_option_reaches_ctranslate2(translit_store):
    model = translit_store.get("aren-translit")
    words = ["فلاديفوستوك", "القاهرة", "بوتين"]
    got = Translator(model, DecodeOptions(beam_size=1, compute_type="float32")).translate_texts(
        words, source_lang="ar", target_lang="en"
    )
    assert [r.target for r in got] == raw_word(model.ct2_path, words, beam_size=1)
