"""End to end in a real headless Chromium: log in, open the top campaign, act on it, find it in the audit trail.

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


def test_login_open_top_campaign_act_and_find_it_in_the_audit_trail(store, users_file, shots):
    sync_playwright, executable = _require_browser()
    from distillguard.dashboard.app import create_app

    gateway = fake_gateway("gw-token")
    with LiveServer(gateway) as gw:
        app = create_app(store, users_file, gateway_url=gw.url, gateway_token="gw-token", secret=b"b" * 32, hold_store=False)
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
                page.fill("input[name=username]", "carol")
                page.fill("input[name=password]", PASSWORD)
                page.click("#login-form button[type=submit]")
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
                members = page.locator("svg.graph circle").count()
                assert members >= 2
                page.screenshot(path=str(shots / "03-campaign.png"), full_page=True)

                # act on the whole campaign (the page asks for confirmation)
                form = page.locator("form.actions").first
                form.locator("input[name=reason]").fill("e2e: confirmed extraction campaign")
                form.locator("button[value=approve]").click()
                page.wait_for_selector(".flash")
                flash = page.locator(".flash").inner_text()
                assert "approve" in flash and "recorded in the audit trail" in flash and "applied" in flash, flash
                assert dialogs and "approve all" in dialogs[0]
                page.screenshot(path=str(shots / "04-after-action.png"), full_page=False)
                assert len(gateway.state.calls) == members

                # the audit trail has it
                page.click("header nav >> text=Audit trail")
                page.wait_for_selector("#audit")
                audit_text = page.locator("#audit").inner_text()
                assert "e2e: confirmed extraction campaign" in audit_text and campaign_id in audit_text and "carol" in audit_text
                page.screenshot(path=str(shots / "05-audit.png"), full_page=True)

                # an account page, with the action in its history
                page.goto(server.url + f"/campaigns/{campaign_id}")
                page.locator("#members tbody a").first.click()
                page.wait_for_selector("#history")
                assert "e2e: confirmed extraction campaign" in page.locator("#history").inner_text()
                page.screenshot(path=str(shots / "06-account.png"), full_page=True)

                # logging out ends the session
                page.click("header button:has-text('Log out')")
                page.wait_for_url("**/login")
                page.goto(server.url + "/audit")
                assert "/login" in page.url
                assert not [e for e in errors if "Content Security Policy" in e], errors
            finally:
                browser.close()
    for name in ("01-login", "02-overview", "03-campaign", "04-after-action", "05-audit", "06-account"):
        assert (shots / f"{name}.png").stat().st_size > 5_000
