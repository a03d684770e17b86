"""The enforcement gateway: real-time scoring and policy in front of an OpenAI-compatible API.

    distillguard gateway --upstream http://127.0.0.1:8000/v1 --port 8080 --policy policy.yaml --keys keys.yaml

Parts (each its own module):

- `app`       the proxy (`/v1/chat/completions`, `/v1/completions`, streaming or not),
              the admin API (`/admin/...`) and `/metrics`, as a raw ASGI app (`asgi`);
- `arrival`   the decision at arrival: an account's in-flight requests folded into a private copy
              of its state;
- `enforcer`  what both front ends share: identity -> pre-forward decision -> event ->
              durable log -> online scoring (`distillguard.replay.OnlineScorer`, the same
              incremental state as `scan --replay`);
- `policy`    the YAML policy (risk bands, per-finding rules, throttle, degrade, hold, block,
              allow-lists), validated and hot-reloaded;
- `state`     overrides, holds, flags and token buckets: in-process, or Redis for replicas;
- `eventlog`  the durable JSONL event log (each event in the OS before the response's last
              byte is released, fdatasynced every 0.1 s; or `disk`: group-committed fdatasync
              before it) and the restart path;
- `upstream`  the client to the upstream (HTTP/1.1 keep-alive, httptools), lean on the hot path;
- `workers`   `--workers N`: processes on one port sharing state over Redis and the bus;
- `audit`     the SQLite audit trail;
- `keys`      client API keys (sha256 only) -> account;
- `litellm_hook` the same enforcement as a LiteLLM proxy callback.

Error bodies follow OpenAI's shape (`{"error": {"message", "type", "param", "code"}}`); the
codes a client can see are listed in `errors.CODES`.
"""
