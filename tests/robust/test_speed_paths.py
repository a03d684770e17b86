"""The shortcuts the throughput work added must compute exactly what the long way computes."""

from __future__ import annotations

import pickle
import zlib
from datetime import datetime

import orjson
import pytest

from distillguard.events.model import EventError, parse_event
from distillguard.features.account import (EXAMPLE_CAP, MAX_TOKENS_HIGH, PHRASE_CAP, SET_CAP, SPREAD_WINDOW, AccountState,
                                            _add_capped, ip_prefix)
from distillguard.features.prompt_cache import PromptFeatureCache
from distillguard.features.text import prompt_features
from distillguard.parallel import pack, unpack, worker_event
from distillguard.scoring.engine import DetectionEngine
from tests.robust.conftest import event

EDGE_RECORDS = [
    event(1),
    event(2, response={"choices": [{"message": {"role": "assistant", "content": "a reply of some words"}}]}),  # no usage: length
    event(3, response={"usage": {"prompt_tokens": 12.0, "completion_tokens": 40.0}}),  # float counts are normalised
    event(4, request={"prompt": ["first part", "second part"], "logit_bias": {"50256": -100, "11": 5}, "temperature": 0}),
    event(5, request={"messages": [{"role": "system", "content": "be brief"},
                                   {"role": "user", "content": [{"type": "text", "text": "multi"}, {"type": "image_url"}]},
                                   {"role": "user", "content": "two turns"}], "n": 3, "logprobs": True, "top_logprobs": 5}),
    event(6, ts="2026-11-02T10:00:00.123456+02:00", ip="10.1.2.3", user_agent="ua/1", org_id="o", api_key_id="k", cost_usd=1,
          account={"created_at": "2026-11-01T00:00:00Z", "payment_fingerprint": "pm", "email_domain": "X.COM", "tier": "free"}),
]


def _detected(event_) -> tuple:
    """Every event value the detection engine reads (features/account.py, scoring/engine.py)."""
    return (event_.request_id, event_.ts, event_.ts.hour, event_.account_id, event_.request, event_.org_id, event_.api_key_id,
            event_.ip, event_.user_agent, event_.cost_usd, event_.prompt_tokens, event_.completion_tokens, event_.prompt_text,
            event_.system_text, event_.account)


@pytest.mark.parametrize("record", EDGE_RECORDS, ids=lambda r: r["request_id"])
def test_a_worker_event_reads_as_the_parents(record):
    line = orjson.dumps(record)
    parent = parse_event(orjson.loads(line))
    (worker,) = unpack(pack([line]))
    assert _detected(worker) == _detected(parent)
    assert worker.to_json() == parent.to_json()


def test_a_batch_of_lines_comes_back_in_order_with_their_whitespace_stripped(real_events):
    lines = [orjson.dumps(r) for r in real_events[:50]]
    lines[3] = b" \t" + lines[3] + b"\r"  # CRLF logs and padded lines decode as decode_line decodes them
    lines[7] = b"\x0c" + lines[7]
    parents = [parse_event(orjson.loads(line.strip())) for line in lines]
    assert [_detected(e) for e in unpack(pack(lines))] == [_detected(e) for e in parents]


def test_a_value_beyond_64_bits_reads_the_same_in_the_worker(real_events):
    line = orjson.dumps(real_events[0]).replace(b'"request":{', b'"request":{"huge":1180591620717411303424,', 1)
    parent = parse_event(orjson.loads(line))
    assert parent.request["huge"] > 2**64
    (worker,) = unpack(pack([line]))
    assert _detected(worker) == _detected(parent)


def test_worker_state_equals_parent_state_on_real_events(real_events):
    """The same account state whether built from the parent's validated events or from the worker's."""
    lines = [orjson.dumps(r) for r in real_events]
    events = [parse_event(orjson.loads(line)) for line in lines]
    worker = unpack(pack(lines))
    full, rebuilt = DetectionEngine(), DetectionEngine()
    for a, b in zip(events, worker):
        full.ingest(a)
        rebuilt.ingest(b)
    assert {k: s.features() for k, s in full.states.items()} == {k: s.features() for k, s in rebuilt.states.items()}


def test_worker_event_of_a_validated_record_equals_parse_event(real_events):
    for record in real_events:
        line = orjson.dumps(record)
        assert worker_event(orjson.loads(line)).to_json() == parse_event(orjson.loads(line)).to_json()


def test_prompt_cache_gives_fresh_values_and_pickles_empty(real_events):
    engine = DetectionEngine()
    cache = PromptFeatureCache(capacity=8)
    prompts = [parse_event(r).prompt_text for r in real_events[:60]] * 2  # repeats, and more than the capacity
    for prompt in prompts:
        features, hit = cache.get(prompt, engine.index.match)
        assert features == prompt_features(prompt)
        assert hit == (features.words >= 6 and engine.index.match(prompt))
    assert 0 < len(cache._items) <= 8
    assert pickle.loads(pickle.dumps(cache))._items == {}


def test_an_engine_saved_before_the_cache_still_ingests(real_events):
    engine = DetectionEngine()
    del engine.prompt_cache  # as an engine pickled by an earlier version has no such attribute
    engine = pickle.loads(pickle.dumps(engine))
    state = engine.ingest(parse_event(real_events[0]))
    assert isinstance(state, AccountState) and state.n == 1


@pytest.mark.parametrize("field_, value, named", [
    ("status", True, "status"), ("status", 1000, "status"), ("cost_usd", float("inf"), "cost_usd"), ("ip", 5, "ip"),
    ("model", ["x"], "model"), ("response", [], "response"), ("account", "a", "account"),
])
def test_fast_validation_names_the_same_field(field_, value, named):
    with pytest.raises(EventError) as raised:
        parse_event(event(9, **{field_: value}))
    assert raised.value.field == named


@pytest.mark.parametrize("request_, named", [
    ({"messages": [], "max_tokens": -1}, "request.max_tokens"), ({"messages": [], "n": True}, "request.n"),
    ({"messages": [], "temperature": "hot"}, "request.temperature"), ({"messages": [], "top_p": float("nan")}, "request.top_p"),
    ({"messages": [], "logit_bias": [1]}, "request.logit_bias"), ({"messages": {}}, "request.messages"),
])
def test_fast_request_validation_names_the_field(request_, named):
    with pytest.raises(EventError) as raised:
        parse_event(event(9, request=request_))
    assert raised.value.field == named


def test_usage_given_as_whole_floats_is_normalised_and_bad_usage_rejected():
    parsed = parse_event(event(9, response={"usage": {"prompt_tokens": 3.0, "completion_tokens": 7}}))
    assert parsed.response["usage"]["prompt_tokens"] == 3 and type(parsed.response["usage"]["prompt_tokens"]) is int
    with pytest.raises(EventError) as raised:
        parse_event(event(9, response={"usage": {"completion_tokens": 2.5}}))
    assert raised.value.field == "response.usage.completion_tokens"


HASH_TEXTS = ["", "a", "hi there", "Write 3 poems about the sea, please!", "İstanbul ÅNGSTRÖM naïve café " * 40,
              "日本語のテキストと English mixed 123", "x" * 3000, "word " * 500, "don't stop -- it's fine; ok"]


@pytest.mark.parametrize("text", HASH_TEXTS, ids=range(len(HASH_TEXTS)))
def test_doubled_ngram_hashes_equal_the_plain_rolling_loop(text):
    import numpy as np

    from distillguard.features.embedding import _MULT, _PRIME, _codes, _ngram_hashes, normalise

    codes = _codes(normalise(text))
    for size in (1, 2, 3, 5, 7, 16):
        if codes.size < size:
            continue
        plain = np.zeros(codes.size - size + 1, dtype=np.uint64)
        for offset in range(size):
            plain = plain * _PRIME + codes[offset : offset + plain.size]
        assert np.array_equal(_ngram_hashes(codes, size), (plain + np.uint64(size)) * _MULT)


@pytest.mark.parametrize("text", HASH_TEXTS, ids=range(len(HASH_TEXTS)))
def test_sliced_shingle_hashes_equal_hashes_of_joined_ngrams(text):
    import zlib

    from distillguard.features.text import BENCHMARK_WORD_LIMIT, masked_words, prompt_features_and_words, shingles_of

    for words in (masked_words(text), text.split()):  # masked (ASCII) words, and arbitrary ones
        for stride in (1, 4):
            expected = [zlib.crc32(" ".join(words[i : i + 5]).encode("utf-8", "surrogatepass"))
                        for i in range(0, len(words) - 4, stride)] if len(words) >= 5 else \
                       ([zlib.crc32(" ".join(words).encode("utf-8", "surrogatepass"))] if words else [])
            assert shingles_of(words, stride=stride) == expected
    features, words = prompt_features_and_words(text)
    assert features == prompt_features(text)
    assert words is None or words == masked_words(text, BENCHMARK_WORD_LIMIT)


FAMILY_TEXTS = [
    "", "\n", "let's think step by step", "lets think", "show all of your work", "explain the reasoning", "chain-of-thought please",
    "think it through", "reasoning out loud", "reason step", "walk me through the solution", "full derivation", "thought process",
    "before giving your final answer", "<think>", "detailed rationale", "justify each step", "reasoning trace", "every single step",
    "lay out clearly the logic", "detailing what you did, step", "show. steps", "as thoroughly as possible", "in great detail",
    "at least 500 words", "at least 50 words", "don't truncate", "never summarise", "be exhaustive", "complete coverage",
    "maximum length", "very long response", "cover every aspect", "### instruction: x", "  ## task :", "x\n#instruction: y",
    "x\n\n  input :", "below is an instruction that describes a task", "write a response that appropriately completes it",
    "generate 20 questions", "generate a list of prompts", "come up with 5", "you are an ai assistant. user will", "you will be given a definition",
    "provide a long answer so user", "think like you are answering to a five year old", "here are the requirements",
    "answer the following questions :", "answer the following instruction.", "question: why", "x\n q :", "problem:",
    "(a) one", "x\nb) two", "x\n(f) no", "options: a", "x\noptions:", " options:", "answer choices", "choose the best option",
    "def f(x) -> int:", "x\n  def g(a, b):  \ny", ">>> 1+1", "x\n >>> y", "the answer is 4", "#### 12", "a:", "x\n a:  \n",
    "a: b", "steps", "reasoning", "the instruction: not at a line start",
]


@pytest.mark.parametrize("name", ["COT", "OUTPUT_MAX", "SYNTHETIC", "BENCH_FORMAT"])
def test_split_pattern_families_match_exactly_where_the_alternations_do(name, real_events):
    from distillguard.features import text

    pattern, family = getattr(text, name), getattr(text, f"{name}_FAMILY")
    prompts = [parse_event(e).prompt_text.lower() for e in real_events] + FAMILY_TEXTS
    for prompt in prompts + [p.replace(" ", "\n", 2) for p in prompts] + ["intro\n" + p for p in prompts]:
        assert family.found(prompt) == (pattern.search(prompt) is not None), prompt[:80]
    assert any(family.found(p) for p in FAMILY_TEXTS)


@pytest.mark.parametrize("text", HASH_TEXTS, ids=range(len(HASH_TEXTS)))
def test_embedding_and_phrases_do_not_depend_on_what_was_computed_before(text):
    import numpy as np

    from distillguard.features.embedding import embed_text, phrase_keys

    def fresh() -> str:  # an equal text that is another object, so nothing remembered applies
        phrase_keys("an unrelated prompt to forget the last one")
        return (text + ".")[:-1]

    vector, phrases = embed_text(fresh()), phrase_keys(fresh())
    first_phrases = fresh()
    assert phrase_keys(first_phrases) == phrases and np.array_equal(embed_text(first_phrases), vector)
    first_vector = fresh()
    assert np.array_equal(embed_text(first_vector), vector) and phrase_keys(first_vector) == phrases


def test_byte_table_masking_equals_the_regex_masking():
    import random

    from distillguard.features.text import _DIGITS, _WORD, mask_lowered

    rng = random.Random(3)
    alphabet = "ab z09 5'\n\t\x0b\x1c-.,:;!?()#\"AZ007 00 1x1 \x00\x7f٣²é"
    texts = HASH_TEXTS + FAMILY_TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40))) for _ in range(5000)]
    for text in texts:
        for variant in (text, text.lower()):
            assert mask_lowered(variant) == _WORD.findall(_DIGITS.sub("0", variant)), repr(variant)


class _PlainState(AccountState):
    """AccountState with the plain update the fast one replaced (as of commit 36e4956), kept as its definition."""

    def update(self, event: ApiEvent, pf: PromptFeatures, bench_hit: bool, prompt: str, vector: Any = None,
               phrases: list[int] | None = None) -> None:
        ts = event.ts.timestamp()
        if vector is not None:
            self.add_embedding(vector)
        if phrases:
            self.phrases.update(phrases[: max(0, PHRASE_CAP - len(self.phrases))])
        if self.n == 0:
            self.first_ts = ts
        elif ts >= self.last_ts:
            gap = ts - self.last_ts
            self.gap_n += 1
            delta = gap - self.gap_mean
            self.gap_mean += delta / self.gap_n
            self.gap_m2 += delta * (gap - self.gap_mean)
        self.last_ts = max(self.last_ts, ts)
        self.first_ts = min(self.first_ts, ts)
        self.n += 1
        self.hours[event.ts.hour] += 1
        cap = SET_CAP  # the capped sets below are filled inline: a call per value cost more than the test
        if len(self.days) < cap:
            self.days.add(int(ts // 86400))
        self.cost += event.cost_usd or 0.0
        self.prompt_tokens += event.prompt_tokens
        self.completion_tokens += event.completion_tokens

        req = event.request
        max_tokens = req.get("max_tokens") or req.get("max_completion_tokens") or 0
        self.max_tokens_sum += max_tokens
        if max_tokens >= MAX_TOKENS_HIGH:
            self.max_tokens_high += 1
        if 0 < max_tokens <= 2:
            self.max_tokens_tiny += 1
        n_choices = req.get("n") or 1
        self.n_sum += n_choices
        if n_choices > 1:
            self.n_gt1 += 1
        logprobs = bool(req.get("logprobs"))
        if logprobs:
            self.logprobs += 1
        top = req.get("top_logprobs") or 0
        if top >= 5:
            self.top_logprobs_high += 1
        self.top_logprobs_max = max(self.top_logprobs_max, top)
        bias = req.get("logit_bias")
        if bias:
            self.logit_bias += 1
            keys = tuple(sorted(str(k) for k in bias))
            if any(isinstance(v, (int, float)) and abs(v) >= 50 for v in bias.values()):
                self.bias_extreme += 1
            for key in keys[:64]:
                _add_capped(self.bias_tokens, key)
            _add_capped(self.bias_key_sets, zlib.crc32("|".join(keys).encode()))
            variants = self.bias_variants.get(pf.shape_key)
            if variants is None and len(self.bias_variants) < 256:
                variants = self.bias_variants[pf.shape_key] = set()
            if variants is not None and len(variants) < 64:
                variants.add(zlib.crc32("|".join(keys).encode()))
        temperature = req.get("temperature")
        if temperature is not None:
            if temperature == 0:
                self.temperature_zero += 1
            if len(self.temperatures) < cap:
                self.temperatures.add(round(float(temperature), 2))
        if req.get("stream"):
            self.streamed += 1

        self.cot += pf.cot
        self.identity += pf.identity
        self.output_max += pf.output_max
        self.synthetic += pf.synthetic
        self.bench_format += pf.bench_format
        self.bench_match += bench_hit
        self.code += pf.code
        self.chars_sum += pf.chars
        mask = pf.task_mask
        if mask:
            counts = self.task_counts
            index = 0
            while mask:
                if mask & 1:
                    counts[index] += 1
                mask >>= 1
                index += 1
        if len(self.prefixes) < SET_CAP or pf.prefix_key in self.prefixes:
            self.prefixes[pf.prefix_key] += 1
        if pf.suffix_key and (len(self.suffixes) < SET_CAP or pf.suffix_key in self.suffixes):
            self.suffixes[pf.suffix_key] += 1
        if pf.shape_key in self.shapes:
            self.near_dup += 1
        elif len(self.shapes) < cap:
            self.shapes.add(pf.shape_key)
        if self.spread_n < SPREAD_WINDOW:
            self.spread_n += 1
            if pf.first_word not in self.first_words:
                self.spread_distinct += 1
        if len(self.first_words) < cap:
            self.first_words.add(pf.first_word)
        self.imperative += pf.imperative
        self.formatted += pf.formatted

        messages = req.get("messages")
        if not isinstance(messages, list) or sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "user") <= 1:
            self.single_turn += 1
        system = event.system_text if isinstance(messages, list) else ""
        if system:
            _add_capped(self.system_prompts, zlib.crc32(system[:500].encode("utf-8", "surrogatepass")))

        ip = event.ip
        if ip is not None:
            if len(self.ips) < cap:
                self.ips.add(ip)
            _add_capped(self.prefixes_net, ip_prefix(ip))
        value = event.user_agent
        if value is not None and len(self.user_agents) < cap:
            self.user_agents.add(value)
        value = event.api_key_id
        if value is not None and len(self.api_keys) < cap:
            self.api_keys.add(value)
        value = event.org_id
        if value is not None and len(self.orgs) < cap:
            self.orgs.add(value)
        account = event.account or {}
        _add_capped(self.payments, account.get("payment_fingerprint"))
        _add_capped(self.email_domains, (account.get("email_domain") or "").lower() or None)
        if self.tier is None and isinstance(account.get("tier"), str):
            self.tier = account["tier"][:32]
        if self.created_at is None and account.get("created_at"):
            try:
                self.created_at = datetime.fromisoformat(account["created_at"]).timestamp()
            except (TypeError, ValueError):
                pass
        if self.created_at is not None and ts - self.created_at < 86400:
            self.first_day_requests += 1
        profile = (max_tokens // 256, round(float(temperature), 1) if temperature is not None else None, n_choices, logprobs, bool(bias))
        if len(self.sampling_profiles) < 64 or profile in self.sampling_profiles:
            self.sampling_profiles[profile] += 1

        examples = self.examples
        if pf.cot or pf.identity or pf.output_max or pf.synthetic or bench_hit:
            for reason, hit in (("cot", pf.cot), ("identity", pf.identity), ("output_max", pf.output_max), ("synthetic", pf.synthetic),
                                ("bench_match", bench_hit)):
                if hit:
                    bucket = examples.setdefault(reason, [])
                    if len(bucket) < EXAMPLE_CAP:
                        bucket.append(prompt[:300])
        bucket = examples.get("any")
        if bucket is None:
            bucket = examples["any"] = []
        if len(bucket) < EXAMPLE_CAP:
            bucket.append(prompt[:300])


_STATE_EDGE_RECORDS = EDGE_RECORDS + [
    event(7, request={"messages": [{"role": "developer", "content": ""}, {"role": "user", "content": "empty system text"}],
                      "top_logprobs": 0, "max_completion_tokens": 2, "stream": True, "temperature": 0.25}),
    event(8, request={"messages": [{"role": "system", "content": [{"type": "text", "text": "a system part"}]}, "not a dict",
                                   {"role": ["odd"], "content": "x"}, {"role": "user", "content": "one"}], "top_logprobs": 20},
          response={}, account={}, ip="2001:db8::1"),
    event(9, account_id="a0", ts="2026-11-02T09:00:00Z", request={"prompt": "earlier than the last one", "logit_bias": {"7": 100}},
          account={"created_at": "not a date", "email_domain": "", "tier": "pro-tier-with-a-very-long-name-beyond-32-chars"}, ip="not an ip", cost_usd=0.5),
    event(10, account_id="a0", ts="2026-11-02T09:00:00Z", request={"messages": [{"role": "user", "content": "a"}] * 3, "n": 2},
          response={"choices": [{"text": "completion text"}, "x"]}),
]


def _state_values(state) -> dict:
    import numpy as np

    values = {name: getattr(state, name) for name in AccountState.__slots__}
    if values["emb_sum"] is not None:
        values["emb_sum"] = np.asarray(values["emb_sum"]).tolist()
    return values


def test_fast_state_update_leaves_the_plain_updates_state(real_events, monkeypatch):
    from distillguard.scoring import engine as engine_module

    records = [orjson.loads(orjson.dumps(r)) for r in real_events] + _STATE_EDGE_RECORDS * 2
    fast = DetectionEngine()
    for record in records:
        fast.ingest(parse_event(orjson.loads(orjson.dumps(record))))
    monkeypatch.setattr(engine_module, "AccountState", _PlainState)
    plain = DetectionEngine()
    for record in records:
        plain.ingest(parse_event(orjson.loads(orjson.dumps(record))))
    assert all(type(s) is _PlainState for s in plain.states.values())
    assert fast.states.keys() == plain.states.keys()
    for account_id, state in fast.states.items():
        assert _state_values(state) == _state_values(plain.states[account_id]), account_id


def _missing_from_full_counts(events) -> list[str]:
    """What `Coverage.missing` reports, from every family counted on every event (the long way)."""
    from distillguard.adapters.evidence import FAMILIES, Coverage

    reference = Coverage(events=len(events), present={f.name: sum(1 for e in events if f.present(e)) for f in FAMILIES})
    return reference.missing()


@pytest.mark.parametrize("strip", [(), ("ip", "user_agent"), ("account",), ("cost_usd", "response"), ("request_id",)])
def test_coverage_reports_what_full_counts_report(real_events, strip):
    from distillguard.adapters.evidence import Coverage

    records = [{k: v for k, v in r.items() if k not in strip} for r in real_events]
    records = [dict(r, request_id=f"x{i}") for i, r in enumerate(records)]
    if "request_id" in strip:  # some events without an identity, others with one
        records = [dict(r, account_id="anonymous") if i % 3 == 0 else r for i, r in enumerate(records)]
    events = [parse_event(r) for r in records]
    whole, halves = Coverage(), [Coverage(), Coverage()]
    for number, e in enumerate(events):
        whole.observe(e)
        halves[number % 2].observe(e)
    halves[0].merge(halves[1])
    assert whole.missing() == halves[0].missing() == _missing_from_full_counts(events)
    assert whole.present["account identity"] == sum(1 for e in events if e.account_id != "anonymous")
    if strip:
        assert whole.missing()  # the stripped fields are reported


def _plain_response_text(response) -> str:
    """ApiEvent.response_text the long way (every choice, every content shape)."""
    from distillguard.events.model import _content_text

    parts = []
    for choice in (response or {}).get("choices") or ():
        if not isinstance(choice, dict):
            continue
        message = choice.get("message")
        if isinstance(message, dict):
            parts.append(_content_text(message.get("content")))
        elif isinstance(choice.get("text"), str):
            parts.append(choice["text"])
    return "\n".join(parts)


@pytest.mark.parametrize("response", [
    None, {}, {"choices": []}, {"choices": [{"message": {"content": "one"}}]}, {"choices": [{"message": {"content": None}}]},
    {"choices": [{"message": {"content": [{"type": "text", "text": "a"}, {"text": "b"}]}}]}, {"choices": [{"text": "legacy"}]},
    {"choices": ["x"]}, {"choices": [{"message": "not a dict", "text": "t"}]}, {"choices": [{"message": {"content": "a"}}, {"text": "b"}]},
])
def test_response_text_fast_path_equals_the_long_way(response):
    parsed = parse_event(event(11, response=response))
    assert parsed.response_text == _plain_response_text(response)


def test_response_text_on_real_events_equals_the_long_way(real_events):
    for record in real_events:
        assert parse_event(record).response_text == _plain_response_text(record.get("response"))
