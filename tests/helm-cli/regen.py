#!/usr/bin/env python3
"""Records the real helm's output for every case under tests/helm-cli.

A case is a directory with a `cmd` file (helm's arguments, one per line) and
whatever files the command reads (charts, values). Each case runs in its own
directory; stdout, stderr and the exit code go to `expected.stdout`,
`expected.stderr` and `expected.rc`, the case's absolute path replaced by
`<CASE>`. Go iterates maps in random order, so a
few of helm's messages list things in a different order from run to run:
each case runs several times, and when the runs disagree the case gets an
`unordered` file, telling tests/lint.rs to compare lines as multisets.

    python3 tests/helm-cli/regen.py --helm "$HELM_BIN" [case ...]
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = 8


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
    # No kubeconfig: the namespace is "default" unless a case passes -n.
    e["KUBECONFIG"] = "/nonexistent/kubeconfig"
    e["HELM_CACHE_HOME"] = "/tmp/helm-cli-cases/cache"
    e["HELM_CONFIG_HOME"] = "/tmp/helm-cli-cases/config"
    e["HELM_DATA_HOME"] = "/tmp/helm-cli-cases/data"
    return e


def run(helm, case):
    d = os.path.join(HERE, case)
    with open(os.path.join(d, "cmd")) as f:
        args = [line.rstrip("\n") for line in f if line.rstrip("\n") != ""]
    p = subprocess.run([helm] + args, cwd=d, env=env(), capture_output=True, timeout=120)
    # Absolute paths (helm lint names the chart directory) depend on where
    # the repository is; tests/lint.rs substitutes the same placeholder.
    here = d.encode()
    return p.stdout.replace(here, b"<CASE>"), p.stderr.replace(here, b"<CASE>"), p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helm", default=os.environ.get("HELM_BIN", "helm"))
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    cases = a.cases or sorted(
        c for c in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, c, "cmd"))
    )
    for case in cases:
        d = os.path.join(HERE, case)
        results = [run(a.helm, case) for _ in range(RUNS)]
        out, err, rc = results[0]
        unordered = any(r != results[0] for r in results[1:])
        if unordered and any(
            sorted(r[0].splitlines()) != sorted(out.splitlines())
            or sorted(r[1].splitlines()) != sorted(err.splitlines())
            or r[2] != rc
            for r in results[1:]
        ):
            sys.exit(f"{case}: helm's output differs between runs beyond line order")
        with open(os.path.join(d, "expected.stdout"), "wb") as f:
            f.write(out)
        with open(os.path.join(d, "expected.stderr"), "wb") as f:
            f.write(err)
        with open(os.path.join(d, "expected.rc"), "w") as f:
            f.write(f"{rc}\n")
        marker = os.path.join(d, "unordered")
        if unordered:
            open(marker, "w").close()
        elif os.path.exists(marker):
            os.remove(marker)
        print(f"{case}: rc={rc}{' (unordered)' if unordered else ''}")


if __name__ == "__main__":
    main()
