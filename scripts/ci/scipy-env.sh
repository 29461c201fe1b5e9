#!/usr/bin/env bash
# A virtualenv with pinned SciPy and NumPy, the oracle for monitoring's golden statistics. Cached
# under ~/.cache/ballast-services like the services; prints the venv's python on stdout.
set -euo pipefail
SCIPY_VERSION=1.17.1
NUMPY_VERSION=2.4.6
CACHE="${BALLAST_SERVICES_CACHE:-$HOME/.cache/ballast-services}"
DIR="$CACHE/scipy-$SCIPY_VERSION-numpy-$NUMPY_VERSION"
if [ ! -x "$DIR/venv/bin/python" ] || ! "$DIR/venv/bin/python" -c "import scipy" >/dev/null 2>&1; then
  py=/usr/bin/python3
  [ -x "$py" ] || py="$(command -v python3)"
  stage="$DIR.partial.$$"
  rm -rf "$stage"
  mkdir -p "$stage"
  "$py" -m venv "$stage/venv" >&2
  "$stage/venv/bin/pip" install -q --disable-pip-version-check \
    "scipy==$SCIPY_VERSION" "numpy==$NUMPY_VERSION" >&2
  rm -rf "$DIR"
  mv "$stage" "$DIR"
fi
echo "$DIR/venv/bin/python"
