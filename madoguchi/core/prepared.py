"""Querysets compiled to SQL once, then run again with the values of each call (the busiest reads).

Django compiles a queryset to SQL on every evaluation. On the serving path (call-next, start, complete)
that compilation was 30% of the requests' CPU (5.6 of 18.6 s profiled over 300 tickets served, PostgreSQL),
most of it for three reads that differ from call to call only in their values: the API token with its
user, the Step locked for a change, the next visitor called. A ``PreparedQuery`` builds its queryset once
with marker values, compiles it, notes where the markers stand among the SQL parameters, and from then on
sends the same SQL with the call's values in their place; the rows become model instances exactly as
Django's own ``ModelIterable`` makes them (``select_related`` objects and annotations included), or the
tuples of a ``values_list()``.

Only for values that reach the SQL as plain parameters — exact lookups on integer or text columns, the
parameters of a ``RawSQL`` — and whose SQL depends on nothing else that changes (not the time, not a
setting a test overrides). Compiling checks that every marker stands among the parameters as itself and
nowhere in the SQL text, and refuses otherwise. The compiled form is kept per thread and database alias
(the converters belong to the thread's connection). ``tests/test_prepared.py`` runs each prepared query of
the project against its plain queryset.
"""

import threading
from collections.abc import Callable
from itertools import count

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import NOT_PROVIDED, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError

_marker_numbers = count(1)
_BIGINT = (-(2**63), 2**63 - 1)  # what an integer column holds, on every database


def _marker(kind: type, number: int):
    if kind is int:
        return -(2**62) - number  # no id, desk or count of the project is near it
    if kind is str:
        return f"\x1fprepared-marker-{number}\x1f"
    raise TypeError(f"A prepared query takes int and str values, not {kind.__name__}.")


class _Compiled:
    def __init__(self, queryset: QuerySet, markers: dict[str, object]):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        positions = {name: [i for i, p in enumerate(params) if type(p) is type(m) and p == m]
                     for name, m in markers.items()}
        for name, marker in markers.items():
            if not positions[name] or str(marker) in sql:
                raise ValueError(f"The value {name!r} does not reach the SQL as a parameter of its own: "
                                 "this queryset cannot be prepared.")
        self.sql, self.params, self.positions = sql, list(params), positions
        self.for_update = bool(queryset.query.select_for_update) and compiler.connection.features.has_select_for_update
        self.connection = compiler.connection
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        select, klass_info = compiler.select, compiler.klass_info
        iterable = queryset._iterable_class
        self.model, self.flat = None, iterable is FlatValuesListIterable
        if iterable is ModelIterable:
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
            self.populators = get_related_populators(klass_info, select, queryset.db)
            self.annotations = dict(compiler.annotation_col_map or {})
        elif iterable not in (ValuesListIterable, FlatValuesListIterable) or queryset.query.annotation_select \
                or queryset.query.extra_select:
            raise ValueError("Model instances or values_list() of fields only: this queryset cannot be prepared.")
        self.converters = compiler.get_converters([column[0] for column in select[:compiler.col_count]])
        self.compiler = compiler

    def run(self, alias: str, values: dict[str, object]) -> list:
        params = list(self.params)
        for name, value in values.items():
            for position in self.positions[name]:
                params[position] = value
        connection = self.connection
        if self.for_update and connection.get_autocommit() and connection.features.supports_transactions:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.col_count is not None:
            rows = [row[:self.col_count] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.model is None:  # values_list()
            return [row[0] for row in rows] if self.flat else [tuple(row) for row in rows]
        found = []
        for row in rows:
            obj = self.model.from_db(alias, self.init_list, row[self.start:self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class PreparedQuery:
    """``build(**values)`` → a queryset of model instances or a ``values_list()`` of fields; ``types``: each
    value's type (int or str).

    ``PreparedQuery(lambda pk: Token.objects.select_related("user").filter(pk=pk), pk=int).one(pk=7)``."""

    def __init__(self, build: Callable[..., QuerySet], **types: type):
        for kind in types.values():
            _marker(kind, 0)  # int and str only: refused here, not at the first request
        self.build, self.types = build, types
        self._local = threading.local()

    def _compiled(self, alias: str) -> _Compiled:
        cache = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(alias)
        if compiled is None or compiled.connection is not connections[alias]:
            markers = {name: _marker(kind, next(_marker_numbers)) for name, kind in self.types.items()}
            compiled = cache[alias] = _Compiled(self.build(**markers).using(alias), markers)
        return compiled

    def all(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        if values.keys() != self.types.keys():
            raise TypeError(f"A prepared query takes {sorted(self.types)}, not {sorted(values)}.")
        for name, value in values.items():
            if type(value) is not self.types[name]:
                raise TypeError(f"{name} must be {self.types[name].__name__}, not {type(value).__name__}.")
            if type(value) is int and not _BIGINT[0] <= value <= _BIGINT[1]:
                return []  # no row has it, as the ORM answers (SQLite's driver would raise OverflowError: a 500)
        return self._compiled(using).run(using, values)

    def one(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        """The one row (``Model.DoesNotExist`` when none), as ``get()``; the queryset must match at most one."""
        found = self.all(using=using, **values)
        if len(found) == 1:
            return found[0]
        model = self._compiled(using).model
        if not found:
            raise model.DoesNotExist(f"{model.__name__} matching query does not exist.")
        raise model.MultipleObjectsReturned("More than one row matched a prepared query.")

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        """The first row or None; the queryset sets its order and ``[:1]``."""
        found = self.all(using=using, **values)
        return found[0] if found else None


class PreparedUpdate:
    """``UPDATE`` of some fields of one row, by its primary key: ``instance.save(update_fields=…)`` without
    compiling the statement on every call (the queue tail, written by every registration, spent ~7% of a
    registration's CPU there). The SQL is the one Django's UPDATE compiler writes for it, made once per
    database alias; the values go through each field's ``pre_save`` and ``get_db_prep_save`` as in
    ``Model.save``. Like ``save(update_fields=…)``, a row that is not there is an error. No signals are
    sent (the project connects none). ``tests/test_prepared.py`` checks it against ``save``."""

    def __init__(self, model, *field_names: str):
        meta = model._meta
        fields = [meta.get_field(name) for name in field_names]
        for field in fields:
            if not field.concrete or field.primary_key or hasattr(field, "get_placeholder"):
                raise ValueError(f"{model.__name__}.{field.name} cannot be written by a prepared UPDATE.")
        self.model, self.fields = model, fields
        self._sql: dict[str, str] = {}

    def _statement(self, connection) -> str:
        sql = self._sql.get(connection.alias)
        if sql is None:
            quote, meta = connection.ops.quote_name, self.model._meta
            table = quote(meta.db_table)
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in self.fields)
            sql = self._sql[connection.alias] = (
                f"UPDATE {table} SET {assignments} WHERE {table}.{quote(meta.pk.column)} = %s")  # noqa: S608 - quoted names of the model, values as parameters
        return sql

    def save(self, instance, *, using: str = DEFAULT_DB_ALIAS) -> None:
        connection = connections[using]
        params = [field.get_db_prep_save(field.pre_save(instance, False), connection=connection)
                  for field in self.fields]
        params.append(self.model._meta.pk.get_db_prep_value(instance.pk, connection))
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), params)
            if cursor.rowcount == 0:
                raise self.model.DoesNotExist(f"No {self.model.__name__} row {instance.pk!r} to update.")


class PreparedInsert:
    """``INSERT`` of new rows, the database giving each its automatic key: ``instance.save(force_insert=True)``
    and ``bulk_create`` without compiling the statement on every call (a registration inserts its visit, its
    steps, their procedures and the queued event, and every call, start and completion an event: compiling
    those INSERTs was ~11% of a registration's CPU). The statement is Django's for one row — every local
    concrete field but the key, ``RETURNING`` the key — and for several rows ``VALUES (…), (…)`` (Django 5.2
    sends PostgreSQL an ``UNNEST`` there: the same rows and keys in the same order), made once per database
    alias and number of rows. The values go through each field's ``pre_save(add=True)`` and
    ``get_db_prep_save`` inside the same rollback guard as in ``Model.save``, and each instance gets its key
    and its saved state as there. Whatever this cannot do as the ORM does goes through the ORM: rows that
    already have a key, more rows than one statement takes, a database that cannot return the keys of an
    INSERT (or returns them through parameters), and a model with a ``pre_save``/``post_save`` receiver (the
    project connects none: a future one is not skipped). ``tests/test_prepared.py`` checks it against the ORM."""

    def __init__(self, model):
        meta = model._meta
        if meta.parents or meta.auto_field is None or meta.auto_field is not meta.pk:
            raise ValueError(f"{model.__name__}: a prepared INSERT needs one table and an automatic key.")
        fields = [field for field in meta.local_concrete_fields if field is not meta.pk]
        for field in fields:
            if field.generated or field.db_returning or hasattr(field, "get_placeholder") \
                    or field.db_default is not NOT_PROVIDED:
                raise ValueError(f"{model.__name__}.{field.name} cannot be written by a prepared INSERT.")
        if not fields:
            raise ValueError(f"{model.__name__}: nothing to insert but the key.")
        self.model, self.fields = model, fields
        self._sql: dict[tuple[str, int], str | None] = {}

    def _statement(self, connection, rows: int) -> str | None:
        """The INSERT of ``rows`` rows on this database; None where the keys come back through parameters
        (Oracle's ``RETURNING … INTO``), which only the ORM reads."""
        key = (connection.alias, rows)
        if key not in self._sql:
            ops, meta = connection.ops, self.model._meta
            columns = ", ".join(ops.quote_name(field.column) for field in self.fields)
            values = ops.bulk_insert_sql(self.fields, [["%s"] * len(self.fields)] * rows)
            returning, returned_through = ops.return_insert_columns([meta.pk])
            self._sql[key] = None if returned_through else (
                f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) {values} {returning}")
        return self._sql[key]

    def save(self, instance, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Where the ORM would write ``instance.save(force_insert=True)``: one row, the statement made once."""
        self.bulk([instance], using=using)

    def bulk(self, instances: list, *, using: str = DEFAULT_DB_ALIAS) -> list:
        """Where the ORM would write ``bulk_create(instances)``: one statement for them all, each instance given
        its key in the order the rows were sent."""
        if not instances:
            return instances
        connection = connections[using]
        features, several = connection.features, len(instances) > 1
        sql = self._statement(connection, len(instances)) if (
            features.can_return_rows_from_bulk_insert if several else features.can_return_columns_from_insert) \
            else None
        if sql is None or any(instance.pk is not None for instance in instances) \
                or len(instances) > connection.ops.bulk_batch_size(self.fields, instances) \
                or pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            if several:
                return self.model.objects.using(using).bulk_create(instances)
            instances[0].save(force_insert=True, using=using)
            return instances
        for instance in instances:  # an unsaved related object is refused before anything, as by the ORM
            instance._prepare_related_fields_for_save(operation_name="bulk_create" if several else "save")
        with transaction.mark_for_rollback_on_error(using):
            params = []
            for instance in instances:
                for field in self.fields:
                    value = field.pre_save(instance, True)
                    if hasattr(value, "resolve_expression"):
                        raise TypeError(f"{self.model.__name__}.{field.name}: an expression is not a value to insert.")
                    params.append(field.get_db_prep_save(value, connection=connection))
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                keys = cursor.fetchall()
        attname = self.model._meta.pk.attname
        for instance, (key,) in zip(instances, keys, strict=True):
            setattr(instance, attname, key)
            instance._state.adding, instance._state.db = False, using
        return instances
