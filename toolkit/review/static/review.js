// bitext review: keyboard-first review of pairs. Data reaches the DOM only as text (textContent / value).
"use strict";
(function () {
  const CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f]/g;
  const NAMES = { "\u061c": "ALM", "\u200e": "LRM", "\u200f": "RLM", "\u202a": "LRE", "\u202b": "RLE",
    "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI" };
  const SENTENCE_END = /[.!?\u061f\u06d4\u3002\u2026]+["'\u201d\u2019\u00bb)\]]*\s+/g;
  const token = document.querySelector('meta[name="bitext-token"]').content;
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const items = new Map(data.items.map((it) => [String(it.id), it]));
  const rows = () => Array.from(document.querySelectorAll("article.pair"));
  let current = null;      // the focused row
  let mode = null;         // null, or {kind: "edit"|"split", row, ...}
  let queue = Promise.resolve();  // keyboard actions and saves, run in order
  let leaving = false;     // a reload is on its way: keys still queued do nothing

  function controlName(ch) {
    return NAMES[ch] || "U+" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  }

  // Fill an element with text, showing invisible controls as small labels; never parses markup.
  function fillText(el, text) {
    el.replaceChildren();
    let pos = 0;
    for (const m of text.matchAll(CONTROLS)) {
      if (m.index > pos) el.append(document.createTextNode(text.slice(pos, m.index)));
      const span = document.createElement("span");
      span.className = "ctl";
      span.textContent = span.title = controlName(m[0]);
      el.append(span);
      pos = m.index + m[0].length;
    }
    if (pos < text.length) el.append(document.createTextNode(text.slice(pos)));
  }

  function confidenceClass(c) {
    return c === null || c === undefined ? "cnone" : "c" + Math.max(0, Math.min(10, Math.round(c * 10)));
  }

  function renderRow(row, it) {
    items.set(String(it.id), it);
    row.className = row.className.replace(/\bstatus-\w+/, "status-" + it.status);
    fillText(row.querySelector(".src"), it.source);
    fillText(row.querySelector(".tgt"), it.target);
    row.querySelector(".status").textContent = it.status;
    const conf = row.querySelector(".conf");
    conf.className = "conf " + confidenceClass(it.confidence);
    conf.textContent = it.confidence === null ? "\u2013" : it.confidence.toFixed(2);
    const flags = row.querySelector(".flags");
    flags.replaceChildren(...it.flags.map((f) => { const li = document.createElement("li"); li.textContent = f; return li; }));
  }

  function renderCounts(c) {
    for (const k of ["approved", "rejected", "pending", "total"]) document.getElementById("n-" + k).textContent = c[k];
    const total = Math.max(1, c.total);
    document.getElementById("bar-approved").style.width = (100 * c.approved / total) + "%";
    document.getElementById("bar-rejected").style.width = (100 * c.rejected / total) + "%";
  }

  let messageTimer = null;
  function say(text, isError) {
    const box = document.getElementById("message");
    box.textContent = text;
    box.className = "message" + (isError ? " error" : "");
    box.setAttribute("role", isError ? "alert" : "status");
    box.hidden = false;
    clearTimeout(messageTimer);
    if (!isError) messageTimer = setTimeout(() => { box.hidden = true; }, 1500);
  }

  async function post(path, body) {
    let resp;
    try {
      resp = await fetch(path, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", "X-Bitext-Token": token },
        body: JSON.stringify(body),
      });
    } catch (err) {
      say("Not saved: the review server cannot be reached (is `bitext review` still running?)", true);
      return null;
    }
    let answer = {};
    try { answer = await resp.json(); } catch (err) { answer = { error: "unexpected answer (" + resp.status + ")" }; }
    if (resp.ok) return answer;
    if (answer.item) {
      const row = document.getElementById("i" + answer.item.id);
      if (row) renderRow(row, answer.item);
    }
    const prefix = resp.status === 409 ? "Not saved (conflict): " : "Not saved: ";
    say(prefix + (answer.error || "error " + resp.status), true);
    return null;
  }

  function focusRow(row, scroll = true) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    row.focus({ preventScroll: true });
    if (scroll) row.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", location.pathname + location.search + "#" + row.id);
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const i = current ? all.indexOf(current) : -1;
    const j = i + step;
    if (j >= all.length) { const next = document.getElementById("next-page"); if (next) location.href = next.href; return; }
    if (j < 0) { const prev = document.getElementById("prev-page"); if (prev && i === 0) location.href = prev.href; return; }
    focusRow(all[j]);
  }

  function itemOf(row) { return items.get(row.dataset.id); }

  async function setStatus(row, status) {
    const it = itemOf(row);
    row.classList.add("busy");
    const answer = await post(`/items/${it.id}/status`, { version: it.version, status });
    row.classList.remove("busy");
    if (!answer) return;
    renderRow(row, answer.items[0]);
    renderCounts(answer.counts);
    say(status === "pending" ? "Back to pending" : status === "approved" ? "Approved" : "Rejected", false);
    if (status !== "pending" && row === current) move(1);
  }

  function textarea(row, side, value, it) {
    const ta = document.createElement("textarea");
    ta.className = "editor";
    ta.value = value;
    ta.lang = side === "src" ? it.source_lang : it.target_lang;
    ta.dir = row.querySelector("." + side).getAttribute("dir") || "auto";
    ta.spellcheck = side === "tgt";
    ta.rows = Math.min(12, Math.max(3, Math.ceil(value.length / 70) + 1));
    return ta;
  }

  function startEdit(row) {
    const it = itemOf(row);
    const cell = row.querySelector(".tgt");
    const ta = textarea(row, "tgt", it.target, it);
    cell.replaceChildren(ta);
    cell.style.maxHeight = "none";
    mode = { kind: "edit", row, ta };
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
  }

  function endMode() {
    if (!mode) return;
    const { row } = mode;
    mode = null;
    for (const cell of row.querySelectorAll(".side")) cell.style.maxHeight = "";
    row.querySelector(".hint")?.remove();
    renderRow(row, itemOf(row));
    row.focus({ preventScroll: true });
  }

  async function saveEdit(approve) {
    if (!mode) return;
    const { row, ta } = mode;
    const it = itemOf(row);
    const body = { version: it.version, target: ta.value };
    if (approve) body.approve = true;
    const answer = await post(`/items/${it.id}/target`, body);
    if (!answer) { endMode(); return; }
    items.set(String(it.id), answer.items[0]);
    endMode();
    renderCounts(answer.counts);
    say(approve ? "Saved and approved" : "Saved", false);
    if (approve) move(1);
  }

  // The sentence boundary nearest the middle of a text; the end when there is none.
  function bestCut(text) {
    let best = text.length, bestDist = Infinity;
    for (const m of text.matchAll(SENTENCE_END)) {
      const at = m.index + m[0].length;
      if (at >= text.length) continue;
      const d = Math.abs(at - text.length / 2);
      if (d < bestDist) { best = at; bestDist = d; }
    }
    return best;
  }

  function startSplit(row) {
    const it = itemOf(row);
    const tas = {};
    for (const side of ["src", "tgt"]) {
      const cell = row.querySelector("." + side);
      const ta = textarea(row, side, side === "src" ? it.source : it.target, it);
      // Editable so that the caret shows, but every change is refused: a split only moves the caret.
      ta.addEventListener("beforeinput", (ev) => ev.preventDefault());
      ta.classList.add("splitting");
      ta.setAttribute("aria-label", (side === "src" ? "source" : "target") + ": place the caret where to split");
      cell.replaceChildren(ta);
      cell.style.maxHeight = "none";
      const at = bestCut(ta.value);
      ta.setSelectionRange(at, at);
      tas[side] = ta;
    }
    const hint = document.createElement("div");
    hint.className = "hint";
    row.append(hint);
    mode = { kind: "split", row, tas, hint };
    showCut();
    tas.src.focus();
  }

  // Tell where each side will be cut, as the caret moves (the quoted text isolated in its own direction).
  function showCut() {
    if (!mode || mode.kind !== "split") return;
    const parts = ["Split: cut the source "];
    const tail = (ta) => {
      const before = ta.value.slice(0, ta.selectionStart);
      if (!before.trim()) return ["at the start (all of it goes to the second pair)"];
      if (ta.selectionStart >= ta.value.length) return ["at the end (all of it stays in the first pair)"];
      const quote = document.createElement("bdi");
      quote.textContent = "\u2026" + before.slice(-30);
      return ["after \u201c", quote, "\u201d"];
    };
    parts.push(...tail(mode.tas.src), " and the target ", ...tail(mode.tas.tgt),
      ". Move the caret to change it (Tab: other side); Enter splits, Esc cancels.");
    mode.hint.replaceChildren(...parts);
  }
  document.addEventListener("selectionchange", showCut);

  // Offsets in code points, as the server counts them.
  const codePoints = (text, at) => Array.from(text.slice(0, at)).length;

  async function saveSplit() {
    if (!mode) return;
    const { row, tas } = mode;
    const it = itemOf(row);
    const body = {
      version: it.version,
      source_at: codePoints(tas.src.value, tas.src.selectionStart),
      target_at: codePoints(tas.tgt.value, tas.tgt.selectionStart),
    };
    const answer = await post(`/items/${it.id}/split`, body);
    if (!answer) { endMode(); return; }
    reloadAt(answer.items[0].id, "Split");
  }

  async function merge(row) {
    const it = itemOf(row);
    row.classList.add("busy");
    const answer = await post(`/items/${it.id}/merge`, { version: it.version });
    row.classList.remove("busy");
    if (!answer) return;
    reloadAt(answer.items[0].id, "Merged");
  }

  function reloadAt(id, what) {
    leaving = true;
    sessionStorage.setItem("bitext-message", what);
    location.replace(location.pathname + location.search + "#i" + id);
    location.reload();
  }

  function act(row, action) {
    if (!row || mode) return;
    focusRow(row, false);
    if (action === "approve") return setStatus(row, "approved");
    if (action === "reject") return setStatus(row, "rejected");
    if (action === "pending") return setStatus(row, "pending");
    if (action === "edit") return startEdit(row);
    if (action === "merge") return merge(row);
    if (action === "split") return startSplit(row);
  }

  document.addEventListener("keydown", (ev) => {
    const saving = mode && mode.saving;
    if (mode && !saving) {
      if (ev.key === "Escape") { ev.preventDefault(); endMode(); return; }
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        // From here the text is read-only; keys typed before the answer comes wait for it in the queue.
        mode.saving = true;
        for (const ta of mode.row.querySelectorAll("textarea")) ta.readOnly = true;
        const save = mode.kind === "edit" ? saveEdit.bind(null, ev.ctrlKey || ev.metaKey) : saveSplit;
        queue = queue.then(save).catch((err) => say("Error: " + err, true));
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    const tag = (ev.target.tagName || "").toLowerCase();
    if (!saving && (tag === "select" || tag === "input" || tag === "textarea")) return;
    const keys = { j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
      a: () => act(current, "approve"), r: () => act(current, "reject"), u: () => act(current, "pending"),
      e: () => act(current, "edit"), m: () => act(current, "merge"), s: () => act(current, "split") };
    const fn = keys[ev.key];
    if (!fn) return;
    ev.preventDefault();
    // Keys run one after another: "a a" approves two pairs, even while the first answer is on its way.
    queue = queue.then(async () => {
      if (mode || leaving) return;
      if (!current) focusRow(rows()[0]);
      await fn();
    }).catch((err) => say("Error: " + err, true));
  });

  document.getElementById("pairs").addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-act]");
    const row = ev.target.closest("article.pair");
    if (!row) return;
    if (button) act(row, button.dataset.act);
    else if (!mode) focusRow(row, false);
  });

  const form = document.getElementById("filters");
  for (const select of form.querySelectorAll("select")) select.addEventListener("change", () => form.submit());

  renderCounts(data.counts);
  const start = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  focusRow(start && start.matches("article.pair") ? start : rows()[0]);
  const pending = sessionStorage.getItem("bitext-message");
  if (pending) { sessionStorage.removeItem("bitext-message"); say(pending, false); }
})();
