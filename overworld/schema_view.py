"""The OpenAPI document's view (the schema itself is declared in overworld.schema)."""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """
    /api/schema/: the OpenAPI document, generated once a process instead of at every request.

    The document is the same for every caller: public, drawn from the code and the settings only, in
    English (the API has no other language, and no versions: `lang` and `version` in the query, which
    would make a document for each value, are ignored). Generating it costs ~65 ms of CPU for ~650 KB,
    which anyone could ask for again and again; it is kept until a setting changes, and each answer
    is rendered in the format asked for (JSON or YAML).
    """

    document: dict | None = None

    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: listed only with SERVE_INCLUDE_SCHEMA
    def get(self, request, *args, **kwargs):
        if SchemaView.document is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=self.api_version, patterns=self.patterns
            )
            with translation.override(settings.LANGUAGE_CODE):
                SchemaView.document = generator.get_schema(request=request, public=self.serve_public)
        disposition = f'inline; filename="{spectacular_settings.TITLE}.{request.accepted_renderer.format}"'
        return Response(SchemaView.document, headers={"Content-Disposition": disposition})


@receiver(setting_changed)
def forget_the_schema(**kwargs):
    SchemaView.document = None
