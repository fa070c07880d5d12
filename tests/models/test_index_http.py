"""Installing by name from a model index served over loopback HTTP: checksums, atomicity, failures."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import socket
import threading

import pytest

from toolkit.errors import BitextError
from toolkit.models.index import load_index
from toolkit.models.install import InstallOptions, install


def write_index(root, entries):
    """An index.json in the served folder."""
    (root / "index.json").write_text(json.dumps({"version": 1, "models": entries}), encoding="utf-8")


def entry(name, url, sha256=None, family="marian", **extra):
    """An index entry for the tiny ar→en model."""
    return {"name": name, "source_langs": ["ar"], "target_langs": ["en"], "family": family, "url": url,
            "sha256": sha256, **extra}  # fmt: skip


def test_install_by_name_verifies_the_checksum(
    http_root, store, opus_zip, marian, sentences, raw, raw_installed
):
    root, base = http_root
    shutil.copyfile(opus_zip, root / "release.zip")
    digest = hashlib.sha256(opus_zip.read_bytes()).hexdigest()
    write_index(root, [entry("tiny-ar-en", "release.zip", digest, size=opus_zip.stat().st_size)])
    notes = []
    opts = InstallOptions(index=base + "index.json", quantization="float32", progress=False)
    model = install(store, "tiny-ar-en", opts, notify=notes.append)
    assert notes == []
    m = model.manifest
    assert (m.name, m.checksum, m.origin) == ("tiny-ar-en", digest, base + "release.zip")
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )
    assert sorted(p.name for p in store.root.iterdir()) == ["tiny-ar-en"]


def test_checksum_mismatch_installs_nothing(http_root, store, opus_zip):
    root, base = http_root
    shutil.copyfile(opus_zip, root / "release.zip")
    write_index(root, [entry("tiny-ar-en", "release.zip", "0" * 64)])
    with pytest.raises(BitextError, match="checksum mismatch for .*release.zip.*nothing was installed"):
        install(store, "tiny-ar-en", InstallOptions(index=base + "index.json", progress=False))
    assert list(store.root.iterdir()) == []


def test_unpublished_checksum_is_computed_stored_and_warned(http_root, store, argos_package):
    root, base = http_root
    shutil.copyfile(argos_package, root / "pkg.argosmodel")
    write_index(root, [entry("tiny-argos", "pkg.argosmodel", None, family="argos")])
    notes = []
    model = install(
        store, "tiny-argos", InstallOptions(index=base + "index.json", progress=False), notify=notes.append
    )
    assert model.manifest.checksum == hashlib.sha256(argos_package.read_bytes()).hexdigest()
    assert model.manifest.family == "argos" and model.name == "tiny-argos"
    assert len(notes) == 1 and "not verified" in notes[0]


def test_install_from_a_url(http_root, store, opus_zip):
    root, base = http_root
    shutil.copyfile(opus_zip, root / "opus-ar-en.zip")
    notes = []
    model = install(store, base + "opus-ar-en.zip", InstallOptions(progress=False), notify=notes.append)
    assert model.name == "opus-mt-ar-en" and model.manifest.origin == base + "opus-ar-en.zip"
    assert "not verified" in notes[0]


def test_index_from_a_path_resolves_relative_urls(tmp_path, store, opus_zip):
    shutil.copyfile(opus_zip, tmp_path / "release.zip")
    write_index(
        tmp_path, [entry("local-ar-en", "release.zip", hashlib.sha256(opus_zip.read_bytes()).hexdigest())]
    )
    model = install(store, "local-ar-en", InstallOptions(index=str(tmp_path / "index.json")))
    assert model.name == "local-ar-en"


def test_http_error_is_one_line(http_root, store):
    root, base = http_root
    write_index(root, [entry("gone", "missing.zip")])
    with pytest.raises(
        BitextError, match=r"download of .*missing.zip failed \(HTTP 404\).*bitext models install PATH"
    ):
        install(store, "gone", InstallOptions(index=base + "index.json", progress=False))
    assert list(store.root.iterdir()) == []


def test_unknown_name(http_root, store):
    root, base = http_root
    write_index(root, [])
    with pytest.raises(BitextError, match="neither a file nor a model in the index"):
        install(store, "no-such-model", InstallOptions(index=base + "index.json"))


class _Truncating(http.server.BaseHTTPRequestHandler):
    """Announces more bytes than it sends, then hangs up (a dropped connection)."""

    payload = b""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload) + 100_000))
        self.end_headers()
        self.wfile.write(self.payload)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_truncated_download_installs_nothing(store, opus_zip):
    handler = type("H", (_Truncating,), {"payload": opus_zip.read_bytes()[:5000]})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/opus-ar-en.zip"
        with pytest.raises(BitextError, match="truncated"):
            install(store, url, InstallOptions(progress=False))
    finally:
        server.shutdown()
        server.server_close()
    assert list(store.root.iterdir()) == []


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_names_the_offline_route(tmp_path, store):
    write_index(
        tmp_path, [entry("opus-mt-ar-en", f"http://127.0.0.1:{closed_port()}/ar-en.zip", default=True)]
    )
    with pytest.raises(BitextError) as info:
        install(store, "opus-mt-ar-en", InstallOptions(index=str(tmp_path / "index.json"), progress=False))
    msg = str(info.value)
    assert (
        "download of" in msg and "failed" in msg and "bitext models install PATH" in msg and "\n" not in msg
    )


def test_shipped_index_lists_real_models():
    index = load_index()
    default = index.find("ar", "en")[0]
    assert default.name == "opus-mt-ar-en" and default.default
    assert default.url.startswith("https://object.pouta.csc.fi/OPUS-MT-models/ar-en/")
    assert {e.family for e in index.entries} >= {"marian", "argos"}
    assert all(e.url.startswith("https://") and e.target_langs == ["en"] for e in index.entries)
    assert all(e.sha256 is None or len(e.sha256) == 64 for e in index.entries)
    assert len({e.name for e in index.entries}) == len(index.entries)
