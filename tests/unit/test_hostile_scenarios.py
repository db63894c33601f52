"""Scenario and weight files written by a hostile author (issue 12): text that would act
on a terminal is escaped where it enters, sizes are checked in bytes before anything is
allocated, and every way a file can be wrong is one line naming the file, never a
traceback, a hang or gigabytes of memory. Large files are generated here, at test time."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_tui.i18n import set_language
from rnn_tui.scenario import ScenarioError, load_scenario, parse_scenario, read_weights
from rnn_tui.scenario.loader import MAX_PROBLEMS, Problem
from rnn_tui.scenario.starter import starter_text
from rnn_tui.scenario.weights import MAX_ARRAY_BYTES, WeightsError
from rnn_tui.text import is_visible

ESC_TITLE = "\x1b]2;pwned\x07"  # sets the window title
CLIPBOARD = "\x1b]52;c;aGVsbG8=\x1b\\"  # sets the clipboard
WIPE = "\x1b[?1049l\x1b[2J"  # leaves the alternate screen and wipes it
BIDI = "abc\u202edef"  # right-to-left override
C1 = "x\x9by"  # a C1 CSI
RAW_CONTROL = set(range(0x00, 0x09)) | set(range(0x0B, 0x20)) | {0x7F}


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly, control characters as \\u escapes."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def problems(source) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    return [str(p) for p in info.value.problems]


def parse_problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="h")
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SEEDED = """title = "t"
[model]
hidden_size = 2
[weights]
seed = 1
[input]
tokens = ["a", "b"]
"""


def with_weights(tmp_path: Path, file: str) -> Path:
    return write(tmp_path, SEEDED.replace("seed = 1", f"file = {toml_string(file)}"))


# ================================================================ 1. escaped at the boundary
def hostile_scenario(readout: str = "last") -> str:
    t = toml_string
    every = readout == "every"
    label = t(ESC_TITLE + " y") if every else t(ESC_TITLE)
    description = t("line one " + WIPE + "\nline two\tend " + C1)
    zh_description = t("说明" + WIPE + "\n第二行")
    return f"""title = {t("Intent " + ESC_TITLE + BIDI)}
description = {description}
[zh]
title = {t("标题" + CLIPBOARD)}
description = {zh_description}
[model]
hidden_size = 3
readout = "{readout}"
[weights]
seed = 1
[input]
tokens = [{t(CLIPBOARD)}, {t(BIDI)}, "plain"]
vocab = [{t(CLIPBOARD)}, {t(BIDI)}, "plain", {t("<unk" + C1 + ">")}, {t(WIPE)}]
unknown = {t("<unk" + C1 + ">")}
sequences = {{ {t("seq" + ESC_TITLE)} = [{t(WIPE)}, "plain"] }}
[output]
labels = [{t(ESC_TITLE)}, "y"]
[train]
examples = [{{ text = {t(CLIPBOARD + " plain")}, label = {label} }}]
heldout = [{{ text = {t(WIPE + " " + BIDI)}, label = {label} }}]
"""


def every_text_of(scenario) -> list[str]:
    texts = [scenario.title, scenario.name, scenario.unknown, scenario.sequence]
    texts += scenario.tokens + scenario.vocab + scenario.labels + list(scenario.sequences)
    for seq in scenario.sequences.values():
        texts += list(seq)
    for e in scenario.examples + scenario.heldout:
        texts += [e["text"], e["label"]]
    return texts


@pytest.mark.parametrize("readout", ["last", "every"])
def test_every_text_from_the_file_is_escaped_and_still_matches(tmp_path, readout):
    s = load_scenario(write(tmp_path, hostile_scenario(readout), f"h{ESC_TITLE}.toml"))
    assert s.title == "Intent ␛]2;pwned␇abc\\u202edef"
    assert s.description == "line one ␛[?1049l␛[2J\nline two\tend x\\x9by"  # lines kept
    assert s.tokens == ["␛]52;c;aGVsbG8=␛\\", "abc\\u202edef", "plain"]
    assert s.labels == ["␛]2;pwned␇", "y"]
    assert s.unknown == "<unkx\\x9by>"
    assert s.name == "h␛]2;pwned␇"
    assert list(s.sequences) == ["default", "seq␛]2;pwned␇"]
    assert s.examples[0]["text"] == "␛]52;c;aGVsbG8=␛\\ plain"
    for text in every_text_of(s):
        assert is_visible(text), repr(text)
    assert is_visible(s.description, lines=True)
    # tokens, vocabulary and the unknown token were escaped alike: lookups still match
    assert s.vocab.index(s.tokens[0]) == 0
    np.testing.assert_array_equal(s.inputs.argmax(axis=1), [0, 1, 2])
    other = s.select("seq␛]2;pwned␇")
    assert other.tokens == ["␛[?1049l␛[2J", "plain"]
    np.testing.assert_array_equal(other.inputs.argmax(axis=1), [4, 2])
    # a raw token typed or replayed later is escaped the same way, and found
    raw = s.with_tokens([CLIPBOARD, "never seen"])
    assert raw.tokens == ["␛]52;c;aGVsbG8=␛\\", "never seen"]
    np.testing.assert_array_equal(raw.inputs.argmax(axis=1), [0, 3])  # unknown -> <unk…>
    trace = s.trace()
    assert all(is_visible(tok) for tok in trace.tokens)
    predictions = trace.prediction if readout == "every" else [trace.prediction]
    assert predictions and all(p in s.labels for p in predictions)


def test_the_chinese_title_and_description_are_escaped_too(tmp_path):
    path = write(tmp_path, hostile_scenario())
    set_language("zh")
    try:
        s = load_scenario(path)
    finally:
        set_language("en")
    assert s.title == "标题␛]52;c;aGVsbG8=␛\\"
    assert s.description == "说明␛[?1049l␛[2J\n第二行"


def scenario_with(**sections: dict) -> str:
    """SEEDED with keys set (as TOML literals) in the given sections."""
    tables: dict[str, dict] = {
        "model": {"hidden_size": "2"}, "weights": {"seed": "1"}, "input": {"tokens": '["a", "b"]'},
    }  # fmt: skip
    for name, keys in sections.items():
        tables.setdefault(name, {}).update(keys)
    body = "".join(
        f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
        for name, keys in tables.items()
    )
    return 'title = "t"\n' + body


@pytest.mark.parametrize(
    ("sections", "where", "fragment"),
    [
        ({"input": {"vocab": f'[{toml_string("a" + chr(27))}, "a␛", "b"]'}},
         "input.vocab", "repeats a␛"),
        ({"output": {"labels": f'[{toml_string("x" + chr(7))}, "x␇"]'}},
         "output.labels", "repeats a label"),
        ({"input": {"sequences": f'{{ {toml_string("s" + chr(27))} = ["a"], "s␛" = ["b"] }}'}},
         "input.sequences.s␛", "reads the same as another name"),
    ],
)  # fmt: skip
def test_texts_that_collide_once_escaped_are_duplicates(tmp_path, sections, where, fragment):
    msgs = problems(write(tmp_path, scenario_with(**sections)))
    assert any(f": {where}: " in m and fragment in m for m in msgs), msgs


def test_problem_escapes_file_field_and_message():
    p = Problem("a\x1b]2;x\x07.toml", "weights.file[k\x1b[31m]", 'found "\x1b[2J\u202e"')
    assert str(p) == 'a␛]2;x␇.toml: weights.file[k␛[31m]: found "␛[2J\\u202e"'
    assert is_visible(p.file) and is_visible(p.field) and is_visible(p.message)


def test_an_error_about_a_hostile_file_name_prints_no_control_character(tmp_path):
    path = write(tmp_path, 'title = "t"\n"hiden\\u001b[2J" = 1\n', "a\x1b]2;x\x07.toml")
    msgs = problems(path)
    assert msgs and all(is_visible(m) for m in msgs)
    assert any("a␛]2;x␇.toml: hiden␛[2J: unknown key" in m for m in msgs), msgs


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_hostile_keys_of_a_weights_file_are_escaped_in_messages(tmp_path, suffix):
    arrays = {"evil\x1b]2;x\x07": np.zeros(2), "weight_ih_l0": np.zeros((2, 2))}
    if suffix == ".npz":
        np.savez(tmp_path / "w.npz", **arrays)
    else:
        from safetensors.numpy import save_file

        save_file(arrays, str(tmp_path / "w.safetensors"))
    msgs = problems(with_weights(tmp_path, f"w{suffix}"))
    assert all(is_visible(m) for m in msgs)
    assert any(m.endswith("weights.file.evil␛]2;x␇: not a parameter of this model") for m in msgs)


def test_starter_quotes_and_escapes_a_hostile_file_name(tmp_path):
    name = 'my "x"\n[evil]\\\x1b.toml'
    text = starter_text(name, cell="gru")
    s = parse_scenario(text, name="starter")
    assert s.title == 'My "x"␊[evil]\\␛'
    assert "nonlinearity =" not in text  # a gated cell has no such key


# ================================================================ 2. sizes in bytes, first
def npz_with_headers(path: Path, members: dict[str, dict], data: bytes = b"", **kw) -> Path:
    """An .npz whose members carry the given .npy headers (and `data` after each)."""
    with zipfile.ZipFile(path, "w", **kw) as z:
        for name, header in members.items():
            with z.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array_header_1_0(f, header)
                f.write(data)
    return path


def test_a_3mb_npz_of_void_members_fails_fast_in_small_memory(tmp_path):
    # the file: members of dtype |V1048576 reached 3.1 GB of RSS in validate
    header = {"descr": "|V1048576", "fortran_order": False, "shape": (1000,)}
    members = {f"weight_ih_l{i}": header for i in range(3)}
    npz_with_headers(
        tmp_path / "w.npz", members, b"\0" * 3_000_000, compression=zipfile.ZIP_DEFLATED
    )
    path = with_weights(tmp_path, "w.npz")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        msgs = problems(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2
    assert peak < 20 * 2**20, peak
    assert msgs == [
        f"{path}: weights.file[weight_ih_l0]: has dtype |V1048576; "
        "only float and integer arrays are read"
    ]


@pytest.mark.parametrize(
    ("descr", "shape", "fragment"),
    [
        ("|V1048576", (60_000_000,), "has dtype |V1048576"),
        ("|V8", (2,), "has dtype |V8"),
        ("|O", (2,), "holds Python objects (pickle); refused"),
        ("<U4", (2,), "has dtype <U4"),
        ("|S4", (2,), "has dtype |S4"),
        ("<c16", (2,), "has dtype <c16"),
        ("|b1", (2,), "has dtype |b1"),
        ([("a", "<f8")], (2,), "has dtype [('a', '<f8')]"),
        ("<f8", (60_000_000,), "declares shape (60000000,) (60,000,000 values), 480,000,000 bytes"),
        ("<f8", (2**40, 2**40), "declares shape (1099511627776, 1099511627776)"),
        ("<i8", (2**62, 4), "declares shape (4611686018427387904, 4)"),
    ],
)  # fmt: skip
def test_npz_members_refused_by_their_header_alone(tmp_path, descr, shape, fragment):
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    npz_with_headers(tmp_path / "w.npz", {"weight_ih_l0": header})  # no data at all
    tracemalloc.start()
    try:
        with pytest.raises(WeightsError) as info:
            read_weights(tmp_path / "w.npz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fragment in info.value.message and info.value.key == "weight_ih_l0"
    assert peak < 5 * 2**20


def test_a_member_just_over_the_byte_budget_is_refused_before_its_data(tmp_path):
    count = MAX_ARRAY_BYTES // 8 + 1
    header = {"descr": "<f8", "fortran_order": False, "shape": (count,)}
    npz_with_headers(tmp_path / "w.npz", {"weight_ih_l0": header}, b"\0" * 1000)
    with pytest.raises(WeightsError, match="the limit is 268,435,456 bytes"):
        read_weights(tmp_path / "w.npz")


def test_arrays_of_a_file_share_one_byte_budget(tmp_path, monkeypatch):
    from rnn_tui.scenario import weights

    monkeypatch.setattr(weights, "MAX_TOTAL_BYTES", 2000)  # the same sum, at a small scale
    np.savez(tmp_path / "w.npz", a=np.zeros(100), b=np.zeros(100), c=np.zeros(100))
    with pytest.raises(WeightsError, match="more than 2,000 bytes of arrays in all"):
        read_weights(tmp_path / "w.npz")
    np.savez(tmp_path / "w.npz", a=np.zeros(100), b=np.zeros(100), c=np.zeros(49))
    assert sorted(read_weights(tmp_path / "w.npz")) == ["a", "b", "c"]


def plain_npz() -> bytes:
    buf = io.BytesIO()
    np.savez(buf, weight_ih_l0=np.arange(4.0))
    return buf.getvalue()


def patched(raw: bytes, edits: list[tuple[bytes, int, bytes]]) -> bytes:
    """Overwrite bytes at an offset from the first occurrence of each signature."""
    out = bytearray(raw)
    for signature, offset, value in edits:
        at = out.find(signature) + offset
        out[at : at + len(value)] = value
    return bytes(out)


def encrypted_flag(raw: bytes) -> bytes:
    local = raw.find(b"PK\x03\x04") + 6
    central = raw.find(b"PK\x01\x02") + 8
    out = bytearray(raw)
    out[local] |= 1
    out[central] |= 1
    return bytes(out)


def method(raw: bytes, number: int) -> bytes:
    value = struct.pack("<H", number)
    return patched(raw, [(b"PK\x03\x04", 8, value), (b"PK\x01\x02", 10, value)])


def flipped_data(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[out.find(b"\x93NUMPY") + 130] ^= 0xFF
    return bytes(out)


def corrupt_deflate() -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, weight_ih_l0=np.random.default_rng(1).random(200))
    out = bytearray(buf.getvalue())
    start = out.find(b"PK\x03\x04") + 60
    for k in range(start, start + 60):
        out[k] ^= 0x55
    return bytes(out)


def npz_of_npy(edit) -> bytes:
    """An .npz whose one member is a .npy edited by `edit` (CRC made to match)."""
    npy = io.BytesIO()
    np.save(npy, np.arange(4.0))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("weight_ih_l0.npy", edit(npy.getvalue()))
    return buf.getvalue()


def npy_version(version: bytes) -> bytes:
    return npz_of_npy(lambda raw: raw[:6] + version + raw[8:])


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: encrypted_flag(plain_npz()), "is encrypted; refused"),
        (lambda: method(plain_npz(), 99), "uses zip compression method 99"),
        (lambda: method(plain_npz(), 9), "uses zip compression method 9"),  # deflate64
        (lambda: flipped_data(plain_npz()), "Bad CRC-32"),
        (lambda: plain_npz()[: len(plain_npz()) // 2], "not a zip archive"),
        (lambda: b"PK\x05\x06" + b"\0" * 18, "holds"),  # an empty archive is fine: no arrays
        (lambda: b"\x00" * 100, "not a zip archive"),
        (lambda: b"", "not a zip archive"),
        (corrupt_deflate, "is not a readable .npy array"),
        (lambda: npy_version(b"\x03\x00"), "uses .npy format version 3.0"),
        (lambda: npy_version(b"\x09\x09"), "uses .npy format version 9.9"),
        (lambda: npz_of_npy(lambda raw: b"\x93NUMPZ" + raw[6:]), "no .npy header"),
        (lambda: npz_of_npy(lambda raw: raw[:9]), "is cut short in its header"),
        (lambda: npz_of_npy(lambda raw: raw[:10] + b"{'descr': "), "is cut short in its header"),
        (
            lambda: npz_of_npy(lambda raw: raw.replace(b"'descr'", b"'dxscr'")),
            "is not a readable .npy array (Header does not contain the correct keys",
        ),
        (
            lambda: npz_of_npy(lambda raw: raw.replace(b"(4,)", b"(-4,)")),
            "declares shape (-4,), which is not a list of sizes",
        ),
        (lambda: npz_of_npy(lambda raw: raw.replace(b"(4,)", b"('4',)")), "shape is not valid"),
        (lambda: npz_of_npy(lambda raw: raw[:-8]), "is cut short: 24 bytes of data for the 32"),
    ],
)
def test_broken_npz_files_are_messages(tmp_path, make, fragment):
    (tmp_path / "w.npz").write_bytes(make())
    if fragment == "holds":  # an empty archive reads as no arrays: the loader names them
        assert read_weights(tmp_path / "w.npz") == {}
        return
    with pytest.raises(WeightsError) as info:
        read_weights(tmp_path / "w.npz")
    assert fragment in info.value.message
    assert "\n" not in info.value.message


def test_npz_member_oddities(tmp_path):
    def refused(build) -> str:
        with zipfile.ZipFile(tmp_path / "w.npz", "w") as z:
            build(z)
        with pytest.raises(WeightsError) as info:
            read_weights(tmp_path / "w.npz")
        return info.value.message

    npy = io.BytesIO()
    np.save(npy, np.zeros(2))
    assert "holds 'evil.txt', which is not a .npy array" in refused(
        lambda z: z.writestr("evil.txt", b"x")
    )
    with pytest.warns(UserWarning, match="Duplicate name"):
        assert "holds this array twice" in refused(
            lambda z: (z.writestr("a.npy", npy.getvalue()), z.writestr("a.npy", npy.getvalue()))
        )
    assert "holds 5,000 members; the limit is 4,096" in refused(
        lambda z: [z.writestr(f"m{i}.npy", b"") for i in range(5000)]
    )
    # a version 2.0 header declaring 4 GB of header text
    assert "declares a 4,294,967,295-byte header" in refused(
        lambda z: z.writestr("a.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\xff{")
    )
    assert "is cut short" in refused(lambda z: z.writestr("a.npy", npy.getvalue()[:-4]))


def test_an_npz_of_many_empty_members_is_refused_from_its_end_record(tmp_path):
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as z:
        for i in range(50_000):
            z.writestr(f"m{i}.npy", b"")
    start = time.perf_counter()
    with pytest.raises(WeightsError, match="holds 50,000 members; the limit is 4,096"):
        read_weights(tmp_path / "w.npz")
    assert time.perf_counter() - start < 0.5  # before zipfile builds 50,000 entries


def test_npz_reads_what_numpy_writes_exactly(tmp_path):
    arrays = {
        "f": np.arange(6.0).reshape(2, 3),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "big_endian": np.arange(4, dtype=">f4"),
        "ints": np.arange(5, dtype=np.int16),
        "empty": np.zeros((0, 3)),
        "scalar": np.float64(2.5),
    }
    np.savez_compressed(tmp_path / "w.npz", **arrays)
    read = read_weights(tmp_path / "w.npz")
    assert set(read) == set(arrays)
    for key, array in arrays.items():
        np.testing.assert_array_equal(read[key], array)
        assert read[key].shape == np.shape(array)


def safetensors_file(path: Path, header, data: bytes = b"") -> Path:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return path


def entry(shape, dtype="F64", offsets=(0, 16)):
    return {"weight_ih_l0": {"dtype": dtype, "shape": shape, "data_offsets": list(offsets)}}


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        (entry(["2"]), 'has shape ["2"]; expected a list of non-negative integers'),
        (entry([{"a": 1}]), "has shape [an object]"),
        (entry({"a": 2}), "has shape an object"),
        (entry([None]), "has shape [null]"),
        (entry(None), "has shape null"),
        (entry([True, 2]), "has shape [true, 2]"),
        (entry([2.0]), "has shape [2.0]"),
        (entry([-1]), "has shape [-1]"),
        (entry([2**64]), "has shape [18446744073709551616]"),
        (entry([2**63]), "has shape [9223372036854775808]"),
        (entry([2] * 40), "has shape [2, 2, 2, 2, ...]"),
        (entry("2"), 'has shape "2"'),
        (entry([2**62, 2**62]), "declares shape (4611686018427387904, 4611686018427387904)"),
        (entry([60_000_000]), "declares shape (60000000,) (60,000,000 values), 480,000,000 bytes"),
        (entry([2], "BF16"), 'has dtype "BF16"; only F64, F32, F16 and integer tensors are read'),
        (entry([2], ["F64"]), "has dtype a list"),
        (entry([2], None), "has dtype null"),
        (entry([2], "F64", (0, 8)), "has data_offsets that do not fit"),
        (entry([2], "F64", (8, 24)), "has data_offsets that do not fit"),
        (entry([2], "F64", (-16, 0)), "has data_offsets that do not fit"),
        (entry([2], "F64", ("0", 16)), "has data_offsets that do not fit"),
        ({"weight_ih_l0": 5}, "is 5, not a tensor entry"),
        ([1, 2], "header is not an object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        (b'{"w": {"shape": [' + b"9" * 5000 + b"]}}", "Exceeds the limit (4300 digits)"),
        (b"{abc}", "is not a readable .safetensors file"),
        (b"\xff\xfe{}", "header is not UTF-8"),
    ],
)  # fmt: skip
def test_safetensors_header_is_checked_before_use(tmp_path, header, fragment):
    path = safetensors_file(tmp_path / "w.safetensors", header, b"\0" * 16)
    with pytest.raises(WeightsError) as info:
        read_weights(path)
    assert fragment in info.value.message, info.value.message


def test_safetensors_lengths_beyond_the_file(tmp_path):
    path = tmp_path / "w.safetensors"
    path.write_bytes(struct.pack("<Q", 2**63) + b"{}")
    with pytest.raises(WeightsError, match="declares a 9,223,372,036,854,775,808-byte header"):
        read_weights(path)
    path.write_bytes(struct.pack("<Q", 1000) + b"{}")
    with pytest.raises(WeightsError, match="declares a 1,000-byte header in a 10-byte file"):
        read_weights(path)
    path.write_bytes(b"\x01\x00")
    with pytest.raises(WeightsError, match="too short"):
        read_weights(path)


def test_safetensors_read_equals_the_reference_reader(tmp_path):
    from safetensors.numpy import load_file, save_file

    rng = np.random.default_rng(3)
    arrays = {
        "a": rng.normal(size=(3, 4)), "b": rng.normal(size=5).astype(np.float32),
        "c": np.arange(6, dtype=np.int32).reshape(2, 3), "d": np.zeros((0,)),
        "e": rng.normal(size=(2, 2)).astype(np.float16),
    }  # fmt: skip
    save_file(arrays, str(tmp_path / "w.safetensors"), metadata={"format": "pt"})
    ours, theirs = read_weights(tmp_path / "w.safetensors"), load_file(tmp_path / "w.safetensors")
    assert set(ours) == set(theirs) == set(arrays)
    for key in arrays:
        assert ours[key].dtype == theirs[key].dtype and ours[key].shape == theirs[key].shape
        np.testing.assert_array_equal(ours[key], theirs[key])
        ours[key][...] = 0  # writable: the caller owns its arrays


# ================================================================ 3. files that are not files
def test_non_regular_scenarios_say_what_they_are(tmp_path):
    os.mkfifo(tmp_path / "fifo.toml")  # opening it for reading would block forever
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "urandom.toml").symlink_to("/dev/urandom")  # reading it would never end
    (tmp_path / "null.toml").symlink_to("/dev/null")
    (tmp_path / "broken.toml").symlink_to(tmp_path / "nowhere")
    expected = {
        "fifo.toml": "is not a regular file: a fifo",
        "dir.toml": "is not a regular file: a directory",
        "urandom.toml": "is not a regular file: a character device",
        "null.toml": "is not a regular file: a character device",
        "broken.toml": "is a broken symbolic link",
        "missing.toml": "file not found",
    }
    done = threading.Event()
    results: dict[str, list[str]] = {}

    def run() -> None:  # in a thread, so a regression hangs this test, not the suite
        for name in expected:
            try:
                load_scenario(tmp_path / name)
            except ScenarioError as e:
                results[name] = [str(p) for p in e.problems]
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(30), "a scenario that is not a regular file blocked the loader"
    for name, message in expected.items():
        assert results[name] == [f"{tmp_path / name}: {message}"]


@pytest.mark.parametrize("suffix", [".npz", ".safetensors", ".pt", ""])
def test_non_regular_weights_files_say_what_they_are(tmp_path, suffix):
    os.mkfifo(tmp_path / f"fifo{suffix}")
    (tmp_path / f"urandom{suffix}").symlink_to("/dev/urandom")
    (tmp_path / f"dir{suffix}").mkdir()
    (tmp_path / f"broken{suffix}").symlink_to(tmp_path / "nowhere")
    for name, what in [
        ("fifo", "is not a regular file: a fifo"),
        ("urandom", "is not a regular file: a character device"),
        ("dir", "is not a regular file: a directory"),
        ("broken", "is a broken symbolic link"),
    ]:
        (msg,) = problems(with_weights(tmp_path, name + suffix))
        assert msg.endswith(f'weights.file: "{name}{suffix}" {what}'), msg


def test_unreadable_files_say_permission_denied(tmp_path, monkeypatch):
    # root reads everything, so the refusal is simulated where the file is opened
    scenario = with_weights(tmp_path, "w.npz")
    np.savez(tmp_path / "w.npz", weight_ih_l0=np.zeros((2, 2)))
    real_open = os.open

    def denied(path, flags, *args, **kw):
        if str(path).endswith(("w.npz", "s.toml")):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", denied)
    assert problems(scenario) == [f"{scenario}: cannot be read: Permission denied"]
    monkeypatch.setattr(
        os, "open", lambda p, f, *a, **k: denied(p, f) if str(p).endswith("w.npz") else real_open(p, f)
    )  # fmt: skip
    (msg,) = problems(scenario)
    assert msg.endswith('weights.file: "w.npz" cannot be read: Permission denied')


def test_a_link_to_a_protected_file_is_reported_as_what_it_is(tmp_path):
    shadow = Path("/etc/shadow")
    if not shadow.exists():
        pytest.skip("no /etc/shadow here")
    (tmp_path / "shadow.toml").symlink_to(shadow)
    (tmp_path / "shadow.npz").symlink_to(shadow)
    (tmp_path / "shadow.bin").symlink_to(shadow)
    readable = os.access(shadow, os.R_OK)
    (msg,) = problems(tmp_path / "shadow.toml")
    assert ("not valid TOML" if readable else "cannot be read: Permission denied") in msg
    (msg,) = problems(with_weights(tmp_path, "shadow.npz"))
    assert ("not a zip archive" if readable else "cannot be read: Permission denied") in msg
    (msg,) = problems(with_weights(tmp_path, "shadow.bin"))
    assert ("neither .npz nor .safetensors" if readable else "Permission denied") in msg
    assert "not found" not in msg


# ================================================================ 3. tracebacks to messages
@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("a = " + "[" * 3000 + "]" * 3000, "", "not valid TOML: nested more than 32 levels deep"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000, "", "nested more than 32 levels deep"),
        ("a = " + "[" * 200 + "]" * 200, "a", "nested more than 32 levels deep"),
        ("[" + "x." * 100 + "y]", "", "a dotted key of more than 32 parts"),
        ("title = 't'\n" + "a." * 100_000 + "b = 1", "", "line 2: a dotted key of more than"),
        ("x = {" + "a." * 100_000 + "b = 1}", "", "a dotted key of more than 32 parts"),
        ("[a]\n" * 2 , "", "not valid TOML: Cannot declare ('a',) twice"),
        ("hidden_size = " + "9" * 5000, "", "Exceeds the limit (4300 digits)"),
    ],
)  # fmt: skip
def test_deep_or_quadratic_toml_is_one_line(text, where, fragment):
    start = time.perf_counter()
    msgs = parse_problems(text)
    assert time.perf_counter() - start < 5
    assert len(msgs) == 1 and "\n" not in msgs[0]
    prefix = f"h: {where}: " if where else "h: "
    assert msgs[0].startswith(prefix) and fragment in msgs[0], msgs


def test_deep_toml_in_a_worker_thread_with_a_small_stack(tmp_path):
    # the app's `o` dialog loads in a worker thread: a RecursionError there killed the app
    path = write(tmp_path, "a = " + "[" * 3000 + "]" * 3000, "deep.toml")
    code = (
        "import sys, threading\n"
        "from rnn_tui.scenario import ScenarioError, load_scenario\n"
        "threading.stack_size(1024 * 1024)\n"
        "out = []\n"
        "def run():\n"
        "    try:\n"
        f"        load_scenario({str(path)!r})\n"
        "    except ScenarioError as e:\n"
        "        out.append(str(e))\n"
        "    except BaseException as e:\n"
        "        out.append('other: ' + type(e).__name__)\n"
        "t = threading.Thread(target=run)\n"
        "t.start(); t.join()\n"
        "print(out[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: not valid TOML: nested more than 32 levels deep"


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SEEDED.encode())
    assert load_scenario(path).title == "t"
    assert parse_scenario("\ufeff" + SEEDED).title == "t"


def test_not_utf8_and_too_large_files(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'title = "caf\xe9"\n')
    assert problems(path) == [f"{path}: not UTF-8 text (byte 12 cannot be decoded)"]
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(4 * 1024 * 1024 + 1)
    assert problems(big) == [f"{big}: file is 4,194,305 bytes; scenarios are limited to 4,194,304"]


# ================================================================ 4. smaller items
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_a_gated_cell_with_a_nonlinearity_is_an_error(tmp_path, cell):
    text = SEEDED.replace(
        "hidden_size = 2", f'cell = "{cell}"\nhidden_size = 2\nnonlinearity = "relu"'
    )
    assert problems(write(tmp_path, text)) == [
        f'{tmp_path / "s.toml"}: model.nonlinearity: applies only to cell = "rnn"; '
        f"a {cell} has its own gates (remove the key)"
    ]
    plain = load_scenario(write(tmp_path, text.replace('nonlinearity = "relu"\n', "")))
    assert plain.network.cell == cell
    rnn = text.replace(f'cell = "{cell}"', 'cell = "rnn"')
    assert load_scenario(write(tmp_path, rnn)).network.nonlinearity == "relu"


@pytest.mark.parametrize(
    "value",
    ['"0.5"', "true", "[[true, 1.0]]", '[["1", 2.0]]', "[{ a = 1 }]", "{ a = 1 }",
     "[[[[[1.0]]]]]", "1" + "0" * 400, "[1.0, [2.0]]", "1979-05-27", "[[1.0], [2.0, 3.0]]"],
)  # fmt: skip
def test_inline_weights_accept_only_numbers(tmp_path, value):
    text = (
        SEEDED.replace("hidden_size = 2", "hidden_size = 1")
        .replace(
            "seed = 1",
            f"[weights.values]\nweight_ih_l0 = {value}\nweight_hh_l0 = [[0.5]]\n"
            "bias_ih_l0 = [0.0]\nbias_hh_l0 = [0.0]",
        )
        .replace('tokens = ["a", "b"]', 'tokens = ["a"]')
    )
    msgs = problems(write(tmp_path, text))
    assert msgs == [
        f"{tmp_path / 's.toml'}: weights.values.weight_ih_l0: expected a number or nested "
        "lists of numbers, rows of equal length"
    ]


def test_a_50000_word_vocabulary_is_checked_in_linear_time(tmp_path):
    words = [f"w{i}" for i in range(50_000)]
    vocab = ", ".join(f'"{w}"' for w in words + words[:20])  # 20 repeated
    text = SEEDED.replace('tokens = ["a", "b"]', f'tokens = ["w1", "w2"]\nvocab = [{vocab}]')
    text = text.replace("hidden_size = 2", "hidden_size = 2\ninput_size = 4")
    text = text.replace("[input]", '[input]\nencoding = "embedding"')
    start = time.perf_counter()
    msgs = problems(write(tmp_path, text))
    assert time.perf_counter() - start < 3  # was 37 s with list.count per word
    assert msgs == [
        f"{tmp_path / 's.toml'}: input.vocab: repeats w0, w1, w10, w11, w12, w13, w14, w15, "
        "w16, w17 and 10 more"
    ]
    ok = load_scenario(
        write(tmp_path, text.replace(", " + ", ".join(f'"{w}"' for w in words[:20]) + "]", "]"))
    )
    start = time.perf_counter()
    long = ok.with_tokens(words[::5])  # 10,000 tokens over 50,000 words: one dict lookup each
    assert time.perf_counter() - start < 1
    np.testing.assert_array_equal(long.inputs, ok.embedding[::5])


def test_a_flood_of_problems_is_capped(tmp_path):
    text = SEEDED.replace("[model]", "".join(f"junk{i} = 1\n" for i in range(5000)) + "[model]")
    msgs = problems(write(tmp_path, text))
    assert len(msgs) == MAX_PROBLEMS + 1
    assert msgs[-1] == f"{tmp_path / 's.toml'}: and 4,900 more problems"


def test_unknown_tokens_are_found_in_linear_time(tmp_path):
    vocab = ", ".join(f'"v{i}"' for i in range(20_000))
    tokens = ", ".join(f'"t{i}"' for i in range(20_000))
    text = SEEDED.replace('tokens = ["a", "b"]', f"tokens = [{tokens}]\nvocab = [{vocab}]")
    start = time.perf_counter()
    msgs = problems(write(tmp_path, text))
    assert time.perf_counter() - start < 3
    assert msgs[0].endswith('input.tokens[0]: "t0" is not in input.vocab')
    assert msgs[-1].endswith("and 19,901 more problems")  # 19,900 tokens and the input budget


# ================================================================ 5. numbers bounded
@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("model", "hidden_size", 10**30, "expected an integer <= 8192, found 1000000000000000000000000000000"),
        ("model", "hidden_size", 100_000, "expected an integer <= 8192, found 100000"),
        ("model", "input_size", 10**30, "expected an integer <= 65536"),
        ("model", "num_layers", 2**70, "expected an integer <= 64"),
        ("model", "num_layers", -(2**70), "expected an integer >= 1"),
        ("weights", "seed", 2**70, "expected an integer <= 9223372036854775807, found 1180591620717411303424"),
        ("train", "seed", 2**70, "expected an integer <= 9223372036854775807"),
        ("train", "epochs", 10**30, "expected an integer <= 1000000"),
        ("train", "batch_size", 2**64, "expected an integer <= 65536"),
        ("train", "lr", 10**400, "expected a number, found an integer of 401 digits"),
        ("train", "clip", 10**309, "expected a number"),
        ("output", "size", 10**30, "expected an integer <= 65536"),
        ("weights", "forget_bias", 10**400, "expected a number"),
    ],
)  # fmt: skip
def test_huge_integers_are_messages(tmp_path, section, key, value, message):
    msgs = problems(write(tmp_path, scenario_with(**{section: {key: str(value)}})))
    assert any(f": {section}.{key}: {message}" in m for m in msgs), msgs


def test_vectors_beyond_a_float_are_messages(tmp_path):
    text = SEEDED.replace('tokens = ["a", "b"]', f"vectors = [[1.0], [{10**400}]]")
    assert problems(write(tmp_path, text))[0].endswith(
        "input.vectors[1]: NaN or infinity is not an input"
    )


@pytest.mark.parametrize(
    ("model", "inputs", "fragment"),
    [
        ('cell = "lstm"\nhidden_size = 8192', 'tokens = ["a"]', "model: needs 268,533,760 parameters"),
        ('cell = "gru"\nhidden_size = 2048\nnum_layers = 2', 'tokens = ["a"]', "model: needs 37,779,456 parameters"),
        ("hidden_size = 4\ninput_size = 65536", 'tokens = ["a"]\nencoding = "embedding"\nvocab = '
         + "[" + ", ".join(f'"w{i}"' for i in range(300)) + ', "a"]', "bytes as float64; the limit is 134,217,728 bytes"),
    ],
)  # fmt: skip
def test_a_model_over_the_byte_budget_is_refused_before_allocation(
    tmp_path, model, inputs, fragment
):
    text = f'title = "t"\n[model]\n{model}\n[weights]\nseed = 1\n[input]\n{inputs}\n'
    tracemalloc.start()
    try:
        msgs = problems(write(tmp_path, text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(msgs) == 1 and fragment in msgs[0], msgs
    assert peak < 20 * 2**20, peak  # nothing drawn: a few MB for parsing at most


def test_the_model_budget_is_checked_before_its_weights_file_is_read(tmp_path):
    header = {"descr": "|V1048576", "fortran_order": False, "shape": (3,)}
    npz_with_headers(tmp_path / "w.npz", {"weight_ih_l0": header})
    text = (
        with_weights(tmp_path, "w.npz")
        .read_text()
        .replace("hidden_size = 2", 'cell = "lstm"\nhidden_size = 8192')
    )
    (msg,) = problems(write(tmp_path, text))
    assert "model: needs 268,566,528 parameters" in msg  # the file was not even opened


def test_a_long_sentence_typed_later_is_bounded_too(tmp_path):
    words = ", ".join(f'"w{i}"' for i in range(20_000))
    s = load_scenario(
        write(
            tmp_path, SEEDED.replace('tokens = ["a", "b"]', f'tokens = ["w1"]\nvocab = [{words}]')
        )
    )
    with pytest.raises(
        ValueError, match="1,000,000 tokens of width 20,000 need 160,000,000,000 bytes"
    ):
        s.with_tokens(["w1"] * 1_000_000)


# ================================================================ the CLI on hostile files
def memory_limit(size: int):
    """A preexec_fn capping the child's address space (the issue's 1.5 GiB budget)."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


def test_validate_on_hostile_files_exits_2_with_clean_output(tmp_path):
    files = [
        write(tmp_path, "a = " + "[" * 3000 + "]" * 3000, "deep\x1b]2;x\x07.toml"),
        write(tmp_path, '"\\u001b]2;key\\u0007" = 1\ntitle = "\\u001b[2J"\n', "key.toml"),
        write(tmp_path, "x = {" + "a." * 50_000 + "b = 1}", "dotted.toml"),
        write(tmp_path, with_weights(tmp_path, "urandom.npz").read_text(), "urandom.toml"),
        write(tmp_path, SEEDED.replace("hidden_size = 2", "hidden_size = " + "9" * 5000), "int.toml"),
        write(tmp_path, SEEDED.replace("hidden_size = 2", 'cell = "gru"\nhidden_size = 2\nnonlinearity = "relu"'), "gru.toml"),
    ]  # fmt: skip
    (tmp_path / "urandom.npz").symlink_to("/dev/urandom")
    header = {"descr": "|V1048576", "fortran_order": False, "shape": (60_000_000,)}
    npz_with_headers(tmp_path / "void.npz", {"weight_ih_l0\x1b[31m": header})
    files.append(write(tmp_path, with_weights(tmp_path, "void.npz").read_text(), "void.toml"))
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    files.append(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "rnn_tui", "validate", *map(str, files)],
        capture_output=True, timeout=60, preexec_fn=memory_limit(1536 * 2**20),
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert b"Traceback" not in output
    assert not RAW_CONTROL.intersection(output.replace(b"\n", b"").replace(b"\t", b"")), output
    assert b"\x1b" not in output
    text = output.decode()
    assert f"{len(files)} of {len(files)} files invalid" in text
    assert "deep␛]2;x␇.toml: not valid TOML: nested more than 32 levels deep" in text
    assert "key.toml: ␛]2;key␇: unknown key" in text
    assert '"urandom.npz" is not a regular file: a character device' in text
    assert "weights.file[weight_ih_l0␛[31m]: has dtype |V1048576" in text
    assert "fifo.toml: is not a regular file: a fifo" in text
    assert "gru.toml: model.nonlinearity: applies only to" in text


def test_validate_prints_an_escaped_title(tmp_path):
    path = write(tmp_path, SEEDED.replace('title = "t"', 'title = "\\u001b]2;x\\u0007T\\u202e"'))
    result = subprocess.run(
        [sys.executable, "-m", "rnn_tui", "validate", str(path)], capture_output=True, timeout=60
    )
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert "␛]2;x␇T\\u202e" in result.stdout.decode()


# ================================================================ 6. fuzzing
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_fuzz_any_bytes_as_a_scenario_file(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    check_file(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_fuzz_any_bytes_as_a_weights_file(tmp_path, data):
    for suffix in (".npz", ".safetensors"):
        (tmp_path / f"w{suffix}").write_bytes(data)
        check_file(with_weights(tmp_path, f"w{suffix}"))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 2000), flip=st.integers(0, 2000), value=st.integers(0, 255))
def test_fuzz_damaged_npz(tmp_path, cut, flip, value):
    buf = io.BytesIO()
    np.savez_compressed(buf, weight_ih_l0=np.ones((2, 1)), weight_hh_l0=np.ones((2, 2)),
                        bias_ih_l0=np.ones(2), bias_hh_l0=np.ones(2))  # fmt: skip
    raw = bytearray(buf.getvalue())
    raw[flip % len(raw)] = value
    (tmp_path / "w.npz").write_bytes(bytes(raw[: max(cut, 1) if cut < len(raw) else len(raw)]))
    check_file(with_weights(tmp_path, "w.npz"))


SCHEMA_KEYS = {
    "model": ["cell", "hidden_size", "input_size", "num_layers", "bidirectional", "merge",
              "nonlinearity", "readout", "bias", "dtype"],
    "weights": ["seed", "values", "forget_bias", "trained", "prefix", "rename"],
    "input": ["tokens", "vectors", "vocab", "unknown", "encoding", "sequences"],
    "output": ["labels", "size"],
    "train": ["examples", "heldout", "epochs", "lr", "seed", "batch_size", "clip"],
}  # fmt: skip
scalars = st.one_of(
    st.integers(-(2**70), 2**70), st.integers(0, 4), st.floats(), st.booleans(),
    st.text(max_size=6), st.sampled_from(["rnn", "gru", "lstm", "last", "every", "a", "b"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["text", "label", "a", "weight_ih_l0"]), inner, max_size=3),
    ),
    max_leaves=12,
)


@st.composite
def documents(draw) -> dict:
    doc: dict = {"title": draw(st.one_of(st.text(max_size=8), scalars))}
    for section, keys in SCHEMA_KEYS.items():
        if draw(st.booleans()) or section in ("model", "input"):
            chosen = draw(st.lists(st.sampled_from(keys), max_size=4, unique=True))
            doc[section] = {key: draw(values) for key in chosen}
    return doc


@settings(max_examples=300, deadline=None)
@given(doc=documents())
def test_fuzz_structured_toml(doc):
    import tomlkit

    try:
        text = tomlkit.dumps(doc)
    except Exception:  # noqa: BLE001 - values TOML cannot hold (NaN keys, mixed arrays)
        return
    check(text)


def check(text: str) -> None:
    try:
        scenario = parse_scenario(text, name="fuzz")
    except ScenarioError as e:
        assert e.problems and all(str(p).startswith("fuzz: ") for p in e.problems)
        assert all(is_visible(str(p)) for p in e.problems)
    else:
        assert all(is_visible(t) for t in every_text_of(scenario) if t is not None)
        scenario.trace()


def check_file(path: Path) -> None:
    try:
        load_scenario(path)
    except ScenarioError as e:
        assert e.problems and all(is_visible(str(p)) for p in e.problems)
