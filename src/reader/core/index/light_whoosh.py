"""Whoosh imported without two modules it loads at import time and never uses here.

``margin search`` is a new process each time, and a third of its start-up was Whoosh's
own import (issue 13). Two parts of that do nothing for Margin:

- ``whoosh.compat`` imports ``urlretrieve`` from ``urllib.request``, a Python 2 leftover
  that no part of Whoosh calls; the module brings ``http.client``, ``email`` and ``ssl``
  with it;
- ``whoosh.reading`` takes ``cached_property`` from the PyPI package of that name, which
  imports ``asyncio`` for coroutine properties; Whoosh's are plain ones, which the
  standard library's :func:`functools.cached_property` computes the same way.

While Whoosh is first imported, those two names stand in for the real modules, and
are taken out again straight after, so anything that imports ``urllib.request`` later
(``margin fetch-images``) gets the real one. It is done only when Whoosh is not loaded
yet and this is the process's only thread, so no other code can meet a stand-in.
tests/cli/test_lazy_imports.py checks what a search loads; tests/core/test_index.py
that searching, deleting and updating still work.
"""

from __future__ import annotations

import functools
import sys
import threading
import types

__all__ = ["import_whoosh"]


def _urllib_request() -> types.ModuleType:
    module = types.ModuleType("urllib.request", "Stand-in while Whoosh is imported.")

    def urlretrieve(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Margin does not download through Whoosh")

    module.__dict__["urlretrieve"] = urlretrieve
    return module


def _cached_property() -> types.ModuleType:
    module = types.ModuleType("cached_property", "functools.cached_property for Whoosh.")
    module.__dict__["cached_property"] = functools.cached_property
    return module


def import_whoosh() -> None:
    """Import the parts of Whoosh the index uses, without their unused imports."""
    if "whoosh.compat" in sys.modules or threading.active_count() > 1:
        return  # already loaded, or another thread could import a stand-in meanwhile
    stand_ins = {
        name: make()
        for name, make in (
            ("urllib.request", _urllib_request),
            ("cached_property", _cached_property),
        )
        if name not in sys.modules
    }
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
