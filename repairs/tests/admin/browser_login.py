"""Logging in to the admin through its own login page, as a person would."""

from playwright.sync_api import expect

from repairs.tests.factories import PASSWORD


def log_in(page, base_url: str, user, *, then: str) -> None:
    page.goto(f"{base_url}/admin/login/?next={then}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(f"{base_url}{then}")
