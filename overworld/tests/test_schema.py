"""
What a frontend developer generating a typed client from /api/schema/ relies on, read from the schema
itself: typed error bodies (every 400 names its request's fields), hand-named unique operation ids,
JSON and the token scheme only, the X-Request-ID and Retry-After headers, examples that are true.
"""

from importlib.util import find_spec

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from overworld.schema import FIELD_ERROR_COMPONENTS, OPERATION_IDS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def component(schema, reference: dict) -> dict:
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]


def references(body_schema: dict) -> list[dict]:
    """The component references of a response body: itself, or each of a oneOf."""
    return [item for item in body_schema.get("oneOf", [body_schema]) if "$ref" in item]


def test_every_operation_id_is_hand_given_and_unique(schema):
    ids = [operation["operationId"] for _, _, operation in operations(schema)]

    assert len(ids) == len(set(ids))
    assert set(ids) <= set(OPERATION_IDS.values()), set(ids) - set(OPERATION_IDS.values())
    # No name is left behind by a view that is gone (names given ahead, for a module not merged yet,
    # wait for it).
    expected = {name for key, name in OPERATION_IDS.items() if module_exists(key)}
    assert expected <= set(ids), expected - set(ids)


def module_exists(key: str) -> bool:
    """Whether the module a "module.View.method" key names exists (a "View.method" key has none)."""
    view = key.split(" ")[0]
    module = view.rsplit(".", 2)[0] if view.count(".") > 1 else None
    return module is None or find_spec(module) is not None


# The original client's writes send a game without a `game` field; the service that creates it answers
# `{"game": [...]}` when it is unknown here and no name came with it (games.services.game_get_or_create).
SERVICE_ERROR_KEYS = {
    operation_id: {"game"}
    for operation_id in (
        "legacy_toggle_log",
        "legacy_toggle_like",
        "legacy_toggle_backlog",
        "legacy_toggle_wishlist",
        "legacy_rating_set",
        "legacy_favourite_add",
    )
}


def test_every_400_error_component_names_its_request_fields(schema):
    checked = 0
    for path, method, operation in operations(schema):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        error = operation["responses"].get("400", {}).get("content", {}).get("application/json")
        if body is None or error is None:
            continue
        request_fields = set(component(schema, body["schema"])["properties"])
        field_errors = [
            component(schema, reference)
            for reference in references(error["schema"])
            if reference["$ref"].rsplit("/", 1)[-1] in FIELD_ERROR_COMPONENTS
        ]
        if operation["operationId"].startswith("azuma_"):
            continue  # the Azuma contract's own error shape: {"message", "description", <field>: [...]}
        assert len(field_errors) == 1, f"{method.upper()} {path}: no field-error component on its 400"
        error_fields = set(field_errors[0]["properties"])
        # Besides the request's fields, only the keys a service answers of its own.
        extra = SERVICE_ERROR_KEYS.get(operation["operationId"], set())
        assert request_fields | {"non_field_errors"} | extra == error_fields, f"{method.upper()} {path}"
        checked += 1
    assert checked >= 15


def test_field_error_components_are_typed_and_closed(schema):
    components = schema["components"]["schemas"]
    for name in FIELD_ERROR_COMPONENTS & set(components):
        properties = components[name]["properties"]
        assert components[name]["additionalProperties"] is False, name
        assert "non_field_errors" in properties, name
        assert all("title" not in field for field in properties.values()), name
    assert components["RegisterError"]["properties"]["username"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_a_malformed_body_is_described_on_every_operation_with_a_body(schema):
    for path, method, operation in operations(schema):
        if "requestBody" not in operation or operation["operationId"].startswith("azuma_"):
            continue
        body_schema = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert {"$ref": "#/components/schemas/ErrorDetail"} in references(body_schema), f"{method} {path}"
    assert set(schema["components"]["schemas"]["ErrorDetail"]["required"]) == {"detail", "code"}


def test_only_json_bodies_and_the_token_scheme(schema):
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth"}
    for path, method, operation in operations(schema):
        if path.endswith("/avatar/") and method == "put":
            # A picture is uploaded as a file (multipart) or as the raw image, not as JSON.
            assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "image/*"}
        elif "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {"application/json"}, f"{method} {path}"
        for requirement in operation.get("security", []):
            assert set(requirement) <= {"tokenAuth"}


def test_public_endpoints_declare_401_and_every_endpoint_503(schema):
    public_with_token = schema["paths"]["/api/games/"]["get"]
    assert "401" in public_with_token["responses"]
    for _, _, operation in operations(schema):
        assert "503" in operation["responses"], operation["operationId"]


def test_every_response_declares_its_headers(schema):
    for _, _, operation in operations(schema):
        for status, response in operation["responses"].items():
            assert response["headers"]["X-Request-ID"]["required"] is True
            if status == "429":
                assert response["headers"]["Retry-After"]["required"] is True
            if status == "503":
                assert "Retry-After" in response["headers"]


def json_schema(openapi_schema):
    """OpenAPI 3.0's `nullable` as JSON Schema's `"null"` type, for jsonschema."""
    if isinstance(openapi_schema, list):
        return [json_schema(item) for item in openapi_schema]
    if not isinstance(openapi_schema, dict):
        return openapi_schema
    converted = {key: json_schema(value) for key, value in openapi_schema.items() if key != "nullable"}
    if openapi_schema.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_the_examples_match_their_schemas(schema):
    document = json_schema(schema)
    # The examples' schemas refer to the document's components: "#/..." becomes "urn:schema#/...".
    registry = Registry().with_resource("urn:schema", DRAFT202012.create_resource(document))
    checked = 0
    for _, _, operation in operations(document):
        media = [operation.get("requestBody", {}).get("content", {}).get("application/json", {})]
        media += [
            response.get("content", {}).get("application/json", {})
            for response in operation["responses"].values()
        ]
        for content in media:
            for name, example in content.get("examples", {}).items():
                validator = jsonschema.Draft202012Validator(rebased(content["schema"]), registry=registry)
                errors = [error.message for error in validator.iter_errors(example["value"])]
                assert not errors, f"{operation['operationId']} {name}: {errors}"
                checked += 1
    assert checked >= 20


def rebased(node):
    if isinstance(node, list):
        return [rebased(item) for item in node]
    if isinstance(node, dict):
        return {key: f"urn:schema{value}" if key == "$ref" else rebased(value) for key, value in node.items()}
    return node
