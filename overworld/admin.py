"""What the apps' admins share."""

from django.contrib import admin


class RawIdAdmin(admin.ModelAdmin):
    """
    An admin of rows that point at users and games: its foreign keys (`raw_id_fields`) are typed as ids,
    since a drop-down of every user or game would not load, and fetched with the change list's rows in
    one query rather than one query per row.
    """

    def get_list_select_related(self, request):
        return self.raw_id_fields
