"""The embedded emulator keeps its memory across restarts (``icop up`` run twice): the tokens
ICOP was granted and the posts it made are still there, as on a real platform."""

from __future__ import annotations

from pathlib import Path

import httpx

from icop.emulators.platforms.persistence import StateKeeper, load_state
from icop.emulators.platforms.server import EmulatorServer
from icop.platforms import Platform


def _grant_x(server: EmulatorServer) -> str:
    account = server.state.add_account(Platform.X, name="acme")
    token = server.state.issue_token(
        Platform.X,
        owner="default",
        account_ids=frozenset({account.account_id}),
        ttl_s=None,
        refreshable=True,
    )
    return token.value


def _me(server: EmulatorServer, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/api.x.com/2/users/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_a_restarted_emulator_still_knows_its_tokens_and_posts(tmp_path: Path) -> None:
    state_file = tmp_path / "emulator" / "state.pickle"
    with EmulatorServer(state_file=state_file) as first:
        token = _grant_x(first)
        assert _me(first, token).status_code == 200
        posted = httpx.post(
            f"{first.url}/api.x.com/2/tweets",
            headers={"Authorization": f"Bearer {token}"},
            json={"text": "still here after a restart"},
            timeout=10,
        )
        assert posted.status_code == 201, posted.text
    assert state_file.stat().st_mode & 0o777 == 0o600

    with EmulatorServer(state_file=state_file) as second:
        assert _me(second, token).status_code == 200
        assert [post.text for post in second.state.posts] == ["still here after a restart"]
        # Ids keep counting from where the first run stopped: no id is handed out twice.
        assert int(second.state.new_id()) > int(posted.json()["data"]["id"])


def test_without_a_state_file_the_emulator_starts_empty(tmp_path: Path) -> None:
    with EmulatorServer() as first:
        token = _grant_x(first)
    with EmulatorServer() as second:
        assert _me(second, token).status_code == 401
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_state_file_is_set_aside(tmp_path: Path) -> None:
    state_file = tmp_path / "state.pickle"
    state_file.write_bytes(b"not a pickle")
    state = load_state(state_file)
    assert state.accounts == {}
    assert not state_file.exists()
    assert (tmp_path / "state.pickle.unreadable").read_bytes() == b"not a pickle"


def test_the_keeper_saves_only_when_requests_changed_something(tmp_path: Path) -> None:
    state_file = tmp_path / "state.pickle"
    state = load_state(state_file)
    keeper = StateKeeper(state, state_file, interval_s=0.01).start()
    try:
        keeper._stopping.wait(0.1)
        assert not state_file.exists()
        state.add_account(Platform.THREADS, name="quiet")
        state.revision += 1  # what the app's middleware does after a request
        for _ in range(200):
            if state_file.exists():
                break
            keeper._stopping.wait(0.01)
    finally:
        keeper.stop()
    assert [account.name for account in load_state(state_file).accounts.values()] == ["quiet"]
