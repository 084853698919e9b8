"""Package list for setuptools; everything else is in pyproject.toml.

Why a setup.py at all: the sample articles, icons and desktop files live in
``resources/`` at the top of the repository but install as the package
``reader.resources``, so ``importlib.resources`` finds them in a wheel, an editable
install and the PyInstaller bundle alike. pyproject.toml maps ``reader.resources`` to
``resources/`` (``package-dir``), but it can only list packages by hand or discover
them under one root; here ``src/`` is discovered as before and the mapped package added.

Data folders (``resources/sample``, a web-assets folder under ``src/reader``…) are
listed as namespace packages so setuptools ships their files without warnings.
"""

import warnings

from setuptools import find_namespace_packages, setup

# With a mapped package, `pip install -e .` uses a meta path finder instead of a plain .pth
# file, and setuptools says so in a boxed notice ("Editable installation… be careful with
# folders named like your package") on every install, even with -q. Expected here, so
# quiet: the README's first command should print nothing but real problems.
warnings.filterwarnings("ignore", message=r"(?s).*Editable installation")

SKIP = ["*__pycache__*"]

setup(
    packages=[
        *find_namespace_packages("src", include=["reader", "reader.*"], exclude=SKIP),
        "reader.resources",
        *("reader.resources." + p for p in find_namespace_packages("resources", exclude=SKIP)),
    ]
)
