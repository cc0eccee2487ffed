#!/usr/bin/env bash
# Installs or upgrades the cluster add-ons charts/ttfd expects, with the values files beside this
# script. Run once per cluster, before the first `helm install` of the chart.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

KUBE_PROMETHEUS_STACK_VERSION="${KUBE_PROMETHEUS_STACK_VERSION:-65.1.1}"
CLOUDNATIVE_PG_VERSION="${CLOUDNATIVE_PG_VERSION:-0.29.1}"
INGRESS_NGINX_VERSION="${INGRESS_NGINX_VERSION:-4.11.3}"
CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.16.2}"
# The Let's Encrypt account's contact address (expiry notices).
ACME_EMAIL="${ACME_EMAIL:?set ACME_EMAIL, the address Let's Encrypt writes to about the certificates}"

kubectl apply -k "$here"

helm repo add prometheus-community https://prometheus-community.github.io/helm-charts
helm repo add cnpg https://cloudnative-pg.github.io/charts
helm repo add ingress-nginx https://kubernetes.github.io/ingress-nginx
helm repo add jetstack https://charts.jetstack.io
helm repo update

helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
  --namespace monitoring --version "$KUBE_PROMETHEUS_STACK_VERSION" \
  --values "$here/kube-prometheus-stack.values.yaml" --wait
helm upgrade --install cnpg cnpg/cloudnative-pg \
  --namespace cnpg-system --version "$CLOUDNATIVE_PG_VERSION" \
  --values "$here/cloudnative-pg.values.yaml" --wait
helm upgrade --install ingress-nginx ingress-nginx/ingress-nginx \
  --namespace ingress-nginx --version "$INGRESS_NGINX_VERSION" \
  --values "$here/ingress-nginx.values.yaml" --wait
# TLS for the Ingress: cert-manager, then the ClusterIssuer the environments name (needs its CRDs).
helm upgrade --install cert-manager jetstack/cert-manager \
  --namespace cert-manager --version "$CERT_MANAGER_VERSION" \
  --values "$here/cert-manager.values.yaml" --wait
sed "s/ACME_EMAIL/$ACME_EMAIL/" "$here/cluster-issuer.yaml" | kubectl apply -f -
