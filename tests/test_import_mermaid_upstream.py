"""cjdsl's Mermaid reader against Mermaid's own parser, diagram by diagram.

Hundreds of journey diagrams, awkward ones and ones drawn at random (with a fixed seed)
from the pieces the grammar has, go through Mermaid's parser (``getDiagramFromText`` of
the ``mermaid`` npm package, in headless Chromium) and through ``mermaid_syntax``. Both
must refuse the same ones and, of the others, read the same title, accessibility texts
and tasks: each task's name as Mermaid keeps it, its score as ``Number()`` reads it, its
actors (an empty one included) and its section.
"""

from __future__ import annotations

import json
import math
import pathlib
import random

from cjdsl.interop import mermaid, mermaid_syntax
from cjdsl.source import SourceFile

from .browser import Browser, chromium
from .conftest import need
from .test_export_tools import MERMAID

AWKWARD = [
    "journey\n title T\n section S\n  a: 5: Bob\n  b: 3:\n",
    "journey\n a\n",
    "journey\n Title page: 5\n",
    "JOURNEY\n  SECTION Kauf\n    Kasse  :  4  :  Anna ,  Ben   \n",
    "---\ntitle: Vorne\n---\njourney\n  section A\n    a: 3\n",
    "---\ntitle: 'It''s'\nconfig:\n  theme: dark\n---\njourney\n  a: 3\n",
    "%%{init: {'theme': 'forest'}}%%\njourney\n  a: 3\n",
    "%% comment\njourney\n  %% inner\n  a: 3 %% not a comment\n",
    "journey\n  a%% b: 3\n  ab%% c: 3\n",
    "journey\n  a: 5: Bob: Al\n",
    "journey\n  a: 5; b\n",
    "journey\n  : 5\n",
    "journey\n  accDescr {\n    zwei\n      Zeilen\n\n    und mehr\n  }\n  a: 1\n",
    "journey\n  accDescr {\n  offen\n",
    "journey\n  accTitle : Zugang\n  accDescr: Kurz # kein Kommentar\n",
    "journey\n  Journey planen: 3\n",
    "journey\n  Journeys: 3\n",
    "journey\n  section \n  a: 3\n",
    "journey\n  section A: B\n",
    "journey\n  a: 0x1F\n  b: 1e1\n  c: Infinity\n  d: -Infinity\n  e: .5\n  f: 5.\n  g: 0b102\n",
    "journey\n  a: \n",
    "journey\n  a:5:B,C\n  b: 2: ,\n",
    "journey\n\ttab: 2\n",
    "journey\n  x}: 3\n  }\n",
    "journey\n  Größe wählen: 4: Jürgen Groß\n  section Nach dem Kauf\n    Zoë: 2: Zoë\n",
    "  journey\n  title  spaced  \n",
    "journey title inline\n",
    "journey\r\n  section A\r\n    a: 3: Bob\r\n",
    "journey\n  accTitle:\n  next line\n",
    "flowchart LR\n  a --> b\n",
    "",
]
PIECES = [
    "title Shop",
    "Title page: 5",
    "TITLE Groß # c",
    "section Suche",
    "section Kauf",
    "SECTION Kauf",
    "section ",
    "section A: B",
    "Kasse: 5: Anna",
    "Kasse : 3 : Anna , Ben ",
    "Zahlen: 5:",
    "Zahlen: gut: Anna",
    "Retoure: 2: Anna: Ben",
    "Abbruch",
    ": 5",
    "a: 5; b",
    "%% c",
    "a%% b: 3",
    "# c",
    "Ende: 4 # c",
    "accTitle: X",
    "accTitle : Y",
    "accDescr: D",
    "accDescr {\n l1\n   l2\n}",
    "",
    "   ",
    "Hex: 0x5",
    "Exp: 1e1: B",
    "Neg: -1",
    "journey planning: 3",
    "Viel: 5: Bob,, Al",
    "Größe: 4: Jürgen",
    "x}: 3",
    "a:5:B,C",
]


def ours(text: str) -> object:
    source = SourceFile("t.mmd", mermaid_syntax.normalise(text))
    diagram, _errors = mermaid_syntax.read(source)
    if diagram is None:
        return "error"
    names = [s.name for s in diagram.sections]
    return {
        "title": (diagram.title or "").strip(),
        "acc": diagram.acc_title or "",
        "descr": diagram.acc_descr or "",
        "tasks": [
            [
                t.name,
                _finite(mermaid.js_number(t.score)),
                [a for a, _ in t.actors],
                names[t.section] if t.section is not None else "",
            ]
            for t in diagram.tasks
        ],
    }


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None  # JSON's null


def drawn() -> list[str]:
    chance = random.Random(14)
    texts = []
    for _ in range(300):
        head = chance.choice(["", "", "%% x\n", "---\ntitle: Vorne\n---\n", "  "])
        keyword = chance.choice(["journey", "journey", "Journey", "journey "])
        body = [chance.choice(PIECES) for _ in range(chance.randint(0, 8))]
        indent = chance.choice(["", "  ", "\t"])
        texts.append(head + keyword + "\n" + "\n".join(indent + line for line in body) + "\n")
    return texts


PAGE = """<!doctype html><meta charset="utf-8"><script src="{script}"></script><script>
mermaid.initialize({{startOnLoad: false}});
(async () => {{
  const out = [];
  for (const [text, title] of {texts}) {{
    try {{  // the title of the front matter, as mermaid.render passes it
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text, title ? {{title}} : {{}});
      if (diagram.type !== "journey") {{ out.push("error"); continue; }}
      const db = diagram.db;
      out.push({{
        title: (db.getDiagramTitle() || "").trim(),
        acc: db.getAccTitle(),
        descr: db.getAccDescription(),
        tasks: db.getTasks().map(t => [t.task, Number.isFinite(t.score) ? t.score : null,
                                      t.people, t.section]),
      }});
    }} catch (error) {{
      out.push("error");
    }}
  }}
  window.__results = JSON.stringify(out);
}})();
</script>"""


def test_reads_what_mermaid_reads(tmp_path: pathlib.Path) -> None:
    binary = chromium()
    need(binary is not None, "Chromium, to run Mermaid")
    need(MERMAID.exists(), "the `mermaid` npm package: run `npm ci` in tests/js")
    assert binary is not None
    texts = AWKWARD + drawn()
    page = tmp_path / "parse.html"
    titles = [mermaid_syntax.front_matter(mermaid_syntax.normalise(t))[0] for t in texts]
    pairs = json.dumps(list(zip(texts, titles, strict=True)))
    page.write_text(PAGE.format(script=MERMAID.as_uri(), texts=pairs), "utf-8")
    browser = Browser(binary)
    try:
        browser.goto(page.as_uri())
        browser.wait_for("window.__results !== undefined", timeout=120)
        theirs = json.loads(browser.evaluate("window.__results"))
    finally:
        browser.close()
    assert isinstance(theirs, list) and len(theirs) == len(texts)
    refused = sum(1 for t in theirs if t == "error")
    assert 20 < refused < len(texts) - 100  # the corpus has both kinds, plenty of each
    differ = [
        (text, mine, upstream)
        for text, upstream in zip(texts, theirs, strict=True)
        if (mine := ours(text)) != upstream
    ]
    assert differ == []
