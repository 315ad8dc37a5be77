#!/usr/bin/env bash
# Benchmarks: the add-in, the C ABI and the Rust core against the raw HTTP
# round trip and the official Python client, plus memory, receiving, load time,
# callgrind and the sandbox's own capacity; then bulk sending (SendBatch) against
# a sandbox with simulated latency. Writes target/bench/report.md,
# target/bench/overhead.png and target/bench/batch.md. Usage: scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v wrk >/dev/null || need+=(wrk)
command -v g++ >/dev/null || need+=(g++)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import sdkwa" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check sdkwa-whatsapp-api-client
# The benchmark loads the release add-in library; `cargo bench` builds only the rlib.
cargo build --release -p sdkwa1c --lib
cargo bench --bench overhead
# Bulk sending: the sandbox runs as its own process on core 1 (the bench
# starts it with taskset), the client on core 0; 1000 sends at 50 ms latency.
cargo build --release -p sdkwa-sandbox
if command -v taskset >/dev/null; then
  taskset -c 0 cargo bench --bench batch
else
  cargo bench --bench batch
fi
