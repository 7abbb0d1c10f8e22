import factory
from django.utils import timezone

from games.models import Game, GameState
from users.tests.factories import UserFactory


class GameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Game

    igdb = factory.Sequence(lambda n: str(100000 + n))
    name = factory.Sequence(lambda n: f"Game {n}")
    slug = factory.LazyAttribute(lambda game: game.name.lower().replace(" ", "-"))


class GameStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GameState

    user = factory.SubFactory(UserFactory)
    game = factory.SubFactory(GameFactory)

    class Params:
        on_all_shelves = factory.Trait(
            played=True,
            played_at=factory.LazyFunction(timezone.now),
            liked=True,
            liked_at=factory.LazyFunction(timezone.now),
            backlog=True,
            backlog_at=factory.LazyFunction(timezone.now),
            wishlist=True,
            wishlist_at=factory.LazyFunction(timezone.now),
        )
