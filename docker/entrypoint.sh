#!/bin/sh
# Fails fast with a readable message when the volume is not writable by the `node` user,
# instead of letting SQLite fail deeper in the boot.
set -eu
DATA_DIR="${DATA_DIR:-/data}"
if ! mkdir -p "$DATA_DIR" 2>/dev/null || ! [ -w "$DATA_DIR" ]; then
  echo "Data directory $DATA_DIR is not writable by uid $(id -u). Fix with: docker run --rm -v <volume>:/data alpine chown -R 1000:1000 /data" >&2
  exit 1
fi
exec "$@"
