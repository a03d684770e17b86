"""End to end in a real headless Chromium: from a flagged campaign to its raw requests, an action, the audit trail.

Needs Playwright (`pip install playwright==1.65.2`, no browser download) and Debian's `chromium`
(installed by scripts/test-services.sh). Outside CI the test skips with the reason when either is
missing; with CI=true it fails instead. Screenshots go to $DISTILLGUARD_SCREENSHOTS, default
bench/_work/dashboard_screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")

from tests.dashboard.conftest import PASSWORD, LiveServer, fake_gateway  # noqa: E402
from tests.dashboard.store_builder import PLANTED_EMAIL, PLANTED_KEY  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("DISTILLGUARD_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _require_browser() -> tuple[object, str]:
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install playwright==1.65.2; no browser download needed)"
        pytest.fail(reason) if in_ci else pytest.skip(reason)
    executable = _chromium()
    if executable is None:
        reason = "Chromium not found (apt-get install chromium, or run through scripts/test-services.sh)"
        pytest.fail(reason) if in_ci else pytest.skip(reason)
    return sync_playwright, executable


@pytest.fixture()
def shots() -> Path:
    path = Path(os.environ.get("DISTILLGUARD_SCREENSHOTS", ROOT / "bench" / "_work" / "dashboard_screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _no_secret(text: str, where: str) -> None:
    for secret in (PLANTED_EMAIL, PLANTED_KEY):
        assert secret not in text, f"{secret} visible to a viewer on {where}"


def test_from_campaign_to_raw_request_then_block_with_expiry_and_one_audit_row(planted_store, users_file, shots):
    """The analyst's walk: log in, overview, campaign, its whole link graph, a finding's example, the raw request with
    its response, block the campaign with an expiry, one audit row; then a viewer finds no planted secret anywhere."""
    sync_playwright, executable = _require_browser()
    from distillguard.dashboard.app import create_app

    gateway = fake_gateway("gw-token")
    with LiveServer(gateway) as gw:
        app = create_app(planted_store, users_file, gateway_url=gw.url, gateway_token="gw-token", secret=b"b" * 32, hold_store=False)
        with LiveServer(app) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(20_000)
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                dialogs: list[str] = []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))

                # anonymous: redirected to the login page
                page.goto(server.url + "/campaigns")
                assert "/login" in page.url
                page.screenshot(path=str(shots / "01-login.png"))
                login(page, "carol")
                page.wait_for_url(server.url + "/campaigns")

                # overview, then the top campaign
                page.click("header nav >> text=Overview")
                page.wait_for_selector("#top-campaigns")
                assert page.locator("svg.chart").count() >= 6
                page.screenshot(path=str(shots / "02-overview.png"), full_page=True)
                top = page.locator("#top-campaigns tbody tr").first.locator("a").first
                campaign_id = top.inner_text().strip()
                top.click()
                page.wait_for_selector("svg.graph")
                assert campaign_id in page.locator("h1").inner_text()

                # the graph draws every link that joined the campaign: n - 1 lines for n members
                circles = page.locator("svg.graph circle").count()
                lines = page.locator("svg.graph line").count()
                assert circles >= 2 and lines == circles - 1
                page.click("#links summary")
                assert page.locator("#links tbody tr").count() == lines
                page.screenshot(path=str(shots / "03-campaign.png"), full_page=True)

                # a finding's example leads to the requests behind it, and one of them opens in full with its response
                example = page.locator("a.example").first if page.locator("a.example").count() else page.locator(".examples a").first
                example.click()
                page.wait_for_selector("#requests")
                assert page.locator("#requests tbody tr a").count() >= 1
                page.screenshot(path=str(shots / "04-requests.png"), full_page=False)
                page.locator("#requests tbody tr").first.locator("a").first.click()
                page.wait_for_selector("#response")
                request_id = page.locator("#request-id").inner_text().strip()
                assert page.locator("#response pre").inner_text().strip()
                assert page.locator("#messages .message").count() >= 1
                page.screenshot(path=str(shots / "05-request.png"), full_page=True)

                # block the whole campaign for 24 hours (the page asks for confirmation)
                page.goto(server.url + f"/campaigns/{campaign_id}")
                form = page.locator("form.actions").first
                form.locator("input[name=reason]").fill("e2e: confirmed extraction campaign")
                form.locator("select[name=expiry]").select_option("24h")
                form.locator("button[value=block]").click()
                page.wait_for_selector(".flash")
                flash = page.locator(".flash").inner_text()
                assert "block until" in flash and "as 1 row(s)" in flash and f"{circles} applied" in flash, flash
                assert dialogs and f"block all {circles}" in dialogs[0]
                assert len(gateway.state.calls) == circles and all(c["expires_at"] for c in gateway.state.calls)
                page.screenshot(path=str(shots / "06-after-action.png"), full_page=False)

                # the audit trail has one row for the decision, listing its members
                page.goto(server.url + f"/audit?campaign_id={campaign_id}")
                page.wait_for_selector("#audit")
                rows = page.locator("#audit tbody tr")
                assert rows.count() == 1
                assert "e2e: confirmed extraction campaign" in rows.first.inner_text() and campaign_id in rows.first.inner_text()
                page.screenshot(path=str(shots / "07-audit.png"), full_page=True)

                # logging out ends the session
                page.click("header button:has-text('Log out')")
                page.wait_for_url("**/login")
                page.goto(server.url + "/audit")
                assert "/login" in page.url

                # a viewer: no planted secret on any page, in evidence, the API or an export
                login(page, "bob")
                page.wait_for_load_state()
                for path in ("/", f"/campaigns/{campaign_id}", f"/campaigns/{campaign_id}?raw=1", f"/requests/{request_id}",
                             f"/requests/{request_id}?raw=1", f"/requests?campaign_id={campaign_id}", "/queue", "/audit"):
                    page.goto(server.url + path)
                    page.wait_for_load_state()
                    _no_secret(page.content(), path)
                for path in (f"/api/requests/{request_id}", f"/api/requests?campaign_id={campaign_id}", "/api/campaigns",
                             f"/requests?campaign_id={campaign_id}&format=csv", f"/requests?campaign_id={campaign_id}&format=json"):
                    response = page.request.get(server.url + path)
                    assert response.status == 200, path
                    _no_secret(response.text(), path)
                page.goto(server.url + f"/requests/{request_id}")
                page.screenshot(path=str(shots / "08-viewer-request.png"), full_page=True)
                assert not [e for e in errors if "Content Security Policy" in e], errors
            finally:
                browser.close()
    for name in ("01-login", "02-overview", "03-campaign", "04-requests", "05-request", "06-after-action", "07-audit",
                 "08-viewer-request"):
        assert (shots / f"{name}.png").stat().st_size > 5_000


def login(page, user: str) -> None:
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
