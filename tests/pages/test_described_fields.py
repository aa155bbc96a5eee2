"""Every field's help is wired to it: each id an `aria-describedby` names exists on the page (a screen
reader reads the help with the field). Django names help `<id>_helptext` and errors `<id>_error`."""

import re

import pytest

from registry.interchange import record_types
from submissions import services
from tests.builders import make_agreement, offered_source

pytestmark = pytest.mark.django_db


def dangling_references(html):
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    named = [name for group in re.findall(r'aria-describedby="([^"]+)"', html) for name in group.split()]
    return named, [name for name in named if name not in ids]


@pytest.mark.parametrize("path", [t.path for t in record_types()])
def test_every_list_filter_names_help_that_exists(client, path):
    named, dangling = dangling_references(client.get(f"/{path}/").content.decode())

    assert named and dangling == []


def test_every_form_of_the_watchdog_journey_names_help_that_exists(client, alice, mod):
    agreement = make_agreement()
    pending = services.submit(user=alice, kind="create", record_type="vendor", payload={"name": "V", "kind": "other"},
                              sources=[offered_source(claims=["name"])], rationale="r")
    client.force_login(alice)
    pages = ["/account/", "/account/organisations/new/", "/account/password/",
             *[f"/submit/{t.path}/" for t in record_types()], f"/submit/agreements/{agreement.slug}/correction/",
             f"/submit/agreements/{agreement.slug}/retraction/"]
    problems = {}
    for path in pages:
        named, dangling = dangling_references(client.get(path).content.decode())
        if dangling:
            problems[path] = dangling
    client.force_login(mod)
    for path in ("/moderation/", f"/moderation/{pending.pk}/"):
        named, dangling = dangling_references(client.get(path).content.decode())
        if dangling:
            problems[path] = dangling
    # a form sent back with its errors
    client.force_login(alice)
    named, dangling = dangling_references(client.post("/submit/agreements/", {"step": "preview"}).content.decode())
    if dangling:
        problems["/submit/agreements/ with errors"] = dangling

    assert problems == {}
