"""Margin: read, search and annotate health articles offline."""

__version__ = "0.3.0"
