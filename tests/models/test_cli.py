"""`bitext models install | list | info | remove | available` through click's runner and a real subprocess."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from toolkit.cli import main


def run(*args, root):
    """Invoke `bitext --models-dir root ARGS`; return the result."""
    return CliRunner().invoke(main, ["--models-dir", str(root), *map(str, args)])


def test_install_list_info_remove(tmp_path, opus_zip, argos_package):
    root = tmp_path / "store"
    r = run("models", "install", opus_zip, root=root)
    assert r.exit_code == 0, r.output
    assert "installed opus-mt-ar-en (ar→en, marian)" in r.stdout
    assert run("models", "install", argos_package, "--name", "argos-tiny", root=root).exit_code == 0

    r = run("models", "list", root=root)
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAME", "LANGUAGES", "FAMILY"]
    assert [line.split()[0] for line in lines[1:]] == ["argos-tiny", "opus-mt-ar-en"]
    listed = json.loads(run("models", "list", "--json", root=root).stdout)
    assert [m["name"] for m in listed] == ["argos-tiny", "opus-mt-ar-en"]

    info = json.loads(run("models", "info", "opus-mt-ar-en", "--json", root=root).stdout)
    assert info["checksum"] == hashlib.sha256(opus_zip.read_bytes()).hexdigest()
    assert info["family"] == "marian" and info["size_bytes"] > 0
    assert "checksum:" in run("models", "info", "opus-mt-ar-en", root=root).stdout

    r = run("models", "remove", "opus-mt-ar-en", root=root)
    assert r.exit_code == 0 and "removed opus-mt-ar-en" in r.stdout
    assert sorted(p.name for p in root.iterdir()) == ["argos-tiny"]


def test_errors_are_one_line_with_a_nonzero_exit(tmp_path, opus_zip):
    root = tmp_path / "store"
    for args in (
        ("models", "remove", "nope"),
        ("models", "info", "nope"),
        ("models", "install", tmp_path / "nope.zip"),
    ):
        r = run(*args, root=root)
        assert r.exit_code != 0
        assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
        assert "Traceback" not in r.output
    run("models", "install", opus_zip, root=root)
    r = run("models", "install", opus_zip, root=root)
    assert r.exit_code != 0 and "--force" in r.stderr
    assert run("models", "install", opus_zip, "--force", root=root).exit_code == 0


def test_remove_checks_every_name_first(tmp_path, opus_zip):
    root = tmp_path / "store"
    run("models", "install", opus_zip, root=root)
    r = run("models", "remove", "opus-mt-ar-en", "nope", root=root)
    assert r.exit_code != 0 and (root / "opus-mt-ar-en").is_dir()


def test_available_and_default_install_from_an_index(tmp_path, opus_zip):
    shutil.copyfile(opus_zip, tmp_path / "release.zip")
    index = tmp_path / "index.json"
    digest = hashlib.sha256(opus_zip.read_bytes()).hexdigest()
    index.write_text(json.dumps({"models": [
        {"name": "tiny-ar-en", "source_langs": ["ar"], "target_langs": ["en"], "family": "marian",
         "url": "release.zip", "sha256": digest, "default": True},
        {"name": "tiny-fr-en", "source_langs": ["fr"], "target_langs": ["en"], "family": "marian",
         "url": "fr.zip", "sha256": None},
    ]}))  # fmt: skip
    root = tmp_path / "store"
    r = run("models", "available", "--index", index, "-s", "ar", root=root)
    assert r.exit_code == 0 and "tiny-ar-en *" in r.stdout and "tiny-fr-en" not in r.stdout
    assert len(json.loads(run("models", "available", "--index", index, "--json", root=root).stdout)) == 2
    r = run("models", "install", "-s", "ar", "-t", "en", "--index", index, root=root)
    assert r.exit_code == 0, r.output
    assert (root / "tiny-ar-en" / "manifest.json").is_file()


def test_shipped_index_default_download_fails_offline_in_one_line(tmp_path):
    """The real console script, no network: one line saying the download failed and how to install from a file."""
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    unreachable = tmp_path / "index.json"
    unreachable.write_text(json.dumps({"models": [{"name": "opus-mt-ar-en", "source_langs": ["ar"],
        "target_langs": ["en"], "family": "marian", "url": f"http://127.0.0.1:{port}/opus-2019-12-18.zip"}]}))  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "--models-dir", str(tmp_path / "store"), "models", "install",
         "opus-mt-ar-en", "--index", str(unreachable)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("Error: download of")
    assert "bitext models install PATH" in proc.stderr
    assert not any((tmp_path / "store").iterdir())


def test_install_an_archive_from_stdin(tmp_path, argos_package):
    root = tmp_path / "store"
    r = CliRunner().invoke(
        main, ["--models-dir", str(root), "models", "install", "-"], input=argos_package.read_bytes()
    )
    assert r.exit_code == 0, r.output
    info = json.loads(run("models", "info", "argos-ar-en", "--json", root=root).stdout)
    assert (
        info["origin"] == "-" and info["checksum"] == hashlib.sha256(argos_package.read_bytes()).hexdigest()
    )
    r = CliRunner().invoke(
        main, ["--models-dir", str(root), "models", "install", "-", "--name", "x"], input=b""
    )
    assert r.exit_code != 0 and "standard input is empty" in r.stderr
