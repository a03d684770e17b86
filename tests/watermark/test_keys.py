import os
import stat

import pytest

from distillguard.watermark.keys import KeyError_, derive_cohort_key, key_id, load_master_key, write_master_key


def test_cohort_keys_are_distinct_and_deterministic(master):
    a, b = derive_cohort_key(master, "acme"), derive_cohort_key(master, "globex")
    assert a != b and a == derive_cohort_key(master, "acme")
    assert derive_cohort_key(master, None) not in (a, b)
    assert derive_cohort_key(b"x" * 32, "acme") != a


def test_key_id_does_not_reveal_key(master):
    assert master.hex()[:12] != key_id(master) and len(key_id(master)) == 12


def test_keyfile_roundtrip_mode_and_no_overwrite(tmp_path):
    path = tmp_path / "wm.key"
    write_master_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(load_master_key(path)) == 32
    with pytest.raises(FileExistsError):
        write_master_key(path)


def test_env_sources_and_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("DISTILLGUARD_WM_KEY_FILE", raising=False)
    monkeypatch.delenv("DISTILLGUARD_WM_KEY", raising=False)
    with pytest.raises(KeyError_, match="no watermark key"):
        load_master_key()
    monkeypatch.setenv("DISTILLGUARD_WM_KEY", "ab" * 20)
    assert load_master_key() == bytes.fromhex("ab" * 20)
    monkeypatch.setenv("DISTILLGUARD_WM_KEY", "abcd")
    with pytest.raises(KeyError_, match="at least 16") as err:
        load_master_key()
    assert "abcd" not in str(err.value)
    bad = tmp_path / "bad.key"
    bad.write_text("not hex at all")
    with pytest.raises(KeyError_, match="hex"):
        load_master_key(bad)
