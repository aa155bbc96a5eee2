"""Fast INSERTs and UPDATEs for the bulk write path (``registry.services.write_records``).

Django's ``bulk_create``/``bulk_update`` compile every value of every row through the query compiler (and
``bulk_update`` writes a CASE per column); at a few hundred thousand rows that is most of a load's time. Here
each row's values go through the same field methods (``pre_save``, ``get_db_prep_save``) into one statement per
model, run with ``executemany`` (SQLite) or as multi-row VALUES (PostgreSQL). Ids are taken beforehand — from the
sequence on PostgreSQL, above the largest id ever given on SQLite (the caller's transaction holds SQLite's write
lock) — so no RETURNING is needed and history rows and change rows can name them.

History rows are built the way ``simple_history``'s ``bulk_history_create`` builds them, as plain rows, without
making a model instance per row.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field
from django.db.models.fields import AutoFieldMixin
from simple_history.utils import get_change_reason_from_object


# The connection itself, not django.db.connection: that proxy looks it up again on every attribute read, which
# at a million values is seconds.
def _connection():
    return connections[DEFAULT_DB_ALIAS]


# Values per PostgreSQL statement (well under its 65,535 parameters), rows per SQLite executemany call.
POSTGRES_VALUES = 20_000
SQLITE_ROWS = 2_000


# Below this many rows Django's bulk_create (one INSERT … RETURNING) costs fewer queries than taking ids first.
FAST_FROM = 50


def supports(model, count=FAST_FROM):
    """Whether to write ``count`` rows of ``model`` here: a plain table with an auto-incremented id, and enough
    rows for it to pay; else use bulk_create."""
    meta = model._meta
    return count >= FAST_FROM and not meta.parents and isinstance(meta.pk, AutoFieldMixin)


def take_ids(model, count):
    """``count`` new ids for ``model``'s table, ascending."""
    connection = _connection()
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(table), column, count])
            return sorted(row[0] for row in cursor.fetchall())
        # AUTOINCREMENT never gives an id again, even one whose row was deleted: above both the largest id and
        # the table's counter (Django's tables are AUTOINCREMENT, so sqlite_sequence exists).
        cursor.execute(f"SELECT max(coalesce((SELECT max({connection.ops.quote_name(column)}) "
                       f"FROM {connection.ops.quote_name(table)}), 0), "
                       "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", [table])
        largest = cursor.fetchone()[0]
    return list(range(largest + 1, largest + 1 + count))


def _insertable(model):
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _custom_pre_save(field):
    return type(field).pre_save is not Field.pre_save


def insert(model, objs):
    """INSERT ``objs`` (new instances of ``model``), giving each its id as bulk_create does."""
    connection = _connection()
    if not objs:
        return objs
    fields = _insertable(model)
    pre_saved = {f for f in fields if _custom_pre_save(f)}
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, take_ids(model, len(missing)) if missing else [], strict=True):
        obj.pk = pk
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        rows.append([f.get_db_prep_save(f.pre_save(obj, True) if f in pre_saved else getattr(obj, f.attname),
                                        connection) for f in fields])
    _insert_rows(model, [f.column for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_history(model, objs, *, update, default_user, default_change_reason, default_date):
    """The history rows of ``objs`` (just written), as ``model.history.bulk_history_create`` makes them.
    Returns their history ids, in the order of ``objs``."""
    connection = _connection()
    history = model.history.model
    fields = _insertable(history)
    tracked = {f.attname for f in history.tracked_fields}
    known = tracked | {history._meta.pk.attname, "history_date", "history_change_reason", "history_type",
                       "history_user_id"}
    if not supports(history, len(objs)) or any(f.attname not in known for f in fields):
        rows = model.history.bulk_history_create(objs, update=update, default_user=default_user,
                                                 default_change_reason=default_change_reason,
                                                 default_date=default_date)
        return [row.history_id for row in rows]
    history_type = "~" if update else "+"
    ids = take_ids(history, len(objs))
    fallback_user = None
    rows = []
    for obj, history_id in zip(objs, ids, strict=True):
        if hasattr(obj, "_history_user"):
            user = obj._history_user
        elif default_user:
            user = default_user
        else:
            if fallback_user is None:  # the request's user, as simple_history finds it (the same for every row)
                fallback_user = (history.get_default_history_user(obj),)
            user = fallback_user[0]
        values = {history._meta.pk.attname: history_id,
                  "history_date": getattr(obj, "_history_date", default_date),
                  "history_change_reason": get_change_reason_from_object(obj) or default_change_reason,
                  "history_type": history_type,
                  "history_user_id": getattr(user, "pk", user)}
        rows.append([f.get_db_prep_save(values[f.attname] if f.attname in values else getattr(obj, f.attname),
                                        connection) for f in fields])
    _insert_rows(history, [f.column for f in fields], rows)
    return ids


def update(model, objs, field_names):
    """UPDATE each of ``objs`` (stored instances of ``model``) with its ``field_names``: one statement, run for
    every row (bulk_update's CASE per column is slow at scale)."""
    connection = _connection()
    if not objs:
        return objs
    fields = [model._meta.get_field(name) for name in field_names]
    pre_saved = {f for f in fields if _custom_pre_save(f)}
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_update", fields=fields)
        rows.append([f.get_db_prep_save(f.pre_save(obj, False) if f in pre_saved else getattr(obj, f.attname),
                                        connection) for f in fields] + [obj.pk])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SQLITE_ROWS):
            cursor.executemany(sql, rows[start:start + SQLITE_ROWS])
    return objs


def _insert_rows(model, columns, rows):
    connection = _connection()
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            per_statement = max(1, POSTGRES_VALUES // max(1, len(columns)))
            for start in range(0, len(rows), per_statement):
                batch = rows[start:start + per_statement]
                cursor.execute(head + ", ".join([one] * len(batch)), [value for row in batch for value in row])
        else:
            for start in range(0, len(rows), SQLITE_ROWS):
                cursor.executemany(head + one, rows[start:start + SQLITE_ROWS])
