"""The catalogue's query plans at a realistic size, on PostgreSQL: search goes through the trigram index."""

import pytest
from django.db import connection

from games.selectors import SEARCH_ORDERING, game_search

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

TRIGRAM_INDEX = "games_game_name_trgm"


@pytest.fixture
def catalogue():
    """50,000 games, inserted by the database itself, with planner statistics, as a live catalogue has."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO games_game (igdb, name, slug, cover_id, backdrop_id, summary, genres, platforms,
                                    developers, screenshots, created_at, updated_at)
            SELECT 'g' || n, md5(n::text) || ' ' || (ARRAY['Hollow', 'Crimson', 'Pixel'])[n % 3 + 1],
                   '', '', '', '', '[]', '[]', '[]', '[]', now(), now()
            FROM generate_series(1, 50000) AS n
            """
        )
        # GIN indexes take new rows into a pending list that autovacuum merges later; a large pending
        # list makes the planner price the index high. A live catalogue's has been merged.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [TRIGRAM_INDEX])
        cursor.execute("ANALYZE games_game")


# A part of a name (3 characters or more), the start of a name (fewer). (A text that most names
# contain, or a single character, may rightly be answered by reading the table: the planner decides.)
@pytest.mark.parametrize("text", ["a1b2c", "3f Hollow", "d41d8", "a1", "C4"])
def test_search_uses_the_trigram_index(catalogue, text):
    plan = game_search(text=text).order_by(*SEARCH_ORDERING)[:20].explain()

    assert TRIGRAM_INDEX in plan
    assert "Seq Scan on games_game" not in plan
