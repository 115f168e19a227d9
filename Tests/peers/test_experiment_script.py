"""scripts/experiment.sh, the rerun-a-results-row script, without training anything:
`--list` names every row of experiments/registry.toml with its result; `--dry-run NAME` prints
commands whose configs exist, whose stages come after the runs they start from, and whose
evaluations are real pirl-robot subcommands; a config name that is no row runs with the runs it
starts from; an unknown name is one clear line on stderr and a nonzero exit. docs/results.md's
summary table names only rows that exist. A real run, in a copy of the layout with a stand-in for
the binary, trains the stages in order, continues copied runs, writes the logs and stops on a
failing stage.

Needs no binary (a dry run builds nothing; the real run uses the stand-in).
"""
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "experiment.sh"
REGISTRY = tomllib.loads((ROOT / "experiments" / "registry.toml").read_text(encoding="utf-8"))
TRAIN = re.compile(r"train-sim --config (\S+) --out (\S+)")
DEPENDENCY = re.compile(r"^\s*(?:fromCheckpoint|demoDirectory|initialStudent|teacher):\s*(\S+)", re.M)
SUMMARY_ROWS = {"checkpoint-place", "checkpoint-place-fewshot", "checkpoint-pick-place", "checkpoint-place-camera",
                "checkpoint-reach", "place-table", "pick-place-table"}


def experiment(*args):
    # The script's own default binary: PIRL_ROBOT, which `make peer-test` sets to the debug build,
    # would name another one.
    env = {k: v for k, v in os.environ.items() if k != "PIRL_ROBOT"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)


def test_list_names_every_row_with_its_result():
    result = experiment("--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(REGISTRY)
    for line, (name, row) in zip(lines, REGISTRY.items()):
        assert row["result"] in line, line
        if re.match(r"\d+/\d+ = ", row["result"]):
            assert f"({row['interval']})" in line, line
    assert SUMMARY_ROWS <= set(REGISTRY)


def check_plan(name, stdout):
    """Every stage's config exists, and every run it starts from is made by an earlier stage."""
    made = set()
    stages = TRAIN.findall(stdout)
    assert stages, f"{name}: no train-sim stage in\n{stdout}"
    for config, out in stages:
        assert (ROOT / config).is_file(), f"{name}: {config} does not exist"
        assert out == "runs/" + Path(config).stem
        for dependency in DEPENDENCY.findall((ROOT / config).read_text(encoding="utf-8")):
            if dependency.startswith("runs/"):
                run = "runs/" + dependency.split("/")[1]
                assert run in made, f"{name}: {config} starts from {run}, which no earlier stage makes"
            else:
                assert (ROOT / dependency).exists(), f"{name}: {config} names {dependency}, which does not exist"
        made.add(out)
    for line in stdout.splitlines():
        if line.startswith("[ -d "):  # a continued run: copied from a run made before
            source = re.search(r"cp -r (\S+) ", line).group(1)
            assert source in made, f"{name}: continues {source} before it is made"
    return stages


def test_dry_run_of_every_row_prints_commands_whose_configs_exist():
    for name, row in REGISTRY.items():
        result = experiment("--dry-run", name)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        stages = check_plan(name, result.stdout)
        assert [config for config, _ in stages] == [s if isinstance(s, str) else s["config"] for s in row["train"]]
        for evaluation in row.get("eval", []):
            command = evaluation if isinstance(evaluation, str) else evaluation["cmd"]
            words = command.split()
            assert words[0] in ("pirl-robot", "scripts/results-table.py"), command
            if words[0] == "pirl-robot":
                assert words[1] in ("eval-sim", "run"), command
                assert f".build/release/pirl-robot {words[1]}" in result.stdout
        assert "swift build" not in result.stdout


def test_a_config_name_runs_after_the_runs_it_starts_from():
    # Not a row: the steered PPO run starts from the noise-steering run continued twice.
    assert "place-ppo-flow-sde-steered" not in REGISTRY
    result = experiment("--dry-run", "place-ppo-flow-sde-steered")
    assert result.returncode == 0, result.stderr
    stages = check_plan("place-ppo-flow-sde-steered", result.stdout)
    assert [Path(c).stem for c, _ in stages] == [
        "place-sft-fewshot", "place-ppo-noise-steering", "place-ppo-noise-steering-240",
        "place-ppo-noise-steering-360", "place-ppo-flow-sde-steered"]
    assert "cp -r runs/place-ppo-noise-steering-240 runs/place-ppo-noise-steering-360" in result.stdout


def test_every_config_has_one_name_and_a_plan():
    configs = sorted(ROOT.glob("configs/*.yaml")) + sorted(ROOT.glob("experiments/*/*.yaml"))
    stems = [c.stem for c in configs]
    assert len(stems) == len(set(stems)), "two configs share a name, so they would share a run directory"
    result = experiment("--dry-run", *stems)
    assert result.returncode == 0, result.stderr
    plans = re.split(r"^# ([a-z0-9-]+): .*$", result.stdout, flags=re.M)[1:]
    assert [name for name in plans[0::2]] == stems
    for name, stdout in zip(plans[0::2], plans[1::2]):
        check_plan(name, stdout)


def test_an_unknown_name_is_one_line_and_a_nonzero_exit():
    result = experiment("--dry-run", "no-such-experiment")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no-such-experiment" in result.stderr and "--list" in result.stderr
    assert experiment("no-such-experiment").returncode != 0


def test_the_summary_table_names_rows_that_exist():
    summary = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    named = set(re.findall(r"scripts/experiment\.sh ([a-z0-9-]+)", summary))
    assert len(named) >= 15
    assert named <= set(REGISTRY), f"not rows: {sorted(named - set(REGISTRY))}"
    assert {"checkpoint-place", "checkpoint-place-fewshot", "checkpoint-pick-place", "checkpoint-place-camera",
            "checkpoint-reach"} <= named


def test_a_run_trains_in_order_continues_copies_and_logs(tmp_path):
    # The real (not dry) path, in a copy of the layout with a stand-in binary: nothing is trained.
    for part in ("configs", "experiments", "scripts"):
        shutil.copytree(ROOT / part, tmp_path / part)
    stub = tmp_path / "pirl-robot"
    stub.write_text(
        "#!/usr/bin/env python3\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "with open(os.environ['STUB_CALLS'], 'a') as f: f.write(' '.join(args) + '\\n')\n"
        "if args[0] == 'train-sim':\n"
        "    out = args[args.index('--out') + 1]\n"
        "    os.makedirs(out, exist_ok=True)\n"
        "    open(os.path.join(out, 'marker-' + os.path.basename(out)), 'w').close()\n"
        "    print('eval final: 1/2')\n"
        "else:\n"
        "    print('success 3/4')\n")
    stub.chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = dict(os.environ, PIRL_ROBOT=str(stub), STUB_CALLS=str(calls))
    result = subprocess.run([sys.executable, str(tmp_path / "scripts" / "experiment.py"), "place-ppo-noise-steering-360"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    made = [line.split()[4] for line in calls.read_text().splitlines() if line.startswith("train-sim")]
    assert made == ["runs/place-sft-fewshot", "runs/place-ppo-noise-steering", "runs/place-ppo-noise-steering-240",
                    "runs/place-ppo-noise-steering-360"]
    runs = tmp_path / "runs"
    # -360 continues a copy of -240, which continues a copy of the first run, each with its own config.
    assert (runs / "place-ppo-noise-steering-360" / "marker-place-ppo-noise-steering").exists()
    assert (runs / "place-ppo-noise-steering-360" / "marker-place-ppo-noise-steering-240").exists()
    assert (runs / "place-ppo-noise-steering-360" / "config.yaml").read_text() == \
        (ROOT / "experiments/place-noise-steering/place-ppo-noise-steering-360.yaml").read_text()
    log = (runs / "place-ppo-noise-steering-360.log").read_text()
    assert "eval final: 1/2" in log and re.search(r"wall \d+\.\d+ s", log)
    assert result.stdout.count("success 3/4") == 2 and "iter_000360" in result.stdout
    # A failing stage stops the row with its log named and a nonzero exit.
    stub.write_text("#!/bin/sh\necho broken; exit 3\n")
    failed = subprocess.run([sys.executable, str(tmp_path / "scripts" / "experiment.py"), "place-camera"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert failed.returncode == 1 and "runs/place-camera.log" in failed.stderr
