import gzip
import json

import pytest

from distillguard.fingerprint.inputs import (
    InputError, common_prompts, load_answers, load_families, load_prompts, model_name_from_path, parse_named,
)


def test_jsonl_json_and_gzip_load_the_same(tmp_path):
    recs = [{"instruction": "a", "output": "x"}, {"instruction": "b", "output": "y"}]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in recs))
    (tmp_path / "m2.json").write_text(json.dumps(recs))
    (tmp_path / "gpt-3.5-turbo.json.gz").write_bytes(gzip.compress(json.dumps(recs).encode()))
    loaded = [load_answers(tmp_path / f) for f in ("m.jsonl", "m2.json", "gpt-3.5-turbo.json.gz")]
    assert all(m.answers == {"a": "x", "b": "y"} for m in loaded)
    assert loaded[2].name == "gpt-3.5-turbo"


def test_missing_field_names_file_line_and_field(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"instruction": "a", "output": "x"}\n\n{"instruction": "b"}\n')
    with pytest.raises(InputError, match=r"bad.jsonl:3: missing field 'output'"):
        load_answers(f)


def test_invalid_json_and_wrong_types(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"instruction": "a", "output": "x"}\n{oops\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: invalid JSON"):
        load_answers(f)
    g = tmp_path / "typ.jsonl"
    g.write_text('{"instruction": "a", "output": 3}\n')
    with pytest.raises(InputError, match=r"typ.jsonl:1: field 'output' must be a string"):
        load_answers(g)
    with pytest.raises(InputError, match="file not found"):
        load_answers(tmp_path / "nope.jsonl")


def test_named_specs_group_families(tmp_path):
    for n in ("a", "b", "c"):
        (tmp_path / f"{n}.jsonl").write_text('{"instruction": "p", "output": "o"}\n')
    fams = load_families([f"ours={tmp_path}/a.jsonl", f"ours={tmp_path}/b.jsonl", f"other={tmp_path}/c.jsonl"])
    assert [(f.name, [m.name for m in f.members]) for f in fams] == [("ours", ["a", "b"]), ("other", ["c"])]
    assert parse_named("x.jsonl") == ("x", "x.jsonl")
    with pytest.raises(InputError, match="NAME=FILE"):
        parse_named("=x.jsonl")
    assert model_name_from_path("claude-2.1.json.gz") == "claude-2.1"


def test_common_prompts_and_too_few(tmp_path):
    from distillguard.fingerprint.inputs import ModelAnswers

    a = ModelAnswers("a", {str(i): "x" for i in range(10)})
    b = ModelAnswers("b", {str(i): "y" for i in range(3, 12)})
    assert common_prompts([a, b]) == [str(i) for i in range(3, 10)]
    c = ModelAnswers("c", {"0": "z"}, source="c.jsonl")
    with pytest.raises(InputError, match="c.jsonl shares the fewest"):
        common_prompts([a, c])


def test_probe_files_accept_strings_and_objects(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('"first"\n{"instruction": "second"}\n{"prompt": "third"}\n"first"\n')
    assert load_prompts(f) == ["first", "second", "third"]
