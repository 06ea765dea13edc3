#!/usr/bin/env bash
# Regenerates captures/ from the real helm 4.3.1: runs every case of cases.txt
# (`<id>: <helm arguments>`, single quotes group words) with HELM_DRIVER=memory over the fixture
# releases default.yaml and other.yaml, TZ=UTC, and a clean environment, and records stdout in
# captures/<id>.stdout, stderr (when any) in captures/<id>.stderr, exit codes in
# captures/exit-codes.txt. The whelm tests (action::* unit tests, tests/cli.rs) compare with these.
#
#   eval "$(bash ../../../shared/tools/install-real-tools.sh /tmp/real-tools)"   # sets HELM_BIN
#   tests/releases/capture.sh
set -euo pipefail
cd "$(dirname "$0")"
helm=${HELM_BIN:-helm}
version=$("$helm" version --template '{{.Version}}')
[ "$version" = v4.3.1 ] || { echo "capture.sh: need helm v4.3.1, $helm is $version" >&2; exit 1; }

tmp=$(mktemp -d)
python3 fakeapi.py > "$tmp/port" &
api=$!
trap 'kill $api; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
cat > "$tmp/kubeconfig" <<KUBE
apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "http://127.0.0.1:$(cat "$tmp/port")"}}]
contexts: [{name: fake, context: {cluster: fake, namespace: default}}]
current-context: fake
users: [{name: fake, user: {}}]
KUBE
chmod 600 "$tmp/kubeconfig"
mkdir -p "$tmp/home"

rm -rf captures
mkdir captures
while IFS= read -r line; do
    case $line in '' | '#'*) continue ;; esac
    id=${line%%:*}
    eval "set -- ${line#*:}"
    code=0
    env -i PATH="$PATH" HOME="$tmp/home" KUBECONFIG="$tmp/kubeconfig" TZ=UTC \
        HELM_DRIVER=memory HELM_MEMORY_DRIVER_DATA=default.yaml:other.yaml \
        "$helm" "$@" > "captures/$id.stdout" 2> "captures/$id.stderr" || code=$?
    [ -s "captures/$id.stderr" ] || rm "captures/$id.stderr"
    echo "$id $code" >> captures/exit-codes.txt
done < cases.txt
echo "captured $(wc -l < captures/exit-codes.txt) cases with $("$helm" version --short)"
