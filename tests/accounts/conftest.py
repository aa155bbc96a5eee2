import pytest


@pytest.fixture(autouse=True)
def lockout_on(settings):
    """The accounts tests run with the failed-login lockout on, as production does (the rest of the suite turns
    it off so that client.login() works)."""
    settings.AXES_ENABLED = True



@pytest.fixture
def org_b(db):
    """In the accounts tests, organisation B is still waiting for a moderator's verification (A is verified)."""
    from registry.models import Organization
    from tests.builders import make_organization

    return make_organization("Watchdog B", status=Organization.Status.PENDING)
