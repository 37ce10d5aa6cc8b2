#!/bin/sh
# Run in the image's build stage after `npm prune --omit=dev`: drops what a Linux image of one
# architecture never loads, about 400 MB: other platforms' native binaries (onnxruntime-node,
# Temporal's core bridge) and the core bridge's Rust sources.
set -eu
arch=$(node -p process.arch)
case "$arch" in
  x64) rust_target=x86_64-unknown-linux-gnu ;;
  arm64) rust_target=aarch64-unknown-linux-gnu ;;
  *) echo "prune-node-modules: unknown architecture $arch, nothing pruned" >&2; exit 0 ;;
esac
ort=node_modules/onnxruntime-node/bin/napi-v6
if [ -d "$ort/linux/$arch" ]; then
  find "$ort" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
  find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +
fi
bridge=node_modules/@temporalio/core-bridge
if [ -d "$bridge/releases/$rust_target" ]; then
  find "$bridge/releases" -mindepth 1 -maxdepth 1 ! -name "$rust_target" -exec rm -rf {} +
  rm -rf "$bridge/sdk-core" "$bridge/src"
fi
