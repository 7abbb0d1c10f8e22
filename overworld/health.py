"""Health endpoints for load balancers and orchestrators; outside the API's authentication."""

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

HEALTH = inline_serializer("Health", {"status": serializers.CharField()})
READINESS = inline_serializer(
    "Readiness",
    {
        "status": serializers.CharField(),
        "database": serializers.CharField(),
        "cache": serializers.CharField(),
    },
)


class HealthView(APIView):
    """The process answers; nothing else is touched (also the cheapest JSON answer of this stack)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["health"], summary="Liveness", responses={200: HEALTH})
    def get(self, request):
        return Response({"status": "ok"})


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:
        return f"unavailable: {error.__class__.__name__}"
    return "ok"


def _probe_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _probe_cache() -> None:
    cache.set("readyz", "ok", timeout=5)
    if cache.get("readyz") != "ok":
        raise RuntimeError("cache read-back failed")


class ReadinessView(APIView):
    """Ready to serve: the database and the cache answer. 503 says which does not."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["health"], summary="Readiness", responses={200: READINESS, 503: READINESS})
    def get(self, request):
        checks = {"database": _check(_probe_database), "cache": _check(_probe_cache)}
        ready = all(result == "ok" for result in checks.values())
        return Response({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
