"""Margin's data files: installed as the package ``reader.resources``.

Nothing to import here; :func:`reader.core.paths.resources_dir` finds this folder
with ``importlib.resources``, in a checkout, a wheel or the bundle alike.
"""
