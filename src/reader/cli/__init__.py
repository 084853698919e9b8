"""The `margin` command line; ``reader.cli:main`` is the console entry point."""

from reader.cli.main import main

__all__ = ["main"]
