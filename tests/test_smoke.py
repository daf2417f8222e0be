from tests.helpers import ApiClient


async def test_signup_then_me(client: ApiClient) -> None:
    account = await client.signup("Smoke Co")
    response = await client.get("/api/v1/me", headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json()["tenant"]["company_name"] == "Smoke Co"
