"""
The catalogue at IGDB's size: a trigram index for search (PostgreSQL's pg_trgm), a (name, id) index for
the keyset pages of /api/games/, and GamePopularity, the per-game shelf counts of the popular games,
filled from the shelves that exist.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import DatabaseError, migrations, models


class CreateTrigramExtension(TrigramExtension):
    """CREATE EXTENSION pg_trgm on PostgreSQL (nothing elsewhere), or an error that says what to do."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        try:
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        except DatabaseError as error:
            raise DatabaseError(
                "Catalogue search needs PostgreSQL's pg_trgm extension, which this database user may not "
                "create. Run `CREATE EXTENSION IF NOT EXISTS pg_trgm;` in this database as a superuser "
                "(or its owner; the contrib package must be installed), then migrate again."
            ) from error

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Kept when this migration is reverted: the extension is the database's, and something else may
        # use it (the index that needed it goes with the migration).
        pass


class AddPostgresIndex(migrations.AddIndex):
    """An index only PostgreSQL can build (GIN, operator classes): other databases go without it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SHELVES = ("played", "liked", "backlog", "wishlist")


def count_shelves(apps, schema_editor):
    popularity = apps.get_model("games", "GamePopularity")._meta.db_table
    states = apps.get_model("games", "GameState")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {popularity} (game_id, users_count) "  # noqa: S608 - table names from the models
        f"SELECT game_id, COUNT(*) FROM {states} WHERE {' OR '.join(SHELVES)} GROUP BY game_id"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("games", "0003_game_details"),
    ]

    operations = [
        CreateTrigramExtension(),
        migrations.CreateModel(
            name="GamePopularity",
            fields=[
                (
                    "game",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="popularity",
                        serialize=False,
                        to="games.game",
                    ),
                ),
                ("users_count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "game popularity",
            },
        ),
        migrations.AddIndex(
            model_name="game",
            index=models.Index(fields=["name", "id"], name="games_game_name_id_idx"),
        ),
        AddPostgresIndex(
            model_name="game",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="games_game_name_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="gamepopularity",
            index=models.Index(fields=["-users_count", "game"], name="games_popularity_top_idx"),
        ),
        migrations.RunPython(count_shelves, migrations.RunPython.noop, elidable=True),
    ]
