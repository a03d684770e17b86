"""The analyst dashboard: campaigns, evidence and actions in the browser.

    distillguard scan traffic.jsonl --db distillguard.duckdb        # fill the store
    distillguard users add alice --role analyst                      # prompts for a password (scrypt-hashed)
    distillguard serve --db distillguard.duckdb --port 8090 \\
        [--gateway-url http://127.0.0.1:8080 --gateway-token-env DISTILLGUARD_GATEWAY_TOKEN]

Pages: overview (traffic, flagged accounts/campaigns over time, estimated leaked responses,
actions), review queue, campaigns (link graph, timeline, representative prompts with a
redaction switch, findings with MITRE ATLAS techniques and their statistics), accounts
(timeline, features against population percentiles, findings, action history), audit
trail, intel, users (admin). Roles: viewer < analyst < admin. Every action is written to
the store's `audit` table and, with --gateway-url, sent to the gateway's admin API.

Python: `distillguard.dashboard.app.create_app(db, users, ...)` returns the FastAPI app
(mountable under a prefix, e.g. by the gateway).
"""
