"""Margin: read, search and annotate health articles offline."""

__version__ = "0.2.0"
