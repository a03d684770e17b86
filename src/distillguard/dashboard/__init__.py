"""The analyst dashboard: campaigns, evidence and actions in the browser.

    distillguard scan traffic.jsonl --db distillguard.duckdb        # fill the store
    distillguard users add alice --role analyst                      # prompts for a password (scrypt-hashed)
    distillguard serve --db distillguard.duckdb --port 8090 \\
        [--gateway-url http://127.0.0.1:8080 --gateway-token-env DISTILLGUARD_GATEWAY_TOKEN]

Pages: overview (traffic, flagged accounts/campaigns over time, estimated leaked responses,
actions), review queue (grouped by campaign, sortable, assignable, bulk actions), campaigns
(every link that joined the members, in words; weak joins offered as splits; timeline;
representative prompts; findings whose examples link to their requests), accounts (timeline,
features against population percentiles, findings, action history), requests (search, sort,
export; one page per request with its full body and response), audit trail, intel, users
(admin). Roles: viewer < analyst < admin; viewers see personal data and secrets masked
everywhere. Actions are the gateway's words (block, allow, throttle, hold, degrade, reset)
with an expiry; each decision is one row of the store's `audit` table and, with
--gateway-url, one admin-API call per account.

Python: `distillguard.dashboard.app.create_app(db, users, ...)` returns the FastAPI app
(mountable under a prefix, e.g. by the gateway).
"""
