"""What the workbench's browser tests share: logging in through its own page, and one step."""

from playwright.sync_api import expect

from repairs.tests.factories import PASSWORD


def log_in(page, base_url: str, technician, *, then: str = "/service/") -> None:
    """Log in as `technician` through /service/login/ and land on `then`."""
    page.goto(f"{base_url}/service/login/?next={then}")
    page.get_by_label("Логин").fill(technician.user.username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{base_url}{then}")


def step(
    page,
    name: str,
    button: str,
    *,
    fields=None,
    lines=(),
    ticks=(),
    note: str = "",
    fault: str = "",
    done: str,
):
    """Fill one step's form on the order page (`lines`: each row's fields by label, in the
    form's lines; tick the boxes labelled `ticks`; pick the `fault` category by its name),
    press its button, wait for the message."""
    form = page.locator(f'form[data-step="{name}"]')
    if fault:
        form.get_by_label("Категория неисправности").select_option(label=fault)
    for row, values in zip(form.locator("fieldset.work-line").all(), lines, strict=False):
        for label, value in values.items():
            row.get_by_label(label).fill(value)
    for label, value in (fields or {}).items():
        form.get_by_label(label).fill(value)
    for label in ticks:
        form.get_by_label(label).check()
    if note:
        form.locator("summary").click()
        form.get_by_label("Комментарий для клиента").fill(note)
    form.get_by_role("button", name=button).click()
    expect(page.locator(".notice-ok")).to_contain_text(done)
