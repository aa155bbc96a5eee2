import pytest


@pytest.fixture(autouse=True)
def lockout_on(settings):
    """The accounts tests run with the failed-login lockout on, as production does (the rest of the suite turns
    it off so that client.login() works)."""
    settings.AXES_ENABLED = True

