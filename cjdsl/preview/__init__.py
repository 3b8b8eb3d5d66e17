"""The live front ends: ``cjdsl preview`` (a page that follows the file) and
noticing that a journey or its imports changed (``cjdsl watch``)."""
