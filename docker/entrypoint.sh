#!/bin/sh
# Fails fast with a readable message when the volume is not writable by the user the container runs as
# (`node`, uid 1000, unless `--user` says otherwise), instead of letting SQLite fail deeper in the boot.
# The suggested fix runs this same image as root, so it needs no other image.
set -eu
DATA_DIR="${DATA_DIR:-/data}"
if ! mkdir -p "$DATA_DIR" 2>/dev/null || ! [ -w "$DATA_DIR" ]; then
  echo "Data directory $DATA_DIR is not writable by uid $(id -u). Fix with: docker run --rm --user 0 -v <volume or host folder>:$DATA_DIR <image> chown -R $(id -u):$(id -g) $DATA_DIR" >&2
  exit 1
fi
exec "$@"
