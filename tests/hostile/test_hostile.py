"""Every CLI command on the hostile corpus (make_corpus.py), each in a subprocess with a
30 s and 1.5 GiB budget: the exit status the case expects, no traceback, no raw control
or bidi character in what it prints, the expected message, strict JSON from trace, and
nothing written outside the case's own folder (nor any of its inputs changed).

Each case is its own test and runs its command when it runs, so pytest-xdist's workers
(`-n auto` in pyproject.toml) share the commands out: one at a time in each worker.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "hostile_make_corpus", Path(__file__).with_name("make_corpus.py")
)
assert _spec is not None and _spec.loader is not None
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = make_corpus
_spec.loader.exec_module(make_corpus)

CASES = make_corpus.cases()
NUMBERS = {case.id: i for i, case in enumerate(CASES)}  # a case's folder and log: its number
TIME_LIMIT = 30.0  # seconds of wall clock per command
MEMORY_LIMIT = 1.5 * 1024**3  # bytes of peak RSS per command
ADDRESS_SPACE = 6 * 1024**3  # RLIMIT_AS safety net for the machine (a `list` needs far less)


@dataclass
class Run:
    """What one command did (its output stays on disk until a test reads it)."""

    returncode: int
    out_file: Path | None  # None: stdout went elsewhere (/dev/full)
    err_file: Path
    maxrss: int  # bytes
    seconds: float
    timed_out: bool

    @property
    def stdout(self) -> bytes:
        return b"" if self.out_file is None else self.out_file.read_bytes()

    @property
    def stderr(self) -> bytes:
        return self.err_file.read_bytes()


LAUNCHER = """
import os, resource, sys
limit, report, *command = sys.argv[1:]
resource.setrlimit(resource.RLIMIT_AS, (int(limit), int(limit)))
pid = os.fork()
if pid == 0:
    os.execv(command[0], command)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{status} {usage.ru_maxrss}")
"""
"""A small process between this one and the command: Linux counts the memory of the
process a command was forked from in its ru_maxrss, and this test process grows to
hundreds of MiB; the launcher stays at a few MiB, so the command's peak is its own. It
also sets the RLIMIT_AS safety net before the command starts."""


def run_command(argv: list[str], *, cwd: Path, stdout_path: str | None = None,
                log: Path, timeout: float = TIME_LIMIT,
                prefix: tuple[str, ...] = ("-m", "rnn_tui")) -> Run:  # fmt: skip
    """`python -m rnn_tui ARGV` in `cwd`, stdin /dev/null, killed (with its process
    group) after `timeout` seconds; peak RSS from wait4, through LAUNCHER."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "LC_", "LANG", "COLUMNS", "LINES", "PYTEST"))
    }  # fmt: skip
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", HOME=str(cwd), XDG_CONFIG_HOME=str(cwd),
               XDG_DATA_HOME=str(cwd), XDG_CACHE_HOME=str(cwd), XDG_STATE_HOME=str(cwd),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")  # fmt: skip
    out_file = log.with_suffix(".out")
    err_file = log.with_suffix(".err")
    report = log.with_suffix(".rusage")
    report.unlink(missing_ok=True)
    command = [sys.executable, "-S", "-c", LAUNCHER, str(ADDRESS_SPACE), str(report),
               sys.executable, *prefix, *argv]  # fmt: skip
    with (
        open(stdout_path or out_file, "wb") as out,
        open(err_file, "wb") as err,
        open(os.devnull, "rb") as devnull,
    ):
        start = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, stdin=devnull, stdout=out, stderr=err,
                                env=env, start_new_session=True)  # fmt: skip
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        proc.wait()
        timer.cancel()
        seconds = time.monotonic() - start
        try:  # anything it left behind in its process group
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        status, maxrss = map(int, report.read_text().split())
        returncode = os.waitstatus_to_exitcode(status)
    except (OSError, ValueError):  # killed before it could report
        returncode, maxrss = proc.returncode, 0
    return Run(
        returncode=returncode,
        out_file=None if stdout_path else out_file,
        err_file=err_file,
        maxrss=maxrss * 1024,
        seconds=seconds,
        timed_out=timed_out.is_set(),
    )


def digest_tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 (or a marker for what is not a regular file), for every
    entry under root (symlinks not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = os.fsencode(path.relative_to(root)).hex()
            if path.is_symlink():
                out[rel] = "link:" + os.readlink(path)
            elif path.is_file() and path.stat().st_size > 64 << 20:  # sparse 10 GiB inputs
                info = path.stat()
                out[rel] = f"size:{info.st_size}:mtime:{info.st_mtime_ns}"
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = "special"
    return out


@dataclass
class Outcome:
    case: object
    folder: Path
    run: Run | None
    before: dict[str, str]
    error: str = ""  # the case's inputs could not be made
    changed_outside: tuple[str, ...] = ()  # what changed outside the case folders meanwhile


class Corpus:
    """This process's share of the corpus: the shared inputs (made once), a folder per
    case, and the digests of what no case may touch (the built-in scenarios, the
    `outside` folder) to compare after each command."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.shared = make_corpus.Shared(base)
        self.shared.setup()
        (base / "logs").mkdir()
        self.victims = [Path(make_corpus.VICTIM), Path(make_corpus.VICTIM + ".svg")]
        for victim in self.victims:  # left by an earlier run
            victim.unlink(missing_ok=True)
        self.builtins = digest_tree(make_corpus.BUILTIN_DIR)
        self.outside = digest_tree(self.shared.outside)
        self.folders: list[Path] = []
        self.changes: list[str] = []  # every change changed_outside() found

    def run(self, case) -> Outcome:
        """Makes the case's inputs in a folder of its own and runs its command there."""
        i = NUMBERS[case.id]
        folder = self.base / "cases" / f"{i:04d}"
        folder.mkdir(parents=True)
        self.folders.append(folder)
        earlier = self.changed_outside()  # since the last command (another worker's?)
        try:
            if case.make is not None:
                case.make(folder, self.shared)
        except Exception as e:  # reported by the case's own test
            return Outcome(case, folder, None, digest_tree(folder), f"{type(e).__name__}: {e}")
        self.outside = digest_tree(self.shared.outside)  # may hold the case's own inputs
        before = digest_tree(folder)
        run = run_command(list(case.argv), cwd=folder, stdout_path=case.stdout,
                          log=self.base / "logs" / f"{i:04d}")  # fmt: skip
        with open(self.base / "summary.tsv", "a", encoding="utf-8") as f:  # to look at
            f.write(f"{case.id}\t{run.returncode}\t{run.seconds:.2f}\t{run.maxrss >> 20}\n")
        changed = (*earlier, *self.changed_outside())
        return Outcome(case, folder, run, before, changed_outside=changed)

    def changed_outside(self) -> list[str]:
        """What changed outside the case folders since the last look: the built-in
        scenarios, the `outside` folder, a VICTIM path created. What is found is then
        the state to compare with (a VICTIM is removed), so the cases after it are
        judged on what they do."""
        found = []
        builtins = digest_tree(make_corpus.BUILTIN_DIR)
        if builtins != self.builtins:
            found.append("the built-in scenarios' folder changed")
            self.builtins = builtins
        outside = digest_tree(self.shared.outside)
        if outside != self.outside:
            found.append("the folder outside the cases changed")
            self.outside = outside
        for victim in self.victims:
            if victim.exists() or victim.is_symlink():
                found.append(f"a VICTIM path was created: {victim}")
                victim.unlink(missing_ok=True)
        self.changes += found
        return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus in this process: each case runs when its test does, so pytest-xdist
    spreads the commands over its workers (one at a time in each)."""
    made = Corpus(tmp_path_factory.mktemp("hostile"))
    yield made
    for folder in made.folders:  # chmod 000 files and fifos: leave a removable tree
        for path in folder.rglob("*"):
            try:
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)
            except OSError:
                pass


# ---------------------------------------------------------------- checks
def unsafe_characters(text: str) -> list[str]:
    """Raw C0 (but tab and newline), DEL, C1, bidi overrides/isolates, lone surrogates."""
    return make_corpus._unsafe(text)


def decoded(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError(f"{what} is not UTF-8 ({e}): {data[:300]!r}") from None


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def check_trace_json(case, folder: Path, stdout: str) -> None:
    data = json.loads(stdout, parse_constant=make_corpus._refuse)  # NaN / Infinity refused
    for text in strings_in(data):
        assert not unsafe_characters(text), f"trace JSON string holds {unsafe_characters(text)}"
    source = next((folder / a for a in case.argv[1:] if a.endswith(".toml")), None)
    if source is None or not source.is_file():
        return
    import tomllib

    from rnn_tui.text import visible

    spec = tomllib.loads(source.read_bytes().decode("utf-8-sig"))
    tokens = spec.get("input", {}).get("tokens")
    if isinstance(tokens, list) and data.get("tokens") is not None:
        assert data["tokens"] == [visible(t) for t in tokens], "tokens shown as the file says"
    labels = spec.get("output", {}).get("labels")
    if isinstance(labels, list) and "labels" in data:
        assert data["labels"] == [visible(x) for x in labels], "labels shown as the file says"


def check_title_shown(case, folder: Path, stdout: str) -> None:
    """validate prints the scenario's title: literally (markup is text), escaped."""
    import tomllib

    from rnn_tui.text import visible

    source = folder / case.argv[1]
    spec = tomllib.loads(source.read_bytes().decode("utf-8-sig"))
    zh = "zh" in case.argv
    title = (spec.get("zh", {}).get("title") if zh else None) or spec["title"]
    assert visible(title) in stdout, f"the title {visible(title)[:80]!r} is not printed as text"


def describe(outcome: Outcome) -> str:
    run = outcome.run
    assert run is not None
    return (
        f"\n$ rnn-tui {' '.join(map(repr, outcome.case.argv))[:300]}   (in {outcome.folder})\n"
        f"exit {run.returncode}, {run.seconds:.1f} s, {run.maxrss / 2**20:.0f} MiB\n"
        f"--- stdout\n{run.stdout[:1500]!r}\n--- stderr\n{run.stderr[-2500:]!r}"
        + (f"\nnote: {outcome.case.note}" if outcome.case.note else "")
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case, corpus):
    outcome = corpus.run(case)
    assert not outcome.error, f"the case's inputs could not be made: {outcome.error}"
    run = outcome.run
    info = describe(outcome)
    # nothing changed outside the case folders (or a case running beside it in another
    # pytest-xdist worker did it)
    assert not outcome.changed_outside, "; ".join(outcome.changed_outside) + info
    assert not run.timed_out and run.seconds <= TIME_LIMIT, f"over {TIME_LIMIT} s" + info
    assert run.maxrss <= MEMORY_LIMIT, f"peak RSS {run.maxrss / 2**20:.0f} MiB" + info
    assert b"Traceback" not in run.stdout + run.stderr, "a traceback" + info
    stdout = decoded(run.stdout, "stdout")
    stderr = decoded(run.stderr, "stderr")
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        bad = unsafe_characters(text)
        assert not bad, f"raw {', '.join(bad)} in {name}" + info
    assert run.returncode in case.exit, (
        f"exit {run.returncode}, expected {sorted(case.exit)}" + info
    )
    if run.returncode == 2:
        assert stderr.strip(), "exit 2 without a message on stderr" + info
    both = stdout + stderr
    for fragment in case.message:
        assert fragment in both, f"{fragment!r} not in the output" + info
    for fragment in case.absent:
        assert fragment not in both, f"{fragment!r} in the output" + info
    if case.json and run.returncode == 0:
        check_trace_json(case, outcome.folder, stdout)
    if run.returncode == 0 and case.argv[:1] == ("validate",) and case.input.startswith("corpus/"):
        check_title_shown(case, outcome.folder, stdout)
    # nothing of the inputs changed; nothing but the declared outputs appeared
    after = digest_tree(outcome.folder)
    allowed = {os.fsencode(w).hex() for w in case.writes}

    def declared(rel: str) -> bool:
        name = bytes.fromhex(rel).decode("utf-8", "surrogateescape")
        return any(name == w or name.startswith(w + "/") for w in case.writes)

    changed = [
        bytes.fromhex(k)
        for k, v in outcome.before.items()
        if after.get(k) != v and k not in allowed and not declared(k)
    ]
    assert not changed, f"inputs changed or removed: {changed}" + info
    created = [bytes.fromhex(k) for k in after if k not in outcome.before and not declared(k)]
    assert not created, f"files created: {created}" + info
    if case.check is not None and run.returncode == 0:
        case.check(outcome.folder, run)


def test_nothing_outside_the_case_folders_changed(corpus):
    """Checked after every case's command too (test_hostile_input); here for the cases
    this process ran with the same corpus before this test (all of them, in one
    process)."""
    assert corpus.changed_outside() == [] and corpus.changes == []


def test_the_corpus_is_large_and_varied():
    inputs = {c.input for c in CASES if c.hostile}
    assert len(inputs) >= 120, len(inputs)
    kinds = {i.split("/")[0] for i in inputs}
    assert kinds >= {"corpus", "generated", "weights", "session", "cli"}
    commands = {c.argv[0] for c in CASES if c.argv and not c.argv[0].startswith("-")}
    assert commands >= {"validate", "list", "trace", "train", "replay", "export", "new", "open"}
    assert any(c.argv and c.argv[0].endswith(".toml") for c in CASES)  # the default open


# ---------------------------------------------------------------- the harness itself
def test_the_harness_sees_control_characters():
    assert unsafe_characters("a\x1b]52;c;QUFB\x07") == ["'\\x07'", "'\\x1b'"]
    assert unsafe_characters("\x9b \u202e \u2066 \x7f \x00 \ud800")
    assert unsafe_characters("tab\tnew\nline ␛]52 \\x1b \\u202e 标题") == []


def test_the_harness_measures_memory_time_and_exit(tmp_path):
    log = tmp_path / "log"
    script = "import sys; b = bytearray(400 << 20); b[::4096] = b'x' * len(b[::4096]); sys.exit(3)"
    run = run_command(["-c", script], cwd=tmp_path, log=log, prefix=())
    assert run.returncode == 3 and not run.timed_out
    assert 400 * 2**20 < run.maxrss < 500 * 2**20, run.maxrss >> 20
    slow = run_command(["-c", "import time; time.sleep(60)"], cwd=tmp_path, log=log, prefix=(),
                       timeout=0.5)  # fmt: skip
    assert slow.timed_out and slow.returncode < 0 and slow.seconds < 10
    # the address-space safety net does not break a real command
    run = run_command(["list"], cwd=tmp_path, log=log)
    assert run.returncode == 0 and b"intent" in run.stdout, run.stderr
