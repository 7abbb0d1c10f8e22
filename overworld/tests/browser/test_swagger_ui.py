"""Swagger UI at /api/docs/, offline: "Try it out" on register, then "Authorize", then the current user."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def execute(operation, body: dict | None = None) -> dict:
    """Opens an operation, presses "Try it out" and "Execute", and returns the response's JSON."""
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    if body is not None:
        operation.locator("textarea.body-param__text").fill(json.dumps(body))
    operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text("200")
    return json.loads(response.locator(".response-col_description pre").first.inner_text())


def test_try_it_out_register_then_authorize_and_get_the_current_user(
    page, live_server, blocked_requests, doc_screenshot
):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".information-container .title")).to_contain_text("Overworld API")

    registered = execute(
        page.locator("#operations-users-users_register"),
        {"username": "swagger_fan", "email": "swagger@example.com", "password": "a-long-passphrase"},
    )
    assert registered["user"]["username"] == "swagger_fan"
    page.locator("#operations-users-users_register .opblock-summary").click()  # collapse it

    page.locator(".auth-wrapper").get_by_role("button", name="Authorize").click()
    token_scheme = page.locator(".modal-ux .auth-container").filter(has_text="tokenAuth")
    token_scheme.locator("input").fill(f"Token {registered['token']}")
    token_scheme.locator("button.authorize").click()
    expect(token_scheme.get_by_role("heading", name="Authorized")).to_be_visible()
    page.locator(".modal-ux button.close-modal").click()

    current_user_operation = page.locator("#operations-users-current_user_retrieve")
    current_user = execute(current_user_operation)

    assert current_user["username"] == "swagger_fan"
    assert current_user["email"] == "swagger@example.com"
    assert blocked_requests == []  # everything Swagger UI needed came from the API's own server
    # The docs/browser-tests.md picture: the operation and its live answer, without the documented responses.
    page.add_style_tag(content=".responses-table:not(.live-responses-table) { display: none; }")
    doc_screenshot(current_user_operation, "swagger-ui")
