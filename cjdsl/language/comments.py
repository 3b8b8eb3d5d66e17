"""The statements of a parse, each with the comments that belong to it.

The parser drops comments and separators from the tree; the formatter needs
both. Every comment is given to the statement or attribute it stands before,
to the one whose line it ends, to the ``{`` it follows, or to the end of its
block; and every item knows whether a blank line came before it. The blocks and
items are built here and only read afterwards; they compare by identity.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Sequence

import lark

from ..source import SourceFile
from . import parsing

__all__ = ["Block", "Item", "Note", "read"]

_BODIES = ("block", "stage_body", "scenario_body")
"""The rules whose children are a block's items."""


def read(
    source: SourceFile, tree: lark.Tree[lark.Token], comments: Sequence[parsing.Comment]
) -> Block:
    """The whole file as a block of statements, with the comments attached."""
    reader = _Reader(source)
    root = Block(0, len(source.text), False, reader.items(tree.children))
    reader.attach(root, comments, root=True)
    return root


@dataclasses.dataclass(frozen=True, slots=True)
class Note:
    """A comment on a line of its own, and whether a blank line came before it."""

    text: str
    blank_before: bool


@dataclasses.dataclass(slots=True, eq=False)
class Block:
    """The inside of ``{ … }`` (or the whole file): its items and comments."""

    start: int
    end: int
    one_line: bool
    items: list[Item]
    opening: str | None = None
    closing: list[Note] = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.items and self.opening is None and not self.closing


@dataclasses.dataclass(slots=True, eq=False)
class Item:
    """A statement or an attribute, with the comments that belong to it."""

    tree: lark.Tree[lark.Token]
    start: int
    end: int
    blank_before: bool
    block: Block | None
    leading: list[Note] = dataclasses.field(default_factory=list)
    trailing: str | None = None

    @property
    def kind(self) -> str:
        return str(self.tree.data)

    @property
    def name(self) -> str:
        """An attribute's name ("" for statements)."""
        return str(self.tree.children[0]) if self.kind == "attribute" else ""

    @property
    def gap(self) -> bool:
        """True if the user left a blank line before it (or before its comments)."""
        return self.leading[0].blank_before if self.leading else self.blank_before


class _Reader:
    """Reads the items and comments of one source."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source

    def line(self, offset: int) -> int:
        return self.source.line_col(offset)[0]

    def blank_before(self, offset: int) -> bool:
        """True if ``offset`` starts its line's code and the line above is blank."""
        line, col = self.source.line_col(offset)
        prefix = self.source.text[offset - col + 1 : offset]
        if line == 1 or prefix.strip(" \t\f;"):
            return False
        return not self.source.line_text(line - 1).strip(" \t\f\r;")

    def items(self, children: Iterable[object]) -> list[Item]:
        out = []
        for tree in children:
            if not isinstance(tree, lark.Tree):
                continue
            body = next(
                (c for c in tree.children if isinstance(c, lark.Tree) and c.data in _BODIES),
                None,
            )
            block = None
            if body is not None:
                start, end = body.meta.start_pos, body.meta.end_pos
                one_line = self.line(start) == self.line(end - 1)
                block = Block(start, end, one_line, self.items(body.children))
            start = tree.meta.start_pos
            out.append(Item(tree, start, tree.meta.end_pos, self.blank_before(start), block))
        return out

    def attach(self, block: Block, comments: Sequence[parsing.Comment], *, root: bool) -> None:
        """Give each comment to the item it leads, ends the line of, or to the block."""
        starts = [item.start for item in block.items]
        inside: dict[int, list[parsing.Comment]] = {}
        for comment in comments:
            at = comment.span.start
            index = bisect.bisect_right(starts, at) - 1
            before = block.items[index] if index >= 0 else None
            text = comment.text.rstrip()
            if before is not None and at < before.end:
                inside.setdefault(index, []).append(comment)
            elif before is not None and self.line(before.end - 1) == self.line(at):
                before.trailing = text
            elif before is None and not root and self.line(block.start) == self.line(at):
                block.opening = text
            elif index + 1 < len(block.items):
                block.items[index + 1].leading.append(Note(text, self.blank_before(at)))
            else:
                block.closing.append(Note(text, self.blank_before(at)))
        for index, found in inside.items():
            item = block.items[index]
            if item.block is not None:
                self.attach(item.block, found, root=False)
            else:  # cannot happen: no comment fits inside a one-line statement
                item.leading.extend(Note(c.text.rstrip(), False) for c in found)
