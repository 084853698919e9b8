"""Margin's Qt-free core: importers, store, index, citations, anchoring, export."""
