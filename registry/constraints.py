"""The one table that names the field of every database constraint, so that an IntegrityError the
write path could not foresee still reaches the person as an error on a field, with the
constraint's own message — never as a 500 or as "the database refused it".

The write path skips Django's model checks where ``clean()``, the WriteSerializer or the admin's
forms already make them (see ``registry.services.check_record``); the database enforces the rest
and this table turns its refusals back into ``ValidationError({field: message})``.
"""

import re
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

APPS = ("registry", "contracts", "disclosures")

# Constraints whose first named column is not the field a person should correct.
FIELD_OVERRIDES = {
    "contracts_publicterm_has_owner": "agreement",
    "contracts_agreement_not_own_parent": "parent",
    "contracts_publicterm_not_superseding_itself": "supersedes",
    "registry_changelog_public_id_iff_public": "public_id",
    "contracts_party_once": "vendor",
    "registry_submission_decision_has_reason": "decision_reason",
    "registry_submission_target_for_changes": "target_slug",
    "disclosures_eventlink_exactly_one_target": "__all__",
}
# Otherwise: "…_<end>_not_before_<start>" (registry.fields.date_order_constraint) names the end, as
# clean() does; "…_<money>_has_currency" names the currency; any other, its first column.


def _condition_fields(node):
    """Field names a Q condition refers to, in order."""
    names = []
    for child in getattr(node, "children", ()):
        if isinstance(child, tuple):
            names.append(child[0].split("__")[0])
        else:
            names.extend(_condition_fields(child))
    return names


@cache
def constraint_table():
    """{constraint name: (model, field name, message)} for every named constraint and every
    unique column of the registry's three apps."""
    table = {}
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            for constraint in model._meta.constraints:
                name = constraint.name
                if isinstance(constraint, models.UniqueConstraint):
                    field = FIELD_OVERRIDES.get(name, constraint.fields[-1])
                elif name in FIELD_OVERRIDES:
                    field = FIELD_OVERRIDES[name]
                elif "_not_before_" in name:
                    end = name.split("_not_before_")[0]
                    field = next(f for f in _condition_fields(constraint.condition) if end.endswith(f"_{f}"))
                elif name.endswith("_has_currency"):
                    field = next(f for f in _condition_fields(constraint.condition) if f.endswith("_currency"))
                else:
                    field = _condition_fields(constraint.condition)[0]
                message = constraint.violation_error_message or constraint.get_violation_error_message()
                table[name] = (model, field, str(message))
            for model_field in model._meta.concrete_fields:
                if model_field.unique and not model_field.primary_key:
                    key = f"{model._meta.db_table}.{model_field.column}"
                    table[key] = (model, model_field.name,
                                  f"Another {model._meta.verbose_name} already has this {model_field.verbose_name}.")
    return table


def _constraint_key(error):
    """The constraint's name (or 'table.column' for a unique column) from the database's error."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):  # PostgreSQL (psycopg)
        name = diag.constraint_name
        if name in constraint_table():
            return name
        table, column = diag.table_name, None
        match = re.fullmatch(rf"{re.escape(table or '')}_(\w+?)_(key|[0-9a-f]{{8}}_uniq)", name)
        if match:
            column = match.group(1)
        return f"{table}.{column}" if column else name
    text = str(error)
    match = re.search(r"CHECK constraint failed: (\w+)", text)  # SQLite
    if match:
        return match.group(1)
    match = re.search(r"UNIQUE constraint failed: ([\w., ]+)", text)
    if match:
        columns = match.group(1).split(", ")
        if len(columns) == 1 and columns[0] in constraint_table():  # a unique column; else a one-column constraint
            return columns[0]
        table = columns[0].split(".")[0]
        wanted = {c.split(".")[1] for c in columns}
        for name, (model, _field, _message) in constraint_table().items():
            constraint = next((c for c in model._meta.constraints if c.name == name), None)
            if model._meta.db_table == table and isinstance(constraint, models.UniqueConstraint) and \
                    {model._meta.get_field(f).column for f in constraint.fields} == wanted:
                return name
    return None


def as_validation_error(error):
    """A ValidationError naming the field of the constraint an IntegrityError broke."""
    entry = constraint_table().get(_constraint_key(error))
    if entry is None:
        return ValidationError({"__all__": [f"The database refused the change: {error}"]})
    _model, field, message = entry
    return ValidationError({field: [message]})
