"""Event envelope: accounts' network identity, usage, cost, latency, status, logprobs."""
import json
import os
from . import infra as I
from . import text as T

MODELS = {
    # name: (usd per 1M prompt tokens, usd per 1M completion tokens, ms per output token)
    "aurora-4-large": (5.0, 15.0, 28.0),
    "aurora-4-mini": (0.3, 1.2, 9.0),
    "aurora-4-reason": (10.0, 40.0, 35.0),
    "aurora-3.5-turbo": (0.5, 1.5, 12.0),
    "aurora-embed-lite": (0.02, 0.0, 1.0),
}
COMPLETIONS_MODEL = "aurora-3.5-turbo-instruct"
MODELS[COMPLETIONS_MODEL] = (1.5, 2.0, 10.0)


class World:
    def __init__(self, start, days, outdir, seed):
        self.start = start
        self.days = days
        self.end = start + days * 86400 - 1
        self.outdir = outdir
        self.seed = seed
        self.n_events = 0
        self._buckets = {}
        self._bdir = os.path.join(outdir, ".buckets")
        os.makedirs(self._bdir, exist_ok=True)
        self._buf = {}
        self.req_counter = 0

    # ---- output ----
    def _write(self, ts, line):
        day = int((ts - self.start) // 86400)
        day = min(max(day, 0), self.days - 1)
        b = self._buf.setdefault(day, [])
        b.append("%.6f\t%s\n" % (ts, line))
        if len(b) >= 2000:
            self._flush(day)

    def _flush(self, day):
        b = self._buf.get(day)
        if not b:
            return
        with open(os.path.join(self._bdir, "d%03d" % day), "a", encoding="utf-8") as f:
            f.writelines(b)
        self._buf[day] = []

    def finish(self, path):
        for d in list(self._buf):
            self._flush(d)
        with open(path, "w", encoding="utf-8") as out:
            for d in range(self.days):
                p = os.path.join(self._bdir, "d%03d" % d)
                if not os.path.exists(p):
                    continue
                with open(p, encoding="utf-8") as f:
                    rows = f.readlines()
                rows.sort(key=lambda r: float(r[:r.index("\t")]))
                for r in rows:
                    out.write(r[r.index("\t") + 1:])
                os.remove(p)
        os.rmdir(self._bdir)

    # ---- envelope ----
    def emit(self, a, rng, ts, messages=None, prompt=None, params=None, text="", texts=None, tools=None,
             tool_calls=None, endpoint=None, model=None, ip=None, ua=None, status=None, key=None, retry_ok=True, extra=None):
        lo = max(self.start, a.get("created_at", 0) + 60)
        hi = min(self.end, a.get("active_until", self.end))
        if lo > self.start or hi < self.end:  # created inside the window / abandoned early: squeeze the schedule (order kept)
            ts = lo + (min(max(ts, self.start), self.end) - self.start) * ((hi - lo) / (self.end - self.start))
        if ts > self.end:
            ts = self.end - rng.random() * 60
        params = dict(params or {})
        model = model or a["model_fn"](rng)
        body = {"model": model}
        if messages is not None:
            body["messages"] = messages
            endpoint = endpoint or "/v1/chat/completions"
            ptok = T.msg_tokens(messages, tools)
        else:
            body["prompt"] = prompt
            endpoint = endpoint or "/v1/completions"
            ptok = T.ntok(prompt if isinstance(prompt, str) else json.dumps(prompt)) + 1
        if tools:
            body["tools"] = tools
        body.update(params)
        ip = ip or a["ip_fn"](rng, ts)
        ua = ua or a["ua_fn"](rng)
        key = key or a["key_fn"](ts)
        if status is None:
            r = rng.random()
            if r < a.get("err429", 0.004):
                status = 429
            elif r < a.get("err429", 0.004) + 0.003:
                status = rng.choice([400, 500, 502, 503, 408])
            else:
                status = 200
        self.req_counter += 1
        rid = "req_%s" % I.hexid(rng, 20)
        ev = {"request_id": rid, "ts": I.iso(ts), "account_id": a["id"], "org_id": a["org"], "api_key_id": key,
              "ip": ip, "user_agent": ua, "endpoint": endpoint, "model": model, "request": body}
        price = MODELS.get(model, (1.0, 3.0, 15.0))
        if status != 200:
            ev["response"] = {"error": {"type": {429: "rate_limit_exceeded", 400: "invalid_request_error", 408: "timeout"}.get(status, "server_error"),
                                        "message": "Request failed with status %d" % status}}
            ev["status"] = status
            ev["latency_ms"] = round(rng.uniform(15, 120) if status in (429, 400) else rng.uniform(800, 30000), 1)
            ev["cost_usd"] = 0.0
        else:
            maxt = params.get("max_tokens") or params.get("max_completion_tokens")
            outs = texts if texts is not None else [text]
            choices = []
            ctok = 0
            for i, t in enumerate(outs):
                finish = "stop"
                tc = None
                if tool_calls and i == 0:
                    tc = tool_calls
                    finish = "tool_calls"
                    ct = T.ntok(json.dumps(tool_calls)) + (T.ntok(t) if t else 0)
                else:
                    ct = T.ntok(t)
                if maxt and ct > maxt:
                    cpt = len(t) / max(ct, 1)
                    t = t[:max(1, int(maxt * cpt))]
                    ct = maxt
                    finish = "length"
                ctok += max(ct, 1)
                if messages is not None:
                    msg = {"role": "assistant", "content": t if (t or not tc) else None}
                    if tc:
                        msg["tool_calls"] = tc
                    ch = {"index": i, "message": msg, "finish_reason": finish}
                else:
                    ch = {"index": i, "text": t, "finish_reason": finish}
                if params.get("logprobs"):
                    k = params.get("top_logprobs") or (params["logprobs"] if isinstance(params["logprobs"], int) and params["logprobs"] is not True else 0)
                    ch["logprobs"] = _logprobs(rng, t, k, min(6, max(ct, 1)))
                choices.append(ch)
            ev["response"] = {"id": "chatcmpl-" + I.hexid(rng, 12), "object": "chat.completion" if messages is not None else "text_completion",
                              "model": model, "choices": choices,
                              "usage": {"prompt_tokens": ptok, "completion_tokens": ctok, "total_tokens": ptok + ctok}}
            ev["status"] = 200
            ttft = rng.lognormvariate(5.9, 0.45) + ptok * 0.05
            ev["latency_ms"] = round(ttft + ctok / max(len(outs), 1) * price[2] * rng.uniform(0.7, 1.4), 1)
            cost = (ptok * price[0] + ctok * price[1]) / 1e6
            ev["cost_usd"] = round(cost, 6)
        if extra:
            ev.update(extra)
            if extra.get("batch_id") and ev.get("cost_usd"):
                ev["cost_usd"] = round(ev["cost_usd"] * 0.5, 6)  # batch API discount
                ev["latency_ms"] = round(ev["latency_ms"] + rng.uniform(60e3, 3.6e6), 1)  # queued
        ev["account"] = a["acct_obj"]
        self._write(ts, json.dumps(ev, ensure_ascii=False, separators=(",", ":")))
        self.n_events += 1
        if status in (429, 500, 502, 503) and a.get("retries") and retry_ok:
            back = rng.uniform(0.5, 4.0) * (2 if status == 429 else 1)
            self.emit(a, rng, ts + back, messages=messages, prompt=prompt, params=params, text=text, texts=texts, tools=tools,
                      tool_calls=tool_calls, endpoint=endpoint, model=model, ip=ip, ua=ua, status=200, key=key, retry_ok=False)
        return rid


_LP_WORDS = ["The", " answer", " is", " A", " B", " C", " D", " positive", " negative", " yes", " no", ",", ".", " the", " of", "\n", " and",
             " I", " It", " This", "1", "2", "3", " Yes", " No", ":", " neutral", " a", " to", " in", "**", " not", " be"]


def _logprobs(rng, text, k, ntoks):
    toks = []
    words = text.split() if text and text.strip() else ["<|end|>"]
    for j, w in enumerate(words[:ntoks]):
        tok = (" " if (j or text[:1] == " ") else "") + w
        lp = -abs(rng.gauss(0, 0.6))
        item = {"token": tok, "logprob": round(lp, 4)}
        if k:
            alts = [x for x in rng.sample(_LP_WORDS, min(k, len(_LP_WORDS))) if x != tok][:k - 1]
            tl = [{"token": tok, "logprob": round(lp, 4)}]
            base = lp
            for x in alts:
                base -= abs(rng.gauss(1.2, 0.8))
                tl.append({"token": x, "logprob": round(base, 4)})
            item["top_logprobs"] = tl[:k]
        toks.append(item)
    return {"content": toks}
