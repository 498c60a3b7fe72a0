"""Logging in to the admin as an editor does, through the login form."""

# The password of the editor fixtures (tests/conftest.py).
EDITOR_PASSWORD = "ett-langt-losenord-123"


def log_in(page, username: str = "redaktor", password: str = EDITOR_PASSWORD) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/")
