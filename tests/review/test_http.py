"""The server over real HTTP: the page escapes hostile text, and refuses foreign, token-less or stale writes."""

from __future__ import annotations

import requests

from toolkit.review.reviewfile import open_review


def _post(server, path, body, *, token=True, origin="own", host=None):
    """POST JSON to the server as a page of `origin` would."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Bitext-Token"] = server.token
    if origin == "own":
        headers["Origin"] = server.url.rstrip("/")
    elif origin:
        headers["Origin"] = origin
    if host:
        headers["Host"] = host
    return requests.post(server.url + path.lstrip("/"), json=body, headers=headers, timeout=10)


def test_page_shows_hostile_text_as_text(hostile_jsonl, serve):
    server = serve(open_review([hostile_jsonl]).store)
    resp = requests.get(server.url, timeout=10)
    assert resp.status_code == 200
    html = resp.text
    assert "<script>window.__pwned" not in html and 'onerror="window' not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert '<span class="ctl" title="RLO">RLO</span>' in html
    assert "</textarea><script>x()" not in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert 'lang="ar" dir="rtl"' in html and 'lang="en" dir="ltr"' in html


def test_writes_need_token_and_own_origin(kim_review, serve):
    server = serve(kim_review)
    item = kim_review.all_items()[0]
    body = {"version": item.version, "status": "approved"}
    assert _post(server, f"/items/{item.id}/status", body, token=False).status_code == 403
    assert _post(server, f"/items/{item.id}/status", body, origin="http://evil.example").status_code == 403
    assert (
        _post(server, f"/items/{item.id}/status", body, origin=None).status_code == 403
    )  # no Origin, no Referer
    wrong = {"Content-Type": "application/json", "X-Bitext-Token": "x" * 43, "Origin": server.url.rstrip("/")}
    assert (
        requests.post(f"{server.url}items/{item.id}/status", json=body, headers=wrong, timeout=10).status_code
        == 403
    )
    form = requests.post(
        f"{server.url}items/{item.id}/status",
        data={"version": "1", "status": "approved"},
        headers={"X-Bitext-Token": server.token, "Origin": server.url.rstrip("/")},
        timeout=10,
    )
    assert form.status_code == 415
    assert kim_review.get(item.id).status == "pending"  # nothing above changed it
    ok = _post(server, f"/items/{item.id}/status", body)
    assert ok.status_code == 200 and ok.json()["counts"]["approved"] == 1
    assert kim_review.get(item.id).status == "approved"


def test_dns_rebinding_host_is_refused(kim_review, serve):
    server = serve(kim_review)
    port = server.url.rsplit(":", 1)[1].strip("/")
    resp = requests.get(server.url, headers={"Host": f"attacker.example:{port}"}, timeout=10)
    assert resp.status_code == 421 and "bitext-token" not in resp.text
    assert requests.get(server.url.replace("127.0.0.1", "localhost"), timeout=10).status_code == 200


def test_no_path_from_the_browser_reaches_the_file_system(kim_review, serve):
    server = serve(kim_review)
    for path in (
        "static/../../../../etc/passwd",
        "static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "static/%2e%2e/%2e%2e/review/store.py",
        "export/..%2f..%2fetc%2fpasswd",
        "export/../../etc/passwd",
        "items/..%2f1",
        "..%2f..%2fetc%2fpasswd",
    ):
        resp = requests.get(server.url + path, timeout=10)
        assert resp.status_code in (400, 404), path
        assert "root:" not in resp.text and "ReviewStore" not in resp.text
    assert requests.get(server.url + "static/review.js", timeout=10).status_code == 200


def test_stale_write_is_refused_with_the_current_pair(kim_review, serve):
    server = serve(kim_review)
    item = kim_review.all_items()[1]
    first = _post(server, f"/items/{item.id}/target", {"version": item.version, "target": "tab one"})
    assert first.status_code == 200
    second = _post(server, f"/items/{item.id}/target", {"version": item.version, "target": "tab two"})
    assert second.status_code == 409
    answer = second.json()
    assert "changed elsewhere" in answer["error"] and answer["item"]["target"] == "tab one"
    assert kim_review.get(item.id).target == "tab one"


def test_bad_bodies_are_400_not_500(kim_review, serve):
    server = serve(kim_review)
    item = kim_review.all_items()[0]
    url = f"/items/{item.id}/"
    assert _post(server, url + "status", {"version": "1", "status": "approved"}).status_code == 400
    assert _post(server, url + "status", {"version": item.version, "status": "done"}).status_code == 400
    assert (
        _post(
            server, url + "split", {"version": item.version, "source_at": 10**9, "target_at": 0}
        ).status_code
        == 400
    )
    assert _post(server, url + "target", {"version": item.version, "target": ["x"]}).status_code == 400
    assert _post(server, "/items/999999/status", {"version": 1, "status": "approved"}).status_code == 404
    assert _post(server, url + "status", [1, 2]).status_code == 400


def test_export_download_has_only_approved_pairs(kim_review, serve):
    import io

    from translate.storage.tmx import tmxfile

    server = serve(kim_review)
    for item in kim_review.all_items()[:2]:
        kim_review.update(item.id, item.version, status="approved")
    resp = requests.get(server.url + "export/tmx", timeout=10)
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    assert len(tmxfile(io.BytesIO(resp.content)).units) == 2
    assert requests.get(server.url + "export/docx", timeout=10).status_code == 404


def test_long_inputs_are_paged(tmp_path, serve):
    import json

    path = tmp_path / "many.jsonl"
    recs = [
        {
            "src": f"جملة {i}",
            "tgt": f"sentence {i}",
            "score": (i % 100) / 100,
            "src_lang": "ar",
            "tgt_lang": "en",
        }
        for i in range(250)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    server = serve(open_review([path]).store)
    first = requests.get(server.url, params={"sort": "order"}, timeout=10).text
    assert first.count('<article class="pair') == 200 and 'id="next-page"' in first and "page 1 of 2" in first
    second = requests.get(server.url, params={"sort": "order", "page": "2"}, timeout=10).text
    assert second.count('<article class="pair') == 50 and 'id="prev-page"' in second
    assert "sentence 249" in second and "sort=order" in second.split('id="prev-page" href="')[1].split('"')[0]
    assert (
        requests.get(
            server.url, params={"page": "x", "maxconf": "nan", "sort": "'; DROP"}, timeout=10
        ).status_code
        == 200
    )
