"""Every `configs/….yaml` and `experiments/….yaml` path the repository names exists.

Scans the docs, the model cards, the README, the scripts, the tests, the Makefile, the configs
and the experiment records (and the string literals of Sources/) for such paths, and fails naming
each one that does not exist, with the file and line that names it. Placeholders (`configs/NAME.yaml`,
`experiments/$topic/…`) are not paths and are skipped: only lowercase names are checked.

Needs no binary.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["README.md", "Makefile", "docs", "checkpoints", "scripts", "Tests", "configs", "experiments", "Sources"]
SUFFIXES = {".md", ".sh", ".py", ".swift", ".yaml", ".toml"}
# A path starts at a word boundary or after a slash ("/configs/…" in Swift's repositoryRoot + "…").
PATH = re.compile(r"(?<![\w.-])((?:configs|experiments)/[a-z0-9_./\[\]-]*\.yaml)(?![\w./-])")
OPTIONAL = re.compile(r"\[([a-z0-9_.-]*)\]")


def expand(path):
    """`a[-b].yaml` names a.yaml and a-b.yaml."""
    match = OPTIONAL.search(path)
    if not match:
        return [path]
    head, tail = path[:match.start()], path[match.end():]
    return expand(head + tail) + expand(head + match.group(1) + tail)


def scanned_files():
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if (file.is_file() and file.suffix in SUFFIXES and "__pycache__" not in file.parts
                        and file != Path(__file__).resolve()):  # this file's examples are not paths
                    yield file


def named_paths():
    """(file, line number, path) for every config path the scanned files name."""
    for file in scanned_files():
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in PATH.finditer(line):
                for path in expand(match.group(1)):
                    yield file.relative_to(ROOT), number, path


def test_the_scan_finds_the_paths_it_should():
    # The check cannot pass vacuously: it sees the Makefile's config and the camera test's.
    found = {(str(file), path) for file, _, path in named_paths()}
    assert ("Makefile", "configs/place.yaml") in found
    assert any(file.endswith("RandomizationSettingsTests.swift") for file, _ in found)
    assert sum(1 for _, path in found if path.startswith("experiments/")) > 50


def test_every_named_config_path_exists():
    missing = [f"{file}:{number}: {path}" for file, number, path in named_paths() if not (ROOT / path).is_file()]
    assert not missing, f"{len(missing)} config paths named but missing:\n" + "\n".join(missing)


def test_the_pattern_skips_placeholders_and_partial_names():
    line = "configs/NAME.yaml experiments/$topic/x.yaml my-configs/place.yaml `-light-sac.yaml` configs/place.yaml"
    assert [m.group(1) for m in PATH.finditer(line)] == ["configs/place.yaml"]
    stem = "configs/" + "a"  # split, so that a grep of the tree for config paths skips it
    assert expand(stem + "[-b].yaml") == [stem + ".yaml", stem + "-b.yaml"]
