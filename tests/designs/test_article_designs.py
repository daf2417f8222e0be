"""An article's images become designs when the image step makes them: once per image, found
again when the step runs again, linked to the article when it is a stored one."""

from __future__ import annotations

import uuid

from icop.agents.schemas import ImagePrompt
from icop.articles.images import ArticleImages, image_id_for
from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.runtime.clients import Runtime
from tests.designs.api_support import with_role
from tests.helpers import ApiClient

PROMPTS = [
    ImagePrompt(prompt="a compost heap at dawn", alt="Compost heap", aspect="4:5"),
    ImagePrompt(prompt="a worm bin", alt="Worm bin", aspect="1:1"),
]


async def test_the_image_step_makes_one_design_per_image(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Article Designs")
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="composting",
                status="running",
                workflow_id=f"article-{article_id}",
            )
        )
    # Without Temporal the article's image jobs render inline with the local renderer.
    maker = ArticleImages(context.sessionmaker, context.images, None)
    await maker.make(owner.tenant_id, str(article_id), PROMPTS, title="Composting at home")
    await maker.make(owner.tenant_id, str(article_id), PROMPTS, title="Composting at home")

    listed = await client.get(f"/api/v1/designs?article_id={article_id}", headers=owner.headers)
    designs = listed.json()
    expected = {str(image_id_for(str(article_id), i, p)) for i, p in enumerate(PROMPTS)}
    assert {d["image_id"] for d in designs} == expected and len(designs) == 2
    sizes = {(d["width"], d["height"]) for d in designs}
    assert sizes == {(1080, 1350), (1080, 1080)}
    for design in designs:
        assert with_role(design, "title")["text"] == "Composting at home"
        assert design["head"] == 1 and design["published_version"] is None

    # An id no stored article has (an evaluation's graph): designs, without an article.
    await maker.make(owner.tenant_id, "evaluation-1", PROMPTS[:1], title="Worms")
    image_id = image_id_for("evaluation-1", 0, PROMPTS[0])
    alone = (await client.get(f"/api/v1/designs?image_id={image_id}", headers=owner.headers)).json()
    assert len(alone) == 1 and alone[0]["article_id"] is None
