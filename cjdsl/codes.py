"""The table of every diagnostic code cjdsl can emit.

Longer than 450 lines: it is one table, an entry per code with its documentation, and
the codes are easier to keep apart and to number when they sit together.

A code never changes meaning once released. ``docs/diagnostics.md`` is
generated from this table (``cjdsl explain --all > docs/diagnostics.md``)
and a test keeps the two equal.

Longer than the ~400-line guideline: one table, a record per code with its example
and fix; splitting it by category would scatter the one list every front end reads.
"""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Final

from .diagnostics import Severity

__all__ = ["ALL", "BY_ID", "Code", "explain", "group", "lookup", "markdown", "suggest"]


@dataclasses.dataclass(frozen=True, slots=True)
class Code:
    """A diagnostic code: stable id, kebab-case name, default severity and docs."""

    id: str
    name: str
    severity: Severity
    summary: str
    example: str
    fix: str
    fence: str = "journey-source"
    """The language of ``example`` in the docs: a journey, or the other format it is in."""


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note, for information

# CJ0xx: syntax -----------------------------------------------------------
SYNTAX_ERROR: Final = Code(
    "CJ001",
    "syntax-error",
    E,
    "The parser met a token it cannot place here.",
    'journey "Shop"\nstage awareness "Awareness" }',
    "Read the expected tokens in the message; usually a missing `{`, a stray "
    "character or two statements on one line without `;`.",
)
UNEXPECTED_CHARACTER: Final = Code(
    "CJ002",
    "unexpected-character",
    E,
    "A character that is not part of the language.",
    'journey "Shop"\ntouchpoint ad "Ad" $ social',
    "Remove the character or put the text inside a string.",
)
UNCLOSED_BLOCK: Final = Code(
    "CJ003",
    "unclosed-block",
    E,
    "A `{` block is never closed.",
    'journey "Shop"\nstage awareness "Awareness" {\n  touchpoint ad "Ad"',
    "Add the missing `}`.",
)
UNTERMINATED_STRING: Final = Code(
    "CJ004",
    "unterminated-string",
    E,
    "A string has no closing quote on its line.",
    'journey "Shop\ntouchpoint ad "Ad"',
    'Close the string with `"`; use `"""` for text over several lines.',
)
MISSING_TARGET: Final = Code(
    "CJ005",
    "missing-target",
    E,
    "A `->` is not followed by the id of the touchpoint it leads to.",
    'journey "Shop"\nad ->',
    "Write the target id after `->`, on the same line.",
)
INVALID_ENCODING: Final = Code(
    "CJ006",
    "invalid-encoding",
    E,
    "The file is not valid UTF-8 or contains NUL characters.",
    "(a file saved as Latin-1 with `Kündigung` in it)",
    "Save the file as UTF-8.",
)
FILE_TOO_LARGE: Final = Code(
    "CJ007",
    "file-too-large",
    E,
    "A journey file (or one it imports) is larger, or has more lines or commas, than cjdsl reads.",
    "(a 200 MB file, or an import of a log file by mistake)",
    "Split the journey into several files, or check that the path names a journey; "
    "the limits are 16 MiB, 3,000,000 lines and 3,000,000 commas a file.",
)

# CJ1xx: names, imports, literals -----------------------------------------
UNKNOWN_REFERENCE: Final = Code(
    "CJ101",
    "unknown-reference",
    E,
    "A transition, channel or persona reference names nothing that is declared.",
    'journey "Shop"\ntouchpoint checkout "Checkout"\ngoal bought "Bought"\ncheckout -> bougth',
    "Fix the spelling (the hint suggests the closest id) or declare it.",
)
DUPLICATE_ID: Final = Code(
    "CJ102",
    "duplicate-id",
    E,
    "Two declarations share one id.",
    'journey "Shop"\ntouchpoint ad "Instagram ad"\ntouchpoint ad "Search ad"',
    "Give each touchpoint, goal, exit, stage, persona and channel its own id.",
)
MISSING_HEADER: Final = Code(
    "CJ103",
    "missing-header",
    E,
    'The file does not start with `journey "Title"`.',
    'touchpoint ad "Ad"',
    'Add `journey "Your title"` as the first statement.',
)
MISPLACED_HEADER: Final = Code(
    "CJ104",
    "misplaced-header",
    E,
    "A second `journey` header, or header lines after other statements.",
    'journey "Shop"\ntouchpoint ad "Ad"\njourney "Again"',
    "Keep one `journey` header first; `description` and `owner` right after it.",
)
UNKNOWN_STATEMENT: Final = Code(
    "CJ105",
    "unknown-statement",
    E,
    "A line starts with a word that is no statement of the language.",
    'journey "Shop"\ntouchpiont ad "Ad"',
    "Use one of `journey`, `import`, `persona`, `channel`, `stage`, `touchpoint`, "
    "`goal`, `exit`, `entry`, or a transition `a -> b`.",
)
UNKNOWN_ATTRIBUTE: Final = Code(
    "CJ106",
    "unknown-attribute",
    E,
    "A block holds an attribute its element does not have.",
    'journey "Shop"\ntouchpoint ad "Ad" {\n  emotoin +1\n}',
    "Use one of the attributes listed in the message (the hint suggests the closest).",
)
INVALID_VALUE: Final = Code(
    "CJ107",
    "invalid-value",
    E,
    "An attribute has the wrong kind or number of values.",
    'journey "Shop"\ntouchpoint ad "Ad" {\n  emotion "happy"\n}',
    'Write the value in the form the message shows, e.g. `emotion +1 "happy"`.',
)
INVALID_NUMBER: Final = Code(
    "CJ108",
    "invalid-number",
    E,
    "A number has a unit that does not fit where it stands, or too many digits.",
    'journey "Shop"\na -> b 40% after 2x',
    "Durations use s, m, h, d, w; probabilities `%` or a fraction; money an ISO code "
    "such as `EUR`. Numbers have at most 15 digits before the point.",
)
IMPORT_NOT_FOUND: Final = Code(
    "CJ109",
    "import-not-found",
    E,
    "An imported file cannot be read.",
    'journey "Shop"\nimport "common.journey"',
    "Imports are relative to the importing file; check the path and its case.",
)
IMPORT_CYCLE: Final = Code(
    "CJ110",
    "import-cycle",
    E,
    "Files import each other in a circle.",
    '# a.journey\nimport "b.journey"\n# b.journey\nimport "a.journey"',
    "Move the shared channels and personas into a third file both import.",
)
IMPORT_IGNORED: Final = Code(
    "CJ111",
    "import-ignored",
    W,
    "An imported file holds statements other than channels and personas.",
    '# common.journey\nchannel web "Web shop" online\ntouchpoint ad "Ad"',
    "Imports share channels and personas only; keep touchpoints in the journey.",
)
INVALID_CHANNEL_KIND: Final = Code(
    "CJ112",
    "invalid-channel-kind",
    E,
    "A channel's kind is neither `online` nor `offline`.",
    'journey "Shop"\nchannel web "Web shop" internet',
    "Write `online` or `offline` after the channel's label.",
)
MISPLACED_ENTRY: Final = Code(
    "CJ113",
    "misplaced-entry",
    E,
    "`entry` marks a goal or exit, or `reach` sits on a touchpoint that is no entry.",
    'journey "Shop"\nentry goal bought "Bought"',
    "Put `entry` only before `touchpoint`, and `reach` only in an entry's block.",
)
IMPORT_OUTSIDE_ROOT: Final = Code(
    "CJ114",
    "import-outside-root",
    E,
    "An import leads out of the project folder, where a documentation build does not follow.",
    "# docs/journeys/shop.journey, built with the docs folder as the root\n"
    'import "../../../etc/common.journey"',
    "Move the imported file into the project, or allow imports from outside it in the "
    "Sphinx or MkDocs settings.",
)
UNKNOWN_LANGUAGE: Final = Code(
    "CJ115",
    "unknown-language",
    E,
    "The journey's `lang` names a language cjdsl does not write its outputs in.",
    'journey "Shop"\n  lang "deutsch"',
    'Write `lang "de"` or `lang "en"`; diagnostics stay English whatever the language.',
)
UNKNOWN_LOSS: Final = Code(
    "CJ116",
    "unknown-loss",
    E,
    "A `loss` names no kind of loss (`abandon`, `churn`, `return`, `complaint`), or is not "
    "on an exit.",
    'journey "Tarif"\nentry touchpoint kuendigung "Kündigung"\nexit weg "Kunde verloren" {\n'
    "  loss churned\n}\nkuendigung -> weg 40%",
    "Write one of the kinds on an exit (the hint suggests the nearest): `loss churn`.",
)

# CJ2xx: graph structure --------------------------------------------------
DEAD_END: Final = Code(
    "CJ201",
    "dead-end",
    W,
    "A touchpoint that is neither goal nor exit has no way onward.",
    'journey "Shop"\ntouchpoint ad "Ad"\ntouchpoint shop "Shop"\ngoal bought "Bought"\nad -> shop',
    "Add a transition from it, or declare it as an `exit` if customers stop there.",
)
UNREACHABLE: Final = Code(
    "CJ202",
    "unreachable",
    W,
    "No path from any entry leads to this touchpoint.",
    'journey "Shop"\nentry touchpoint ad "Ad"\ntouchpoint mail "Mail"\n'
    'goal bought "Bought"\nad -> bought\nmail -> bought',
    "Add a transition into it, or mark it `entry` if customers start there.",
)
NO_PATH_TO_GOAL: Final = Code(
    "CJ203",
    "no-path-to-goal",
    W,
    "Neither a goal nor an exit can be reached from this touchpoint.",
    'journey "Shop"\nentry touchpoint ad "Ad"\ntouchpoint shop "Shop"\n'
    'goal bought "Bought"\nad -> shop',
    "Lead the path on towards a goal, or end it in an `exit` where customers are lost.",
)
INESCAPABLE_CYCLE: Final = Code(
    "CJ204",
    "inescapable-cycle",
    W,
    "Touchpoints form a loop that no transition leaves.",
    'journey "Shop"\ntouchpoint a "A"\ntouchpoint b "B"\ngoal g "G"\na -> b\nb -> a',
    "Add a transition out of the loop (to a goal or an exit).",
)
TRANSITION_FROM_EXIT: Final = Code(
    "CJ205",
    "transition-from-exit",
    E,
    "A transition leaves an `exit`, which is terminal.",
    'journey "Shop"\nexit lost "Lost"\ntouchpoint winback "Win-back"\nlost -> winback',
    "Make it a touchpoint (customers come back from it) or drop the transition.",
)
NO_GOAL: Final = Code(
    "CJ206",
    "no-goal",
    W,
    "The journey declares no goal, so nothing counts as converting.",
    'journey "Shop"\ntouchpoint ad "Ad"',
    'Declare the conversion milestone: `goal bought "Order placed"`.',
)
NO_ENTRY: Final = Code(
    "CJ207",
    "no-entry",
    W,
    "No touchpoint is marked `entry` and every touchpoint has an incoming transition.",
    'journey "Shop"\ntouchpoint a "A"\ngoal g "G"\na -> g\ng -> a',
    "Mark where customers start: `entry touchpoint ad ...`.",
)
DUPLICATE_TRANSITION: Final = Code(
    "CJ208",
    "duplicate-transition",
    W,
    "The same transition is declared twice for the same personas.",
    'journey "Shop"\ntouchpoint a "A"\ngoal g "G"\na -> g 40%\na -> g 20%',
    "Keep one transition and merge the probabilities.",
)

# CJ3xx: numbers and probabilities ----------------------------------------
PROBABILITY_RANGE: Final = Code(
    "CJ301",
    "probability-out-of-range",
    E,
    "A probability is below 0 or above 100%.",
    'journey "Shop"\ntouchpoint a "A"\ngoal g "G"\na -> g 40',
    "Write a percentage (`40%`) or a fraction between 0 and 1 (`0.4`).",
)
PROBABILITY_SUM: Final = Code(
    "CJ302",
    "probability-sum",
    E,
    "The probabilities leaving one touchpoint add up to more than 100%.",
    'journey "Shop"\ntouchpoint a "A"\ngoal g "G"\nexit x "X"\na -> g 70%\na -> x 40%',
    "Lower them so they sum to at most 100%; the rest is the implicit drop-off.",
)
EMOTION_RANGE: Final = Code(
    "CJ303",
    "emotion-out-of-range",
    E,
    "An emotion lies outside −2..+2.",
    'journey "Shop"\ntouchpoint a "A" {\n  emotion +3\n}',
    "Use −2 (very negative) to +2 (very positive).",
)
INVALID_LINK: Final = Code(
    "CJ304",
    "invalid-link",
    E,
    "A `link` is not http(s), mailto or a relative path.",
    'journey "Shop"\ntouchpoint a "A" {\n  link "javascript:alert(1)"\n}',
    "Link to `https://…`, `mailto:…` or a relative path such as `docs/faq.html`.",
)
NEGATIVE_QUANTITY: Final = Code(
    "CJ305",
    "negative-quantity",
    E,
    "A reach, cost, duration or KPI that cannot be negative is negative.",
    'journey "Shop"\nentry touchpoint a "A" {\n  reach -10\n}',
    "Write the quantity as zero or more.",
)
PERSONA_SHARE: Final = Code(
    "CJ306",
    "persona-share",
    E,
    "The personas' shares cannot be read as parts of one audience: they add up to more "
    "than 100%, or mix customer counts with percentages.",
    'journey "Shop"\npersona a "A" { share 70% }\npersona b "B" { share 40% }',
    "Write every share as a percentage adding up to 100% at most (personas without one "
    "split the rest equally), or give every persona a customer count.",
)
PERSONA_SHARES_SHORT: Final = Code(
    "CJ307",
    "persona-shares-short",
    W,
    "Every persona has a share, and they add up to less than 100%: the figures for "
    "everyone take them as parts of what they add up to.",
    'journey "Shop"\npersona a "A" { share 30% }\npersona b "B" { share 40% }',
    "Make the shares add up to 100%, or leave one persona without a share: it gets the rest.",
)
COST_BASIS: Final = Code(
    "CJ308",
    "cost-basis",
    N,
    "A `cost` says no basis: it is read as a period's budget, not as a price per contact.",
    'journey "Shop"\ntouchpoint shop "Shop consultation" {\n  cost 35 EUR\n}',
    "Say what it is paid for: `cost 35 EUR per contact` (each time a customer passes, "
    "times the expected visits) or `cost 4200 EUR per month` (a budget).",
)
MIXED_CURRENCIES: Final = Code(
    "CJ309",
    "mixed-currencies",
    E,
    "Amounts that are added up (the costs of one channel, or a journey's costs and its "
    "goals' values) are in different currencies.",
    'journey "Shop"\nchannel web "Web"\ntouchpoint a "A" @web {\n  cost 10 EUR per contact\n}\n'
    'touchpoint b "B" @web {\n  cost 5 USD per contact\n}',
    "Write every amount of the journey in one currency: cjdsl does not convert them.",
)

# CJ4xx: style and completeness -------------------------------------------
EMPTY_STAGE: Final = Code(
    "CJ401",
    "empty-stage",
    W,
    "A stage holds no touchpoint, goal or exit.",
    'journey "Shop"\nstage advocacy "Advocacy"',
    "Add the touchpoints of that stage, or remove it.",
)
UNUSED_PERSONA: Final = Code(
    "CJ402",
    "unused-persona",
    W,
    "A persona is declared but no `for` names it.",
    'journey "Shop"\npersona anna "Anna"\ntouchpoint a "A"',
    "Restrict the touchpoints or transitions that differ for this persona with "
    "`for anna`, or remove the persona.",
)
UNUSED_CHANNEL: Final = Code(
    "CJ403",
    "unused-channel",
    W,
    "A channel is declared but no touchpoint uses it.",
    'journey "Shop"\nchannel store "Store" offline\ntouchpoint a "A"',
    "Put `@store` on the touchpoints of that channel, or remove it.",
)
NO_POST_PURCHASE: Final = Code(
    "CJ404",
    "no-post-purchase",
    W,
    "No stage follows the conversion: the journey ends at the sale.",
    'journey "Shop"\nstage buy "Purchase" {\n  goal bought "Bought"\n}',
    "Model what happens after the purchase: add retention and advocacy stages.",
)

# CJ5xx: funnel order ------------------------------------------------------
BACK_TO_EARLIER_STAGE: Final = Code(
    "CJ501",
    "back-to-earlier-stage",
    N,
    "A transition leads back to a touchpoint of an earlier stage.",
    'journey "Shop"\nstage buy "Purchase" {\n  entry touchpoint cart "Cart"\n'
    '  goal bought "Bought"\n}\nstage keep "Retention" {\n  touchpoint mail "Offer"\n}\n'
    "cart -> bought 50%\nbought -> mail 60%\nmail -> cart 10%",
    "Nothing, if it is a loop on purpose (re-purchase, support, win-back); otherwise "
    "move the touchpoint to the stage where customers meet it.",
)
SKIPPED_STAGE: Final = Code(
    "CJ502",
    "skipped-stage",
    N,
    "A transition jumps over a stage of the funnel.",
    'journey "Shop"\nstage aware "Awareness" {\n  entry touchpoint ad "Ad"\n}\n'
    'stage consider "Consideration" {\n  touchpoint reviews "Reviews"\n}\n'
    'stage buy "Purchase" {\n  goal bought "Bought"\n}\n'
    "ad -> reviews 20%\nreviews -> bought 30%\nad -> bought 2%",
    "Nothing, if customers really take the shortcut; otherwise add the touchpoints of the "
    "skipped stage on this way.",
)

# CJ6xx: other formats read in (Mermaid, spreadsheets) ----------------------
MERMAID_SYNTAX: Final = Code(
    "CJ601",
    "mermaid-syntax-error",
    E,
    "Mermaid's own parser would refuse this journey diagram: nothing is imported.",
    "journey\nsection Kauf\n  Zur Kasse",
    "Read the message: usually a task without `: score`, a `;`, or a line before `journey`.",
    "text",
)
MERMAID_SCORE_OUT_OF_RANGE: Final = Code(
    "CJ602",
    "mermaid-score-out-of-range",
    W,
    "A Mermaid task's score lies outside 1–5; it is read as the nearer end.",
    "journey\nsection Kauf\n  Zur Kasse: 7: Anna",
    "Write a score from 1 (bad) to 5 (good); the emotion is the score minus 3.",
    "text",
)
MERMAID_SCORE_NOT_A_NUMBER: Final = Code(
    "CJ603",
    "mermaid-score-not-a-number",
    W,
    "A Mermaid task's score is missing or no number; its touchpoint gets no emotion.",
    "journey\nsection Kauf\n  Zur Kasse: gut: Anna",
    "Write a score from 1 (bad) to 5 (good).",
    "text",
)
MERMAID_EMPTY_ACTOR: Final = Code(
    "CJ604",
    "mermaid-empty-actor",
    W,
    "A Mermaid task names an empty actor (`Task: 5:` or a doubled comma); it is left out.",
    "journey\nsection Kauf\n  Zur Kasse: 5: Anna,, Ben",
    "Remove the trailing colon or the doubled comma.",
    "text",
)
MERMAID_EMPTY_SECTION: Final = Code(
    "CJ605",
    "mermaid-empty-section",
    W,
    "A Mermaid section has no tasks; it becomes an empty stage.",
    "journey\nsection Suche\nsection Kauf\n  Zur Kasse: 5: Anna",
    "Add the section's tasks below it, or remove it.",
    "text",
)
MERMAID_IGNORED_TEXT: Final = Code(
    "CJ606",
    "mermaid-ignored-text",
    W,
    "Text after a Mermaid task's second colon, which Mermaid drops.",
    "journey\nsection Kauf\n  Zur Kasse: 5: Anna: Ben",
    "A task has two colons at most: `Task: 5: Actor, Actor`.",
    "text",
)
TABLE_MISSING_COLUMN: Final = Code(
    "CJ611",
    "table-missing-column",
    E,
    "A touchpoint table has no touchpoint column, or no rows: nothing is imported.",
    "Phase,Was\nSuche,Anzeige",
    "Name the column `Touchpoint` or `Kontaktpunkt`, or say which it is: "
    "`--column touchpoint=Was`.",
    "text",
)
TABLE_UNKNOWN_COLUMN: Final = Code(
    "CJ612",
    "table-unknown-column",
    W,
    "A column of a touchpoint table is none cjdsl reads (or a second one of a kind); "
    "it is ignored.",
    "Kontaktpunkt,Laune\nAnzeige,+1",
    "Rename the header (`cjdsl import table --help` lists them), or map it: "
    "`--column emotion=Laune`.",
    "text",
)
TABLE_INVALID_CELL: Final = Code(
    "CJ613",
    "table-invalid-cell",
    E,
    "A cell of a touchpoint table holds a value its column cannot take.",
    "Kontaktpunkt,Emotion\nAnzeige,sehr gut",
    "Write the value as the column wants it (see the message): an emotion is −2 … +2 "
    "and an optional word, a cost `1200 EUR`, a kind `touchpoint`, `goal` or `exit`.",
    "text",
)
TABLE_UNKNOWN_NEXT: Final = Code(
    "CJ614",
    "table-unknown-next",
    E,
    "A `next` cell names a touchpoint the table does not have.",
    "Kontaktpunkt,Weiter\nAnzeige,Kase\nKasse,",
    "Name the touchpoint by its id or its label, as its row writes it.",
    "text",
)
TABLE_MISSING_TOUCHPOINT: Final = Code(
    "CJ615",
    "table-missing-touchpoint",
    E,
    "A row of a touchpoint table has values but no touchpoint.",
    "Phase,Kontaktpunkt,Emotion\nSuche,Anzeige,+1\nSuche,,-1",
    "Write the touchpoint's name in its cell, or empty the row.",
    "text",
)

# CJ7xx: configuration and suppressions ----------------------------------------
INVALID_CONFIG: Final = Code(
    "CJ701",
    "invalid-config",
    E,
    "A configuration file (`cjdsl.toml`, or `pyproject.toml` with `[tool.cjdsl]`) is not TOML.",
    '[tool.cjdsl]\ntheme = "dark',
    "Fix the TOML at the place shown; strings need both quotes, lists `[` and `]`.",
    "toml",
)
UNKNOWN_SETTING: Final = Code(
    "CJ702",
    "unknown-setting",
    E,
    "A configuration file sets a key cjdsl does not know.",
    "[tool.cjdsl]\nstirct = true",
    "Use one of the keys of the configuration page (the hint suggests the closest).",
    "toml",
)
INVALID_SETTING: Final = Code(
    "CJ703",
    "invalid-setting",
    E,
    "A setting has a value of the wrong type, or one it cannot take (an unknown code, theme).",
    '[tool.cjdsl]\nignore = ["CJ9"]',
    "Write the value the message names; codes by id (`CJ502`), prefix (`CJ5`) or name "
    "(`skipped-stage`).",
    "toml",
)
UNUSED_SUPPRESSION: Final = Code(
    "CJ704",
    "unused-suppression",
    W,
    "A `# cjdsl: ignore[…]` comment suppresses nothing on its line, or names no code "
    "(reported with `--strict`).",
    'journey "Shop"\nentry touchpoint ad "Ad"  # cjdsl: ignore[dead-end]\ngoal bought "Bought"\n'
    "ad -> bought",
    "Remove the comment, or the codes in it that no longer apply.",
)

# CJ8xx: scenarios and the service blueprint --------------------------------------
SCENARIO_UNKNOWN_TARGET: Final = Code(
    "CJ801",
    "scenario-unknown-target",
    E,
    "A scenario changes or removes a touchpoint, stage or transition the journey does not "
    "have (or one the scenario has already removed).",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'scenario to_be "To-be" {\n  remove chekout\n}',
    "Name what the journey declares (the hint suggests the closest id); to add something "
    "new, declare it in the scenario instead.",
)
SCENARIO_DUPLICATE: Final = Code(
    "CJ802",
    "scenario-duplicate",
    E,
    "A scenario declares a touchpoint whose id the journey already has.",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'scenario to_be "To-be" {\n  touchpoint cart "New cart"\n}',
    "Write `change cart { … }` to change it, `remove cart` before declaring it anew, or give "
    "the new touchpoint its own id.",
)
SCENARIO_REMOVES_NOTHING: Final = Code(
    "CJ803",
    "scenario-removes-nothing",
    W,
    "A scenario's `change` removes an attribute the touchpoint does not have.",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'scenario to_be "To-be" {\n  change cart { remove pain }\n}',
    "Drop the `remove`, or name an attribute the touchpoint has.",
)
UNKNOWN_SCENARIO: Final = Code(
    "CJ804",
    "unknown-scenario",
    E,
    "`--scenario ID` (or a docs page's `scenario`) names no scenario of the journey.",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'scenario to_be "To-be" {\n  change cart { emotion +1 }\n}\n'
    "# cjdsl check shop.journey --scenario tobe",
    "Name a scenario the file declares (the hint lists them), or declare it.",
)

BLUEPRINT_PAIN_UNSUPPORTED: Final = Code(
    "CJ811",
    "blueprint-pain-unsupported",
    N,
    "A frontstage touchpoint has a pain, but no process of the blueprint supports it.",
    'journey "Shop"\nentry touchpoint cart "Cart" {\n  lane frontstage\n'
    '  pain "Shipping is dear"\n  opportunity "Pick up in store"\n'
    '  owner "Shop team"\n  kpi pickups 10%\n}\n'
    'goal bought "Bought"\ncart -> bought\n'
    'process picking "Picking" { owner "Warehouse"; supports bought }',
    "Declare the process behind it (`process … { supports cart }`), or add `supports cart` "
    "to the one that serves it: what fails backstage is often what hurts frontstage.",
)
UNUSED_PROCESS: Final = Code(
    "CJ812",
    "unused-process",
    W,
    "A process of the blueprint supports no touchpoint.",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'process picking "Picking" { owner "Warehouse" }',
    "Add `supports` with the touchpoints it serves (the hint suggests one), or remove it.",
)
PROCESS_WITHOUT_OWNER: Final = Code(
    "CJ813",
    "process-without-owner",
    W,
    "A process of the blueprint has no `owner`: nobody answers for it.",
    'journey "Shop"\nentry touchpoint cart "Cart"\ngoal bought "Bought"\ncart -> bought\n'
    'process picking "Picking" { supports cart }',
    'Name the team that runs it: `owner "Warehouse"`.',
)
PAIN_WITHOUT_OPPORTUNITY: Final = Code(
    "CJ814",
    "pain-without-opportunity",
    N,
    "In a blueprint, a touchpoint has a pain but no opportunity: the pain is traced to nothing.",
    'journey "Shop"\nentry touchpoint cart "Cart" {\n  lane frontstage\n'
    '  pain "Shipping is dear"\n}\n'
    'goal bought "Bought"\ncart -> bought\n'
    'process picking "Picking" { owner "Warehouse"; supports cart }',
    'Write the answer to it: `opportunity "Pick up in store"` (pain → opportunity → owner → KPI).',
)
OPPORTUNITY_UNTRACED: Final = Code(
    "CJ815",
    "opportunity-untraced",
    N,
    "In a blueprint, a touchpoint has an opportunity but no `owner` or no `kpi` to measure it by.",
    'journey "Shop"\nentry touchpoint cart "Cart" {\n  lane frontstage\n'
    '  pain "Shipping is dear"\n'
    '  opportunity "Pick up in store"\n}\ngoal bought "Bought"\ncart -> bought\n'
    'process picking "Picking" { owner "Warehouse"; supports cart }',
    'Say who takes it up and how success shows: `owner "Shop team"`, `kpi pickups 10%`.',
)

del E, W, N

ALL: Final[tuple[Code, ...]] = tuple(
    value for value in list(globals().values()) if isinstance(value, Code)
)
BY_ID: Final[dict[str, Code]] = {code.id: code for code in ALL}


def lookup(key: str) -> Code | None:
    """Find a code by id (``CJ201``, any case) or name (``dead-end``)."""
    key = key.strip()
    return BY_ID.get(key.upper()) or next((c for c in ALL if c.name == key), None)


def suggest(key: str) -> str | None:
    """``did you mean `dead-end`?`` for a misspelt code id or name, if one is close."""
    from .diagnostics import did_you_mean

    return did_you_mean(key.strip(), [*BY_ID, *(c.name for c in ALL)])


_GROUPS: Final = {
    "0": "Syntax",
    "1": "Names, imports and literals",
    "2": "Graph structure",
    "3": "Numbers and probabilities",
    "4": "Style and completeness",
    "5": "Funnel order",
    "6": "Other formats read in",
    "7": "Configuration and suppressions",
    "8": "Scenarios and the service blueprint",
}


def group(code: Code) -> str:
    """The name of a code's group (``Graph structure`` for CJ2xx)."""
    return _GROUPS[code.id[2]]


def markdown() -> str:
    """The diagnostics reference page, generated from this table."""
    out = [
        "# Diagnostics reference",
        "",
        "<!-- generated by `cjdsl explain --all > docs/diagnostics.md`; do not edit -->",
        "",
        "Every problem cjdsl reports has a stable code. `cjdsl check` exits 1 when any "
        "**error** is found (with `--strict`, warnings too). Codes never change meaning.",
        "",
        "| code | name | severity | summary |",
        "| --- | --- | --- | --- |",
    ]
    out += [
        f"| [{c.id}](#{c.id.lower()}-{c.name}) | `{c.name}` | {c.severity.value} | {c.summary} |"
        for c in ALL
    ]
    group = ""
    for code in ALL:
        if code.id[2] != group:
            group = code.id[2]
            out += ["", f"## {_GROUPS[group]} (CJ{group}xx)"]
        out += [
            "",
            f"### {code.id} {code.name}",
            "",
            f"*{code.severity.value}*: {code.summary}",
            "",
            f"```{code.fence}",
            code.example,
            "```",
            "",
            f"**Fix:** {code.fix}",
        ]
    return "\n".join(out) + "\n"


def explain(code: Code) -> str:
    """One code's entry as plain text, for ``cjdsl explain CODE``."""
    return (
        f"{code.id} {code.name} ({code.severity.value})\n\n{code.summary}\n\n"
        f"Example:\n\n{textwrap.indent(code.example, '    ')}\n\nFix: {code.fix}\n"
    )
