"""Checks shared by the model tests: a rule is enforced by clean() and by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def clean_errors(record):
    """The field errors full_clean() reports (it must report some)."""
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return error.value.message_dict


def assert_refused_by_database(record, constraint):
    """Save without clean(): the database itself must refuse, naming the constraint."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        record.save()


def assert_duplicate_refused_by_database(record):
    """SQLite does not name unique constraints: any unique/duplicate error will do."""
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"), transaction.atomic():
        record.save()
