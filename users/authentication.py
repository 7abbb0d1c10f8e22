from django.db import connections, router
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import cached_property
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import knox_settings
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

# SPA libraries default to "Bearer"; the seed's clients send "Token". Both carry the same tokens.
ACCEPTED_SCHEMES = (b"token", b"bearer")
REFUSED = "Invalid token."
UUID_LENGTH = 36  # "318cd399-f47f-478f-8d09-c9c414c3750d"; knox's own tokens are 64 characters


class TokenLookup:
    """
    The token with a digest, with its user, in one query: the query of every authenticated request.

    Django builds and compiles a queryset to SQL each time it runs, and for this one-row lookup that is
    most of the request's cost: in one process, 610-710 µs of CPU for
    `select_related("user").get(digest=...)` against 95-120 µs to run the same SQL through Django's
    cursor and build both instances with `Model.from_db` (a whole request: ~1,600 against ~950 µs;
    bench/RESULTS.md, "Token authentication on public APIs", has the benchmark with and without). So
    on PostgreSQL the SQL is written once, from the models' fields (`_meta`, Django's documented model
    API), and run through `connection.cursor()`: still logged, counted by the tests' query guards and
    mapped to Django's database errors. psycopg returns these columns as the ORM would (aware
    datetimes, UUIDs, booleans); a field with a `from_db_value` of its own is converted by it. Other
    databases need converters of their own (SQLite: dates as text, UUIDs as hex): there the queryset
    runs.
    """

    @cached_property
    def models(self) -> tuple[type[Model], type[Model]]:
        token_model = get_token_model()
        return token_model, token_model._meta.get_field("user").related_model

    @cached_property
    def sql(self) -> str:
        token, user = (model._meta for model in self.models)
        columns = [f'"{token.db_table}"."{field.column}"' for field in token.concrete_fields]
        columns += [f'"{user.db_table}"."{field.column}"' for field in user.concrete_fields]
        join = f'"{user.db_table}"."{user.pk.column}" = "{token.db_table}"."{token.get_field("user").column}"'
        # Names of tables and columns from the models; the digest is a parameter.
        return (
            f"SELECT {', '.join(columns)} "  # noqa: S608
            f'FROM "{token.db_table}" INNER JOIN "{user.db_table}" ON {join} '
            f'WHERE "{token.db_table}"."{token.pk.column}" = %s'
        )

    def __call__(self, digest: str) -> Model | None:
        token_model, user_model = self.models
        db = router.db_for_read(token_model)
        connection = connections[db]
        if connection.vendor != "postgresql":
            return token_model.objects.select_related("user").filter(digest=digest).first()
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [digest])
            row = cursor.fetchone()
        if row is None:
            return None
        split = len(token_model._meta.concrete_fields)
        auth_token = self.instance(token_model, row[:split], db, connection)
        auth_token.user = self.instance(user_model, row[split:], db, connection)
        return auth_token

    @staticmethod
    def instance(model: type[Model], values, db: str, connection) -> Model:
        fields = model._meta.concrete_fields
        values = [
            field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
            for field, value in zip(fields, values, strict=True)
        ]
        return model.from_db(db, [field.attname for field in fields], values)


token_with_user = TokenLookup()


class TokenAuthentication(KnoxTokenAuthentication):
    """
    Knox's tokens, sent as `Token <token>` or `Bearer <token>`, found in one query with their user.

    A token is looked up by its digest, the primary key of knox's table, which knox's `hash_token`
    computes alike for every token (and for the UUID tokens of the Azuma routes). Knox's own lookup
    reads the candidates sharing the token's first characters, then sweeps the user's other expired
    tokens: a second query on every request. Expired tokens are deleted here when presented and in
    bulk by `manage.py clearexpiredtokens`. Expiry slides with use up to the absolute limit through
    knox's `renew_token` (AUTO_REFRESH, AUTO_REFRESH_MAX_TTL); `validate_user` refuses inactive users.
    """

    def authenticate(self, request):
        scheme, *credentials = get_authorization_header(request).split() or [b""]
        if scheme.lower() not in ACCEPTED_SCHEMES:
            return None  # no credentials, or another scheme's
        if not credentials:
            raise exceptions.AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(credentials) > 1:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain spaces."
            )
        return self.authenticate_credentials(credentials[0])

    def authenticate_credentials(self, token: bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError as error:  # no token has characters outside ASCII
            raise exceptions.AuthenticationFailed(REFUSED) from error
        if len(token) == UUID_LENGTH:
            token = token.lower()  # the Azuma routes' tokens are UUIDs, the same in either letter case
        auth_token = token_with_user(hash_token(token))
        if auth_token is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            token_expired.send(
                sender=self.__class__, username=auth_token.user.get_username(), source="auth_token"
            )
            raise exceptions.AuthenticationFailed(REFUSED)
        if knox_settings.AUTO_REFRESH and auth_token.expiry is not None:
            self.renew_token(auth_token)
        return self.validate_user(auth_token)
