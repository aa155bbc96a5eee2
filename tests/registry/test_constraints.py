"""Every database constraint of the three apps names a field and a message, so a refusal the
write path's checks did not foresee still reaches the person on the right field."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from contracts.models import Agreement, AgreementParty, Vendor
from registry.constraints import APPS, constraint_table
from registry.models import Source
from registry.services import apply_change
from tests.builders import make_agreement, make_party, make_source, make_vendor

NAMED = sorted(c.name for app in APPS for model in apps.get_app_config(app).get_models()
               for c in model._meta.constraints
               if isinstance(c, models.CheckConstraint | models.UniqueConstraint))


@pytest.mark.parametrize("name", NAMED)
def test_each_named_constraint_maps_to_a_field_of_its_model_and_a_message(name):
    model, field, message = constraint_table()[name]

    assert field == "__all__" or model._meta.get_field(field)  # __all__: a rule over several fields
    assert message and "is violated" not in message


def refusal(record, staff):
    with pytest.raises(ValidationError) as error:
        apply_change(record, user=staff, reason="test", validate=False)
    return error.value.message_dict


@pytest.mark.django_db
def test_a_check_constraint_refusal_names_its_field(staff):
    vendor = make_vendor()
    vendor.uei = "lower-case!!"

    assert refusal(vendor, staff) == {"uei": ["A UEI is 12 upper-case letters and digits."]}
    assert Vendor.objects.get(pk=vendor.pk).uei == ""


@pytest.mark.django_db
def test_a_unique_constraint_refusal_names_its_field(staff):
    party = make_party(make_agreement())

    again = AgreementParty(agreement=party.agreement, vendor=party.vendor, role=party.role)
    assert refusal(again, staff) == {"vendor": ["This vendor already has this role in the agreement."]}


@pytest.mark.django_db
def test_a_unique_column_refusal_names_its_field(staff):
    deal, source = make_agreement(), make_source()

    # check_record leaves uniqueness to the database: apply_change with validation still names the field
    with pytest.raises(ValidationError) as error:
        apply_change(Agreement(slug=deal.slug, title="Same slug"), user=staff, reason="test")
    assert list(error.value.message_dict) == ["slug"]
    assert "already has this slug" in error.value.message_dict["slug"][0]
    assert list(refusal(Source(slug="other", url=source.url, title="Same URL"), staff)) == ["url"]
