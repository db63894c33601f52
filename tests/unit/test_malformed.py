"""A corpus of malformed scenarios, each with the message it must produce (its first
line: `# expect: ...`), and hypothesis fuzzing of the loader: every failure is a
ScenarioError with a message, never another exception."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_tui.scenario import ScenarioError, load_scenario, parse_scenario

CORPUS = sorted((Path(__file__).parent / "data" / "malformed").glob("*.toml"))


def expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


def test_the_corpus_is_large():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_malformed_file_gives_its_message(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    messages = [str(p) for p in info.value.problems]
    want = expected(path)
    assert all(m.startswith(f"{path}: ") for m in messages)
    assert any(want in m for m in messages), messages


def test_validate_on_the_whole_corpus_never_prints_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "rnn_tui", "validate", *map(str, CORPUS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{len(CORPUS)} of {len(CORPUS)} files invalid" in result.stderr


# ---------------------------------------------------------------- fuzzing
VALID = """title = "t"
[model]
cell = "gru"
hidden_size = 2
num_layers = 2
bidirectional = true
readout = "last"
[weights]
seed = 1
[input]
tokens = ["a", "b", "a"]
[output]
labels = ["x", "y"]
[train]
examples = [{ text = "a b", label = "x" }]
"""

toml_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: (
            "nan"
            if f != f
            else ("inf" if f == float("inf") else ("-inf" if f == -float("inf") else repr(f)))
        )
    ),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=8).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.just("[]"),
    st.just("[[1.0], [2.0, 3.0]]"),
    st.just('["a", 1]'),
    st.just("{}"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.integers(0, VALID.count("\n") - 1), value=toml_scalars)
def test_fuzz_replace_a_value(line, value):
    lines = VALID.splitlines()
    if "=" not in lines[line]:
        lines[line] = value  # garbage where a table header was
    else:
        key = lines[line].split("=", 1)[0]
        lines[line] = f"{key}= {value}"
    check("\n".join(lines) + "\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_fuzz_arbitrary_text(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(0, len(VALID)), junk=st.text(max_size=20))
def test_fuzz_cut_and_splice(cut, junk):
    check(VALID[:cut] + junk + VALID[cut:])


def check(text: str) -> None:
    try:
        scenario = parse_scenario(text, name="fuzz")
    except ScenarioError as e:
        assert e.problems and all(str(p).startswith("fuzz: ") for p in e.problems)
        assert all(p.message for p in e.problems)
    else:
        scenario.trace()  # whatever loads also runs
