from django.apps import AppConfig


class GamesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "games"

    def ready(self) -> None:
        # Announces a change of a game's summary (games/signals.py).
        import games.signals  # noqa: F401
