#!/usr/bin/env python3
"""Reruns a row of the results tables by name: its train-sim stages in order, then the
evaluations that produced its number. The rows are experiments/registry.toml's; any other config
name (a file of configs/ or experiments/*/) runs as its train-sim stage, after the runs its config
starts from (sft.fromCheckpoint, sft.demoDirectory, sft.distill.initialStudent under runs/).

Usage: scripts/experiment.sh NAME [NAME ...]     run them (release build; runs/ holds the output)
       scripts/experiment.sh --dry-run NAME ...  print the commands instead
       scripts/experiment.sh --list              every row with the result it reports

Each stage trains into runs/<config's file name> with its log in runs/<name>.log (and its wall
time at the end); a finished run resumes as a no-op, so rerunning a row skips what is done.
PIRL_ROBOT names another binary than .build/release/pirl-robot (which is built first).
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("experiment.sh: needs Python 3.11 or later (tomllib reads experiments/registry.toml)")

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "experiments" / "registry.toml"
DEFAULT_BINARY = ".build/release/pirl-robot"
# A config line naming a run this one starts from.
DEPENDENCY = re.compile(r"^\s*(?:fromCheckpoint|demoDirectory|initialStudent):\s*runs/([^/\s#]+)", re.M)


class Stage:
    """One train-sim run: config → runs/NAME, optionally continuing a copy of another run."""

    def __init__(self, config, source=None):
        self.config = config
        self.run = "runs/" + Path(config).stem
        self.source = source

    def commands(self, binary):
        out = []
        if self.source:
            out.append(f"[ -d {self.run} ] || {{ cp -r {self.source} {self.run} && cp {self.config} {self.run}/config.yaml; }}")
        out.append(f"{binary} train-sim --config {self.config} --out {self.run} > {self.run}.log 2>&1")
        return out


class Evaluation:
    def __init__(self, command, log=None):
        self.command = command
        self.log = log

    def argv(self, binary):
        argv = shlex.split(self.command)
        if argv and argv[0] == "pirl-robot":
            argv[0] = binary
        return argv

    def commands(self, binary):
        line = shlex.join(self.argv(binary))
        return [line + (f" | tee {self.log}" if self.log else "")]


class Row:
    def __init__(self, name, entry):
        self.name = name
        self.what = entry.get("what", "")
        self.result = entry.get("result", "")
        self.interval = entry.get("interval", "")
        self.wall = entry.get("wall", "not recorded")
        self.doc = entry.get("doc", "")
        self.stages = []
        for item in entry.get("train", []):
            if isinstance(item, str):
                self.stages.append(Stage(item))
            else:
                self.stages.append(Stage(item["config"], item.get("from")))
        self.evaluations = []
        for item in entry.get("eval", []):
            if isinstance(item, str):
                self.evaluations.append(Evaluation(item))
            else:
                self.evaluations.append(Evaluation(item["cmd"], item.get("log")))


def load_registry():
    with open(REGISTRY, "rb") as f:
        return {name: Row(name, entry) for name, entry in tomllib.load(f).items()}


def config_path(name):
    """configs/NAME.yaml or experiments/TOPIC/NAME.yaml, relative to the repository root."""
    direct = ROOT / "configs" / f"{name}.yaml"
    if direct.is_file():
        return f"configs/{name}.yaml"
    found = sorted((ROOT / "experiments").glob(f"*/{name}.yaml"))
    return str(found[0].relative_to(ROOT)) if found else None


def copied_from(config, run_name):
    """The run a config's header says to copy first (`# cp -r runs/A runs/NAME`), if any."""
    text = (ROOT / config).read_text(encoding="utf-8")
    match = re.search(rf"^#\s*cp -r (runs/[^\s/]+) runs/{re.escape(run_name)}(?=[\s&;]|$)", text, re.M)
    return match.group(1) if match else None


def dependencies(config):
    text = (ROOT / config).read_text(encoding="utf-8")
    return list(dict.fromkeys(DEPENDENCY.findall(text)))


def plan_run(run_name, registry, seen):
    """The stages that make runs/RUN_NAME: a registry row's stages up to it, or its config's."""
    if run_name in seen:
        return []
    seen.add(run_name)
    for row in registry.values():
        for i, stage in enumerate(row.stages):
            if stage.run == f"runs/{run_name}":
                return row.stages[: i + 1]
    config = config_path(run_name)
    if config is None:
        return []  # not made by any config here (e.g. a run of the development machine)
    source = copied_from(config, run_name)
    stages = []
    for dep in dependencies(config) + ([source[len("runs/"):]] if source else []):
        stages += plan_run(dep, registry, seen)
    return stages + [Stage(config, source)]


def plan(name, registry):
    """(stages, evaluations) for a row or a config name; None if NAME is neither."""
    if name in registry:
        row = registry[name]
        return row.stages, row.evaluations
    if config_path(name) is None:
        return None
    stages, unique = plan_run(name, registry, set()), []
    for stage in stages:
        if stage.run not in {s.run for s in unique}:
            unique.append(stage)
    return unique, []


def binary():
    return os.environ.get("PIRL_ROBOT", DEFAULT_BINARY)


def run_stage(stage, exe):
    run = ROOT / stage.run
    (ROOT / "runs").mkdir(exist_ok=True)
    if stage.source and not run.exists():
        print(f"== copying {stage.source} to {stage.run} to continue it", flush=True)
        shutil.copytree(ROOT / stage.source, run)
        shutil.copyfile(ROOT / stage.config, run / "config.yaml")
    print(f"== {stage.run} ({time.strftime('%H:%M:%S', time.gmtime())} UTC): train-sim --config {stage.config}", flush=True)
    log_path = ROOT / f"{stage.run}.log"
    start = time.monotonic()
    with open(log_path, "w") as log:
        code = subprocess.call([exe, "train-sim", "--config", stage.config, "--out", stage.run],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wall = time.monotonic() - start
        log.write(f"{Path(stage.run).name} wall {wall:.2f} s\n")
    lines = log_path.read_text(errors="replace").splitlines()
    if code != 0:
        print(f"{stage.run} failed (exit {code}): see {stage.run}.log", file=sys.stderr)
        print("\n".join(lines[-3:]), file=sys.stderr)
        sys.exit(1)
    for line in lines:
        if "eval final" in line or " wall " in line:
            print(line)


def run_evaluation(evaluation, exe):
    argv = evaluation.argv(exe)
    print("$ " + shlex.join(argv), flush=True)
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = open(ROOT / evaluation.log, "w") if evaluation.log else None
    for line in process.stdout:
        sys.stdout.write(line)
        if log:
            log.write(line)
    if log:
        log.close()
    if process.wait() != 0:
        sys.exit(f"evaluation failed (exit {process.returncode}): {shlex.join(argv)}")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    registry = load_registry()
    if argv[0] == "--list":
        width = max(map(len, registry))
        for row in registry.values():
            result = f"{row.result} ({row.interval})" if row.interval else row.result
            print(f"{row.name:<{width}}  {result}  {row.what}")
        return 0
    dry = argv[0] == "--dry-run"
    names = argv[1:] if dry else argv
    if not names:
        print("experiment.sh: name a row (scripts/experiment.sh --list names them)", file=sys.stderr)
        return 2
    plans = []
    for name in names:
        p = plan(name, registry)
        if p is None:
            print(f"experiment.sh: no row or config named '{name}' (scripts/experiment.sh --list names the rows)", file=sys.stderr)
            return 2
        plans.append((name, p))
    exe = binary()
    if dry:
        for name, (stages, evaluations) in plans:
            row = registry.get(name)
            print(f"# {name}: {row.result}" + (f" ({row.interval})" if row.interval else "") + f", wall {row.wall}" if row else
                  f"# {name}: train-sim's final evaluation (runs/{name}/eval.json)")
            for item in stages + evaluations:
                print("\n".join(item.commands(exe)))
        return 0
    if "PIRL_ROBOT" not in os.environ:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "pirl-robot"],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
    for name, (stages, evaluations) in plans:
        for stage in stages:
            run_stage(stage, exe)
        for evaluation in evaluations:
            run_evaluation(evaluation, exe)
        row = registry.get(name)
        if row:
            print(f"== {name}: recorded {row.result} ({row.interval}); {row.doc}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `--list | head` ends quietly
    sys.exit(main(sys.argv[1:]))
