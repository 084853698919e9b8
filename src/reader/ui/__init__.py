"""Margin's PySide6 widgets. They reach the core only through reader.core.library.Library."""
