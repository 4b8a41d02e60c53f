"""GET /docs: interactive documentation that works offline, used in a real browser."""
import shutil

import pytest

from openapi import SPEC_FILE, api, dump
from tests import live

CLIENT_ID, SECRET = "d0c50000-docs-4000-8000-000000000001", "docs-client-secret-0123456789"


@pytest.mark.one_backend
def test_docs_page_uses_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    for asset in ("/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-ui.css"):
        assert asset in html
        assert client.get(asset).status_code == 200


@pytest.mark.one_backend
@pytest.mark.usefixtures("app")  # the Api holds the spec of the app last set up
def test_committed_spec_matches_the_code():
    assert SPEC_FILE.read_text() == dump(api.spec_dict()), "run `make spec` and commit the result"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.live
def test_authorise_and_call_in_a_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Debian's chromium is missing: `make test` installs it"
    env = live.environment(tmp_path, BOOTSTRAP_CLIENT_ID=CLIENT_ID, BOOTSTRAP_CLIENT_SECRET=SECRET)
    assert live.tiergate(env, "setup", "--demo").returncode == 0
    with live.gunicorn(env) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.goto(f"{base}/docs")
        page.get_by_role("button", name="Authorize").first.click()
        dialog = page.locator(".auth-container").filter(has_text="clientCredentials").first
        dialog.locator("input[type=text]").first.fill(CLIENT_ID)
        dialog.locator("input[type=password]").first.fill(SECRET)
        dialog.get_by_role("button", name="Authorize").click()
        page.get_by_role("button", name="Logout").first.wait_for(timeout=15000)
        page.locator(".btn-done, button.close-modal").first.click()
        operation = page.locator("#operations-me-get_me")
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table .response .response-col_status").first
        status.wait_for(timeout=15000)
        assert status.inner_text().strip().startswith("200")
        assert "Administrator" in operation.locator(".live-responses-table").inner_text()
        operation.screenshot(path=str(tmp_path / "docs.png"))
        browser.close()
    assert (tmp_path / "docs.png").stat().st_size > 10_000
