"""The HTML report opens in headless Chromium (Debian `chromium` + `chromium-driver`, driven by selenium):
every table is there, every embedded plot decodes, and the browser logs no error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main


def _browser():
    """A headless Chromium driven through the system chromedriver (no driver download)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    if not driver_path or not chromium:
        pytest.fail(
            "needs Debian packages chromium and chromium-driver: apt-get install -y chromium chromium-driver"
        )
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=opts)


@pytest.fixture(scope="module")
def reports(tmp_path_factory, wmt) -> dict[str, Path]:
    """A compare report (3 systems, with sources and document ids) and a score report (1 system)."""
    d = tmp_path_factory.mktemp("html")
    n = 240

    def head(src: Path, name: str) -> str:
        (d / name).write_text(
            "\n".join(src.read_text(encoding="utf-8").split("\n")[:n]) + "\n", encoding="utf-8"
        )
        return str(d / name)

    ref = head(wmt.ref("de-en", "A"), "ref.en")
    src = head(wmt.root / "de-en/sources/generaltest2022.de-en.src.de", "src.de")
    hyps = [head(wmt.hyp("de-en", s), f"{s}.en") for s in ("Online-B", "LT22", "PROMT")]
    (d / "docs.tsv").write_text("".join(f"doc{i // 30:02d}\n" for i in range(n)), encoding="utf-8")
    out = {"compare": d / "compare.html", "score": d / "score.html"}
    common = ["-r", ref, "-s", src, "--doc-ids", str(d / "docs.tsv"), "--no-cache", "-f", "html"]
    res = CliRunner().invoke(
        main, ["eval", "compare", *hyps, *common, "-n", "300", "-o", str(out["compare"])]
    )
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(
        main, ["eval", "score", hyps[0], *common, "-m", "bleu,chrf", "-o", str(out["score"])]
    )
    assert res.exit_code == 0, res.output
    return out


def test_reports_are_self_contained(reports):
    for path in reports.values():
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "http://" not in text and "https://" not in text
        assert text.count("data:image/png;base64,") >= 3


def test_reports_open_in_headless_chromium(reports):
    driver = _browser()
    try:
        driver.get(reports["compare"].as_uri())
        ids = [
            "scores",
            "ranking-bleu",
            "ranking-chrf",
            "segment-stats",
            "length-buckets",
            "documents",
            "diff-segments",
            "signatures",
        ]
        for tid in ids:
            rows = driver.execute_script(f"return document.querySelectorAll('#{tid} tbody tr').length")
            assert rows > 0, tid
        assert driver.execute_script("return document.querySelectorAll('#scores tbody tr').length") == 3
        assert driver.execute_script("return document.querySelectorAll('#documents tbody tr').length") == 8
        assert (
            driver.execute_script("return document.querySelectorAll('#diff-segments tbody tr').length") == 20
        )
        broken = driver.execute_script(
            "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
        )
        assert broken == 0 and driver.execute_script("return document.images.length") >= 6
        assert "Baseline" in driver.title or "comparison" in driver.title.lower()
        driver.get(reports["score"].as_uri())
        assert driver.execute_script("return document.querySelectorAll('#scores tbody tr').length") == 1
        assert driver.execute_script("return document.querySelectorAll('#diff-segments').length") == 0
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()
