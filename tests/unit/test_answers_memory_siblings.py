"""[input] answers, [memory] and [siblings]: what the loader accepts and refuses (named
fields, did-you-mean), the trained siblings the cell key switches to (bit for bit the
sibling file's weights), and recordings of such switches, which replay without the
sibling files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from rnn_tui.files import BUILTIN_DIR
from rnn_tui.present.position import View
from rnn_tui.present.view import Stage
from rnn_tui.scenario import ScenarioError, load_scenario, parse_scenario
from rnn_tui.scenario.siblings import load_siblings
from rnn_tui.session import check_session, read_session, restore_scenario
from rnn_tui.session.verify import apply_change, switch_change

MEMORY_FADE = {
    "rnn": BUILTIN_DIR / "memory-fade.toml",
    "lstm": BUILTIN_DIR / "memory-fade-lstm.toml",
    "gru": BUILTIN_DIR / "memory-fade-gru.toml",
}
SHORT = """title = "t"
[model]
cell = "rnn"
hidden_size = 2
readout = "last"
[weights]
seed = 1
[input]
tokens = ["A", "x", "y"]
vocab = ["A", "B", "x", "y"]
sequences = { B = ["B", "y", "x"] }
[output]
labels = ["A", "B"]
"""


def problems(text: str) -> list[tuple[str, str]]:
    """(field, message) of every problem the loader finds in `text`; [] when it loads."""
    try:
        parse_scenario(text, name="s")
    except ScenarioError as e:
        return [(p.field, p.message) for p in e.problems]
    return []


def with_lines(text: str, after: str, lines: str) -> str:
    """`text` with `lines` inserted after the line `after` (a table header or a key)."""
    head, tail = text.split(after + "\n", 1)
    return f"{head}{after}\n{lines}\n{tail}"


def same_bits(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a
    )


# ---------------------------------------------------------------- the loader
def test_the_memory_fade_files_give_answers_memory_and_siblings():
    for cell, path in MEMORY_FADE.items():
        data = tomllib.loads(path.read_text(encoding="utf-8"))  # read independently
        s = load_scenario(path)
        main, other = data["input"]["tokens"], data["input"]["sequences"]["B"]
        assert (main[0], other[0]) == ("A", "B")  # the first token is the answer
        assert s.answers == {"default": "A", "B": "B"}
        assert s.memory == {"step": 1, "swap": {"A": "B", "B": "A"}}
        others = {c: p.name for c, p in MEMORY_FADE.items() if c != cell}
        assert s.siblings == others
        assert s.expected() == "A" and s.select("B").expected() == "B"
        assert s.with_tokens(["B", *main[1:]]).expected() is None  # edited: not known


def test_the_shorter_memory_fade_files_name_their_own_length():
    for length in (10, 25):
        s = load_scenario(BUILTIN_DIR / "memory-fade" / f"rnn-L{length}.toml")
        assert s.siblings == {"lstm": f"lstm-L{length}.toml", "gru": f"gru-L{length}.toml"}
        assert len(s.tokens) == length and s.answers == {"default": "A", "B": "B"}


def test_intent_answers_are_the_labels_of_their_training_examples():
    for name in ("intent", "intent-zh"):
        s = load_scenario(name)
        labelled = {e["text"]: e["label"] for e in s.examples}
        assert s.answers, name
        for sequence, label in s.answers.items():
            assert labelled[" ".join(s.sequences[sequence])] == label, (name, sequence)


def test_a_short_scenario_with_every_new_table_loads():
    text = SHORT.replace('sequences = { B = ["B", "y", "x"] }\n', "") + (
        '[input.sequences]\nB = ["B", "y", "x"]\n'
        '[input.answers]\ndefault = "A"\nB = "B"\n'
        '[memory]\nstep = 3\nswap = { A = "B" }\nbaseline = "x"\n'
        '[siblings]\nlstm = "s-lstm.toml"\n'
    )
    s = parse_scenario(text, name="s")
    assert s.answers == {"default": "A", "B": "B"}
    assert s.memory == {"step": 3, "swap": {"A": "B"}, "baseline": "x"}
    assert s.siblings == {"lstm": "s-lstm.toml"}
    assert problems(SHORT) == [] and parse_scenario(SHORT).memory == {}


REFUSED = [
    # (where to insert, what, the field named, a fragment of its message)
    ("[input]", 'answers = { default = "C" }', "input.answers.default",
     '"C" is not in output.labels'),
    ("[input]", 'answers = { default = "AA" }', "input.answers.default", 'did you mean "A"?'),
    ("[input]", 'answers = { BB = "B" }', "input.answers.BB", 'did you mean "B"?'),
    ("[input]", 'answers = { Bee = "B" }', "input.answers.Bee", "no such sequence"),
    ("[input]", "answers = { default = 1 }", "input.answers", "expected a table of name"),
    ("[input]", 'answer = { default = "A" }', "input.answer", 'did you mean "answers"?'),
    ("[memory]", 'swap = { A = "Q" }', "memory.swap.A", '"Q" is not in input.vocab'),
    ("[memory]", 'swap = { Q = "A" }', "memory.swap.Q", '"Q" is not in input.vocab'),
    ("[memory]", 'baseline = "zeros"', "memory.baseline", 'did you mean "zero"?'),
    ("[memory]", 'baseline = "unknown"', "memory.baseline", "needs input.unknown"),
    ("[memory]", "step = 4", "memory.step", "is 4 but the main input has 3 steps"),
    ("[memory]", "step = 0", "memory.step", "expected an integer >= 1"),
    ("[memory]", "stpe = 1", "memory.stpe", 'unknown key (did you mean "step"?)'),
    ("[siblings]", 'lstn = "x.toml"', "siblings.lstn", 'did you mean "lstm"?'),
    ("[siblings]", 'lstm = "../x.toml"', "siblings.lstm", "is not a bare file name"),
    ("[siblings]", 'lstm = "sub/x.toml"', "siblings.lstm", "is not a bare file name"),
    ("[siblings]", 'lstm = "sub\\\\x.toml"', "siblings.lstm", "is not a bare file name"),
    ("[siblings]", 'lstm = "a..toml"', "siblings.lstm", "is not a bare file name"),
    ("[siblings]", 'lstm = "x.npz"', "siblings.lstm", "expected NAME.toml"),
    ("[siblings]", 'lstm = "x\\u001b.toml"', "siblings.lstm", "is not a usable file name"),
    ("[siblings]", 'lstm = ""', "siblings.lstm", "is not a usable file name"),
    ("[siblings]", "lstm = 3", "siblings.lstm", "expected a string"),
    ("[siblings]", 'rnn = "x.toml"', "siblings.rnn", "this scenario's own cell"),
]  # fmt: skip


@pytest.mark.parametrize(("after", "line", "field", "fragment"), REFUSED)
def test_the_loader_refuses_with_the_field_named(after, line, field, fragment):
    text = SHORT + "[memory]\n[siblings]\n"
    found = problems(with_lines(text, after, line))
    assert any(f == field and fragment in m for f, m in found), found


def test_answers_need_a_last_readout_and_labels():
    every = SHORT.replace('readout = "last"', 'readout = "every"')
    found = problems(with_lines(every, "[input]", 'answers = { default = "A" }'))
    assert ("input.answers", 'applies only to readout = "last" (one label per sequence)') in found
    unlabelled = SHORT.replace('[output]\nlabels = ["A", "B"]\n', "")
    found = problems(with_lines(unlabelled, "[input]", 'answers = { default = "A" }'))
    assert ("input.answers", "needs output.labels") in found


def test_memory_tokens_need_token_inputs():
    text = (
        'title = "v"\n[model]\nhidden_size = 2\n[weights]\nseed = 1\n'
        '[input]\nvectors = [[1.0], [2.0]]\n[memory]\nswap = { A = "B" }\n'
    )
    assert ("memory.swap", "needs token inputs (input.tokens), not vectors") in problems(text)


def test_names_are_escaped_as_sequence_names_and_tokens_are():
    text = SHORT.replace('{ B = ["B"', '{ "B\\u001b" = ["B"').replace(
        '"B", "x", "y"]', '"B", "x", "y", "\\u001b"]'
    )
    text = with_lines(text, "[input]", 'answers = { "B\\u001b" = "B" }')
    text += '[memory]\nswap = { "\\u001b" = "A" }\n'
    s = parse_scenario(text)
    assert s.answers == {"B␛": "B"} and s.memory["swap"] == {"␛": "A"}
    assert s.select("B␛").expected() == "B"
    # two names that read the same once escaped
    twice = with_lines(SHORT, "[input]", 'answers = { "B\\u001b" = "B", "B␛" = "B" }')
    assert any("reads the same" in m for _, m in problems(twice))


def test_validate_names_the_field_and_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SHORT + '[siblings]\nlstm = "../../etc/passwd.toml"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "rnn_tui", "validate", str(bad)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "siblings.lstm" in done.stdout + done.stderr


# ---------------------------------------------------------------- siblings
def test_load_siblings_of_memory_fade_reads_the_same_tokens_with_each_cell():
    for start in ("rnn", "gru"):
        scenario = load_scenario(MEMORY_FADE[start]).select("B")
        left_out: list[str] = []
        found = load_siblings(scenario, left_out)
        assert left_out == [] and set(found) == {"rnn", "lstm", "gru"}
        assert found[start] is scenario  # itself, under its own cell
        for cell, sibling in found.items():
            assert sibling.network.cell == cell
            assert sibling.tokens == scenario.tokens and sibling.sequence == "B"
            own = load_scenario(MEMORY_FADE[cell]).network.params
            assert same_bits(sibling.network.params, own)


def lstm_probabilities(npz: Path, vocab: list[str], tokens: list[str]) -> np.ndarray:
    """PyTorch's LSTM equations (gates i, f, g, o) and the readout, written out here from
    the weights file alone."""
    with np.load(npz) as f:
        w = {k: f[k].astype(np.float64) for k in f.files}
    H = w["weight_hh_l0"].shape[1]
    h, c = np.zeros(H), np.zeros(H)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for token in tokens:
        x = np.eye(len(vocab))[vocab.index(token)]
        z = w["weight_ih_l0"] @ x + w["bias_ih_l0"] + w["weight_hh_l0"] @ h + w["bias_hh_l0"]
        i, f_, g, o = sig(z[:H]), sig(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), sig(z[3 * H :])
        c = f_ * c + i * g
        h = o * np.tanh(c)
    logits = w["readout.weight"] @ h + w["readout.bias"]
    e = np.exp(logits - logits.max())
    return e / e.sum()


def test_c_on_memory_fade_brings_the_lstm_siblings_weights_bit_for_bit():
    scenario = load_scenario("memory-fade")
    switched = scenario.switch(cell="lstm")
    lstm = load_scenario(MEMORY_FADE["lstm"])
    assert same_bits(switched.scenario.network.params, lstm.network.params)
    assert switched.scenario.trained and switched.scenario.fresh == ()
    assert switched.sibling == "memory-fade-lstm.toml" and not switched.own
    assert switched.describe() == ("cell rnn → lstm: the trained weights of memory-fade-lstm.toml.")
    # the same scenario still: its text, answers, memory; its tokens
    assert switched.scenario.text == scenario.text and switched.scenario.tokens == scenario.tokens
    # but the title and description on screen are the sibling's: they are about its weights
    assert switched.scenario.title == lstm.title and "LSTM" in switched.scenario.title
    assert switched.scenario.description == lstm.description
    # the A sequence is predicted A, as the LSTM file computes it independently
    data = tomllib.loads(MEMORY_FADE["lstm"].read_text(encoding="utf-8"))
    p = lstm_probabilities(
        BUILTIN_DIR / data["weights"]["file"], data["input"]["vocab"], scenario.tokens
    )
    assert p[0] > 0.99
    trace = switched.scenario.trace()
    assert trace.prediction == "A" and trace.probabilities[0][0] > 0.99
    np.testing.assert_allclose(trace.probabilities[0], p, rtol=1e-9)
    b = scenario.select("B").switch(cell="lstm").scenario.trace()
    assert b.prediction == "B" and b.probabilities[0][1] > 0.99


def test_the_cycle_goes_through_both_siblings_and_home_to_its_own_weights():
    scenario = load_scenario("memory-fade")
    gru = scenario.switch(cell="lstm").scenario.switch(cell="gru")
    assert gru.describe() == "cell lstm → gru: the trained weights of memory-fade-gru.toml."
    assert same_bits(gru.scenario.network.params, load_scenario("memory-fade-gru").network.params)
    home = gru.scenario.switch(cell="rnn")
    assert home.own and home.scenario.network is scenario.network and home.scenario.origin is None
    assert home.describe() == "cell gru → rnn: the scenario's own weights again."
    assert home.scenario.title == scenario.title and "RNN" in home.scenario.title
    assert home.scenario.description == scenario.description


def copy_memory_fade(folder: Path) -> dict[str, Path]:
    out = {}
    for cell, path in MEMORY_FADE.items():
        shutil.copy(path, folder / path.name)
        shutil.copy(path.with_suffix(".npz"), folder / path.with_suffix(".npz").name)
        out[cell] = folder / path.name
    return out


def test_a_sibling_that_does_not_fit_or_load_is_left_out_with_the_reason(tmp_path):
    files = copy_memory_fade(tmp_path)
    text = files["lstm"].read_text(encoding="utf-8")
    files["lstm"].write_text(text.replace('"A", "B", "w"', '"B", "A", "w"'), encoding="utf-8")
    files["gru"].unlink()
    scenario = load_scenario(files["rnn"])
    left_out: list[str] = []
    assert set(load_siblings(scenario, left_out)) == {"rnn"}
    assert "memory-fade-lstm.toml does not fit: its input.vocab differs" in left_out[0]
    assert "memory-fade-gru.toml does not load" in left_out[1] and "file not found" in left_out[1]
    switched = scenario.switch(cell="lstm")
    assert not switched.sibling and not switched.scenario.trained
    assert len(switched.fresh) == len(switched.scenario.network.params)  # seeded, as before
    assert "(Its sibling was not used: memory-fade-lstm.toml does not fit" in switched.describe()


def test_a_sibling_of_another_cell_or_a_fifo_is_left_out(tmp_path):
    files = copy_memory_fade(tmp_path)
    files["gru"].write_text(files["rnn"].read_text(encoding="utf-8"), encoding="utf-8")
    files["lstm"].unlink()
    os.mkfifo(files["lstm"])  # never opened for reading: it would block
    left_out: list[str] = []
    assert set(load_siblings(load_scenario(files["rnn"]), left_out)) == {"rnn"}
    assert "is not a regular file: a fifo" in left_out[0]
    assert "memory-fade-gru.toml has cell = rnn, not gru" in left_out[1]


def test_a_scenario_without_a_folder_reads_no_sibling():
    text = MEMORY_FADE["rnn"].read_text(encoding="utf-8")
    text = text.replace('file = "memory-fade.npz"\ntrained = true', "seed = 1")
    scenario = parse_scenario(text, name="from text")
    switched = scenario.switch(cell="lstm")
    assert not switched.sibling and not switched.scenario.trained
    assert "this scenario has no folder" in switched.describe()


# ---------------------------------------------------------------- recordings
def test_a_sibling_switch_is_recorded_whole_and_replays_without_the_sibling(tmp_path):
    from rnn_tui.ui.recording import Recorder

    files = copy_memory_fade(tmp_path)
    scenario = load_scenario(files["rnn"])
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    path = sessions / "c.jsonl"
    stage = Stage(scenario)
    recorder = Recorder(path, scenario, stage, columns=120, rows=40)
    app = SimpleNamespace(view=View(t=1), stage=stage, scenario=scenario)
    recorder.record(app, key="", action="start")  # type: ignore[arg-type]
    seen = []
    for key, view in (("c", 1), ("right", 2), ("c", 2), ("c", 2), ("c", 3)):
        if key == "c":
            cells = ("rnn", "lstm", "gru")
            cell = cells[(cells.index(app.scenario.network.cell) + 1) % 3]
            app.scenario = app.scenario.switch(cell=cell).scenario
            app.stage = Stage(app.scenario)
            seen.append(app.scenario)
        app.view = View(t=view)
        recorder.record(app, key=key, action=key)  # type: ignore[arg-type]
    assert recorder.close() is None
    for file in (files["lstm"], files["gru"]):  # where the session is replayed: gone
        file.unlink()
        file.with_suffix(".npz").unlink()

    session = read_session(path)
    changes = [a.change for a in session.actions if a.change]
    # lstm and gru from their siblings; rnn home (from a gru whose own cell a replay
    # knows as gru); lstm again: every one the whole scenario, with its weights
    assert [set(c) for c in changes] == [{"scenario"}] * 4
    lstm = restore_scenario(changes[0]["scenario"], "test", sessions)
    own = MEMORY_FADE["lstm"]
    assert same_bits(lstm.network.params, load_scenario(own).network.params)
    assert lstm.trained and lstm.network.cell == "lstm"
    result = check_session(session)
    assert result.failed_line is None and result.checked == 6, result.reason
    done = subprocess.run([sys.executable, "-m", "rnn_tui", "replay", str(path), "--check"],
                          capture_output=True, text=True, timeout=120, cwd=sessions)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "all 6 recorded states match" in done.stdout
    # and replaying the recorded changes gives the weights the app computed with
    replayed = restore_scenario(session.header["scenario"], "header", sessions)
    for change, expected in zip(changes, seen, strict=True):
        replayed = apply_change(replayed, change, "line", sessions)
        assert same_bits(replayed.network.params, expected.network.params)


def test_switch_change_is_none_for_a_sibling_and_a_cell_change_without_one():
    scenario = load_scenario("memory-fade")
    assert switch_change(scenario, scenario.switch(cell="lstm").scenario) is None
    intent = load_scenario("intent")  # no siblings: a switch replays bit for bit
    change, _ = switch_change(intent, intent.switch(cell="lstm").scenario)
    assert change == {"cell": "lstm"}
