"""The review web app: one page of pairs, JSON endpoints that change them, downloads of approved pairs."""

from __future__ import annotations

import hmac
import math
import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from toolkit.review.export import EXTENSIONS, FORMATS, render
from toolkit.review.items import STATUSES, direction
from toolkit.review.store import SORTS, Query, ReviewError, ReviewStore

PAGE_SIZE = 200
TOKEN_HEADER = "X-Bitext-Token"
MAX_BODY = 4 * 1024 * 1024
CONFIDENCE_LIMITS = ("0.3", "0.5", "0.7", "0.9")
_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_NAMES = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def control_label(ch: str) -> str:
    """The short visible name of an invisible control character."""
    return _CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")


def visible(text: str) -> Markup:
    """Text escaped for HTML, with bidi and other invisible controls shown as small labels."""
    out, pos = [], 0
    for m in _CONTROLS.finditer(text):
        out.append(escape(text[pos : m.start()]))
        label = control_label(m.group(0))
        out.append(Markup('<span class="ctl" title="{0}">{0}</span>').format(label))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def confidence_class(value: float | None) -> str:
    """A CSS class from c0 (red, unsure) to c10 (green, sure), or `cnone`."""
    if value is None or math.isnan(value):
        return "cnone"
    return f"c{max(0, min(10, round(value * 10)))}"


def create_app(store: ReviewStore, token: str, allowed_hosts: set[str] | None = None) -> Flask:
    """A Flask app serving one review file; `allowed_hosts` (host:port) guards against DNS rebinding."""
    here = Path(__file__).parent
    app = Flask(__name__, template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY,
        ALLOWED_HOSTS=set(allowed_hosts or ()),
        REVIEW_TOKEN=token,
        JSON_SORT_KEYS=False,
    )
    app.jinja_env.filters["visible"] = visible
    app.jinja_env.globals.update(direction=direction, confidence_class=confidence_class)

    @app.before_request
    def guard() -> Response | None:
        """Refuse unknown Host headers, and state changes from other origins or without the token."""
        hosts = app.config["ALLOWED_HOSTS"]
        if hosts and request.host not in hosts:
            return _error("unknown Host header: open the address bitext review printed", 421)
        if request.method not in ("GET", "HEAD"):
            own = f"{request.scheme}://{request.host}"
            origin = request.headers.get("Origin")
            referer = request.headers.get("Referer")
            if origin is not None:
                if origin != own:
                    return _error("request from another origin refused", 403)
            elif referer is None or f"{urlsplit(referer).scheme}://{urlsplit(referer).netloc}" != own:
                return _error("request without a matching Origin or Referer refused", 403)
            sent = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(sent.encode(), app.config["REVIEW_TOKEN"].encode()):
                return _error("missing or wrong session token: reload the page", 403)
            if not request.is_json:
                return _error("expected a JSON body", 415)
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        """Security headers on every response; nothing is cached."""
        resp.headers["Content-Security-Policy"] = _CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.errorhandler(ReviewError)
    def review_error(exc: ReviewError):
        """A refused change as JSON: the message and the pair's current state."""
        body = {"error": str(exc), "item": exc.item.to_json() if exc.item else None}
        return jsonify(body), exc.status

    @app.get("/")
    def page():
        """The review page for the sort, filters and page number in the query string."""
        q = _query_from_args()
        items, total = store.query(q)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page_no = q.offset // PAGE_SIZE + 1
        args = {k: v for k, v in request.args.items() if k in ("sort", "status", "flag", "maxconf") and v}
        prev_url = url_for("page", **args, page=page_no - 1) if page_no > 1 else None
        next_url = url_for("page", **args, page=page_no + 1) if page_no < pages else None
        meta = store.meta()
        return render_template(
            "review.html",
            items=items,
            payload={"items": [it.to_json() for it in items], "counts": store.counts()},
            total=total,
            counts=store.counts(),
            flags=store.flag_names(),
            q=q,
            maxconf=request.args.get("maxconf", ""),
            sorts=SORTS,
            statuses=STATUSES,
            confidence_limits=CONFIDENCE_LIMITS,
            page_no=page_no,
            pages=pages,
            prev_url=prev_url,
            next_url=next_url,
            title=meta.get("input", store.path.name),
            review_file=store.path.name,
            token=app.config["REVIEW_TOKEN"],
            formats=list(FORMATS),
        )

    @app.get("/items/<int:item_id>")
    def item(item_id: int):
        """One pair as JSON."""
        return jsonify(store.get(item_id).to_json())

    @app.post("/items/<int:item_id>/status")
    def set_status(item_id: int):
        """Approve, reject, or return a pair to pending."""
        body = _body()
        status = body.get("status")
        if status not in STATUSES:
            return _error(f"status must be one of {', '.join(STATUSES)}", 400)
        return _changed(store.update(item_id, _int(body, "version"), status=status))

    @app.post("/items/<int:item_id>/target")
    def set_target(item_id: int):
        """Replace a pair's target text; optionally approve it in the same step."""
        body = _body()
        target = body.get("target")
        if not isinstance(target, str):
            return _error("target must be a string", 400)
        status = "approved" if body.get("approve") is True else None
        return _changed(store.update(item_id, _int(body, "version"), target=target, status=status))

    @app.post("/items/<int:item_id>/merge")
    def merge(item_id: int):
        """Merge a pair with the next pair of its document."""
        return _changed(store.merge_next(item_id, _int(_body(), "version")))

    @app.post("/items/<int:item_id>/split")
    def split(item_id: int):
        """Split a pair at a character offset on each side."""
        body = _body()
        first, second = store.split(
            item_id, _int(body, "version"), _int(body, "source_at"), _int(body, "target_at")
        )
        return _changed(first, second)

    @app.get("/export/<fmt>")
    def export(fmt: str):
        """The approved pairs as a download in one of FORMATS."""
        if fmt not in FORMATS:
            abort(404)
        data = render(store.all_items("approved"), fmt, store.languages())
        stem = re.sub(r"[^\w.-]+", "_", store.path.name.removesuffix(".sqlite"))
        resp = Response(data, mimetype=FORMATS[fmt])
        resp.headers["Content-Disposition"] = f'attachment; filename="{stem}.approved.{EXTENSIONS[fmt]}"'
        return resp

    def _changed(*items):
        """The JSON answer to a change: the changed pairs and the new status counts."""
        return jsonify({"items": [it.to_json() for it in items], "counts": store.counts()})

    return app


def _error(message: str, status: int) -> tuple[Response, int]:
    """A JSON error answer."""
    return jsonify({"error": message, "item": None}), status


def _body() -> dict:
    """The request's JSON object, or a 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ReviewError("expected a JSON object")
    return body


def _int(body: dict, key: str) -> int:
    """An integer field of the body, or a 400 naming it."""
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReviewError(f"'{key}' must be an integer")
    return value


def _query_from_args() -> Query:
    """The Query for the page's query string; unknown values fall back to the defaults."""
    args = request.args
    sort = args.get("sort", "worst")
    status = args.get("status", "")
    try:
        maxconf = float(args["maxconf"]) if args.get("maxconf") else None
    except ValueError:
        maxconf = None
    try:
        page_no = max(1, int(args.get("page", "1")))
    except ValueError:
        page_no = 1
    return Query(
        sort=sort if sort in SORTS else "worst",
        status=status if status in STATUSES else "",
        flag=args.get("flag", "")[:100],
        max_confidence=maxconf if maxconf is not None and math.isfinite(maxconf) else None,
        offset=(page_no - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
