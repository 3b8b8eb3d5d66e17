"""Canonical layout of ``.journey`` text: what ``cjdsl fmt`` writes.

The formatter reads the parse tree, whose tokens keep their positions, and the
comments the parser collected, and writes every statement in one layout
(docs/language.md, "Formatting"). It never changes what a file means: the
model of the output equals the model of the input. A text with syntax errors is
refused (``None``), so such a file is never rewritten.

>>> print(format_text('journey "Shop";stage s {touchpoint a @web}\\na->b 40%'), end="")
journey "Shop"
<BLANKLINE>
stage s {
  touchpoint a @web
}
<BLANKLINE>
a -> b  40%
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

import lark

from ..source import SourceFile
from . import comments, literals, parsing, vocabulary

__all__ = ["ATTRIBUTE_ORDER", "HOP_ORDER", "MAX_WIDTH", "format_parsed", "format_text"]

MAX_WIDTH: Final = 100
"""A block written on one line stays on one line while it fits in this many characters."""

ATTRIBUTE_ORDER: Final[dict[str, tuple[str, ...]]] = {
    "header": vocabulary.names("journey"),
    "persona": vocabulary.names("persona"),
    "channel": vocabulary.names("channel"),
    "node": vocabulary.names("node"),
    "change": ("remove", *vocabulary.names("node")),
    "process": vocabulary.names("process"),
}
"""Attributes are written in this order; unknown ones follow in the order written."""

HOP_ORDER: Final = ("probability", "after", "label", "personas")
"""The order of what follows a transition's target: ``40%  after 2d  "label"  for anna``."""

_INDENT: Final = "  "
_STAGE_FIRST: Final = vocabulary.names("stage")
_BODIES: Final = ("stage", "scenario")
"""Statements whose block holds statements, one a line (not attributes on one line)."""
_TOP_FIRST: Final = ("import_", "persona", "channel")
_TABLES: Final = {"transition": (" ", "  ", 2 + len(HOP_ORDER)), "channel": (" ", " ", 4)}
"""Statements in columns when consecutive: the gap after the first column and after the
others, and how many columns are aligned (a chain's further hops are not)."""


def format_text(text: str, *, path: str = "<string>") -> str | None:
    """Format journey text; ``None`` when it has syntax errors.

    >>> format_text('journey "T"\\nstage s {') is None
    True
    """
    return format_parsed(parsing.parse(SourceFile(path, text.removeprefix("\ufeff"))))


def format_parsed(parsed: parsing.Parsed) -> str | None:
    """The canonical text of a parse; ``None`` when it has syntax errors.

    Raises:
        ValueError: ``parsed`` comes from ``parsing.parse_fast``, which keeps no
            comments: formatting it would silently drop them.
    """
    if not parsed.positions:
        raise ValueError("format the formatter's parse (parsing.parse); parse_fast drops comments")
    if parsed.tree is None or parsed.diagnostics:
        return None
    source = parsed.source
    first_break = source.text.find("\n")
    newline = "\r\n" if first_break > 0 and source.text[first_break - 1] == "\r" else "\n"
    root = comments.read(source, parsed.tree, parsed.comments)
    return _finish(_Layout(source, newline).root(root), newline)


@dataclasses.dataclass(frozen=True, slots=True)
class _Line:
    """One output line: code (with its indentation) and an end-of-line comment."""

    text: str
    comment: str | None = None


_BLANK: Final = _Line("")


class _Layout:
    """Turns the items of one source into output lines."""

    def __init__(self, source: SourceFile, newline: str) -> None:
        self.source = source
        self.newline = newline

    def root(self, root: comments.Block) -> list[_Line]:
        """The whole file: header, imports, personas, channels, then the rest as written."""
        items = list(root.items)
        lines: list[_Line] = []
        if items:
            items[0], lines = self.detached(items[0])
        header = next((i for i in items if i.kind == "header"), None)
        rest = [i for i in items if i is not header]
        if header is not None:
            loose = [i for i in rest if i.name in ATTRIBUTE_ORDER["header"]]
            rest = [i for i in rest if i not in loose]
            lines += [_BLANK] if lines else []
            lines += self.leading(header, 0, blanks=True)
            lines += self.header(header, loose)
        ordered = [i for kind in _TOP_FIRST for i in rest if i.kind == kind]
        ordered += [i for i in rest if i.kind not in _TOP_FIRST]
        if lines and ordered:
            lines.append(_BLANK)
        lines += self.sequence(ordered, 0, top=True)
        lines += self.notes(root.closing, 0, blanks=True, first_blank=bool(lines))
        return lines

    def detached(self, first: comments.Item) -> tuple[comments.Item, list[_Line]]:
        """The comments that open the file, parted by a blank line from the first
        statement's own: they stay at the top wherever that statement goes."""
        notes = first.leading
        cut = len(notes) if first.blank_before else 0
        cut = cut or max((k for k, note in enumerate(notes) if k and note.blank_before), default=0)
        lines = self.notes(notes[:cut], 0, blanks=True, first_blank=False)
        return dataclasses.replace(first, leading=notes[cut:]), lines

    def header(self, header: comments.Item, loose: list[comments.Item]) -> list[_Line]:
        """The first ``journey`` line with its description and owner indented under it;
        in a block only if comments stand on the block's brace lines, or if the block
        holds an attribute a header has not (unwrapped, it would read as a statement of
        its own: another error, which the next ``fmt`` would move again)."""
        block = header.block
        order = ATTRIBUTE_ORDER["header"]
        inner = sorted([*(block.items if block else []), *loose], key=lambda a: a.start)
        braced = block is not None and bool(
            block.opening
            or block.closing
            or (header.trailing and not block.one_line)
            or any(a.name not in order for a in block.items)
        )
        if braced:
            assert block is not None
            return self.code(
                dataclasses.replace(header, block=dataclasses.replace(block, items=inner)), 0
            )
        lines = [_Line(self.head(header.tree), header.trailing)]
        for attribute in sorted(inner, key=lambda a: _rank(a.name, order)):
            lines += self.leading(attribute, 1, blanks=False)
            lines += self.code(attribute, 1)
        return lines

    def sequence(self, items: list[comments.Item], depth: int, *, top: bool) -> list[_Line]:
        """Statements one after another: blank lines between groups, tables aligned."""
        codes = [None if i.kind in _TABLES else self.code(i, depth) for i in items]
        gaps = [False]
        for k in range(1, len(items)):
            before, item = items[k - 1], items[k]
            forced = top and (
                before.kind != item.kind
                or item.kind == "stage"
                or any(c is not None and len(c) > 1 for c in (codes[k - 1], codes[k]))
            )
            gaps.append(forced or item.gap)
        heads: dict[int, str] = {}
        start = 0
        while start < len(items):
            end = start + 1
            kind = items[start].kind
            while end < len(items) and items[end].kind == kind and not gaps[end]:
                end += 1
            if kind in _TABLES:
                rows = [self.cells(i) for i in items[start:end]]
                heads.update(zip(range(start, end), _table(rows, *_TABLES[kind]), strict=True))
            start = end
        lines: list[_Line] = []
        for k, item in enumerate(items):
            if k and gaps[k]:
                lines.append(_BLANK)
            lines += self.leading(item, depth, blanks=True)
            lines += codes[k] or self.code(item, depth, heads[k])
        return lines

    def leading(self, item: comments.Item, depth: int, *, blanks: bool) -> list[_Line]:
        """The comments on the lines before an item (the first one's gap is the caller's)."""
        lines = self.notes(item.leading, depth, blanks=blanks, first_blank=False)
        if blanks and item.leading and item.blank_before:
            lines.append(_BLANK)
        return lines

    def notes(
        self, notes: Sequence[comments.Note], depth: int, *, blanks: bool, first_blank: bool
    ) -> list[_Line]:
        lines: list[_Line] = []
        for k, note in enumerate(notes):
            if blanks and note.blank_before and (k or first_blank):
                lines.append(_BLANK)
            lines.append(_Line(_INDENT * depth + note.text))
        return lines

    def code(self, item: comments.Item, depth: int, head: str | None = None) -> list[_Line]:
        """An item's own lines: its head, and its block one attribute a line or on one line."""
        indent = _INDENT * depth
        if item.kind == "attribute":
            return _lines(indent + self.attribute(item.tree, indent), item.trailing)
        head = head if head is not None else self.head(item.tree)
        block = item.block
        if block is None or block.empty:  # a scenario's braces are not optional
            return _lines(indent + head + (" {}" if item.kind == "scenario" else ""), item.trailing)
        if item.kind in _BODIES:
            first = [i for i in block.items if i.name in _STAGE_FIRST]
            inner = first + [i for i in block.items if i not in first]
        else:
            order = ATTRIBUTE_ORDER.get(item.kind, ())
            inner = sorted(block.items, key=lambda a: _rank(a.name, order))
        if item.kind not in _BODIES and block.one_line and block.opening is None:
            parts = [self.attribute(a.tree, indent + _INDENT) for a in inner]
            line = f"{indent}{head} {{ {'; '.join(parts)} }}"
            simple = not any(
                a.leading or a.trailing or "\n" in p for a, p in zip(inner, parts, strict=True)
            )
            if simple and not block.closing and len(line) <= MAX_WIDTH:
                return [_Line(line, item.trailing)]
        lines = [_Line(f"{indent}{head} {{", block.opening)]
        if item.kind in _BODIES:
            lines += self.sequence(inner, depth + 1, top=False)
        else:
            for attribute in inner:
                lines += self.leading(attribute, depth + 1, blanks=False)
                lines += self.code(attribute, depth + 1)
        stage = item.kind in _BODIES
        lines += self.notes(block.closing, depth + 1, blanks=stage, first_blank=bool(inner))
        return [*lines, _Line(indent + "}", item.trailing)]

    def head(self, tree: lark.Tree[lark.Token]) -> str:
        """A statement up to its block: keyword, id, label, channel, personas."""
        words: list[str] = []
        for child in tree.children:
            if isinstance(child, lark.Token):
                words.append(self.string(child) if child.type == "STRING" else str(child))
            elif child is not None and child.data == "channel_ref":
                words.append(f"@{child.children[-1]}")
            elif child is not None and child.data == "personas":
                words.append(_personas(child))
            elif child is not None and child.data == "hop":  # `remove a -> b for p`
                _arrow, target, *details = child.children
                words += ["->", str(target), *(self.detail(d) for d in details)]
        return " ".join(words)

    def cells(self, item: comments.Item) -> list[str]:
        """The columns of a table row: a transition's hops, or a channel's head."""
        tree = item.tree
        if item.kind == "channel":
            _keyword, name, label, kind, _block = tree.children
            quoted = self.string(label) if isinstance(label, lark.Token) else ""
            optional = [quoted, str(kind) if kind else ""]
            return ["channel", str(name), *optional]
        source, *hops = tree.children
        cells = [str(source)]
        for hop in hops:
            assert isinstance(hop, lark.Tree)
            _arrow, target, *details = hop.children
            slots = [""] * len(HOP_ORDER)
            for detail in details:
                slot = HOP_ORDER.index(_hop_kind(detail))
                slots[slot] = f"{slots[slot]} {self.detail(detail)}".strip()
            cells += [f"-> {target}", *slots]
        return cells

    def detail(self, detail: object) -> str:
        if isinstance(detail, lark.Token):  # a probability or a label
            return self.string(detail) if detail.type == "STRING" else str(detail)
        assert isinstance(detail, lark.Tree)
        if detail.data == "after":
            return f"after {detail.children[-1]}"
        return _personas(detail)

    def attribute(self, tree: lark.Tree[lark.Token], indent: str) -> str:
        name, *values = (t for t in tree.children if isinstance(t, lark.Token))
        text = str(name)
        for value in values:
            if value.type == "COMMA":
                text += ","
            elif value.type == "STRING":
                text += " " + self.string(value, indent=indent + _INDENT)
            else:
                text += f" {value}"
        return text

    def string(self, token: lark.Token, *, indent: str | None = None) -> str:
        """A string in canonical quoting: ``"…"`` with escapes; ``\"\"\"`` for multi-line
        text (only with ``indent``, for attribute values) when it reads back the same."""
        value = literals.text(str(token))
        lines = value.replace(self.newline, "\n").split("\n")
        if indent is not None and len(lines) > 1 and all(line == line.rstrip() for line in lines):
            body = "\n".join(indent + line if line.strip() else line for line in lines)
            block = f'"""\n{body}\n{indent}"""'
            if literals.text(block.replace("\n", self.newline)) == value:
                return block
        return literals.quote(value)


def _hop_kind(detail: object) -> str:
    """What a hop detail is, by the names of ``HOP_ORDER``."""
    if isinstance(detail, lark.Token):
        return "label" if detail.type == "STRING" else "probability"
    assert isinstance(detail, lark.Tree)
    return str(detail.data)


def _personas(tree: lark.Tree[lark.Token]) -> str:
    names = (t for t in tree.children if isinstance(t, lark.Token) and t.type == "NAME")
    return "for " + ", ".join(map(str, names))


def _rank(name: str, order: tuple[str, ...]) -> int:
    return order.index(name) if name in order else len(order)


def _lines(code: str, comment: str | None) -> list[_Line]:
    """Code that may span lines (a ``\"\"\"`` string): the comment goes on its last line."""
    *first, last = code.split("\n")
    return [*(_Line(line) for line in first), _Line(last, comment)]


def _table(rows: list[list[str]], first_gap: str, gap: str, columns: int) -> list[str]:
    """Rows whose first ``columns`` cells are padded to the widest cell of their column
    (columns empty in every row are dropped); the cells after them (the further hops
    of a chain) follow without padding."""
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(columns)]
    out = []
    for row in rows:
        padded = [row[i].ljust(widths[i]) for i in range(min(columns, len(row))) if widths[i]]
        text = (padded[0] + first_gap + gap.join(padded[1:])).rstrip()
        out.append(gap.join([text, *(cell for cell in row[columns:] if cell)]))
    return out


def _finish(lines: list[_Line], newline: str) -> str:
    """Align end-of-line comments of neighbouring lines, and join."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        if lines[k].comment is None:
            out.append(lines[k].text)
            k += 1
            continue
        end = k
        while end < len(lines) and lines[end].comment is not None:
            end += 1
        column = max(len(line.text) for line in lines[k:end]) + 2
        out += [f"{line.text.ljust(column)}{line.comment}" for line in lines[k:end]]
        k = end
    while out and not out[0]:
        out.pop(0)
    text = "\n".join(out).strip("\n")
    return (text + "\n").replace("\n", newline) if text else ""
