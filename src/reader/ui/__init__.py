"""Margin's PySide6 widgets. Everything here talks to the core through reader.core.library.Library."""
