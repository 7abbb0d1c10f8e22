from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "users"

    def ready(self) -> None:
        # Registers the OpenAPI description of the token scheme, the profile cache's invalidation, the
        # activity events of what games announces, and the deletion of an account's picture with it.
        import overworld.schema  # noqa: F401
        import users.avatars
        import users.profile
        import users.receivers  # noqa: F401
