#!/usr/bin/env bash
# Fail when a static library references a heap function.
set -eu
lib=$1; nm=${NM:-nm}
hits=$($nm -u "$lib" 2>/dev/null | awk '{print $NF}' | grep -xE 'malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|posix_memalign' | sort -u || true)
if [ -n "$hits" ]; then
  echo "heap-check: $lib references: $hits" >&2
  exit 1
fi
echo "heap-check: $lib references no heap function"
