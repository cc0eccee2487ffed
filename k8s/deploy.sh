#!/usr/bin/env bash
# Deploys one environment: its namespace objects (kustomize), then the chart with its values.
#   k8s/deploy.sh dev|staging|production [extra helm flags, e.g. --set image.tag=1.4.0]
set -euo pipefail
env="${1:?usage: k8s/deploy.sh dev|staging|production [helm flags]}"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay="$here/overlays/$env"
[[ -f "$overlay/values.yaml" ]] || { echo "no environment $env under $here/overlays" >&2; exit 1; }

kubectl apply -k "$overlay"
# The migration runs as the chart's pre-upgrade hook (or, with cnpg.enabled, as a Job the
# Deployments wait for); --wait returns once every Deployment is ready. The timeout outlasts the
# migration Job's activeDeadlineSeconds (migrations.activeDeadlineSeconds, 900 s), so helm never gives
# up on a migration that is still allowed to run.
helm upgrade --install ttfd "$here/../charts/ttfd" \
  --namespace "ttfd-$env" \
  --values "$overlay/values.yaml" \
  --wait --wait-for-jobs --timeout 20m \
  "$@"
