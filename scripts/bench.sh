#!/usr/bin/env bash
# Benchmarks. `sdkwa-sandbox` runs as its own process pinned to core 1 (the
# benches start it with taskset), the client on core 0 (this script pins it):
# an in-process server would compete with the client for the 2 cores and its
# work would be counted as the client's.
# 1. Per call (benches/overhead.rs): sendMessage through the raw HTTP floor,
#    bare reqwest (what a Rust user would write), the Rust core, the C ABI,
#    the 1C add-in (release library, Rust 1C host), then bare reqwest and the
#    add-in in the C++ 1C host each in a process of its own (as 1C runs it),
#    and the official Python client, interleaved; wall-clock and client CPU
#    per call; plus load time,
#    a 10 MB answer, the background receiver, callgrind and the sandbox's
#    capacity. Writes target/bench/report.md and target/bench/overhead.png.
# 2. Bulk sending (benches/batch.rs): 1000 sends at 50 ms simulated latency,
#    one by one and as SendBatch at concurrency 8 and 16, then under a rate
#    limit; each message checked exactly once. Writes target/bench/batch.md.
# About 3 minutes once built. Usage: scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v wrk >/dev/null || need+=(wrk)
command -v g++ >/dev/null || need+=(g++)
command -v taskset >/dev/null || need+=(util-linux)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import sdkwa" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check sdkwa-whatsapp-api-client
# The add-in row loads the release library; `cargo bench` builds only the rlib.
cargo build --release -p sdkwa1c --lib
cargo build --release -p sdkwa-sandbox
# Built unpinned (both cores), run pinned.
cargo bench --no-run --bench overhead --bench batch
pin=()
command -v taskset >/dev/null && pin=(taskset -c "${CLIENT_CPU:-0}")
"${pin[@]}" cargo bench --bench overhead
"${pin[@]}" cargo bench --bench batch
