"""Hypothesis strategies that write valid `.journey` texts in many layouts.

``journeys()`` draws a journey (header, imports, personas, channels, stages with
nodes and attributes, transitions with every hop attribute, stage-less nodes)
and writes it with random spacing, tabs, indentation, ``;``, blank lines, both
kinds of strings and comments in every place a comment can stand. With
``canonical=True`` statements and attributes come in the formatter's order, so
comments keep their order too.

``mutated()`` takes such a journey and breaks it the ways real files break and
hostile ones are built: deletions, swapped lines, truncation, random bytes,
huge numbers, deep nesting, very long lines, NUL, invalid UTF-8, a byte order
mark and CRLF line ends. It draws bytes, as a file on disk holds them.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator

from hypothesis import strategies as st

from cjdsl.language import formatting

__all__ = ["FILLERS", "LONG_RUNS", "journeys", "long_run", "mutated"]

ID_STEMS = ("ad", "shop", "kündigung", "cart-email", "_draft", "Straße", "x-y-z", "Ärger")
PLAIN = "abcxyzäöüßéABC 0123.,:;!?'()[]{}#@->%&/+-=_*~"
PROBABILITIES = ("40%", "0.4", "5%", "1", ".5", "100%", "12.5%", "0")
DURATIONS = ("2d", "30m", "1w", "1.5h", "45s")
NUMBERS = ("12", "0.4", "+1", "-2", "0", "2.1%", "35m", "1200")
CURRENCIES = ("EUR", "USD")
TEXT_ATTRIBUTES = ("action", "motivation", "question", "pain", "opportunity", "owner", "link")
SPACES = (" ", "  ", "\t", " \t ")
INDENTS = ("", "  ", "    ", "\t", " ")
BREAKS = ("\n", "\n\n", "\n\n\n", "\n  \n", ";\n", "\n;\n")


@dataclasses.dataclass
class _Part:
    """A statement or attribute as written: its words, block and comments."""

    words: list[str]
    block: list[_Part] | None = None
    leading: list[str] = dataclasses.field(default_factory=list)
    trailing: str | None = None
    opening: str | None = None
    closing: list[str] = dataclasses.field(default_factory=list)
    one_line: bool = False


class _Writer:
    """Draws the parts of one journey and writes them out."""

    def __init__(self, draw: st.DrawFn, canonical: bool) -> None:
        self.draw = draw
        self.canonical = canonical
        self.count = itertools.count()
        self.ids: list[str] = []

    # -- words -------------------------------------------------------------
    def new_id(self) -> str:
        stem = self.draw(st.sampled_from(ID_STEMS))
        self.ids.append(f"{stem}{next(self.count)}")
        return self.ids[-1]

    def some_id(self) -> str:
        return self.draw(st.sampled_from(self.ids)) if self.ids else self.new_id()

    def string(self, *, multi_line: bool = False) -> str:
        draw = self.draw
        if multi_line and draw(st.booleans()):
            lines = draw(st.lists(st.text(PLAIN + "\\", max_size=12), min_size=1, max_size=4))
            margin = draw(st.sampled_from(INDENTS))
            body = "\n".join(margin + line for line in lines)
            first = draw(st.sampled_from(("", "\n", " ")))
            last = draw(st.sampled_from(("", "\n", "\n  ")))
            return f'"""{first}{body}{last}"""'
        pieces = st.one_of(
            st.text(PLAIN + "\t", min_size=1, max_size=6),
            st.sampled_from(('\\"', "\\\\", "\\n", "\\t", "\\q", "\\ä")),
        )
        return '"' + "".join(draw(st.lists(pieces, max_size=4))) + '"'

    def comment(self) -> str:
        text = self.draw(st.text(PLAIN + '"\t', max_size=15))
        return f"# c{next(self.count)} {text}".rstrip()

    def comments(self, most: int = 2) -> list[str]:
        return [self.comment() for _ in range(self.draw(st.integers(0, most)))]

    def maybe(self, value: Callable[[], str]) -> list[str]:
        return [value()] if self.draw(st.booleans()) else []

    def kind(self) -> str:
        return self.draw(st.sampled_from(("online", "offline", "web")))

    def personas(self) -> list[str]:
        names = [self.some_id() for _ in range(self.draw(st.integers(1, 3)))]
        return ["for", ", ".join(names)]

    # -- parts -------------------------------------------------------------
    def part(
        self, words: list[str], *, block: list[_Part] | None = None, one_line_ok: bool = True
    ) -> _Part:
        part = _Part(words, block, self.comments())
        if self.draw(st.booleans()):
            part.trailing = self.comment()
        if block is not None:
            part.one_line = one_line_ok and bool(block) and self.draw(st.booleans())
            if not part.one_line:
                part.opening = self.comment() if self.draw(st.booleans()) else None
                part.closing = self.comments(1)
        return part

    def attributes(self, order: tuple[str, ...], make: Callable[[str], list[str]]) -> list[_Part]:
        names = self.draw(st.lists(st.sampled_from(order), max_size=5))
        if self.canonical:
            names.sort(key=order.index)
        return [self.part([name, *make(name)]) for name in names]

    def value(self, name: str) -> list[str]:
        draw = self.draw
        if name == "emotion":
            return [draw(st.sampled_from(("+1", "-2", "0", "+2"))), *self.maybe(self.string)]
        if name == "kpi":
            amount = [draw(st.sampled_from(NUMBERS))]
            return [self.new_id(), *amount, *self.maybe(lambda: draw(st.sampled_from(CURRENCIES)))]
        if name == "cost":
            return [draw(st.sampled_from(("1200", "0.40", "5"))), draw(st.sampled_from(CURRENCIES))]
        if name == "tags":
            return [", ".join(self.new_id() for _ in range(draw(st.integers(1, 3))))]
        if name == "reach":
            return [draw(st.sampled_from(("10000", "40")))]
        return [self.string(multi_line=True)]

    def block(self, order: tuple[str, ...]) -> list[_Part] | None:
        if not self.draw(st.booleans()):
            return None
        return self.attributes(order, self.value)

    def node(self) -> _Part:
        draw = self.draw
        kind = draw(st.sampled_from(("touchpoint", "goal", "exit")))
        words = [*(["entry"] if kind == "touchpoint" and draw(st.booleans()) else []), kind]
        words += [self.new_id(), *self.maybe(self.string)]
        words += self.maybe(lambda: "@" + self.some_id())
        if draw(st.booleans()):
            words += self.personas()
        return self.part(words, block=self.block(formatting.ATTRIBUTE_ORDER["node"]))

    def transition(self) -> _Part:
        draw = self.draw
        words = [self.some_id()]
        for _ in range(draw(st.integers(1, 3))):
            target = self.some_id()
            words += [f"->{target}"] if draw(st.booleans()) else ["->", target]
            kinds = draw(st.lists(st.sampled_from(formatting.HOP_ORDER), unique=True))
            if self.canonical:
                kinds.sort(key=formatting.HOP_ORDER.index)
            for kind in kinds:
                if kind == "probability":
                    words.append(draw(st.sampled_from(PROBABILITIES)))
                elif kind == "after":
                    words += ["after", draw(st.sampled_from(DURATIONS))]
                elif kind == "label":
                    words.append(self.string(multi_line=True))
                else:
                    words += self.personas()
        return self.part(words)

    def stage(self) -> _Part:
        items: list[_Part] = []
        if self.draw(st.booleans()):
            items.append(self.part(["description", self.string(multi_line=True)]))
        makers = st.sampled_from((self.node, self.node, self.transition))
        for _ in range(self.draw(st.integers(0, 4))):
            items.append(self.draw(makers)())
        if not self.canonical:
            items = self.draw(st.permutations(items))
        keep_empty: bool = self.draw(st.booleans())
        body = items if items or keep_empty else None
        words = ["stage", self.new_id(), *self.maybe(self.string)]
        return self.part(words, block=body, one_line_ok=False)

    def journey(self) -> list[_Part]:
        draw = self.draw
        header = self.part(["journey", self.string()])
        loose = draw(st.booleans())
        header_order = formatting.ATTRIBUTE_ORDER["header"]
        attributes = self.attributes(header_order, lambda _: [self.string(multi_line=True)])
        if not loose:
            header.block = attributes
            header.one_line = bool(attributes) and draw(st.booleans())
            if not header.one_line:
                header.opening = self.comment() if draw(st.booleans()) else None
                header.closing = self.comments(1)
        head = [header, *(attributes if loose else [])]
        imports = [
            self.part(["import", '"common.journey"']) for _ in range(draw(st.integers(0, 1)))
        ]
        personas = [
            self.part(
                ["persona", self.new_id(), *self.maybe(self.string)],
                block=self.block(formatting.ATTRIBUTE_ORDER["persona"]),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        channels = [
            self.part(
                ["channel", self.new_id(), *self.maybe(self.string), *self.maybe(self.kind)],
                block=self.block(formatting.ATTRIBUTE_ORDER["channel"]),
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        makers = st.sampled_from((self.stage, self.stage, self.node, self.transition))
        rest = [draw(makers)() for _ in range(draw(st.integers(0, 5)))]
        parts = [*head, *imports, *personas, *channels, *rest]
        return parts if self.canonical else [head[0], *draw(st.permutations(parts[1:]))]

    # -- text --------------------------------------------------------------
    def write(self, parts: list[_Part], indent: str) -> Iterator[str]:
        """The parts with separators: a newline where comments need one, else any."""
        for index, part in enumerate(parts):
            if index:
                before = parts[index - 1]
                needs_line = before.trailing or part.leading
                breaks = BREAKS if needs_line else (*BREAKS, ";", " ; ")
                yield self.draw(st.sampled_from(breaks))
            yield from self.written(part, indent)

    def written(self, part: _Part, indent: str) -> Iterator[str]:
        inner = indent + self.draw(st.sampled_from(("  ", "    ", "\t", "")))
        for comment in part.leading:
            yield indent + comment + self.draw(st.sampled_from(("\n", "\n\n")))
        gap = self.draw(st.sampled_from(SPACES))
        yield indent + gap.join(part.words).replace(
            ", ", self.draw(st.sampled_from((",", ", ", " , ")))
        )
        if part.block is not None and part.one_line:  # attributes' comments are left out
            yield " {" + gap + "; ".join(gap.join(a.words) for a in part.block) + gap + "}"
        elif part.block is not None:
            yield " {" + (gap + part.opening if part.opening else "") + "\n"
            yield from self.write(part.block, inner)
            for comment in part.closing:
                yield "\n" + inner + comment
            yield "\n" + indent + "}"
        if part.trailing:
            yield gap + part.trailing


@st.composite
def journeys(draw: st.DrawFn, *, canonical: bool = False) -> str:
    """A valid journey text; ``canonical`` keeps statements in the formatter's order."""
    writer = _Writer(draw, canonical)
    parts = writer.journey()
    lead = "".join(c + "\n" for c in writer.comments())
    end = "".join("\n" + c for c in writer.comments())
    text = lead + "".join(writer.write(parts, "")) + end
    return text + draw(st.sampled_from(("", "\n", "\n\n", ";\n")))


# -- mutations ---------------------------------------------------------------------------

FILLERS = ("x", "ä", "-", "a ", '"', "9", "#")
"""What the ``long`` mutation repeats, 1,000 to 50,000 times."""
HUGE_NUMBERS = ("9" * 400, "1" + "0" * 4000 + "%", "0." + "0" * 500 + "1", "-" + "9" * 40 + "d")
NASTY = ("\0", "\ufeff", "\r", "\u2028", "{", "}", '"', '"""', "->", "@", "#", ";", "\\", "\t")


def _mutate_text(draw: st.DrawFn, text: str) -> str:
    """One text-level mutation of ``text``."""
    at = draw(st.integers(0, len(text)))
    to = draw(st.integers(at, min(len(text), at + 200)))
    kind = draw(
        st.sampled_from(
            ("delete", "swap", "truncate", "insert", "huge", "nest", "long", "crlf", "bom")
        )
    )
    if kind == "delete":
        return text[:at] + text[to:]
    if kind == "swap":
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if kind == "truncate":
        return text[:at]
    if kind == "insert":
        junk = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)))
        return text[:at] + junk + text[at:]
    if kind == "huge":
        return text[:at] + " " + draw(st.sampled_from(HUGE_NUMBERS)) + " " + text[at:]
    if kind == "nest":
        depth = draw(st.integers(2, 2000))
        opener = draw(st.sampled_from(("{", "stage s {", 'touchpoint t "T" {', '"""')))
        closer = draw(st.sampled_from(("}", "", "\n}")))
        return text[:at] + opener * depth + closer * depth + text[at:]
    if kind == "long":
        width = draw(st.integers(1_000, 50_000))
        filler = draw(st.sampled_from(FILLERS))
        return text[:at] + filler * width + text[at:]
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    return "\ufeff" + text if draw(st.booleans()) else text[:at] + "\ufeff" + text[at:]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A generated journey, broken by one to three mutations, as the bytes of a file."""
    text = draw(journeys())
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate_text(draw, text)
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # bytes no UTF-8 decoder accepts
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xfe\xff")))
        data = data[:at] + junk + data[at:]
    return data


# -- long runs of one shape --------------------------------------------------------------

_HEAD = 'journey "x"\n'
LONG_RUNS: dict[str, tuple[str, str, str]] = {
    # the review's runs: blank lines, CRLF, `;`, comments, spaces, tabs, labels clean and broken
    "blank": (_HEAD, "\n", ""),
    "crlf": (_HEAD, "\r\n", ""),
    "cr": (_HEAD, "\r", "\n"),
    "semicolons": (_HEAD, ";", "\n"),
    "comments": (_HEAD, "# a comment line\n", ""),
    "blank-spaces": (_HEAD, "  \t \n", ""),
    "spaces": (_HEAD, " ", "\n"),
    "tabs": (_HEAD, "\t", "\n"),
    "spaces-word": (_HEAD + "entry touchpoint a\ngoal b\na -> b", " ", "c\n"),
    "label": (_HEAD + 'touchpoint a "', "x", '"\n'),
    "label-escapes": (_HEAD + 'touchpoint a "', '\\"', '"\n'),
    "label-open": (_HEAD + 'touchpoint a "', "x", "\n"),
    "triple": (_HEAD + 'touchpoint a """', "x\n", '"""\n'),
    "triple-open": (_HEAD + 'touchpoint a """', "x\n", ""),
    "braces": (_HEAD, "{", "\n"),
    # the fillers of the `long` mutation
    "name": (_HEAD, "x", "\n"),
    "umlauts": (_HEAD, "ä", "\n"),
    "dashes": (_HEAD, "-", "\n"),
    "words": (_HEAD, "a ", "\n"),
    "quotes": (_HEAD, '"', "\n"),
    "digits": (_HEAD + "a -> b ", "9", "\n"),
    "hashes": (_HEAD, "#", "\n"),
    # one token or one finding every byte or two
    "hyphens": (_HEAD + "a", "-a", "\n"),
    "commas": (_HEAD + "a", ",", "\n"),
    "statements": (_HEAD, "x\n", ""),
}
"""Files made of one long run, as (text before it, the unit repeated, text after it): the
runs the reliability review measured, the ``long`` mutation's fillers (``FILLERS``) and the
densest runs of tokens and findings. ``bench/bench_memory.py`` measures memory per input
byte on them and ``tests/test_hostile.py`` bounds it."""


def long_run(shape: str, size: int) -> bytes:
    """About ``size`` bytes of the ``LONG_RUNS`` shape ``shape``, as a file holds them."""
    head, unit, tail = LONG_RUNS[shape]
    room = size - len(head.encode()) - len(tail.encode())
    return (head + unit * max(1, room // len(unit.encode())) + tail).encode()
