"""The words of the language, declared once: every statement and every attribute.

Lowering, the formatter, completion, hover, the Pygments lexer and the docs' language
reference read this table; a test holds the grammar, the TextMate grammar and the lexer
against it. A new attribute is one entry here (plus its model field and, for a new value
shape, the one function in lowering that reads that shape).

>>> [a.name for a in attributes("persona")]
['description', 'goal', 'share', 'pain']
>>> attribute("kpi", "node").form
'kpi ctr 2.1%'
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final, Literal

__all__ = [
    "ATTRIBUTES",
    "COST_BASES",
    "ID",
    "ID_PATTERN",
    "KEYWORDS",
    "LANES",
    "LOSSES",
    "OWNERS",
    "STATEMENTS",
    "Attribute",
    "Owner",
    "Shape",
    "Statement",
    "attribute",
    "attributes",
    "names",
    "reference",
    "statement_names",
]

ID_PATTERN: Final = r"[^\W\d]\w*(?:-[^\W_]\w*)*"
"""An id: a Unicode letter or ``_``, then letters, digits and ``_``; ``-`` only where a letter
or digit follows, so ``cart-email`` is one id and ``a->b`` a transition. The grammar's
``NAME`` terminal is this pattern (a test holds them equal)."""
ID: Final = re.compile(ID_PATTERN)

Owner = Literal["journey", "persona", "channel", "stage", "node", "process"]
OWNERS: Final[tuple[Owner, ...]] = ("journey", "persona", "channel", "stage", "node", "process")

LANES: Final = ("customer", "frontstage", "backstage", "support", "process")
"""Who performs a step of the service blueprint (docs/blueprint.md), from the customer's own
actions (a touchpoint's default) down to the processes behind them."""

COST_BASES: Final = ("contact", "day", "week", "month", "quarter", "year")
"""What a ``cost`` may be paid per (``cost 35 EUR per contact``): each time a customer
passes, or a period's budget."""

LOSSES: Final = ("abandon", "churn", "return", "complaint")
"""What kind of loss an exit is (``loss churn``): a customer who gives up before buying,
one who cancels after it (the churn figures of ``cjdsl analyze`` count these), one who
sends the goods back, one who leaves with a complaint."""

Shape = Literal[
    "text", "texts", "number", "share", "emotion", "kpi", "money", "names", "lane", "loss"
]
"""How an attribute's value is written and read: ``text`` one string (the last one counts),
``texts`` one string a line, repeatable; ``number`` a plain number; ``emotion`` a score and
an optional word; ``kpi`` a name and a number or an amount; ``money`` an amount and an ISO
4217 code; ``names`` ids separated by commas; ``share`` a percentage or a count; ``lane``
one of ``LANES``; ``loss`` one of ``LOSSES``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute: who may have it, the shape of its value, the model field it fills,
    how it is written (completion and hover show this form) and what it is for."""

    name: str
    owners: tuple[Owner, ...]
    shape: Shape
    field: str
    form: str
    doc: str
    bases: tuple[str, ...] = ()
    """For a ``money`` value: the words an optional ``per …`` after it may name."""

    @property
    def repeatable(self) -> bool:
        """Whether it may be written more than once (each line adds one)."""
        return self.shape in ("texts", "kpi", "names")


@dataclasses.dataclass(frozen=True, slots=True)
class Statement:
    """A keyword that starts a statement, how it is written and what it declares."""

    keyword: str
    form: str
    doc: str
    top_only: bool = True
    """Only at the top level (``False``: inside a stage too)."""


ATTRIBUTES: Final[tuple[Attribute, ...]] = (
    Attribute("description", OWNERS, "text", "description", 'description "…"', "free text"),
    Attribute(
        "lane",
        ("node", "process"),
        "lane",
        "lane",
        "lane frontstage",
        "who performs it: `customer` (a touchpoint's default), `frontstage`, `backstage`, "
        "`support` or `process` (a process's default: `backstage`); the blueprint's rows",
    ),
    Attribute(
        "lang",
        ("journey",),
        "text",
        "lang",
        'lang "de"',
        "the language of the diagram, map and report: `en` or `de` (`--lang` overrides; CJ115)",
    ),
    Attribute("goal", ("persona",), "texts", "goals", 'goal "What they want"', "what they want"),
    Attribute(
        "reach",
        ("node",),
        "number",
        "reach",
        "reach 10000",
        "customers entering per period; only on an `entry` (CJ113)",
    ),
    Attribute(
        "emotion",
        ("node",),
        "emotion",
        "emotion",
        'emotion +1 "curious"',
        "how the customer feels, −2 … +2, with an optional word; the diagram's fill",
    ),
    Attribute(
        "action",
        ("node",),
        "texts",
        "actions",
        'action "What the customer does"',
        "what the customer does",
    ),
    Attribute(
        "motivation", ("node",), "texts", "motivations", 'motivation "Wants …"', "what they want"
    ),
    Attribute(
        "question", ("node",), "texts", "questions", 'question "What they ask"', "what they ask"
    ),
    Attribute(
        "share",
        ("persona",),
        "share",
        "share",
        "share 40%",
        "how much of the audience the persona is: a percentage or a customer count "
        "(`share 4000`); personas without one split the rest equally (CJ306)",
    ),
    Attribute("pain", ("persona", "node"), "texts", "pains", 'pain "What hurts"', "what hurts"),
    Attribute(
        "opportunity",
        ("node",),
        "texts",
        "opportunities",
        'opportunity "The brand\'s answer"',
        "the brand's answer or idea",
    ),
    Attribute(
        "kpi",
        ("node",),
        "kpi",
        "kpis",
        "kpi ctr 2.1%",
        "any named figure: a number, percentage, duration or amount (`kpi cpm 6.50 EUR`)",
    ),
    Attribute(
        "cost",
        ("node",),
        "money",
        "cost",
        "cost 35 EUR per contact",
        "what the touchpoint costs: `per contact` is paid each time a customer passes "
        "(times the expected visits), `per month` (or `day`, `week`, `quarter`, `year`) "
        "is a period's budget, as a cost without a basis is read (CJ308)",
        bases=COST_BASES,
    ),
    Attribute(
        "value",
        ("node",),
        "money",
        "value",
        "value 89 EUR",
        "what reaching a goal is worth (an order value, a customer lifetime value): the "
        "report's return on spend",
    ),
    Attribute(
        "owner",
        ("journey", "node", "process"),
        "text",
        "owner",
        'owner "Team"',
        "who is responsible",
    ),
    Attribute(
        "supports",
        ("process",),
        "names",
        "supports",
        "supports checkout, pay",
        "the touchpoints a process serves (CJ812 when none)",
    ),
    Attribute(
        "link",
        ("node",),
        "text",
        "link",
        'link "https://…"',
        "clickable in SVG; only http(s), mailto and relative links (CJ304)",
    ),
    Attribute("tags", ("node",), "names", "tags", "tags paid, top-of-funnel", "free labels"),
    Attribute(
        "loss",
        ("node",),
        "loss",
        "loss",
        "loss churn",
        "an exit's kind of loss: `abandon`, `churn` (counted as churn by `cjdsl analyze`), "
        "`return` or `complaint`",
    ),
    Attribute(
        "event",
        ("node",),
        "texts",
        "events",
        'event "page_view:/cart*"',
        "the event names of a log that are this touchpoint, exact or a glob (`*`, `?`): "
        "`cjdsl fit` and `--events` count them here",
    ),
)
"""Every attribute, in the canonical order the formatter writes them in."""

STATEMENTS: Final[tuple[Statement, ...]] = (
    Statement("journey", 'journey "Title"', "The journey's title: the first statement."),
    Statement("import", 'import "common.journey"', "Channels and personas from another file."),
    Statement("persona", 'persona anna "Anna, 36"', "A customer archetype (`for anna`)."),
    Statement("channel", 'channel web "Web shop" online', "Where touchpoints happen."),
    Statement("stage", 'stage awareness "Awareness" { … }', "A phase: a column of the map."),
    Statement("entry", "entry touchpoint ad", "Customers start here.", top_only=False),
    Statement("touchpoint", 'touchpoint ad "Ad" @web', "A moment of contact.", top_only=False),
    Statement("goal", 'goal bought "Order placed"', "Reaching it is converting.", top_only=False),
    Statement("exit", 'exit lost "Cart abandoned"', "Customers are lost here.", top_only=False),
    Statement(
        "process",
        'process picking "Picking" { owner "Warehouse"; supports pay }',
        "A backstage or support process of the blueprint: no state of the customer's chain.",
    ),
    Statement(
        "scenario",
        'scenario to_be "To-be" { … }',
        "A to-be beside the as-is: what it adds, `change`s and `remove`s (`--scenario to_be`).",
    ),
)
"""The keywords that start a statement, in the formatter's order of the top level."""

KEYWORDS: Final = (*(s.keyword for s in STATEMENTS), "for", "after", "change", "remove")
"""Every keyword of the language: those that start statements, then ``for`` (a persona
list), ``after`` (a transition's duration), and ``change`` and ``remove`` (in a scenario)."""


def attributes(owner: Owner) -> tuple[Attribute, ...]:
    """The attributes ``owner`` may have, in canonical order."""
    return _BY_OWNER[owner]


def names(owner: Owner) -> tuple[str, ...]:
    """The names of ``owner``'s attributes, in canonical order."""
    return tuple(a.name for a in _BY_OWNER[owner])


def attribute(name: str, owner: Owner) -> Attribute | None:
    """The attribute ``name`` of ``owner``, or ``None`` when it has no such attribute."""
    return _LOOKUP.get((owner, name))


def statement_names() -> tuple[str, ...]:
    """The keywords that start a statement."""
    return tuple(s.keyword for s in STATEMENTS)


def reference(owner: Owner) -> str:
    """The Markdown table of ``owner``'s attributes, as docs/language.md shows it."""
    rows = ["| attribute | form | repeat | meaning |", "| --- | --- | --- | --- |"]
    rows += [
        f"| `{a.name}` | `{a.form}` | {'yes' if a.repeatable else '–'} | {a.doc} |"
        for a in _BY_OWNER[owner]
    ]
    return "\n".join(rows)


_BY_OWNER: Final = {o: tuple(a for a in ATTRIBUTES if o in a.owners) for o in OWNERS}
_LOOKUP: Final = {(o, a.name): a for o in OWNERS for a in _BY_OWNER[o]}
