# shellcheck shell=bash
# Sourced by the scripts that run ck-mock-issuer (the demo, the tools'
# suites, the benchmarks, the networked image's test): start it on
# 127.0.0.1 on a free port and wait, bounded, for its ready file.
#
#   mock_start MOCK READY_FILE LOG_FILE [MOCK OPTION...]
#       runs MOCK --port 0 --ready-file READY_FILE OPTION... in the
#       background (stdout discarded, stderr to LOG_FILE) and sets MOCK_PID
#       and MOCK_PORT. Returns non-zero, with LOG_FILE on stderr, when the
#       mock exits or has not written its port within MOCK_READY_TIMEOUT_S
#       (15) seconds; MOCK_PID is set then too, for the caller to reap.

mock_start() {
  local mock=$1 ready=$2 log=$3 deadline
  shift 3
  rm -f "$ready"
  "$mock" --port 0 --ready-file "$ready" "$@" >/dev/null 2>"$log" &
  MOCK_PID=$!
  MOCK_PORT=
  deadline=$((SECONDS + ${MOCK_READY_TIMEOUT_S:-15}))
  until [ -s "$ready" ]; do
    if ! kill -0 "$MOCK_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  MOCK_PORT=$(tr -dc '0-9' <"$ready")
  [ -n "$MOCK_PORT" ]
}
