from django.apps import AppConfig


class GamesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "games"

    def ready(self) -> None:
        # Announces a change of a game's summary (games/signals.py); the popular games' counts follow
        # every shelf write (games/popularity.py).
        import games.popularity
        import games.signals  # noqa: F401
