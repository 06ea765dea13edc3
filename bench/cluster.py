#!/usr/bin/env python3
"""Wall time of install and upgrade on a real cluster, whelm vs the real helm, in one run.

Usage:  WHELM_TEST_KUBECONFIG=~/.kube/config python3 bench/cluster.py \\
            --whelm target/release/whelm --helm "$HELM_BIN" [--runs 3] [--chart PATH] \\
            [--also NAME=PATH ...]

--also adds another whelm build (e.g. --also before=/tmp/old/whelm), measured in the same
alternation and reported with its own ratio: an A/B of two builds under the same drift.

Default chart: kube-prometheus-stack from the corpus. Its CRDs are installed once up front
(not timed) so both tools find the same cluster; each run then installs the chart into a fresh
namespace with each tool, upgrades it with one changed value, and uninstalls it (not timed).
Tools alternate within a run, so drift on the cluster hits both; between measurements the
namespace is deleted and waited for (untimed), so one tool's clean-up does not load the other's. Prints the median wall times
and the helm/whelm ratios. No --wait: pods need not run (the suite's apiserver has no kubelet),
so this measures rendering, discovery, ownership checks, apply and release storage.
This is a benchmark, not a test: it asserts nothing.
"""
import argparse, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
CHART = os.path.join(HERE, '..', '..', 'shared', 'corpus', 'charts', 'kube-prometheus-stack')


def run(argv, env, check=True):
    t = time.monotonic()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.monotonic() - t
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{p.stderr}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--whelm', default='target/release/whelm')
    ap.add_argument('--helm', default=os.environ.get('HELM_BIN', 'helm'))
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--chart', default=CHART)
    ap.add_argument('--also', action='append', default=[], metavar='NAME=PATH',
                    help='another whelm binary to measure alongside (repeatable)')
    ap.add_argument('--settle', type=float, default=2.0,
                    help='seconds to wait after a namespace is gone before the next measurement')
    a = ap.parse_args()
    kc = os.environ.get('WHELM_TEST_KUBECONFIG')
    if not kc:
        sys.exit('set WHELM_TEST_KUBECONFIG to the cluster to benchmark on')
    env = dict(os.environ, KUBECONFIG=kc, HELM_DRIVER='secret')
    env.pop('HELM_NAMESPACE', None)
    tools = {'whelm': os.path.abspath(a.whelm), 'helm': a.helm}
    for extra in a.also:
        name, sep, path = extra.partition('=')
        if not sep or name in tools:
            sys.exit(f'--also wants NAME=PATH with a new NAME, got {extra!r}')
        tools[name] = os.path.abspath(path)
    # CRDs once, untimed: render them with helm and apply server-side.
    crds = subprocess.run([a.helm, 'show', 'crds', a.chart], env=env, capture_output=True, text=True).stdout
    if crds.strip():
        kubectl = os.environ.get('KUBECTL_BIN', 'kubectl')
        p = subprocess.run([kubectl, 'apply', '--server-side', '--force-conflicts', '-f', '-'],
                           input=crds, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f'installing CRDs failed: {p.stderr}')
    times = {(t, op): [] for t in tools for op in ('install', 'upgrade')}
    for i in range(a.runs + 1):  # run 0 warms caches (whelm's compiled renderer, helm's)
        for tool, binary in tools.items():
            ns = f'bench-{tool}-{os.getpid()}-{i}'
            base = [binary, '-n', ns]
            inst = run(base + ['install', 'kps', a.chart, '--create-namespace', '--skip-crds', '--no-hooks'], env)
            up = run(base + ['upgrade', 'kps', a.chart, '--set', 'grafana.replicas=2', '--skip-crds', '--no-hooks'], env)
            run(base + ['uninstall', 'kps'], env, check=False)
            kubectl = os.environ.get('KUBECTL_BIN', 'kubectl')
            # Untimed: let the namespace controller finish deleting what is left, and the
            # apiserver settle, so one tool's clean-up does not load the other's measurement.
            subprocess.run([kubectl, 'delete', 'namespace', ns, '--wait=true', '--timeout=120s'],
                           env=env, capture_output=True)
            time.sleep(a.settle)
            if i > 0:
                times[(tool, 'install')].append(inst)
                times[(tool, 'upgrade')].append(up)
            print(f'run {i} {tool}: install {inst:.2f}s upgrade {up:.2f}s', file=sys.stderr)
    others = [t for t in tools if t != 'helm']
    print(f"{'operation':10} {'tool':>8} {'helm s':>8} {'tool s':>8} {'helm/tool':>10}")
    for op in ('install', 'upgrade'):
        h = statistics.median(times[('helm', op)])
        for t in others:
            w = statistics.median(times[(t, op)])
            print(f'{op:10} {t:>8} {h:8.2f} {w:8.2f} {h / w:10.2f}x')


if __name__ == '__main__':
    main()
