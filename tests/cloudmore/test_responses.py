import httpx
import pytest

from catalog_sync.cloudmore.responses import error_for_response

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "body",
    [
        f"upstream said: Authorization: Bearer {JWT}",
        f"token={JWT}&x=1",
        'debug {"password": "hunter2", "client_secret": "s3cr3t"}',
        "form was username=u&password=hunter2&client_secret=s3cr3t",
        "Authorization: Basic dXNlcjpzM2NyM3Q=",
    ],
)
def test_server_error_text_never_carries_credentials(body: str) -> None:
    request = httpx.Request("GET", "https://cloudmore.test/api/sellers/x/services")
    error = error_for_response(
        "GET", "/api/sellers/x/services", httpx.Response(502, text=body, request=request)
    )
    message = str(error)
    assert "server error (502)" in message
    assert "[redacted]" in message
    for secret in (JWT, "hunter2", "s3cr3t", "dXNlcjpzM2NyM3Q="):
        assert secret not in message


def test_the_token_endpoint_text_is_never_quoted() -> None:
    request = httpx.Request("POST", "https://cloudmore.test/connect/token")
    response = httpx.Response(500, text="echo: demo-secret plain", request=request)
    message = str(error_for_response("POST", "/connect/token", response))
    assert "demo-secret" not in message
    assert message == "POST /connect/token: server error (500)"
