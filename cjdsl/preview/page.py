"""The HTML of ``cjdsl preview``: the page, its live part and diagnostics, all escaped.

Pure functions from a ``View`` (what the last run found) to text; the server
in ``preview`` serves them. Every value from the journey or the file system
passes through ``html.escape``; the only markup not built here is the SVG
from ``rendering``, which escapes its own text.

>>> print(code_spans("unknown touchpoint `<b>`"))
unknown touchpoint <code>&lt;b&gt;</code>
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import Final

from .. import i18n, reporting
from ..diagnostics import Diagnostic, Severity

__all__ = ["View", "code_spans", "content", "diagnostics", "page", "status"]

_BACKTICKS: Final = re.compile(r"`([^`]*)`")
_BACKGROUND: Final = re.compile(r'<polygon fill="(#[0-9a-fA-F]{3,8})"')
"""Graphviz paints the graph's background first: the figure around it takes that colour."""
_WIDTH: Final = re.compile(r'<svg width="([0-9.]+)pt"')


@dataclasses.dataclass(frozen=True, slots=True)
class View:
    """What the page shows after one run.

    ``diagrams`` maps a colour scheme (``light``/``dark``, or ``any``) to inline
    SVG; when the run failed they are the last good ones and ``stale`` is set.
    ``problem`` is a run that could not check or render at all (file missing,
    Graphviz failing).
    """

    version: int
    path: str
    title: str
    diagrams: tuple[tuple[str, str], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    stale: bool = False
    problem: str | None = None
    lang: str | None = None
    """The language of the page's own words (``i18n.LANGS``; ``None``: English)."""


def code_spans(text: str) -> str:
    """Escape ``text`` and show its backticked parts as code."""
    return _BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(text, quote=False))


def _snippet(d: Diagnostic) -> str:
    span = d.span
    line, col = span.line, span.col
    if line > span.file.line_count or not reporting.quotable(span.file):
        return ""  # no line of a file that is no journey (an import of /etc/passwd)
    text = span.file.line_text(line)
    end_line, end_col = span.end_line_col
    stop = end_col - 1 if end_line == line else len(text)
    stop = max(stop, col)  # an empty span still marks one place
    before, marked, after = text[: col - 1], text[col - 1 : stop], text[stop:]
    return (
        f'<pre class="snippet"><span class="ln">{line}</span>'
        f"{html.escape(before)}<mark>{html.escape(marked) or ' '}</mark>{html.escape(after)}</pre>"
    )


def diagnostics(found: Sequence[Diagnostic]) -> str:
    """Diagnostics as a list: severity, code, message, ``file:line:col``, the line and the hint."""
    items = []
    for d in reporting.shown(found):
        severity = d.severity.value
        label = f' <span class="label">{code_spans(d.label)}</span>' if d.label else ""
        notes = "".join(
            f'<p class="note"><strong>note</strong> <span class="where">'
            f"{html.escape(str(r.span))}</span> {code_spans(r.message)}</p>"
            for r in d.related
        )
        hint = f'<p class="hint"><strong>help</strong> {code_spans(d.hint)}</p>' if d.hint else ""
        items.append(
            f'<li class="diagnostic {severity}">'
            f'<p class="head"><span class="badge">{severity}</span>'
            f'<span class="code">{html.escape(d.code.id)}</span></p>'
            f'<p class="message">{code_spans(d.message)}</p>'
            f'<p class="place"><span class="where">{html.escape(str(d.span))}</span>{label}</p>'
            f"{_snippet(d)}{notes}{hint}</li>"
        )
    return f'<ul class="diagnostics">{"".join(items)}</ul>' if items else ""


def status(view: View) -> tuple[str, str]:
    """The page's verdict: a kind (``error``, ``warning``, ``info``, ``ok``) and its words.

    >>> status(View(1, "a.journey", ""))
    ('ok', 'no problems')
    """
    t = i18n.locale(view.lang)
    counts = {s: sum(d.severity is s for d in view.diagnostics) for s in Severity}
    parts = [_count(t, s, n) for s, n in counts.items() if n]
    if counts[Severity.ERROR] or counts[Severity.WARNING]:
        kind = "error" if counts[Severity.ERROR] else "warning"
        text = ", ".join(parts)
    else:
        kind = "info" if parts else "ok"
        text = t._("no problems") + (f" · {parts[0]}" if parts else "")
    if view.problem is not None:
        kind = "error"
        if not view.diagnostics:
            text = t._("not rendered")
    return kind, text


def _count(t: i18n.Locale, severity: Severity, n: int) -> str:
    """``1 error``, ``2 warnings``: a count of one severity, in the page's language."""
    if severity is Severity.ERROR:
        words = t.ngettext("{n} error", "{n} errors", n)
    elif severity is Severity.WARNING:
        words = t.ngettext("{n} warning", "{n} warnings", n)
    else:
        words = t.ngettext("{n} info", "{n} infos", n)
    return words.format(n=n)


def _figure(scheme: str, svg: str) -> str:
    """One diagram, its figure in the diagram's own background colour; "fit" may shrink it
    to the window but never blows it up beyond its natural width.

    >>> print(_figure("dark", '<svg width="75pt"><polygon fill="#0d1117"/></svg>'))
    <figure class="diagram scheme-dark" style="background:#0d1117"><div class="frame" \
style="--natural:100px"><svg width="75pt"><polygon fill="#0d1117"/></svg></div></figure>
    """
    background = _BACKGROUND.search(svg)
    style = f' style="background:{background.group(1)}"' if background else ""
    width = _WIDTH.search(svg)
    natural = f' style="--natural:{float(width.group(1)) * 4 / 3:.0f}px"' if width else ""
    return (
        f'<figure class="diagram scheme-{html.escape(scheme)}"{style}>'
        f'<div class="frame"{natural}>{svg}</div></figure>'
    )


def content(view: View) -> str:
    """The live part of the page: the bar, the diagram and the problems; swapped in on
    each run."""
    kind, verdict = status(view)
    t = i18n.locale(view.lang)
    fit_title = t._("Fit the diagram to the window")
    full_title = t._("Show the diagram at its natural size")
    size, fit, live, canvas = t._("diagram size"), t._("Fit"), t._("live"), t._("diagram")
    ordered = sorted(view.diagnostics, key=lambda d: d.severity.rank)
    out = [
        f'<div id="live" data-version="{view.version}" class="{kind}">',
        '<header class="bar">',
        '<div class="name">',
        f"<h1>{html.escape(view.title or view.path)}</h1>",
        f'<span class="path">{html.escape(view.path)}</span>',
        "</div>",
        f'<span class="status {kind}">{html.escape(verdict)}</span>',
        f'<div class="zoom" role="group" aria-label="{html.escape(size)}">',
        f'<button type="button" data-zoom="fit" title="{html.escape(fit_title)}">'
        f"{html.escape(fit)}</button>",
        f'<button type="button" data-zoom="full" title="{html.escape(full_title)}">100%</button>',
        "</div>",
        '<span class="clock" id="clock"></span>',
        f'<span class="live-dot" id="dot" title="{html.escape(live)}"></span>',
        "</header>",
        '<div class="panes">',
        f'<section class="canvas" aria-label="{html.escape(canvas)}">',
    ]
    if view.problem is not None:
        out.append(f'<p class="banner problem">{code_spans(view.problem)}</p>')
    if view.stale and view.diagrams:
        stale = t._("The file has errors: the diagram shows the last version that rendered.")
        out.append(f'<p class="banner stale">{html.escape(stale)}</p>')
    if view.diagrams:
        out.append('<div class="diagrams' + (" is-stale" if view.stale else "") + '">')
        out += [_figure(scheme, svg) for scheme, svg in view.diagrams]
        out.append("</div>")
    elif view.problem is None and not view.diagnostics:
        empty = t._("Nothing to show yet.")
        out.append(f'<p class="empty">{html.escape(empty)}</p>')
    out.append("</section>")
    if ordered:
        problems = t._("Problems")
        out += [
            f'<aside class="problems" aria-label="{html.escape(problems.lower())}">',
            f"<h2>{html.escape(problems)} <span>{len(ordered)}</span></h2>",
            diagnostics(ordered),
            "</aside>",
        ]
    out += ["</div>", "</div>"]
    return "\n".join(out)


def page(view: View) -> str:
    """The whole page, with the first ``content`` in it (it works without script, too)."""
    t = i18n.locale(view.lang)
    title = html.escape((view.title or view.path) + " · " + t._("cjdsl preview"))
    words = {"updated": t._("updated"), "live": t._("live"), "reconnecting": t._("reconnecting")}
    data = "".join(f' data-{key}="{html.escape(value)}"' for key, value in words.items())
    return (
        "<!doctype html>\n"
        f'<html lang="{t.lang}"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style></head>\n"
        f'<body>\n<main class="fit"{data}>'
        f"{content(view)}</main>\n<script>{_SCRIPT}</script>\n</body></html>\n"
    )


_STYLE: Final = """
:root { --bg:#eef0f3; --panel:#ffffff; --fg:#1b2130; --muted:#5f6878; --line:#dadee5;
  --error:#c62828; --warning:#b26200; --info:#1565c0; --ok:#2e7d32; --mark:#fff1b8;
  --code:#f1f3f6; --pill-fg:#ffffff; --accent:#3558d6;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#101318; --panel:#1a1e25; --fg:#e3e6eb; --muted:#99a2b1; --line:#2d333d;
    --error:#ff7070; --warning:#f0b64a; --info:#74b4ff; --ok:#71cf75; --mark:#5c4a12;
    --code:#242a33; --pill-fg:#101318; --accent:#8ea6ff; }
  .scheme-light { display:none; } }
@media (prefers-color-scheme: light) { .scheme-dark { display:none; } }
* { box-sizing:border-box; }
html, body { height:100%; }
body { margin:0; background:var(--bg); color:var(--fg); }
main, #live { height:100%; display:flex; flex-direction:column; }
.bar { flex:none; display:flex; align-items:center; gap:1rem; padding:.55rem 1.25rem;
  background:var(--panel); border-bottom:1px solid var(--line); min-height:3.2rem; }
.name { display:flex; align-items:baseline; gap:.75rem; min-width:0; flex:1; }
.bar h1 { font-size:1.05rem; margin:0; font-weight:650; white-space:nowrap;
  overflow:hidden; text-overflow:ellipsis; }
.path { color:var(--muted); font-family:var(--mono); font-size:.8rem; white-space:nowrap;
  overflow:hidden; text-overflow:ellipsis; }
.status { flex:none; padding:.15rem .7rem; border-radius:999px; font-size:.8rem;
  font-weight:600; color:var(--pill-fg); background:var(--ok); white-space:nowrap; }
.status.info { background:var(--info); } .status.warning { background:var(--warning); }
.status.error { background:var(--error); }
.zoom { flex:none; display:inline-flex; border:1px solid var(--line); border-radius:7px;
  overflow:hidden; }
.zoom button { font:inherit; font-size:.78rem; padding:.2rem .65rem; cursor:pointer;
  color:var(--muted); background:var(--panel); border:0; }
.zoom button + button { border-left:1px solid var(--line); }
.fit .zoom [data-zoom=fit], main:not(.fit) .zoom [data-zoom=full] {
  color:var(--fg); background:var(--code); font-weight:600; }
.clock { flex:none; color:var(--muted); font-size:.78rem; white-space:nowrap; }
.live-dot { flex:none; width:.55rem; height:.55rem; border-radius:50%; background:var(--ok);
  box-shadow:0 0 0 3px color-mix(in srgb, var(--ok) 22%, transparent); }
.live-dot.off { background:var(--muted); box-shadow:none; }
.panes { flex:1; min-height:0; display:flex; }
.canvas { flex:1; min-width:0; display:flex; flex-direction:column; gap:.75rem;
  padding:1rem 1.25rem; overflow:auto; }
.banner { flex:none; margin:0; padding:.6rem .9rem; border-radius:8px; background:var(--panel);
  border:1px solid var(--line); border-left:4px solid var(--error); }
.banner.stale { border-left-color:var(--warning); }
.empty { margin:auto; color:var(--muted); }
.diagrams { flex:none; display:flex; flex-direction:column; gap:.75rem; }
.diagram { margin:0; padding:1rem; background:var(--panel); border:1px solid var(--line);
  border-radius:10px; box-shadow:0 1px 2px rgb(0 0 0 / 5%); }
.diagram svg { display:block; }
.fit .frame { max-width:var(--natural, 100%); margin:0 auto; }
.fit .diagram svg { width:100%; height:auto; max-height:calc(100vh - 8rem); }
main:not(.fit) .diagram { width:max-content; }
.is-stale .diagram { opacity:.4; filter:grayscale(.7); }
.problems { flex:none; width:min(27rem, 40%); overflow:auto; padding:1rem 1.1rem 1.5rem;
  background:var(--panel); border-left:1px solid var(--line); }
.problems h2 { margin:0 0 .75rem; font-size:.8rem; text-transform:uppercase;
  letter-spacing:.06em; color:var(--muted); }
.problems h2 span { margin-left:.3rem; padding:0 .45rem; border-radius:999px;
  background:var(--code); color:var(--fg); }
.diagnostics { list-style:none; margin:0; padding:0; display:grid; gap:.65rem;
  grid-template-columns:minmax(0, 1fr); }
.diagnostic { min-width:0; border:1px solid var(--line); border-left:3px solid var(--info);
  border-radius:8px; padding:.55rem .8rem .6rem; }
.diagnostic.error { border-left-color:var(--error); }
.diagnostic.warning { border-left-color:var(--warning); }
.diagnostic p { margin:.2rem 0; }
.head { display:flex; align-items:center; gap:.5rem; }
.badge { font-size:.68rem; text-transform:uppercase; letter-spacing:.06em; font-weight:700;
  color:var(--info); }
.error .badge { color:var(--error); } .warning .badge { color:var(--warning); }
.code { font-family:var(--mono); color:var(--muted); font-size:.75rem; }
.message { font-weight:600; }
.place, .note { font-size:.8rem; color:var(--muted); }
.where { font-family:var(--mono); }
.label { margin-left:.4rem; }
.hint { font-size:.85rem; }
.hint strong { color:var(--ok); font-weight:600; margin-right:.25rem; }
.note strong { font-weight:600; margin-right:.25rem; }
code { background:var(--code); padding:0 .25rem; border-radius:4px; font-family:var(--mono);
  font-size:.88em; }
.snippet { margin:.4rem 0; padding:.4rem .6rem; background:var(--code); border-radius:6px;
  overflow-x:auto; font:.78rem/1.5 var(--mono); }
.snippet .ln { color:var(--muted); margin-right:.9rem; user-select:none; }
mark { background:var(--mark); color:inherit; border-radius:2px;
  text-decoration:underline wavy var(--error); text-underline-offset:3px; }
.warning mark { text-decoration-color:var(--warning); }
.info mark { text-decoration-color:var(--info); }
@media (max-width: 56rem) {
  .panes { flex-direction:column; overflow:auto; }
  .canvas { flex:none; overflow:visible; }
  .problems { width:auto; border-left:0; border-top:1px solid var(--line); overflow:visible; }
  .clock { display:none; } }
"""

_SCRIPT: Final = """
(() => {
  const main = document.querySelector("main");
  let live = document.getElementById("live");
  let version = live.dataset.version;
  const clock = () => {
    const at = document.getElementById("clock");
    if (at) at.textContent = main.dataset.updated + " " + new Date().toLocaleTimeString(
      document.documentElement.lang);
  };
  let online = true;
  const connected = (yes) => {
    online = yes;
    const dot = document.getElementById("dot");
    if (dot) {
      dot.classList.toggle("off", !yes);
      dot.title = yes ? main.dataset.live : main.dataset.reconnecting;
    }
  };
  const scrolled = () => [...live.querySelectorAll(".canvas, .problems")]
    .map((box) => [box.className, box.scrollLeft, box.scrollTop]);
  async function refresh() {
    const response = await fetch("/content", {
      headers: { "If-None-Match": '"' + version + '"' }, cache: "no-store" });
    if (response.status !== 200) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const next = holder.firstElementChild;
    const kept = scrolled();  // a save must not throw the reader back to the top
    live.replaceWith(next);
    live = next;
    version = live.dataset.version;
    for (const [name, left, top] of kept) {
      const box = live.getElementsByClassName(name)[0];
      if (box) { box.scrollLeft = left; box.scrollTop = top; }
    }
    clock();
    connected(online);
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-zoom]");
    if (button) main.classList.toggle("fit", button.dataset.zoom === "fit");
  });
  clock();
  const events = new EventSource("/events");
  events.addEventListener("version", (event) => {
    connected(true);
    if (event.data !== version) refresh();
  });
  events.onerror = () => connected(false);
})();
"""
