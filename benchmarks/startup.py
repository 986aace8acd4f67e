"""How long `paperbot ask` takes as a whole process over the bundled corpus, and where its imports go.

    python benchmarks/startup.py [--runs 21] [--question "..."] [--top 15] [--module]

Runs the installed `paperbot` command (or `python -m bot` when it is not on the PATH next to this
Python) `--runs` times after two warm-up runs, and prints the median, quartiles and extremes of the
wall-clock time of each whole process (interpreter start, imports, settings, corpus, index, answer,
exit), and the median CPU time (user + system) of the process, which other jobs on the machine disturb
far less than the wall-clock time; and, taking turns with the asks, a yardstick of fixed work (`python -c
"import numpy"`, `YARDSTICK`), with the ask's median as a multiple of the yardstick's: the ratio holds when
the VM's speed drifts. Then runs it `--importtime-runs` times under `python -X importtime`
and prints, per module, the median cumulative import time of the slowest ones, and the median self time
summed per top-level package (what a lazy import would save). Importtime's own bookkeeping makes these
figures larger than in a plain run; compare them with each other, not with the wall-clock times.

Bytecode: the warm-up runs write `.pyc` files even when `PYTHONDONTWRITEBYTECODE` is set (as it is in
some containers), so every timed run reads compiled modules, as an installed paperbot does. The machine
(CPU, cores, Python, load average) is printed first: timings from a loaded machine are not comparable.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTION = "what happens when you distil from a random teacher?"


def command(question: str, *, module: bool = False) -> list[str]:
    """`paperbot ask QUESTION`, through the console script installed next to this Python if any (and
    unless `module`: `python -m bot`, e.g. for an older checkout than the installed script expects)."""
    script = Path(sys.executable).with_name("paperbot")
    if script.exists() and not module:
        return [str(script), "ask", question]
    return [sys.executable, "-m", "bot", "ask", question]


def environment() -> dict[str, str]:
    """This environment, with bytecode writing allowed and the checkout importable."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def machine() -> str:
    """CPU model, cores, OS, Python and the load average: what the figures depend on."""
    model = platform.processor() or "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{model}; {os.cpu_count()} CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; load average {load}"
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


YARDSTICK = "import numpy"
"""A fixed amount of work (paperbot's largest import) run between the timed asks: this VM's speed drifts
by up to ±40 % over minutes (this import took 116–175 ms on one day), so the ask's time is also given as
a multiple of it, which drifts far less."""


def time_runs(
    cmds: list[list[str]], env: dict[str, str], runs: int
) -> list[tuple[list[float], list[float]]]:
    """Wall-clock and CPU seconds of `runs` whole processes of each command, the commands taking turns
    (each must exit 0)."""
    timed: list[tuple[list[float], list[float]]] = [([], []) for _ in cmds]
    for _ in range(runs):
        for cmd, (wall, cpu) in zip(cmds, timed, strict=True):
            cpu_before, started = _children_cpu(), time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            wall.append(time.perf_counter() - started)
            cpu.append(_children_cpu() - cpu_before)
    return timed


def import_times(cmd: list[str], env: dict[str, str], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median cumulative µs per module, and median self µs summed per top-level package."""
    python_cmd = [sys.executable, "-X", "importtime", "-m", "bot", *cmd[-2:]]
    cumulative: dict[str, list[int]] = defaultdict(list)
    per_package: dict[str, list[int]] = defaultdict(list)
    for _ in range(runs):
        err = subprocess.run(python_cmd, env=env, check=True, capture_output=True, text=True).stderr
        packages: dict[str, int] = defaultdict(int)
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = (part.strip() for part in line[len("import time:") :].split("|"))
            cumulative[name].append(int(cum_us))
            packages[name.split(".")[0]] += int(self_us)
        for package, total in packages.items():
            per_package[package].append(total)
    median_cum = {name: statistics.median(v + [0] * (runs - len(v))) for name, v in cumulative.items()}
    median_pkg = {name: statistics.median(v + [0] * (runs - len(v))) for name, v in per_package.items()}
    return median_cum, median_pkg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs (default 21)")
    parser.add_argument("--importtime-runs", type=int, default=5, help="runs under -X importtime (default 5)")
    parser.add_argument("--question", default=QUESTION, help="what to ask")
    parser.add_argument("--top", type=int, default=15, help="how many modules and packages to list")
    parser.add_argument("--module", action="store_true", help="run `python -m bot`, not the script")
    args = parser.parse_args()
    cmd, env = command(args.question, module=args.module), environment()
    print(f"machine: {machine()}")
    print(f"command: {' '.join(cmd[:-1])} {args.question!r}")
    if shutil.which("hyperfine"):
        print("(hyperfine is installed: `hyperfine -N -w 3 'paperbot ask \"…\"'` gives the same figure)")
    yardstick = [sys.executable, "-c", YARDSTICK]
    time_runs([cmd, yardstick], env, 2)  # warm-up: page cache, .pyc files
    (wall, cpu), (stick, _) = time_runs([cmd, yardstick], env, args.runs)
    times = sorted(wall)
    q1, median, q3 = statistics.quantiles(times, n=4) if len(times) > 1 else (times[0],) * 3
    ms = [round(t * 1000) for t in (median, q1, q3, times[0], times[-1])]
    print(
        f"\nwhole process, {len(times)} runs: median {ms[0]} ms "
        f"(quartiles {ms[1]}–{ms[2]} ms, min {ms[3]}, max {ms[4]}); "
        f"CPU time median {statistics.median(cpu) * 1000:.0f} ms"
    )
    stick_median = statistics.median(stick)
    print(
        f"yardstick `python -c {YARDSTICK!r}`, run between them: median {stick_median * 1000:.0f} ms; "
        f"the ask takes {median / stick_median:.2f}× it"
    )
    cumulative, packages = import_times(cmd, env, args.importtime_runs)
    print(f"\nslowest imports, median of {args.importtime_runs} runs under -X importtime (cumulative ms):")
    for name, us in sorted(cumulative.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {us / 1000:7.1f}  {name}")
    print("\nself time per top-level package (ms):")
    for name, us in sorted(packages.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {us / 1000:7.1f}  {name}")
    print(f"  {sum(packages.values()) / 1000:7.1f}  (all imports)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
