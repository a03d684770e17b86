"""The request explorer: every raw request is reachable from the evidence, in full, searchable and exportable."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import duckdb
import pytest

pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")


def _one(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_the_store_keeps_full_bodies_with_roles_params_and_the_logit_bias_map(store):
    rows = _one(store, "SELECT request_json, response_text, system_prompt FROM request_bodies b JOIN events e USING (request_id) "
                       "WHERE e.logit_bias LIMIT 5")
    assert rows, "logprob-extraction requests are stored with their bodies"
    body = json.loads(rows[0][0])
    assert isinstance(body["logit_bias"], dict) and body["logit_bias"], "the map itself, not a boolean"
    assert rows[0][1], "the response text is kept"
    assert [m["role"] for m in body["messages"]], "messages keep their roles"
    total_events, total_bodies = _one(store, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM request_bodies)")[0]
    assert total_bodies == total_events


def test_bodies_are_bounded_by_size_and_retention(tmp_path):
    from distillguard.store.requests import bounded_json

    text, clipped = bounded_json({"messages": [{"role": "user", "content": "x" * 50_000}], "logit_bias": {"1": 100}}, 2_000)
    assert clipped and len(text) <= 2_000
    parsed = json.loads(text)  # still valid JSON with its structure
    assert parsed["messages"][0]["role"] == "user" and parsed["logit_bias"] == {"1": 100}

    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import SimConfig, simulate

    simulate(SimConfig(seed=3, days=4, legit_accounts=8, volume_scale=0.2, campaigns=[]), tmp_path / "sim")
    config = tmp_path / "cfg.yaml"
    config.write_text("store:\n  request_body_max_chars: 300\n  request_retention_days: 1\n")
    db = tmp_path / "s.duckdb"
    scan(tmp_path / "sim" / "events.jsonl", db=db, config=config, workers=1)
    longest, span_days, clipped_rows = _one(db, "SELECT max(length(request_json)), "
                                                "date_diff('second', min(ts), max(ts)) / 86400.0, count(*) FILTER (WHERE truncated) "
                                                "FROM request_bodies")[0]
    events_span = _one(db, "SELECT date_diff('second', min(ts), max(ts)) / 86400.0 FROM events")[0][0]
    assert longest <= 300 and clipped_rows > 0
    assert events_span > 2 and span_days <= 1.0


def test_request_page_shows_prompt_response_params_and_permalink(make_client, store):
    request_id = _one(store, "SELECT request_id FROM events WHERE logit_bias LIMIT 1")[0][0]
    client = make_client("carol")
    page = client.get(f"/requests/{request_id}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert f"/requests/{request_id}" in text and 'id="response"' in text and 'id="messages"' in text
    params = unescape(page.text.split('<pre id="params">')[1].split("</pre>")[0])
    assert '"logit_bias"' in params and re.search(r'"\d+": -?\d+', params), "the bias sweep itself is visible"
    for label in ("tokens in / out", "latency", "cost", "IP", "API key"):
        assert label in text
    assert client.get("/requests/req-nope").status_code == 404
    api = client.get(f"/api/requests/{request_id}").json()
    assert api["request_id"] == request_id and api["body"]["logit_bias"]


def test_search_paging_sorting_and_exports(make_client, store):
    events = _one(store, "SELECT count(*) FROM events")[0][0]
    word = _one(store, "SELECT split_part(response_text, ' ', 5) FROM request_bodies WHERE response_text IS NOT NULL LIMIT 1")[0][0]
    client = make_client("carol")
    everything = client.get("/api/requests").json()
    assert everything["total"] == events and len(everything["requests"]) == 50
    second = client.get("/api/requests?page=2").json()["requests"]
    assert not {r["request_id"] for r in second} & {r["request_id"] for r in everything["requests"]}
    by_tokens = client.get("/api/requests?sort=tokens").json()["requests"]
    totals = [(r["prompt_tokens"] or 0) + (r["completion_tokens"] or 0) for r in by_tokens]
    assert totals == sorted(totals, reverse=True)
    by_cost = [r["cost_usd"] for r in client.get("/api/requests?sort=cost").json()["requests"] if r["cost_usd"] is not None]
    assert by_cost == sorted(by_cost, reverse=True)
    # text search over prompts, responses and bodies; a request id finds exactly that request
    found = client.get(f"/api/requests?q={word.upper()}").json()
    assert found["total"] >= 1
    assert all(word.lower() in ((r["response_text"] or "") + (r["prompt"] or "")).lower() for r in found["requests"]
               if r["response_text"] and len(r["response_text"]) < 2000)
    some_id = everything["requests"][7]["request_id"]
    assert [r["request_id"] for r in client.get(f"/api/requests?q={some_id}").json()["requests"]] == [some_id]
    exported = client.get("/requests?sort=tokens&format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == everything["total"] and rows[0]["request_id"] == by_tokens[0]["request_id"]
    as_json = client.get("/requests?has=logit_bias&format=json").json()
    assert as_json and all(r["logit_bias"] for r in as_json)


def test_every_finding_example_links_to_its_requests(make_client, store):
    campaign_id = _one(store, "SELECT campaign_id FROM campaigns WHERE findings::VARCHAR LIKE '%examples%' ORDER BY risk DESC LIMIT 1")[0][0]
    logprob = _one(store, "SELECT campaign_id FROM campaigns WHERE findings::VARCHAR LIKE '%logprob_extraction%' LIMIT 1")
    client = make_client("carol")
    page = client.get(f"/campaigns/{campaign_id}")
    links = [unescape(h) for h in re.findall(r'<a class="example" href="([^"]+)"', page.text)]
    assert links, "finding examples are links"
    for link in links[:6]:
        found = client.get(link.replace("/requests?", "/api/requests?"))
        assert found.status_code == 200 and found.json()["total"] >= 1, link
        first = found.json()["requests"][0]["request_id"]
        assert client.get(f"/requests/{first}").status_code == 200
    # logprob extraction has no prompt examples worth reading: it links to the bias sweep instead
    assert logprob, "the test store has a logprob-extraction campaign"
    if logprob:
        html = client.get(f"/campaigns/{logprob[0][0]}").text
        link = unescape(re.search(r'href="([^"]+has=logit_bias)"', html).group(1))
        rows = client.get(link.replace("/requests?", "/api/requests?")).json()
        assert rows["total"] >= 1 and all(r["logit_bias"] for r in rows["requests"])


def test_a_parallel_scan_stores_bodies_too(tmp_path):
    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import SimConfig, simulate

    simulate(SimConfig(seed=9, days=2, legit_accounts=12, volume_scale=0.2, campaigns=[]), tmp_path / "sim")
    db = tmp_path / "p.duckdb"
    scan(tmp_path / "sim" / "events.jsonl", db=db, workers=2)
    events, bodies, mode = _one(db, "SELECT (SELECT count(*) FROM events), (SELECT count(DISTINCT request_id) FROM request_bodies), "
                                    "(SELECT count(*) FROM events e ANTI JOIN request_bodies b USING (request_id))")[0]
    assert events > 100 and bodies == events and mode == 0


def test_search_text_is_literal_not_a_like_pattern(make_client):
    client = make_client("carol")
    assert client.get("/api/requests?q=%25%25%25").json()["total"] == 0  # "%%%" used as a pattern would match every request
    assert client.get("/api/requests?q=____").json()["total"] == 0
