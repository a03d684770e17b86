"""Coordinated response: one provider's side of the loop detect -> share -> match -> throttle.

A `ProviderNode` holds the provider's keyring, its `intel_match` detector and its
hub credentials. When its own detection flags a campaign it exports and pushes a
bundle; when the hub's signed webhook says peers published, it polls at once
and loads what it got into the detector, which from then on blocks matching
accounts (and re-checks accounts already active). Polling on a timer is the
fallback when webhooks are not configured or lost.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from distillguard.intel import client
from distillguard.intel.export import CampaignData, build_bundle, identity_id
from distillguard.intel.keys import Keyring
from distillguard.intel.matcher import IntelMatchDetector
from distillguard.intel.webhooks import WebhookError, WebhookVerifier


@dataclass
class HubLink:
    url: str
    api_root: str
    collection_id: str
    user: str
    key: str


@dataclass
class ProviderNode:
    name: str
    keyring: Keyring
    hub: HubLink
    webhook_secret: bytes | None = None
    block_threshold: float = 0.8
    detector: IntelMatchDetector = field(init=False)
    state: client.PollState = field(default_factory=client.PollState)
    intel_loaded_at: list[float] = field(default_factory=list)  # monotonic times a poll loaded new intel
    problems: list[str] = field(default_factory=list)
    received: list = field(default_factory=list)  # IntelPackages loaded, in arrival order
    webhook_refusals: list[str] = field(default_factory=list)
    webhook_state: str | None = None  # SQLite file remembering received notification ids across restarts

    def __post_init__(self) -> None:
        self.detector = IntelMatchDetector(self.keyring, block_threshold=self.block_threshold)
        self.identity = identity_id(self.name)
        self._lock = threading.Lock()

    # -- outgoing --------------------------------------------------------------
    def share(self, campaigns: dict[str, CampaignData], flagged: set[str], events: list) -> dict:
        """Export the campaigns detected here and push them to the hub."""
        bundle, stats = build_bundle(campaigns, flagged, events, self.keyring, self.name)
        status = client.push(bundle, self.hub.url, self.hub.api_root, self.hub.collection_id, self.hub.user, self.hub.key)
        return {"status": status, "stats": stats, "bundle": bundle}

    # -- incoming --------------------------------------------------------------
    def poll_once(self) -> int:
        """Fetch new peer intel and load it; returns how many packages were loaded."""
        with self._lock:
            packages, problems = client.poll(
                self.hub.url, self.hub.api_root, self.hub.collection_id, self.hub.user, self.hub.key,
                self.state, own_identity=self.identity,
            )
            self.problems += problems
            for package in packages:
                self.detector.load(package)
                self.received.append(package)
            if packages:
                self.intel_loaded_at.append(time.monotonic())
            return len(packages)

    def wait_for_intel(self, timeout_s: float, packages: int = 1) -> bool:
        """Block until at least `packages` peer packages have been loaded (or the timeout passes)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < packages:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def webhook_app(self) -> FastAPI:
        """A tiny receiver: verify the hub's signed notification, then poll in the background."""
        if not self.webhook_secret:
            raise ValueError(f"{self.name}: no webhook secret configured")
        verifier = WebhookVerifier(self.webhook_secret, state_path=self.webhook_state)
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @app.post("/intel/webhook")
        async def receive(request: Request):
            body = await request.body()
            try:
                note = verifier.verify(request.headers, body)
            except WebhookError as exc:
                self.webhook_refusals.append(str(exc))
                return JSONResponse({"error": str(exc)}, status_code=409 if "replay" in str(exc) else 401)
            if note.get("collection_id") == self.hub.collection_id:
                threading.Thread(target=self._safe_poll, daemon=True).start()
            return {"accepted": True}

        return app

    def _safe_poll(self) -> None:
        try:
            self.poll_once()
        except client.ClientError as exc:
            self.problems.append(str(exc))

    # -- enforcement -------------------------------------------------------------
    def admit(self, event) -> bool:
        """Observe one request and say whether to serve it (False: throttled by shared intel)."""
        self.detector.observe(event)
        return not self.detector.is_blocked(event.account_id)
