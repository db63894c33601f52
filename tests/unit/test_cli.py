"""The command line as a user runs it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_tui.scenario import builtin_names, load_scenario

DATA = Path(__file__).parent / "data"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rnn_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_list_shows_every_builtin():
    result = run("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(builtin_names())
    for name in builtin_names():
        (line,) = [ln for ln in lines if ln.split()[0] == name]
        assert load_scenario(name).title in line
    assert any(line.split()[1] == "*" for line in lines if line.startswith("intent "))


@pytest.mark.parametrize("name", builtin_names())
def test_trace_json_layout(name):
    result = run("trace", name, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    s = load_scenario(name)
    trace = s.trace()
    net = s.network
    assert data["scenario"] == name
    assert set(data) >= {"scenario", "model", "tokens", "inputs", "layers", "outputs", "influence"}
    model = data["model"]
    for key in ("cell", "input_size", "hidden_size", "num_layers", "bidirectional", "merge",
                "nonlinearity", "output_size", "readout"):  # fmt: skip
        assert key in model
    assert model["hidden_size"] == net.hidden_size
    T = len(data["inputs"])
    assert T == trace.steps and data["tokens"] == s.tokens
    assert len(data["layers"]) == net.num_layers
    for k, layer in enumerate(data["layers"]):
        directions = ["forward", "backward"] if net.bidirectional else ["forward"]
        assert [d for d in ("forward", "backward") if d in layer] == directions
        for d in directions:
            h = np.array(layer[d]["h"])
            assert h.shape == (T, net.hidden_size)
            np.testing.assert_array_equal(h, getattr(trace.layers[k], d).h)
        assert np.array(layer["output"]).shape == (T, net.merged_size)
    if net.output_size:
        rows = 1 if net.readout == "last" else T
        assert np.array(data["outputs"]).shape == (rows, net.output_size)
    influence = np.array(data["influence"])
    assert influence.shape == (T, T)
    np.testing.assert_allclose(influence, s.influence(), atol=1e-12)
    if not net.bidirectional:
        assert np.all(np.triu(influence, k=1) == 0)  # x_k cannot affect s_t before it is read
    if s.labels:
        p = np.array(data["probabilities"])
        np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)
        assert data["prediction"] in s.labels


def test_validate_ok_builtins():
    files = sorted(str(p) for p in (Path(__file__).parents[2] / "scenarios").glob("*.toml"))
    result = run("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == len(files)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("misspelt-key.toml", 'model.hiden_size: unknown key (did you mean "hidden_size"?)'),
        ("wrong-type.toml", 'model.hidden_size: expected an integer, found "four"'),
        ("missing-weights.toml", 'weights.file: "does-not-exist.npz" not found'),
        ("wrong-shape.toml", "weights.values.weight_ih_l0: expected shape (2, 1), found (2, 2)"),
    ],
)
def test_validate_names_each_problem_and_exits_2(file, expected):
    path = DATA / file
    result = run("validate", str(path))
    assert result.returncode == 2
    assert f"error: {path}: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reports_all_files_and_counts_the_bad():
    result = run("validate", "intent", str(DATA / "wrong-type.toml"), str(DATA / "good-npz.toml"))
    assert result.returncode == 2
    assert result.stdout.count("ok: ") == 2
    assert "1 of 3 files invalid" in result.stderr


def test_counts_say_one_file_and_several_files_in_english_and_chinese():
    one = run("validate", str(DATA / "wrong-type.toml"))
    assert one.returncode == 2 and "1 of 1 file invalid" in one.stderr
    two = run("validate", str(DATA / "wrong-type.toml"), str(DATA / "wrong-shape.toml"))
    assert "2 of 2 files invalid" in two.stderr
    zh = run("--lang", "zh", "validate", str(DATA / "wrong-type.toml"))
    assert "1 个文件中有 1 个无效" in zh.stderr  # Chinese has one form


def test_clicks_own_words_follow_lang(tmp_path):
    """click's words come from the catalogue through the standard gettext domain."""
    zh = run("--lang", "zh", "new")
    assert zh.returncode == 2
    assert "用法：" in zh.stderr and "缺少参数" in zh.stderr and "错误：" in zh.stderr
    assert "运行 'rnn-tui new --help' 查看帮助。" in zh.stderr
    en = run("--lang", "en", "serve", "--port", "x")
    assert "Invalid value for '--port': 'x' is not a valid integer range." in en.stderr
    zh = run("--lang", "zh", "serve", "--port", "x")
    assert "'--port' 的值无效：'x' 不是有效的 integer range。" in zh.stderr
    helped = run("--lang", "zh", "serve", "--help")
    assert "显示此帮助并退出。" in helped.stdout and "默认：8000" in helped.stdout


def test_trace_of_bad_file_is_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("title = 1\n")
    result = run("trace", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"error: {bad}: title: expected a string, found 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_open_with_missing_scenario_exits_2_before_the_app_starts():
    result = run("no-such-scenario")
    assert result.returncode == 2
    assert "no such file or built-in scenario" in result.stderr


def test_unknown_option_exits_2():
    result = run("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


def test_new_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "mine"
    result = run("new", str(target), "--cell", "gru", "--layers", "2", "--bidirectional")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "mine.toml"
    assert f"wrote {path}" in result.stdout
    s = load_scenario(path)
    assert (s.network.cell, s.network.num_layers, s.network.bidirectional) == ("gru", 2, True)
    assert "# " in path.read_text()  # commented for the reader
    again = run("new", str(target))
    assert again.returncode == 2
    assert "exists; choose another name or pass --force" in again.stderr


def seeded_intent(tmp_path: Path) -> Path:
    """The built-in intent scenario as it was before training: seeded weights."""
    source = Path(__file__).parents[2] / "scenarios" / "intent.toml"
    text = source.read_text(encoding="utf-8")
    text = re.sub(r'file = "intent.npz"\ntrained = true', "seed = 7", text)
    assert "seed = 7" in text
    path = tmp_path / "intent.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_train_fits_writes_weights_and_updates_the_scenario(tmp_path):
    path = seeded_intent(tmp_path)
    result = run("train", str(path), "--epochs", "120", "--update")
    assert result.returncode == 0, result.stderr
    assert "training accuracy 100.0% on" in result.stdout
    assert f"weights written to {tmp_path / 'intent.npz'}" in result.stdout
    assert "epochs" in result.stderr and "loss" in result.stderr  # the progress bar
    s = load_scenario(path)
    assert s.trained and s.weights_source == "file"
    predictions = []
    for example in s.examples:
        predictions.append(s.with_tokens(example["text"].split()).trace().prediction)
    assert predictions == [e["label"] for e in s.examples]


def test_train_is_deterministic_and_refuses_scenarios_without_examples(tmp_path):
    path = seeded_intent(tmp_path)
    run("train", str(path), "--epochs", "5", "-o", str(tmp_path / "a.npz"))
    run("train", str(path), "--epochs", "5", "-o", str(tmp_path / "b.npz"))
    with np.load(tmp_path / "a.npz") as a, np.load(tmp_path / "b.npz") as b:
        assert a.files == b.files and all(np.array_equal(a[k], b[k]) for k in a.files)
    result = run("train", "elman-by-hand")
    assert result.returncode == 2
    assert "train.examples: nothing to train on" in result.stderr


def test_train_names_the_file_it_really_wrote(tmp_path):
    path = seeded_intent(tmp_path)
    result = run("train", str(path), "--epochs", "2", "-o", str(tmp_path / "mine-t.toml"))
    assert result.returncode == 0, result.stderr
    written = tmp_path / "mine-t.toml.npz"  # numpy's suffix, said as it is
    assert written.is_file() and not (tmp_path / "mine-t.toml").exists()
    assert f"weights written to {written}" in result.stdout


def test_open_says_it_is_tracing_a_long_sequence_before_the_first_frame(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import rnn_tui.cli_common
    import rnn_tui.ui
    from rnn_tui.cli import LONG_SEQUENCE, cli

    class NoApp:  # stands in for the app: this test is about what comes before it
        return_code = 0

        def run(self) -> None:
            pass

    monkeypatch.setattr(rnn_tui.ui, "make_app", lambda *args, **kwargs: NoApp())
    monkeypatch.setattr(rnn_tui.cli_common, "has_terminal", lambda: True)  # CliRunner has none
    words = ", ".join(['"a"', '"b"'] * (LONG_SEQUENCE // 2))
    long = tmp_path / "long.toml"
    long.write_text(
        f'title = "long"\n[model]\ncell = "rnn"\nhidden_size = 2\n[weights]\nseed = 1\n'
        f"[input]\ntokens = [{words}]\n"
    )
    result = CliRunner().invoke(cli, ["open", str(long)])
    assert result.exit_code == 0, result.output
    assert "rnn-tui: tracing 10,000 steps…" in result.stderr
    short = CliRunner().invoke(cli, ["open", str(DATA.parent.parent / "app/data/by-hand.toml")])
    assert short.exit_code == 0 and "tracing" not in short.stderr
