"""
Querysets compiled once and run again with new values: for a query made on nearly every request.

Django compiles a queryset to SQL each time it runs. For the query that authenticates every request
with a token (a token and its user, one indexed row), compiling costs far more than running it: on the
benchmark machine about 280 of 335 µs of CPU, against 50 µs to send the same SQL and read the row.
`PreparedQuery` compiles the queryset once per database connection and afterwards only substitutes its
values, then builds the model instances as Django's own iteration does (converters, `select_related`).

On PostgreSQL, over connections kept between requests (CONN_MAX_AGE), the statement is also prepared
on the server (`PREPARE`, once per connection), which saves the database parsing and planning it
again: about 60 of its 110 µs of CPU for the token query. Set DATABASE_PREPARED_STATEMENTS=false where
connections are shared between clients by a transaction pooler (PgBouncer in transaction mode), which
cannot keep a statement prepared on a connection.

It runs through Django's cursor, so the query is still logged, counted by the test suite's query
guards, run on a connection opened when there is none, and mapped to Django's database errors like
any other.
"""

import itertools
import re
import threading
import uuid
import weakref
from collections.abc import Callable

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_statement_numbers = itertools.count(1)
_PLACEHOLDER = re.compile(r"%([%s])")


def _numbered_placeholders(sql: str) -> str:
    """Django's `%s` placeholders (and `%%` for a percent sign) as PostgreSQL's `$1`, `$2`, ..."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: "%" if match[1] == "%" else f"${next(numbers)}", sql)


class _Compiled:
    """One queryset compiled for one connection: its SQL, where the values go, how rows become models."""

    def __init__(self, queryset: QuerySet, markers: tuple[str, ...], db: str, name: str):
        compiler = queryset.query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()  # also sets compiler.select and klass_info
        params = list(params)
        self.params = params
        self.slots = []
        for marker in markers:
            slots = [index for index, param in enumerate(params) if param == marker]
            if len(slots) != 1:
                raise ValueError("each value must be passed to the queryset once, as an exact lookup")
            self.slots.append(slots[0])
        self.compiler = compiler
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.fields = slice(start, end)
        self.init_list = [column[0].target.attname for column in compiler.select[self.fields]]
        self.related_populators = get_related_populators(klass_info, compiler.select, db)
        # On PostgreSQL: the statement preparing the query under `name`, and the one running it.
        self.server_side = compiler.connection.vendor == "postgresql"
        self.prepare = f"PREPARE {name} AS {_numbered_placeholders(self.sql)}"
        self.execute = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


class PreparedQuery:
    """
    `build(*values)` returns a queryset of `model` instances whose values are exact lookups, e.g.
    `PreparedQuery(Token, lambda key: Token.objects.filter(key=key).select_related("user"))`. Calling the
    prepared query with values returns the list the queryset would give for them.

    Only for querysets whose SQL does not depend on the values: exact lookups of text fields with
    non-null values. It is compiled once with placeholder strings, which must reach the SQL
    parameters unchanged (a ValueError says when they do not).
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], *, values: int = 1):
        self.model = model
        self.build = build
        self.values = values
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._name = f"overworld_prepared_{next(_statement_numbers)}"
        # The driver's connections (not Django's, which reconnect) on which the statement is prepared.
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()

    def _compile(self, connection, db: str) -> _Compiled:
        # In both letter cases, so that a build that changes its value (lower() say) is refused.
        markers = tuple(f"Prepared-{uuid.uuid4().hex.upper()}" for _ in range(self.values))
        queryset = self.build(*markers)
        if (
            queryset.model is not self.model
            or queryset._iterable_class is not ModelIterable
            or queryset._known_related_objects
        ):
            raise ValueError(f"a prepared query returns {self.model.__name__} instances of a plain queryset")
        compiled = _Compiled(queryset, markers, db, self._name)
        with self._lock:
            # One per connection object: each thread has its own, and converters are bound to it.
            self._compiled[connection] = compiled
        return compiled

    def _prepare(self, connection, compiled: _Compiled) -> None:
        """
        PREPARE the statement on this connection unless it was. Once per connection, like Django's own
        set-up of a new connection (its time zone, ...): through the driver's cursor, so it is not
        counted as a query of the request that happens to come first.
        """
        driver_connection = connection.connection
        if driver_connection in self._prepared_on:
            return
        with connection.wrap_database_errors, driver_connection.cursor() as cursor:
            cursor.execute(compiled.prepare)
        self._prepared_on.add(driver_connection)

    def __call__(self, *values) -> list[Model]:
        if len(values) != self.values:
            raise TypeError(f"expected {self.values} values, got {len(values)}")
        db = router.db_for_read(self.model)
        connection = connections[db]
        compiled = self._compiled.get(connection) or self._compile(connection, db)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            # Only on connections kept between requests: on one opened per request (CONN_MAX_AGE=0)
            # preparing would cost a round trip more each time, and save nothing.
            if (
                compiled.server_side
                and settings.DATABASE_PREPARED_STATEMENTS
                and connection.settings_dict["CONN_MAX_AGE"]
            ):
                self._prepare(connection, compiled)
                cursor.execute(compiled.execute, params)
            else:
                cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        instances = []
        for row in rows:
            instance = compiled.model.from_db(db, compiled.init_list, row[compiled.fields])
            for populator in compiled.related_populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances
