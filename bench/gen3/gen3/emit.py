"""Build schema-shaped API events for one account."""
from __future__ import annotations

import json
import math
import random
from datetime import datetime, timedelta

from . import lang as L
from .world import MODELS, Account, hexid, iso, ntok

CHAT = "/v1/chat/completions"
COMPL = "/v1/completions"

WORDS_RE_SPLIT = " "


def _tokens_of(text: str, limit: int) -> list[str]:
    out = []
    for w in text.replace("\n", " \n ").split(" "):
        if not w:
            continue
        out.append(w if w == "\n" else " " + w)
        if len(out) >= limit:
            break
    return out or [" "]


def _truncate_tokens(text: str, max_tok: int) -> tuple[str, bool]:
    if max_tok is None or ntok(text) <= max_tok:
        return text, False
    # crude char budget for the token budget
    cjk = sum(1 for ch in text[:2000] if ord(ch) > 0x2E80) / max(1, min(len(text), 2000))
    per = 1.33 if cjk > 0.3 else 3.9
    return text[: max(1, int(max_tok * per))], True


class Emitter:
    def __init__(self, acct: Account, start: datetime, end: datetime, pools):
        self.a, self.start, self.end, self.pools = acct, start, end, pools
        self.r = acct.rng
        self.events: list[dict] = []
        self.ua_idx = 0
        self.last_text = ""

    # ------------------------------------------------------------------
    def answer_for(self, item: dict | None, lang: str | None = None) -> str:
        if item is not None:
            ans = item.get("answers")
            if ans:
                return self.r.choice(ans)
            if item.get("answer"):
                return item["answer"]
        lang = lang or self.a.lang
        if lang != "en":
            return L.filler_reply(self.r, lang)
        return self.r.choice(self.pools.response_pool)

    def _latency(self, model: str, pt: int, ct: int, stream: bool) -> float:
        tps = MODELS.get(model, (1, 1, 80))[2] * self.r.uniform(0.6, 1.3)
        ttft = self.r.lognormvariate(math.log(420), 0.45) + pt * 0.02
        if model.startswith("o"):
            ttft += self.r.uniform(1500, 9000)
        return round(ttft + ct / tps * 1000.0, 1)

    def call(self, t: datetime, *, messages=None, prompt=None, model="gpt-4o-mini", max_tokens=None,
             max_completion_tokens=None, temperature=None, top_p=None, n=None, logprobs=None, top_logprobs=None,
             logit_bias=None, seed=None, stream=None, tools=None, tool_choice=None, response_format=None,
             user=None, answer: str | list | None = None, tool_calls=None, status=200, ip=None, ua=None,
             key=None, extra_body=None, stop=None, answer_forced_len: int | None = None) -> datetime:
        """Emit one event at time t; returns the time the response finished (t + latency)."""
        a, r = self.a, self.r
        if t < a.created_at or t < self.start or t >= self.end:
            self.last_text = answer if isinstance(answer, str) else ""
            return t + timedelta(seconds=1)
        if stream is None and a.extra.get("stream_p") and r.random() < a.extra["stream_p"]:
            stream = True
        endpoint = COMPL if prompt is not None and messages is None else CHAT
        req: dict = {"model": model}
        if messages is not None:
            req["messages"] = messages
        else:
            req["prompt"] = prompt
        for k, v in (("max_tokens", max_tokens), ("max_completion_tokens", max_completion_tokens),
                     ("temperature", temperature), ("top_p", top_p), ("n", n), ("logprobs", logprobs),
                     ("top_logprobs", top_logprobs), ("logit_bias", logit_bias), ("seed", seed), ("stream", stream),
                     ("tools", tools), ("tool_choice", tool_choice), ("response_format", response_format),
                     ("user", user), ("stop", stop)):
            if v is not None:
                req[k] = v
        if extra_body:
            req.update(extra_body)
        if stream:
            req["stream_options"] = {"include_usage": True}
        # prompt tokens
        if messages is not None:
            pt = 0
            for m in messages:
                c = m.get("content")
                pt += 4 + (ntok(c) if isinstance(c, str) else ntok(json.dumps(c)) if c else 0)
                if m.get("tool_calls"):
                    pt += ntok(json.dumps(m["tool_calls"]))
            if tools:
                pt += ntok(json.dumps(tools))
        else:
            pt = ntok(prompt if isinstance(prompt, str) else json.dumps(prompt))
        event = {
            "request_id": "req_" + hexid(r, 24),
            "ts": iso(t),
            "account_id": a.account_id,
            "org_id": a.org_id,
            "api_key_id": key or r.choice(a.api_keys),
            "ip": ip or a.net.ip(),
            "user_agent": ua or (a.uas[0] if len(a.uas) == 1 else r.choice(a.uas)),
            "endpoint": endpoint,
            "model": model,
            "request": req,
        }
        if status != 200:
            lat = round(r.uniform(15, 400) if status in (429, 400, 401) else r.uniform(2000, 30000), 1)
            event.update(latency_ms=lat, response=None, status=status, cost_usd=0.0,
                         error={"type": {429: "rate_limit_exceeded", 400: "invalid_request_error",
                                         500: "server_error", 502: "bad_gateway", 503: "overloaded",
                                         408: "timeout"}.get(status, "error")})
            event["account"] = self._acct_block()
            self.events.append(event)
            self.last_text = ""
            return t + timedelta(milliseconds=lat)

        nn = n or 1
        choices, ct = [], 0
        answers = answer if isinstance(answer, list) else [answer] * nn
        cap = max_tokens or max_completion_tokens
        for i in range(nn):
            txt = answers[i % len(answers)] if answers else None
            if txt is None:
                txt = self.answer_for(None)
            txt, cut = _truncate_tokens(txt, cap)
            finish = "length" if cut else "stop"
            k = ntok(txt) if answer_forced_len is None else answer_forced_len
            ct += k
            if endpoint == CHAT:
                msg: dict = {"role": "assistant", "content": txt}
                if tool_calls is not None and i == 0:
                    msg["content"] = txt if txt else None
                    msg["tool_calls"] = tool_calls
                    finish = "tool_calls"
                ch = {"index": i, "message": msg, "finish_reason": finish}
                if logprobs:
                    ch["logprobs"] = {"content": self._lp_chat(txt, top_logprobs or 0, logit_bias)}
            else:
                ch = {"index": i, "text": txt, "finish_reason": finish}
                if logprobs:
                    ch["logprobs"] = self._lp_compl(txt, int(logprobs) if not isinstance(logprobs, bool) else 1)
            choices.append(ch)
        reasoning = 0
        if model.startswith("o"):
            reasoning = int(r.lognormvariate(math.log(350 + ct * 0.8), 0.6))
        usage = {"prompt_tokens": pt, "completion_tokens": ct + reasoning, "total_tokens": pt + ct + reasoning}
        if reasoning:
            usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        lat = self._latency(model, pt, ct + reasoning, bool(stream))
        pin, pout, _ = MODELS.get(model, (1.0, 3.0, 80))
        cost = round((pt * pin + (ct + reasoning) * pout) / 1e6, 7)
        resp = {"id": ("chatcmpl-" if endpoint == CHAT else "cmpl-") + hexid(r, 24),
                "object": "chat.completion" if endpoint == CHAT else "text_completion",
                "created": int(t.timestamp()), "model": model, "choices": choices, "usage": usage}
        m0 = choices[0].get("message") if endpoint == CHAT else None
        self.last_text = (m0.get("content") or "") if m0 else choices[0].get("text", "")
        event.update(latency_ms=lat, response=resp, status=200, cost_usd=cost)
        event["account"] = self._acct_block()
        self.events.append(event)
        return t + timedelta(milliseconds=lat)

    def _acct_block(self) -> dict:
        a = self.a
        return {"created_at": iso(a.created_at), "payment_fingerprint": a.payment_fp,
                "email_domain": a.email_domain, "country": a.country[:2], "tier": a.tier}

    def _lp_chat(self, txt: str, top: int, bias) -> list:
        r = self.r
        toks = _tokens_of(txt, 24)
        out = []
        alts = [" the", " a", " yes", " no", " Yes", " No", " positive", " negative", " 1", " 2", " 3", " A", " B",
                " C", " D", ".", ",", " is", " of", " and"]
        for tk in toks:
            lp = -abs(r.gauss(0, 0.35)) if r.random() < 0.8 else -r.uniform(0.5, 3.5)
            ent = {"token": tk, "logprob": round(lp, 5), "bytes": list(tk.encode("utf-8"))[:16]}
            if top:
                tl = [{"token": tk, "logprob": round(lp, 5)}]
                cur = lp
                for alt in r.sample(alts, min(top - 1, len(alts))):
                    cur -= r.uniform(0.3, 2.5)
                    tl.append({"token": alt, "logprob": round(cur, 5)})
                ent["top_logprobs"] = tl
            out.append(ent)
        return out

    def _lp_compl(self, txt: str, k: int) -> dict:
        r = self.r
        toks = _tokens_of(txt, 24)
        lps = [round(-abs(r.gauss(0, 0.5)), 5) for _ in toks]
        tops = [{tk: lp, " the": round(lp - r.uniform(0.5, 3), 5)} for tk, lp in zip(toks, lps)] if k > 1 else None
        return {"tokens": toks, "token_logprobs": lps, "top_logprobs": tops, "text_offset": None}

    # ------------------------------------------------------------------ helpers used by personas
    def think(self, lo: float = 8, hi: float = 240, mode: float | None = None) -> timedelta:
        """Human reading/typing pause."""
        mu = math.log(mode or math.sqrt(lo * hi))
        return timedelta(seconds=min(hi * 3, max(lo * 0.5, self.r.lognormvariate(mu, 0.7))))

    def gap(self, mean_s: float) -> timedelta:
        return timedelta(seconds=self.r.expovariate(1.0 / mean_s))
