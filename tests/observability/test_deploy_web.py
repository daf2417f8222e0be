"""The dashboard in the production layout, checked without docker or nginx on this machine:
the compose file has the web service and nginx in front of both, nginx's configuration
(parsed here into its blocks) sends the API's routes and ``/docs`` to the API and the rest to
the dashboard, never buffers the live events, and web/Dockerfile builds the production
server."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = DEPLOY / "nginx" / "icop.conf"


@dataclass
class Block:
    name: str
    args: list[str]
    directives: list[list[str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def values(self, name: str) -> list[list[str]]:
        return [d[1:] for d in self.directives if d[0] == name]

    def children(self, name: str) -> list[Block]:
        return [b for b in self.blocks if b.name == name]


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[{};]|[^\s{};"\']+')


def parse_nginx(text: str) -> Block:
    """nginx's grammar as far as structure goes: directives end with ';', blocks are
    'name args { … }', '#' starts a comment. Unbalanced braces or a directive left open
    fail."""
    tokens = _TOKEN.findall("\n".join(line.split("#", 1)[0] for line in text.splitlines()))
    root = Block("main", [])
    stack, words = [root], []
    for token in tokens:
        if token == ";":
            assert words, "an empty directive"
            stack[-1].directives.append([w.strip("\"'") for w in words])
            words = []
        elif token == "{":
            assert words, "a block without a name"
            block = Block(words[0], [w.strip("\"'") for w in words[1:]])
            stack[-1].blocks.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            assert not words, f"directive not ended with ';': {words}"
            assert len(stack) > 1, "unbalanced '}'"
            stack.pop()
        else:
            words.append(token)
    assert not words, f"directive not ended with ';': {words}"
    assert len(stack) == 1, "unclosed block"
    return root


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def _https_server(config: Block) -> Block:
    servers = [s for s in config.children("server") if ["443", "ssl"] in s.values("listen")]
    assert len(servers) == 1
    return servers[0]


def _locations(server: Block) -> dict[str, Block]:
    return {" ".join(location.args): location for location in server.children("location")}


def test_the_parser_refuses_broken_configs() -> None:
    for broken in ("server { listen 80; ", "server { listen 80 }", "}", "listen 80"):
        try:
            parse_nginx(broken)
        except AssertionError:
            continue
        raise AssertionError(f"accepted: {broken!r}")


def test_compose_runs_the_dashboard_behind_nginx() -> None:
    services = _compose()["services"]
    web = services["web"]
    assert (DEPLOY / web["build"]["context"] / web["build"]["dockerfile"]).is_file()
    assert web["environment"]["ICOP_API_URL"] == "http://api:8000"
    assert web["depends_on"]["api"]["condition"] == "service_healthy"
    assert "3000" in " ".join(web["healthcheck"]["test"])
    nginx = services["nginx"]
    assert nginx["depends_on"] == {
        "api": {"condition": "service_healthy"},
        "web": {"condition": "service_healthy"},
    }
    mounts = {v.split(":")[0]: v.split(":")[1] for v in nginx["volumes"]}
    assert mounts["./nginx"] == "/etc/nginx/conf.d"
    # Every *.conf in the mounted folder is loaded: it must hold nginx configuration only.
    assert [p.name for p in (DEPLOY / "nginx").iterdir()] == ["icop.conf"]


def test_nginx_routes_the_api_and_docs_to_the_api_and_the_rest_to_the_dashboard() -> None:
    config = parse_nginx(NGINX.read_text())
    services = _compose()["services"]
    upstreams = {u.args[0]: u.values("server")[0][0] for u in config.children("upstream")}
    assert upstreams == {"icop_api": "api:8000", "icop_web": "web:3000"}
    for upstream in upstreams.values():
        assert upstream.split(":")[0] in services

    route_maps = [m for m in config.children("map") if m.args[1] == "$icop_api_route"]
    assert len(route_maps) == 1
    routes = dict((d[0], d[1]) for d in route_maps[0].directives)
    # A script's own token goes to the API; a browser's cookies go through the dashboard's
    # proxy, which turns them into the bearer token and checks CSRF.
    assert route_maps[0].args[0] == "$http_authorization$http_x_api_key"
    assert routes == {"default": "icop_api", "": "icop_web"}

    locations = _locations(_https_server(config))
    proxied = {
        name: block.values("proxy_pass")[0][0]
        for name, block in locations.items()
        if block.values("proxy_pass")
    }
    assert proxied["/"] == "http://icop_web"
    assert proxied["/api/"] == "http://$icop_api_route"
    for api_only in (
        "/docs",
        "= /api/v1/openapi.json",
        "/api/v1/public/",
        "/api/v1/media/",
        "= /healthz",
        "= /readyz",
    ):
        assert proxied[api_only] == "http://icop_api", api_only
    assert locations["= /metrics"].values("deny") == [["all"]]


def test_the_live_events_are_not_buffered() -> None:
    server = _https_server(parse_nginx(NGINX.read_text()))
    events = [b for b in server.children("location") if b.args[0] == "~" and "events" in b.args[1]]
    assert len(events) == 1
    pattern = re.compile(events[0].args[1])
    assert pattern.match("/api/v1/pipelines/3f1c/runs/9a2b/events")
    assert not pattern.match("/api/v1/pipelines/3f1c/runs/9a2b")
    assert events[0].values("proxy_buffering") == [["off"]]
    assert events[0].values("proxy_pass") == [["http://$icop_api_route"]]
    (timeout,) = events[0].values("proxy_read_timeout")
    assert timeout[0] in ("1h", "3600s")
    # Keep-alive to the upstreams needs HTTP/1.1 and no "Connection: close".
    assert server.values("proxy_http_version") == [["1.1"]]
    assert ["Connection", ""] in server.values("proxy_set_header")


def test_the_web_image_builds_and_serves_the_production_server() -> None:
    dockerfile = (ROOT / "web" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+node:(\d+)", dockerfile, re.MULTILINE)
    engines = json.loads((ROOT / "web" / "package.json").read_text())["engines"]["node"]
    assert stages and all(int(major) >= int(re.findall(r"\d+", engines)[0]) for major in stages)
    assert "npm ci" in dockerfile and "next build" in dockerfile
    assert re.search(r'^CMD .*"next", "start"', dockerfile, re.MULTILINE)
    assert "EXPOSE 3000" in dockerfile
    ignored = (ROOT / "web" / ".dockerignore").read_text().split()
    assert {"node_modules", ".next"} <= set(ignored)
