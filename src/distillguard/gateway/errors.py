"""Error bodies in OpenAI's shape, with stable codes a client (or its support desk) can rely on.

Every error the gateway itself produces is

    {"error": {"message": str, "type": str, "param": str | null, "code": str, "reference": str | null}}

`reference` is the gateway's request id for the refused request (quote it to support); the
other four keys are OpenAI's. The codes and their HTTP statuses never change meaning:

| status | code                      | when                                                           |
|--------|---------------------------|----------------------------------------------------------------|
| 400    | invalid_json              | the body is not a JSON object                                  |
| 400    | invalid_request           | a field has the wrong type (param names it)                    |
| 401    | invalid_api_key           | missing or unknown API key                                     |
| 403    | account_blocked           | policy or an analyst blocked the account (suspected extraction)|
| 403    | account_held_for_review   | the account awaits an analyst's review                         |
| 413    | request_too_large         | body over the policy's `limits.max_body_bytes`                 |
| 429    | rate_limited_by_policy    | the account's or campaign's token bucket is empty (Retry-After)|
| 502    | upstream_unavailable      | the upstream refused the connection or broke it (Retry-After)  |
| 503    | enforcement_unavailable   | the scorer failed and the policy says fail closed (Retry-After)|
| 504    | upstream_timeout          | the upstream did not answer in time (Retry-After)              |
"""

from __future__ import annotations

from typing import Any

CODES: dict[str, tuple[int, str]] = {
    "invalid_json": (400, "invalid_request_error"),
    "invalid_request": (400, "invalid_request_error"),
    "invalid_api_key": (401, "authentication_error"),
    "account_blocked": (403, "permission_error"),
    "account_held_for_review": (403, "permission_error"),
    "not_found": (404, "invalid_request_error"),
    "request_too_large": (413, "invalid_request_error"),
    "rate_limited_by_policy": (429, "rate_limit_error"),
    "upstream_unavailable": (502, "api_error"),
    "enforcement_unavailable": (503, "api_error"),
    "upstream_timeout": (504, "api_error"),
}

MESSAGES: dict[str, str] = {
    "account_blocked": "This account may not use this API: its traffic matches model-extraction activity. "
                       "Contact support and quote the reference.",
    "account_held_for_review": "This account's requests are held while its traffic is reviewed. "
                               "Contact support and quote the reference.",
    "rate_limited_by_policy": "Too many requests for this account; retry after the delay in the Retry-After header.",
    "upstream_unavailable": "The model server is unavailable; retry after the delay in the Retry-After header.",
    "upstream_timeout": "The model server did not answer in time; retry after the delay in the Retry-After header.",
    "enforcement_unavailable": "The request could not be checked; retry after the delay in the Retry-After header.",
    "invalid_api_key": "Missing or unknown API key. Pass it as 'Authorization: Bearer <key>'.",
    "request_too_large": "The request body is larger than this API accepts.",
    "invalid_json": "The request body must be a JSON object.",
}


def error_body(code: str, message: str | None = None, param: str | None = None, reference: str | None = None) -> dict[str, Any]:
    _, kind = CODES[code]
    return {"error": {"message": message or MESSAGES.get(code, code), "type": kind, "param": param, "code": code,
                      "reference": reference}}


def status_of(code: str) -> int:
    return CODES[code][0]
