"""End to end in headless Chromium: review the seed article's pairs by keyboard, conflicts, hostile text."""

from __future__ import annotations

import io

import requests
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from toolkit.review.reviewfile import open_review

WAIT_S = 10


def press(driver, *keys) -> None:
    """Type keys into whatever has focus, as a user would."""
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


def press_with(driver, modifier, key) -> None:
    """Press `key` while holding `modifier` (e.g. Ctrl+Enter)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()


def wait(driver, condition, message: str):
    """Wait until `condition()` is truthy (a DB state or a DOM state), failing with `message`."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(lambda _d: condition(), message)


def current_id(driver) -> int | None:
    """The id of the row that has the keyboard focus."""
    got = driver.execute_script(
        "const r = document.querySelector('article.current'); return r && r.dataset.id;"
    )
    return int(got) if got else None


def row_ids(driver) -> list[int]:
    """The ids of the rows on the page, top to bottom."""
    return [
        int(x)
        for x in driver.execute_script(
            "return [...document.querySelectorAll('article.pair')].map(r => r.dataset.id);"
        )
    ]


def console_errors(driver) -> list[str]:
    """Errors the page logged to the console (a script refused by CSP, a failed request, an exception)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def load(driver, url: str) -> None:
    """Open a page and wait for its script to focus a row."""
    driver.get(url)
    wait(
        driver,
        lambda: driver.execute_script("return !!document.querySelector('article.current')"),
        "no row focused",
    )


def test_review_the_seed_article_by_keyboard(browser, kim_review, serve, tmp_path):
    store = kim_review
    server = serve(store)
    by_seq = {it.seq: it for it in store.all_items()}
    load(browser, server.url)

    # Worst first; Arabic right-to-left, English left-to-right; confidence as colour and number; keys listed.
    confidences = browser.execute_script(
        "return [...document.querySelectorAll('.conf')].map(e => e.textContent);"
    )
    assert confidences == sorted(confidences) and confidences[0] == "0.31"
    first = browser.find_element("css selector", "article.pair")
    assert first.find_element("css selector", ".src").get_attribute("dir") == "rtl"
    assert first.find_element("css selector", ".src").get_attribute("lang") == "ar"
    assert first.find_element("css selector", ".tgt").get_attribute("dir") == "ltr"
    assert first.find_element("css selector", ".tgt").get_attribute("lang") == "en"
    assert "c3" in first.find_element("css selector", ".conf").get_attribute("class")
    keys = browser.find_element("css selector", "footer.keys").text
    for words in ("next / previous", "approve", "reject", "edit", "merge with next", "split"):
        assert words in keys
    ids = row_ids(browser)

    # a approves and moves on; j, r, k, u.
    press(browser, "a")
    wait(browser, lambda: store.get(ids[0]).status == "approved", "a did not approve")
    wait(browser, lambda: current_id(browser) == ids[1], "a did not move to the next pair")
    press(browser, "j", "r")
    wait(browser, lambda: store.get(ids[2]).status == "rejected", "r did not reject")
    wait(browser, lambda: current_id(browser) == ids[3], "r did not move on")
    press(browser, "k", "u")
    wait(browser, lambda: store.get(ids[2]).status == "pending", "u did not reset the status")

    # e edits the target: Enter saves; Ctrl+Enter saves and approves.
    from selenium.webdriver.common.keys import Keys

    press(browser, "e")
    editor = wait(
        browser,
        lambda: (
            browser.switch_to.active_element
            if browser.switch_to.active_element.tag_name == "textarea"
            else None
        ),
        "e opened no editor",
    )
    assert editor.get_attribute("dir") == "ltr"
    press_with(browser, Keys.CONTROL, "a")
    press(browser, "The Vostochny summit", Keys.ENTER)
    wait(browser, lambda: store.get(ids[2]).target == "The Vostochny summit", "Enter did not save the edit")
    wait(
        browser,
        lambda: "The Vostochny summit" in browser.find_element("id", f"i{ids[2]}").text,
        "edit not shown",
    )
    press(browser, "j", "e", " (checked)")
    press_with(browser, Keys.CONTROL, Keys.ENTER)
    wait(browser, lambda: store.get(ids[3]).status == "approved", "Ctrl+Enter did not approve")
    assert store.get(ids[3]).target.endswith(" (checked)")

    # m merges the 1-2 bead (#3) with the next pair (#4), in document order.
    three, four = by_seq[3], by_seq[4]
    load(browser, f"{server.url}?sort=order#i{three.id}")
    assert current_id(browser) == three.id
    press(browser, "m")
    wait(browser, lambda: len(store.all_items()) == 11, "m did not merge")
    merged = store.get(three.id)
    assert (
        merged.target == f"{three.target} {four.target}" and merged.source == f"{three.source} {four.source}"
    )
    wait(
        browser, lambda: current_id(browser) == three.id and len(row_ids(browser)) == 11, "page not reloaded"
    )

    # s splits it again: the caret starts at a sentence boundary; here the target's is moved by the user.
    press(browser, "s")
    wait(
        browser,
        lambda: len(browser.find_elements("css selector", "textarea.splitting")) == 2,
        "s opened no split",
    )
    src_caret = browser.execute_script("return document.querySelector('.src textarea').selectionStart;")
    assert src_caret == len(three.source) + 1  # the boundary after the first Arabic sentence
    press(browser, Keys.TAB)
    browser.execute_script(
        "const t = document.querySelector('.tgt textarea'); t.setSelectionRange(arguments[0], arguments[0]);",
        len(three.target) + 1,
    )
    press(browser, Keys.ENTER)
    wait(browser, lambda: len(store.all_items()) == 12, "s did not split")
    halves = [it for it in store.all_items() if it.seq in (3, 4)]
    assert [(h.source, h.target) for h in halves] == [
        (three.source, three.target),
        (four.source, four.target),
    ]
    wait(browser, lambda: len(row_ids(browser)) == 12, "page not reloaded after split")
    press(browser, "a", "a")
    wait(browser, lambda: all(store.get(h.id).status == "approved" for h in halves), "halves not approved")

    # Reload: everything was saved.
    load(browser, server.url)
    page = browser.find_element("id", "pairs").text
    assert "The Vostochny summit" in page and "(checked)" in page
    assert browser.find_element("id", "n-approved").text == "3"  # #4 was approved, then merged
    assert "status-rejected" not in browser.page_source
    shot = tmp_path / "review-page.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")

    # Export what was approved; read it back with translate-toolkit.
    approved = store.all_items("approved")
    assert len(approved) == 3
    tmx = requests.get(server.url + "export/tmx", timeout=10)
    units = tmxfile(io.BytesIO(tmx.content)).units
    assert [(u.source, u.target) for u in units] == [(a.source, a.target) for a in approved]
    xliff = requests.get(server.url + "export/xliff", timeout=10)
    units = xlifffile.parsestring(xliff.content).units
    assert [(u.source, u.target) for u in units] == [(a.source, a.target) for a in approved]
    assert console_errors(browser) == []


def test_two_tabs_a_stale_write_is_refused_visibly(browser, kim_review, serve):
    server = serve(kim_review)
    load(browser, server.url)
    first_tab = browser.current_window_handle
    target_id = current_id(browser)
    browser.switch_to.new_window("tab")
    try:
        load(browser, server.url)
        assert current_id(browser) == target_id
        from selenium.webdriver.common.keys import Keys

        press(browser, "e")
        wait(browser, lambda: browser.switch_to.active_element.tag_name == "textarea", "no editor")
        press(browser, " [second tab]", Keys.ENTER)
        wait(
            browser, lambda: kim_review.get(target_id).target.endswith("[second tab]"), "second tab not saved"
        )
    finally:
        browser.close()
        browser.switch_to.window(first_tab)
    press(browser, "a")
    message = browser.find_element("id", "message")
    wait(
        browser, lambda: message.is_displayed() and "conflict" in message.text, "no visible conflict message"
    )
    assert "another tab" in message.text
    assert kim_review.get(target_id).status == "pending"  # the stale approve was refused...
    row = browser.find_element("id", f"i{target_id}")
    assert row.find_element("css selector", ".tgt").text.endswith(
        "[second tab]"
    )  # ...and the latest text shown
    press(browser, "a")  # now at the current version: accepted
    wait(browser, lambda: kim_review.get(target_id).status == "approved", "approve after conflict failed")
    errors = console_errors(browser)
    assert len(errors) == 1 and "409" in errors[0]  # the refused write, and nothing else


def test_keys_typed_while_a_save_is_on_its_way_wait_for_it(browser, kim_review, serve):
    """A reviewer types ahead of a slow server: Enter, then `a j e` before the answer; none is lost."""
    from selenium.webdriver.common.keys import Keys

    server = serve(kim_review)
    load(browser, server.url)
    ids = row_ids(browser)
    press(browser, "e")
    wait(browser, lambda: browser.switch_to.active_element.tag_name == "textarea", "no editor")
    browser.set_network_conditions(latency=600, download_throughput=1 << 20, upload_throughput=1 << 20)
    try:
        press(browser, " [slow]", Keys.ENTER, "a", "j", "e")
        assert kim_review.get(ids[0]).status == "pending"  # the keys went out before the save came back
        wait(
            browser,
            lambda: (
                browser.execute_script(
                    "const t = document.activeElement; return t.tagName === 'TEXTAREA' && t.closest('article').id"
                )
                == f"i{ids[2]}"
            ),
            "the editor did not open two rows down",
        )
    finally:
        browser.delete_network_conditions()
    saved = kim_review.get(ids[0])
    assert saved.target.endswith(" [slow]") and saved.status == "approved"
    assert kim_review.get(ids[1]).status == "pending"
    assert console_errors(browser) == []


def test_hostile_text_is_shown_as_text_and_the_page_stays_usable(browser, hostile_jsonl, serve):
    store = open_review([hostile_jsonl]).store
    server = serve(store)
    load(browser, server.url)
    assert browser.execute_script("return window.__pwned === undefined && window.x === undefined;")
    assert (
        browser.execute_script("return document.querySelectorAll('main img, main b, main script').length;")
        == 0
    )
    rows = browser.find_elements("css selector", "article.pair")
    assert rows[0].find_element("css selector", ".tgt").text.startswith("<script>window.__pwned = 1</script>")
    labels = [e.text for e in rows[1].find_elements("css selector", ".tgt .ctl")]
    assert labels == ["RLO", "PDF", "RLI", "PDI", "RLM"]
    assert rows[2].size["height"] < 600  # the 100 KB line scrolls inside its box
    from selenium.webdriver.common.keys import Keys

    press(browser, "j", "j", "a")
    wait(
        browser,
        lambda: store.get(int(rows[2].get_attribute("data-id"))).status == "approved",
        "long row unusable",
    )
    press(browser, "e")  # the editor holds the hostile text as a value, never as markup
    wait(browser, lambda: browser.switch_to.active_element.tag_name == "textarea", "no editor")
    assert browser.switch_to.active_element.get_attribute("value") == store.all_items()[3].target
    press(browser, Keys.ESCAPE)
    assert (
        browser.execute_script(
            "return window.x === undefined && document.querySelectorAll('main script').length;"
        )
        == 0
    )


def test_new_user_flow_align_then_review_a_dozen_fixes(browser, serve, tmp_path):
    """The issue's "done means": `bitext align` on the corpus article, `bitext review`, a dozen keyboard fixes, TMX."""
    from pathlib import Path

    import pytest
    from click.testing import CliRunner
    from selenium.webdriver.common.keys import Keys

    from toolkit.cli import main

    corpus = Path(__file__).resolve().parents[2] / "corpora" / "alqahera"
    ar, en = corpus / "kim-vladivostok.ar.txt", corpus / "kim-vladivostok.ref.en.txt"
    if not (ar.is_file() and en.is_file()):
        pytest.skip("corpora/alqahera has no kim-vladivostok pair")
    pairs = tmp_path / "kim.align.jsonl"
    result = CliRunner().invoke(main, ["align", str(ar), str(en), "--format", "jsonl", "-o", str(pairs)])
    assert result.exit_code == 0, result.output
    store = open_review([pairs]).store
    server = serve(store)
    total = store.counts()["total"]
    load(browser, server.url)
    confidences = [
        float(x)
        for x in browser.execute_script(
            "return [...document.querySelectorAll('.conf')].map(e => e.textContent);"
        )
    ]
    assert confidences == sorted(confidences)
    assert (
        browser.execute_script(
            "return document.querySelector('.src').dir + document.querySelector('.tgt').dir"
        )
        == "rtlltr"
    )
    ids = row_ids(browser)

    press(browser, "a", "a", "r")  # 1-3
    wait(
        browser,
        lambda: [store.get(i).status for i in ids[:3]] == ["approved", "approved", "rejected"],
        "a a r",
    )
    press(browser, "e")  # 4: fix a target
    wait(browser, lambda: browser.switch_to.active_element.tag_name == "textarea", "no editor")
    press(browser, " [fixed]", Keys.ENTER)
    wait(browser, lambda: store.get(ids[3]).target.endswith(" [fixed]"), "edit not saved")
    press(browser, "a", "j", "e")  # 5: approve; 6: skip one; 7: edit and approve
    wait(browser, lambda: browser.switch_to.active_element.tag_name == "textarea", "no editor")
    press(browser, " [fixed too]")
    press_with(browser, Keys.CONTROL, Keys.ENTER)
    wait(
        browser,
        lambda: store.get(ids[5]).status == "approved" and store.get(ids[5]).target.endswith("[fixed too]"),
        "Ctrl+Enter",
    )
    press(browser, "k", "u")  # 8: back up and return that one to pending
    wait(browser, lambda: store.get(ids[5]).status == "pending", "u")

    here = store.get(ids[5])  # 9: merge it with the next pair of the document
    following = next(it for it in store.all_items() if it.seq == here.seq + 1)
    # Approvals that survive the merge (`following` may be one of them: the merged pair is to review again).
    kept = {it.id for it in store.all_items("approved")} - {here.id, following.id}
    press(browser, "m")
    wait(browser, lambda: store.counts()["total"] == total - 1, "m did not merge")
    merged = store.get(here.id)
    assert (
        merged.source == f"{here.source} {following.source}"
        and merged.target == f"{here.target} {following.target}"
    )
    wait(
        browser,
        lambda: current_id(browser) == here.id and len(row_ids(browser)) == total - 1,
        "no reload after merge",
    )
    press(browser, "s")  # 10: split it back where it was joined
    wait(browser, lambda: len(browser.find_elements("css selector", "textarea.splitting")) == 2, "s")
    browser.execute_script(
        "const [s, t] = document.querySelectorAll('textarea.splitting');"
        "s.setSelectionRange(arguments[0], arguments[0]); t.setSelectionRange(arguments[1], arguments[1]);",
        len(here.source) + 1,
        len(here.target) + 1,
    )
    press(browser, Keys.ENTER)
    wait(browser, lambda: store.counts()["total"] == total, "s did not split")
    wait(
        browser,
        lambda: current_id(browser) == here.id and len(row_ids(browser)) == total,
        "no reload after split",
    )
    halves = [it for it in store.all_items() if it.seq in (here.seq, here.seq + 1)]
    assert [(h.source, h.target) for h in halves] == [
        (here.source, here.target),
        (following.source, following.target),
    ]
    press(browser, "a")  # 11: approve the first half; the page moves on in confidence order
    wait(browser, lambda: store.get(halves[0].id).status == "approved", "first half not approved")
    browser.find_element("css selector", f"#i{halves[1].id} .src").click()
    press(browser, "a")  # 12: and the second, found by a click
    wait(browser, lambda: store.get(halves[1].id).status == "approved", "second half not approved")
    assert {it.id for it in store.all_items("approved")} == kept | {h.id for h in halves}

    out = tmp_path / "approved.tmx"
    result = CliRunner().invoke(
        main, ["review", "export", str(store.path), "--format", "tmx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    units = tmxfile(out.open("rb")).units
    approved = store.all_items("approved")
    assert len(units) == len(kept) + 2 and [(u.source, u.target) for u in units] == [
        (a.source, a.target) for a in approved
    ]
    assert console_errors(browser) == []
