#!/usr/bin/env bash
# Build the self-contained one-folder bundle: dist/margin/margin (Linux).
#   packaging/build-bundle.sh [PYTHON]     (default: .venv/bin/python)
# Installs PyInstaller into that Python's environment when it is missing (the `bundle`
# extra), builds from packaging/margin.spec and packs dist/margin-VERSION-linux-x86_64.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-.venv/bin/python}"

# The bundle carries the xcb libraries Qt's window needs, copied from this machine: build
# where the README's window packages are installed, or the bundle cannot open a window.
libs="$(/sbin/ldconfig -p)"  # read once: `ldconfig -p | grep -q` fails under pipefail
for lib in libxcb-cursor.so.0 libxcb-icccm.so.4 libxkbcommon-x11.so.0 libnss3.so; do
    if ! grep -q "$lib" <<<"$libs"; then
        echo "build-bundle: $lib is missing here; install the README's window packages first" >&2
        exit 1
    fi
done

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    "$PYTHON" -m pip install -q "pyinstaller>=6.10"  # the same as pyproject's `bundle` extra
fi
VERSION="$("$PYTHON" -c 'import sys; sys.path.insert(0, "src"); import reader; print(reader.__version__)')"

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/margin.spec
echo "built dist/margin in $(( $(date +%s) - start )) s, $(du -sh dist/margin | cut -f1)"

if [ "${MARGIN_BUNDLE_TARBALL:-1}" = 1 ]; then
    tarball="dist/margin-${VERSION}-linux-$(uname -m).tar.gz"
    tar -C dist -czf "$tarball" margin
    echo "packed $tarball ($(du -h "$tarball" | cut -f1))"
fi
