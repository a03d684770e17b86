"""Forwarding analyst actions to the gateway's admin API (when one runs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

# Dashboard actions are the gateway's own words; `reset` drops the override so policy alone decides.
GATEWAY_ACTION = {a: a for a in ("block", "allow", "throttle", "hold", "degrade", "reset")}


@dataclass
class GatewayResult:
    ok: bool
    status: int | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "status": self.status, "detail": self.detail[:300]}


class GatewayClient:
    def __init__(self, url: str, token: str, timeout: float = 5.0) -> None:
        import httpx

        self.url = url.rstrip("/")
        self._client = httpx.Client(base_url=self.url, timeout=timeout, headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self._client.close()

    def override(self, account_id: str, action: str, reason: str, actor: str, campaign_id: str | None,
                 request_id: str, expires_at: datetime | None = None) -> GatewayResult:
        """POST /admin/accounts/{id}/override — one call per account; `expires_at` (UTC) bounds the action."""
        import httpx

        body = {"action": GATEWAY_ACTION[action], "dashboard_action": action, "reason": reason, "actor": actor,
                "campaign_id": campaign_id, "request_id": request_id,
                "expires_at": expires_at.isoformat().replace("+00:00", "Z") if expires_at else None,
                "expires_in_s": max(1, int((expires_at - datetime.now(timezone.utc)).total_seconds())) if expires_at else None}
        try:
            response = self._client.post(f"/admin/accounts/{quote(account_id, safe='')}/override", json=body)
        except httpx.HTTPError as exc:
            return GatewayResult(False, None, f"{type(exc).__name__}: {exc}")
        return GatewayResult(response.is_success, response.status_code, response.text)

    def audit(self, limit: int = 50, account_id: str | None = None) -> tuple[list[dict], str | None]:
        """GET /admin/audit; returns (rows, error)."""
        import httpx

        params: dict[str, Any] = {"limit": limit}
        if account_id:
            params["account_id"] = account_id
        try:
            response = self._client.get("/admin/audit", params=params, timeout=2.0)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return [], f"{type(exc).__name__}: {exc}"
        rows = body.get("audit", body.get("items", body.get("rows", []))) if isinstance(body, dict) else body
        return [r for r in rows if isinstance(r, dict)][:limit], None
