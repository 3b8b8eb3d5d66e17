"""The ``.journey`` language server (``cjdsl lsp``), built on pygls.

The protocol wiring is in ``server``; each feature is a pure module over the
compiled ``Document``: ``index`` (where ids occur), ``navigation``
(definition, references, symbols), ``hover``, ``completion``, ``edits``
(quick fixes, formatting), ``convert`` (positions and diagnostics in the
protocol's terms) and ``state`` (each open document's last compile). The
protocol modules need pygls/lsprotocol, the optional ``lsp`` extra; ``tokens``,
``index`` and ``hover`` do not, and neither does importing this package.
"""

from __future__ import annotations

__all__: list[str] = []
