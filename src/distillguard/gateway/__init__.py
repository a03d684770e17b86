"""The enforcement gateway: real-time scoring and policy in front of an OpenAI-compatible API.

    distillguard gateway --upstream http://127.0.0.1:8000/v1 --port 8080 --policy policy.yaml --keys keys.yaml

Parts (each its own module):

- `app`       the FastAPI proxy (`/v1/chat/completions`, `/v1/completions`, streaming or not),
              the admin API (`/admin/...`) and `/metrics`;
- `enforcer`  what both front ends share: identity -> pre-forward decision -> event ->
              durable log -> online scoring (`distillguard.replay.OnlineScorer`, the same
              incremental state as `scan --replay`);
- `policy`    the YAML policy (risk bands, per-finding rules, throttle, degrade, hold, block,
              allow-lists), validated and hot-reloaded;
- `state`     overrides, holds, flags and token buckets: in-process, or Redis for replicas;
- `eventlog`  the durable JSONL event log (group-committed, fsync before the response's
              last byte is released) and the restart path;
- `audit`     the SQLite audit trail;
- `keys`      client API keys (sha256 only) -> account;
- `litellm_hook` the same enforcement as a LiteLLM proxy callback.

Error bodies follow OpenAI's shape (`{"error": {"message", "type", "param", "code"}}`); the
codes a client can see are listed in `errors.CODES`.
"""
