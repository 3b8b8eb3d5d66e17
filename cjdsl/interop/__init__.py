"""Journeys read from other formats: Mermaid ``journey`` diagrams and touchpoint tables.

Each importer takes text or bytes and returns an ``building.Imported`` (the journey and
the diagnostics located in the input); ``cjdsl import`` writes the journey with
``cjdsl.dumps``. The other way, model to other formats, is ``rendering.exporters``.
"""
