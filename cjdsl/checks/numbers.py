"""Number checks (CJ3xx): probabilities, emotions, links and quantities."""

from __future__ import annotations

import urllib.parse
from collections import defaultdict
from collections.abc import Iterator

import networkx as nx

from .. import codes, model, personas
from ..diagnostics import Diagnostic, Related
from ..source import Span
from . import check

__all__ = [
    "cost_bases",
    "currencies",
    "emotions",
    "links",
    "negative_quantities",
    "persona_shares",
    "persona_shares_short",
    "probability_ranges",
    "probability_sums",
]

_EPSILON = 1e-9
LINK_SCHEMES = ("http", "https", "mailto")


@check(codes.PROBABILITY_RANGE)
def probability_ranges(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Probabilities below 0 or above 100%."""
    for t in journey.transitions:
        p = t.probability
        if p is None or 0 <= p.value <= 1 + _EPSILON:
            continue
        assert t.probability_span is not None
        bare = p.unit == "" and 1 < p.value <= 100
        yield Diagnostic(
            codes.PROBABILITY_RANGE,
            f"probability `{p.text}` is out of range",
            t.probability_span,
            label="probabilities lie between 0 and 100%",
            hint=f"did you mean `{p.text}%`?" if bare else "write a percentage such as `40%`",
        )


@check(codes.PROBABILITY_SUM)
def probability_sums(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Written probabilities leaving one node, for one persona, above 100%.

    A persona's sum counts what the persona meets, as the analysis does: a transition
    counts for it when the transition, its source and its target apply to it, whether the
    restriction is written on the transition or on a node. Transitions for everyone that
    exceed 100% on their own are named as everyone's."""
    counted = [
        (t, p.value)
        for t in journey.transitions
        if (p := t.probability) is not None and 0 <= p.value <= 1 + _EPSILON  # CJ301 the rest
    ]
    # The sum over every transition first: a persona's share of them cannot exceed it.
    totals: defaultdict[str, float] = defaultdict(float)
    for t, value in counted:
        totals[t.source] += value
    by_source: defaultdict[str, list[model.Transition]] = defaultdict(list)
    for t, _ in counted:
        if totals[t.source] > 1 + _EPSILON:
            by_source[t.source].append(t)
    restricted = {
        node.id: frozenset(ref.id for ref in node.persona_refs)
        for node in journey.touchpoints
        if node.persona_refs
    }
    audiences: list[str | None] = [None, *(p.id for p in journey.personas)]
    for source, transitions in by_source.items():
        applying = _first_over_full(transitions, audiences, restricted, bool(journey.personas))
        if applying is None:
            continue
        persona, chosen = applying
        total = sum(t.probability.value for t in chosen if t.probability)
        who = f" for `{persona}`" if persona else (" for everyone" if journey.personas else "")
        yield Diagnostic(
            codes.PROBABILITY_SUM,
            f"transitions from `{source}`{who} add up to {total:.0%}",
            chosen[-1].span,
            label="the probabilities leaving one touchpoint exceed 100%",
            hint="lower them to 100% or less; the rest is the implicit drop-off",
            related=tuple(Related(t.span, "counted here") for t in chosen[:-1]),
        )


def _first_over_full(
    transitions: list[model.Transition],
    audiences: list[str | None],
    restricted: dict[str, frozenset[str]],
    personas: bool,
) -> tuple[str | None, list[model.Transition]] | None:
    """The first audience whose share of ``transitions`` (one source's) exceeds 100%, and
    that share in declaration order; ``None`` when every audience fits. ``None`` first:
    the transitions every persona meets (no ``for`` on them or their nodes).

    Each persona's sum comes from the transitions it meets, plus those for everyone:
    linear in the ``for`` lists, where asking every transition about every persona took
    64,000 personas times 64,000 transitions."""
    value = [t.probability.value if t.probability else 0.0 for t in transitions]
    for_everyone: list[int] = []
    naming: defaultdict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(transitions):
        limits = [frozenset(ref.id for ref in t.persona_refs)] if t.persona_refs else []
        limits += [restricted[end] for end in (t.source, t.target) if end in restricted]
        if not limits:
            for_everyone.append(i)
            continue
        meeting = min(limits, key=len)
        for named in sorted(meeting):
            if all(named in limit for limit in limits):
                naming[named].append(i)
    shared = sum(value[i] for i in for_everyone)
    for persona in audiences:
        if persona is None:
            if personas and shared <= 1 + _EPSILON:
                continue
            own: list[int] | range = [] if personas else range(len(transitions))
        else:
            own = naming.get(persona, [])
            if shared + sum(value[i] for i in own) <= 1 + _EPSILON / 2:
                continue  # far enough below the limit for the order of the sum not to matter
        chosen = [transitions[i] for i in sorted({*own, *for_everyone})]
        if sum(t.probability.value for t in chosen if t.probability) > 1 + _EPSILON:
            return persona, chosen
    return None


@check(codes.PERSONA_SHARE)
def persona_shares(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Shares that are no parts of one audience; ``personas.shares`` is the rule the
    analysis mixes the personas' figures with, so both read it."""
    for persona, message, hint in personas.shares(journey).problems:
        yield Diagnostic(
            codes.PERSONA_SHARE,
            message,
            persona.share_span or persona.name_span,
            label="the figures for everyone mix the personas by these shares",
            hint=hint,
        )


@check(codes.PERSONA_SHARES_SHORT)
def persona_shares_short(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Every persona has a percentage and they leave part of the audience to nobody."""
    short = personas.shares(journey).short
    if short is not None:
        last = journey.personas[-1]
        yield Diagnostic(
            codes.PERSONA_SHARES_SHORT,
            f"the personas' shares add up to {short:.0%}",
            last.share_span or last.name_span,
            label="every persona has a share; the figures for everyone scale them to 100%",
            hint="make them add up to 100%, or leave one persona without a share for the rest",
        )


@check(codes.EMOTION_RANGE)
def emotions(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Emotions outside −2..+2."""
    for node in journey.touchpoints:
        if node.emotion is not None and not -2 <= node.emotion.score <= 2:
            yield Diagnostic(
                codes.EMOTION_RANGE,
                f"emotion {node.emotion.score:+g} of `{node.id}` is out of range",
                node.emotion.span,
                label="emotions run from -2 to +2",
                hint="use -2 (very negative) … 0 (neutral) … +2 (very positive)",
            )


def link_is_safe(link: str) -> bool:
    r"""True for http(s) with a host, mailto, and relative paths.

    Read as a browser reads an ``href``: spaces around it dropped and ``\`` taken for
    ``/``, so ``/\host/x``, ``\\host/x`` and `` //host`` lead off-site as ``//host``
    does, and are refused with it.

    >>> [link_is_safe(x) for x in ("https://a.b/c", "mailto:x@y.z", "faq.html", "javascript:x")]
    [True, True, True, False]
    >>> [link_is_safe(x) for x in ("/\\evil.example/x", "\\\\evil.example/x", " //evil.example")]
    [False, False, False]
    """
    if any(ord(c) < 32 for c in link):
        return False
    read = link.strip().replace("\\", "/")
    if read.startswith("//"):
        return False
    parts = urllib.parse.urlsplit(read)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    if parts.scheme == "mailto":
        return bool(parts.path)
    return parts.scheme == "" and ":" not in read.split("/", 1)[0]


@check(codes.INVALID_LINK)
def links(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Links that are not http(s), mailto or relative."""
    for node in journey.touchpoints:
        if node.link is not None and not link_is_safe(node.link):
            assert node.link_span is not None
            yield Diagnostic(
                codes.INVALID_LINK,
                f"link `{node.link}` is not allowed",
                node.link_span,
                label="only http(s), mailto and relative links",
                hint="link to `https://…`, `mailto:…` or a relative path",
            )


@check(codes.NEGATIVE_QUANTITY)
def negative_quantities(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Negative reach, cost or duration."""
    for persona in journey.personas:
        if persona.share is not None and persona.share.value < 0:
            yield _negative("share", persona.id, persona.share_span or persona.name_span)
    for node in journey.touchpoints:
        if node.reach is not None and node.reach < 0:
            yield _negative("reach", node.id, node.name_span)
        if node.cost is not None and node.cost.amount < 0:
            yield _negative("cost", node.id, node.name_span)
    for t in journey.transitions:
        if t.after is not None and t.after.value < 0:
            yield _negative("duration", f"{t.source} -> {t.target}", t.span)


def _negative(what: str, owner: str, span: Span) -> Diagnostic:
    return Diagnostic(
        codes.NEGATIVE_QUANTITY,
        f"{what} of `{owner}` is negative",
        span,
        label=f"a {what} is zero or more",
        hint=f"write the {what} as zero or more",
    )


@check(codes.COST_BASIS)
def cost_bases(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """A cost without ``per contact`` or ``per month``: today's reading is a budget."""
    for node in journey.touchpoints:
        cost = node.cost
        if cost is None or cost.basis is not None:
            continue
        yield Diagnostic(
            codes.COST_BASIS,
            f"cost of `{node.id}` says no basis: read as a period's budget",
            cost.span or node.name_span,
            label="per contact, or per month?",
            hint=f"write `cost {cost.text} per contact` (each time a customer passes) or "
            f"`cost {cost.text} per month` (a budget)",
        )


@check(codes.MIXED_CURRENCIES)
def currencies(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Costs and goal values are added up per channel and per journey: one currency."""
    first: model.Money | None = None
    owner = ""
    for node in journey.touchpoints:
        for money in (node.cost, node.value):
            if money is None:
                continue
            if first is None:
                first, owner = money, node.id
                continue
            if money.currency == first.currency:
                continue
            here = money.span or node.name_span
            there = first.span or here
            yield Diagnostic(
                codes.MIXED_CURRENCIES,
                f"`{node.id}` is in {money.currency}, `{owner}` in {first.currency}",
                here,
                label=f"{money.currency} here",
                hint=f"write every amount in {first.currency} (or every one in "
                f"{money.currency}): cjdsl does not convert currencies",
                related=(Related(there, f"{first.currency} here"),),
            )
