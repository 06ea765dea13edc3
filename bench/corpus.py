#!/usr/bin/env python3
"""Side-by-side CPU time and peak RSS of whelm and the real helm on the corpus.

Usage:  python3 bench/corpus.py --whelm target/release/whelm --helm "$HELM_BIN" [--runs 5] [case ...]

For each case (../shared/corpus/cases/*/cmd.txt, run from the corpus root) both
binaries run --runs times after one warm-up (which also fills whelm's compiled
plugin cache); the median user+sys CPU time and the median peak RSS (from
wait4's rusage) are reported with helm/whelm ratios, then the median ratio over
all cases. Cases where either binary fails are reported and left out of the
medians. This is a benchmark, not a test: it asserts nothing.
"""
import argparse, os, shlex, statistics, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'corpus')


def run(argv, env):
    p = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def measure(binary, argv, runs, env):
    argv = [binary] + argv[1:]
    rc, _, _ = run(argv, env)  # warm-up
    cpu, rss = [], []
    for _ in range(runs):
        rc2, c, m = run(argv, env)
        rc = rc or rc2
        cpu.append(c)
        rss.append(m)
    return rc, statistics.median(cpu) * 1000, statistics.median(rss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--whelm', default='target/release/whelm')
    ap.add_argument('--helm', default=os.environ.get('HELM_BIN', 'helm'))
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('cases', nargs='*')
    a = ap.parse_args()
    whelm = os.path.abspath(a.whelm)
    cases = a.cases or sorted(os.listdir(os.path.join(ROOT, 'cases')))
    tmp = tempfile.mkdtemp(prefix='whelm-bench-')
    env = dict(os.environ, WHELM_DATA_HOME=tmp, WHELM_CACHE_HOME=os.path.join(tmp, 'cache'),
               HELM_CACHE_HOME=tmp, HELM_CONFIG_HOME=tmp, HELM_DATA_HOME=tmp)
    print(f'{"case":40} {"helm ms":>8} {"whelm ms":>9} {"cpu x":>6} {"helm MiB":>9} {"whelm MiB":>10} {"rss x":>6}')
    cpu_ratios, rss_ratios = {}, {}
    for c in cases:
        argv = shlex.split(open(os.path.join(ROOT, 'cases', c, 'cmd.txt')).read())
        hrc, hcpu, hrss = measure(a.helm, argv, a.runs, env)
        wrc, wcpu, wrss = measure(whelm, argv, a.runs, env)
        if (hrc == 0) != (wrc == 0):
            print(f'{c:40} exit codes differ (helm {hrc}, whelm {wrc}); left out')
            continue
        cr, rr = hcpu / max(wcpu, 0.001), hrss / max(wrss, 0.001)
        cpu_ratios[c], rss_ratios[c] = cr, rr
        print(f'{c:40} {hcpu:8.1f} {wcpu:9.1f} {cr:6.2f} {hrss:9.1f} {wrss:10.1f} {rr:6.2f}')
    if cpu_ratios:
        print(f'\nmedian over {len(cpu_ratios)} cases: CPU helm/whelm {statistics.median(cpu_ratios.values()):.2f}x, '
              f'peak RSS helm/whelm {statistics.median(rss_ratios.values()):.2f}x')
        for c in sorted(cpu_ratios):
            if c.startswith('kube-prometheus-stack'):
                print(f'{c}: CPU {cpu_ratios[c]:.2f}x, RSS {rss_ratios[c]:.2f}x')


if __name__ == '__main__':
    sys.exit(main())
