"""What the workbench's browser tests share: logging in through the workbench's own page."""

from playwright.sync_api import expect

from repairs.tests.factories import PASSWORD


def log_in(page, base_url: str, technician, *, then: str = "/service/") -> None:
    """Log in as `technician` through /service/login/ and land on `then`."""
    page.goto(f"{base_url}/service/login/?next={then}")
    page.get_by_label("Логин").fill(technician.user.username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{base_url}{then}")
