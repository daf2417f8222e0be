"""A scripted fake model for sub-topic generation: themed angles for ``topics.expand`` and
labels derived from the keywords for ``topics.label``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from icop.planning.subtopics import prompts

# Four themes the hashing embedder can tell apart (they share words within, not across).
THEMES: dict[str, list[str]] = {
    "worms": [
        "red wiggler worms in a worm bin",
        "feeding worms kitchen peelings in the worm bin",
        "how many worms does a worm bin need",
        "harvesting worm castings from the worm bin",
        "keeping worms alive in a winter worm bin",
        "worm bin bedding for red worms",
        "why worms escape the worm bin",
        "worm tea from worm castings",
        "building a cheap worm bin for worms",
        "worm bin fruit flies and worms",
        "worms versus compost tumbler worm bin",
        "moisture for worms inside a worm bin",
        "worm bin under the sink with red worms",
        "buying red wiggler worms for a worm bin",
        "worm castings as fertiliser from worms",
    ],
    "heat": [
        "hot pile temperature with a thermometer",
        "why the hot pile does not heat up",
        "turning a hot pile to raise temperature",
        "hot pile temperature kills weed seeds",
        "how hot should the hot pile temperature get",
        "hot pile size and temperature",
        "thermophilic heat in a hot pile",
        "measuring hot pile temperature daily",
        "hot pile temperature in winter",
        "cooling hot pile temperature after turning",
        "hot pile heat and pathogens",
        "hot pile temperature too high",
        "insulating a hot pile to keep heat",
        "hot pile heat from grass clippings",
        "hot pile temperature log sheet",
    ],
    "ratio": [
        "carbon nitrogen ratio of greens and browns",
        "browns and greens carbon nitrogen balance",
        "carbon rich browns like dry leaves",
        "nitrogen rich greens like grass",
        "fixing a carbon nitrogen ratio that is off",
        "cardboard as carbon browns",
        "coffee grounds as nitrogen greens",
        "carbon nitrogen ratio chart for greens",
        "too many greens nitrogen smell",
        "too many browns carbon slow",
        "layering browns and greens carbon nitrogen",
        "carbon nitrogen ratio of straw browns",
        "manure nitrogen greens carbon",
        "sawdust carbon browns nitrogen",
        "measuring carbon nitrogen greens browns by volume",
    ],
    "garden": [
        "using finished compost in the vegetable garden beds",
        "spreading compost on garden lawn",
        "compost tea for garden plants",
        "mulching garden beds with compost",
        "when garden compost is finished and ready",
        "sifting garden compost for seedlings",
        "garden compost for potted plants",
        "how much compost per garden bed",
        "garden compost and soil structure",
        "top dressing garden beds with compost",
        "garden compost for tomatoes",
        "storing finished garden compost",
        "garden compost versus bought soil",
        "compost in raised garden beds",
        "garden compost for fruit trees",
    ],
}
ALL_PHRASES = [phrase for phrases in THEMES.values() for phrase in phrases]

LabelRule = Callable[[list[str], list[str]], str]


def keyword_label(keywords: list[str], phrases: list[str]) -> str:
    if len(phrases) == 1:
        return f"Deep dive: {phrases[0]}"
    return f"All about {keywords[0]}" if keywords else "Miscellaneous"


def section(request: CompletionRequest, name: str) -> list[str]:
    user = request.messages[-1].content
    match = re.search(rf"## {name}\n(.*?)(?:\n\n##|\n\n[A-Z]|\Z)", user, re.DOTALL)
    assert match, f"no {name} in {user!r}"
    value = json.loads(match.group(1))
    assert isinstance(value, list)
    return [str(item) for item in value]


def script(
    phrases: list[str] | None = None, label: LabelRule = keyword_label
) -> Callable[[CompletionRequest], FakeReply]:
    """Expansion call i (by its focus) answers the i-th slice of 20 of ``phrases``."""
    pool = ALL_PHRASES if phrases is None else phrases

    def answer(request: CompletionRequest) -> FakeReply:
        assert request.json_schema is not None
        if request.json_schema.name == "CandidateAngles":
            user = request.messages[-1].content
            index = next(i for i, focus in enumerate(prompts.FOCUSES) if focus in user)
            chunk = pool[index * 20 : index * 20 + 20] or pool[:20]
            return FakeReply(data={"angles": chunk})
        assert request.json_schema.name == "SubtopicLabel"
        return FakeReply(
            data={"label": label(section(request, "keywords"), section(request, "phrases"))}
        )

    return answer


def router_for(provider: FakeProvider) -> SmartRouter:
    listed = [Candidate(provider="local", model="default")]
    return SmartRouter(
        {"local": provider},
        RoutingPolicy(
            defaults=PolicyDefaults(max_attempts=1), tasks={task: listed for task in TaskKind}
        ),
        Throttle(global_rate_per_minute=60_000, provider_concurrency={}),
    )


# The same idea in Korean, for the topic 집에서 하는 퇴비 만들기: four themes, each with a head word
# that its phrases share (with and without particles).
THEMES_KO: dict[str, list[str]] = {
    "지렁이": [
        "지렁이 퇴비함 만드는 법",
        "지렁이에게 음식물 쓰레기 주기",
        "지렁이가 도망가는 이유",
        "지렁이 분변토 수확하기",
        "겨울철 지렁이 퇴비함 관리",
        "지렁이를 어디서 살까",
        "아파트 베란다 지렁이 사육",
        "지렁이 퇴비함의 적당한 습도",
        "지렁이 먹이로 좋은 채소 껍질",
        "지렁이 퇴비함 초파리 막기",
    ],
    "냄새": [
        "퇴비에서 냄새가 나는 이유",
        "퇴비 냄새 없애는 방법",
        "암모니아 냄새와 질소 과다",
        "썩은 냄새가 날 때 뒤집기",
        "냄새 없는 퇴비통 고르기",
        "여름철 퇴비 냄새 관리",
        "냄새를 줄이는 톱밥 덮기",
        "음식물 퇴비 냄새와 이웃 민원",
        "냄새 잡는 베이킹소다 효과",
        "퇴비 냄새로 알아보는 상태",
    ],
    "낙엽": [
        "낙엽으로 부엽토 만들기",
        "낙엽과 음식물 섞는 비율",
        "가을 낙엽 모아 두는 법",
        "낙엽을 잘게 부수는 이유",
        "낙엽 퇴비가 익는 기간",
        "은행잎 낙엽도 퇴비가 될까",
        "낙엽의 탄소와 질소 비율",
        "낙엽 자루 퇴비 만들기",
        "젖은 낙엽과 마른 낙엽",
        "낙엽 퇴비에 물 주기",
    ],
    "텃밭": [
        "완성된 퇴비를 텃밭에 주는 법",
        "텃밭 흙과 퇴비 섞기",
        "텃밭 토마토에 퇴비 주기",
        "텃밭에 퇴비를 주는 시기",
        "화분 텃밭용 퇴비 체치기",
        "텃밭 상추와 퇴비의 양",
        "퇴비 차를 텃밭에 뿌리기",
        "텃밭 두둑에 퇴비 깔기",
        "덜 익은 퇴비가 텃밭에 주는 해",
        "텃밭 퇴비 보관하는 법",
    ],
}
ALL_PHRASES_KO = [phrase for phrases in THEMES_KO.values() for phrase in phrases]
