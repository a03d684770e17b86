import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

from distillguard.fingerprint.client import Endpoint, EndpointError, collect_answers  # noqa: E402

from .fake_openai import make_app, serve  # noqa: E402

PROMPTS = [f"prompt {i}" for i in range(12)]
ANSWERS = {p: f"answer to {p}" for p in PROMPTS}


def test_concurrency_retries_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "sekret-123")
    app = make_app(ANSWERS, key="sekret-123", flaky={"prompt 3"})
    cache = tmp_path / "cache.sqlite"
    with serve(app) as url:
        ep = Endpoint.parse(f"ours={url}#m1")
        ep.api_key_env = "FAKE_KEY"
        got = collect_answers(ep, PROMPTS, cache, concurrency=3, backoff=0.01)
        assert got.answers == ANSWERS and got.name == "ours"
        assert app.state.peak <= 3
        assert len(app.state.calls) == len(PROMPTS) + 1  # one retry after the 503
        assert all(model == "m1" for model, _ in app.state.calls)
        again = collect_answers(ep, PROMPTS, cache, concurrency=3)
        assert again.answers == ANSWERS
        assert len(app.state.calls) == len(PROMPTS) + 1  # all from the cache
    assert b"sekret-123" not in cache.read_bytes()


def test_bad_key_fails_without_leaking_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "wrong-key-456")
    app = make_app(ANSWERS, key="right")
    with serve(app) as url:
        ep = Endpoint.parse(f"ours={url}")
        ep.api_key_env = "FAKE_KEY"
        with pytest.raises(EndpointError) as err:
            collect_answers(ep, PROMPTS[:2], tmp_path / "c.sqlite", retries=1, backoff=0.01)
    assert "HTTP 401" in str(err.value) and "wrong-key-456" not in str(err.value)


def test_unreachable_endpoint_gives_up_after_retries(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    ep = Endpoint.parse(f"http://127.0.0.1:{port}/v1")
    with pytest.raises(EndpointError, match="giving up after 3 tries"):
        collect_answers(ep, ["x"], None, retries=2, backoff=0.01, timeout=2)


def test_endpoint_spec_parsing():
    ep = Endpoint.parse("ours=https://api.example.com/v1#gpt-x")
    assert (ep.name, ep.url, ep.model, ep.chat_url) == ("ours", "https://api.example.com/v1", "gpt-x", "https://api.example.com/v1/chat/completions")
    from distillguard.fingerprint.inputs import InputError

    with pytest.raises(InputError, match="http"):
        Endpoint.parse("ours=ftp://x")
