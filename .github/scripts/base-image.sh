#!/usr/bin/env bash
# The Node.js base image of every service image, read from its one source: the ARG defaults at
# the top of the Dockerfile (NODE_VERSION, NODE_IMAGE_DIGEST). Used by images.yml (the release
# refuses an unpinned base), base-image.yml (the scheduled pin update) and charts/test.
#
#   base-image.sh tag               node:<NODE_VERSION>-bookworm-slim
#   base-image.sh digest            the pinned multi-arch index digest; empty when not pinned
#   base-image.sh ref               what FROM pulls: the tag, with @<digest> when pinned
#   base-image.sh check [--pinned]  the pin is well formed, FROM uses it, NODE_VERSION is the
#                                   Makefile's; --pinned: and a digest is set (a release)
#   base-image.sh set <digest>      pins another digest (rewrites the ARG line), then checks
#
# DOCKERFILE and MAKEFILE name other files (the tests check copies).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dockerfile=${DOCKERFILE:-$root/Dockerfile}
makefile=${MAKEFILE:-$root/Makefile}
digest_pattern='^sha256:[0-9a-f]{64}$'
image_arg='ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_DIGEST:+@}${NODE_IMAGE_DIGEST}'

fail() {
  echo "base-image: $*" >&2
  exit 1
}

# The default of one ARG; fails unless it is declared exactly once.
arg() {
  local lines
  lines=$(grep -c "^ARG $1=" "$dockerfile" || true)
  [ "$lines" = 1 ] || fail "$dockerfile declares ARG $1= $lines times, not once"
  sed -n "s/^ARG $1=//p" "$dockerfile"
}

tag() {
  local version
  version=$(arg NODE_VERSION)
  [ -n "$version" ] || fail "ARG NODE_VERSION in $dockerfile is empty"
  echo "node:$version-bookworm-slim"
}

check() {
  local pinned=${1:-}
  local version digest makefile_version
  version=$(arg NODE_VERSION)
  digest=$(arg NODE_IMAGE_DIGEST)
  makefile_version=$(sed -n 's/^NODE_VERSION := //p' "$makefile")
  [ "$version" = "$makefile_version" ] ||
    fail "the Dockerfile's NODE_VERSION ($version) differs from the Makefile's ($makefile_version)"
  if [ -n "$digest" ] && ! [[ "$digest" =~ $digest_pattern ]]; then
    fail "NODE_IMAGE_DIGEST in $dockerfile is not a sha256 digest: $digest"
  fi
  grep -qxF "$image_arg" "$dockerfile" ||
    fail "$dockerfile must compose the base as: $image_arg"
  # Every stage starts from the pinned base or from an earlier stage.
  local stages=" " image name
  while read -r image name; do
    if [ "$image" != '${NODE_IMAGE}' ] && [[ "$stages" != *" $image "* ]]; then
      fail "FROM $image in $dockerfile is neither \${NODE_IMAGE} (the pinned base) nor an earlier stage"
    fi
    stages="$stages$name "
  done < <(sed -n 's/^FROM \([^ ]*\) AS \([^ ]*\)$/\1 \2/p' "$dockerfile")
  [ "$(grep -c '^FROM ' "$dockerfile")" = "$(sed -n '/^FROM [^ ]* AS [^ ]*$/p' "$dockerfile" | wc -l)" ] ||
    fail "every FROM in $dockerfile must name its stage (FROM <image> AS <name>)"
  grep -qx 'FROM ${NODE_IMAGE} AS base' "$dockerfile" || fail "$dockerfile has no FROM \${NODE_IMAGE} AS base"
  if [ "$pinned" = --pinned ] && [ -z "$digest" ]; then
    fail "the base is not pinned: set ARG NODE_IMAGE_DIGEST in $dockerfile to the index digest of $(tag) (.github/workflows/base-image.yml opens a pull request that does)"
  fi
}

case "${1:-}" in
  tag) tag ;;
  digest) arg NODE_IMAGE_DIGEST ;;
  ref)
    digest=$(arg NODE_IMAGE_DIGEST)
    echo "$(tag)${digest:+@}$digest"
    ;;
  check)
    check "${2:-}"
    digest=$(arg NODE_IMAGE_DIGEST)
    echo "base-image: $(tag) ${digest:+pinned to }${digest:-not pinned}"
    ;;
  set)
    new=${2:-}
    [[ "$new" =~ $digest_pattern ]] || fail "not a sha256 digest: '$new'"
    arg NODE_IMAGE_DIGEST >/dev/null
    sed -i "s/^ARG NODE_IMAGE_DIGEST=.*/ARG NODE_IMAGE_DIGEST=$new/" "$dockerfile"
    check
    echo "base-image: $(tag) pinned to $new"
    ;;
  *)
    sed -n '/^#   base-image.sh/,/^#$/s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
