"""The citation support check and the threshold it uses, measured on a labelled set: sentences a
writer wrote from a passage (supported, often paraphrased) and sentences cited to the wrong
passage (the defects of the bundled model's demo), in English and Korean."""

from __future__ import annotations

from icop.agents.gate.support import SUPPORTED_AT, support_score

COMPOST = (
    "Home composting basics. Compost needs a mix of greens such as food scraps and browns "
    "such as dry leaves. Turn the pile weekly and keep it as moist as a wrung-out sponge. A "
    "hot pile reaches 55 to 65 degrees Celsius and kills most weed seeds."
)
BALCONY = (
    "Balcony gardening. Most fruiting vegetables need six to eight hours of direct sun. "
    "Containers dry out fast in wind, so check the soil daily in summer and water deeply."
)
RAIN = (
    "Rainwater harvesting. A rain barrel connected to a roof downspout collects water for the "
    "garden; one centimetre of rain on ten square metres of roof gives about 100 litres."
)
BEES = (
    "도시 양봉 안내. 도시 옥상에서 꿀벌을 키우려면 먼저 구청에 신고해야 합니다. 벌통은 이웃과 "
    "떨어진 곳에 두고, 꿀벌은 반경 3킬로미터 안의 꽃에서 꿀을 모읍니다."
)
SLEEP = (
    "수면 위생. 성인은 하루 7시간에서 9시간 잠을 자는 것이 좋습니다. 잠들기 한 시간 전에는 "
    "휴대폰 화면을 보지 않는 것이 도움이 됩니다."
)

# (sentence, passage, language, supported?)
LABELLED: list[tuple[str, str, str, bool]] = [
    ("Mix greens such as food scraps with browns such as dry leaves.", COMPOST, "en", True),
    ("Turn the compost pile every week.", COMPOST, "en", True),
    ("Keep the heap as damp as a wrung-out sponge.", COMPOST, "en", True),
    ("A hot pile kills most weed seeds.", COMPOST, "en", True),
    ("Hot compost reaches 55 to 65 degrees.", COMPOST, "en", True),
    ("Fruiting vegetables need six to eight hours of direct sun.", BALCONY, "en", True),
    ("In summer, check container soil daily because wind dries it out.", BALCONY, "en", True),
    ("Water containers deeply.", BALCONY, "en", True),
    ("A rain barrel on the downspout collects roof water for the garden.", RAIN, "en", True),
    ("Ten square metres of roof give about 100 litres per centimetre of rain.", RAIN, "en", True),
    ("도시 옥상에서 꿀벌을 키우려면 구청에 신고해야 합니다.", BEES, "ko", True),
    ("꿀벌은 반경 3킬로미터 안의 꽃에서 꿀을 모읍니다.", BEES, "ko", True),
    ("벌통은 이웃과 떨어진 곳에 두세요.", BEES, "ko", True),
    ("성인은 하루에 7~9시간 자야 합니다.", SLEEP, "ko", True),
    ("잠들기 전 한 시간 동안은 휴대폰 화면을 피하세요.", SLEEP, "ko", True),
    # Cited to the wrong passage.
    ("Balcony plants need six hours of direct sun every day.", COMPOST, "en", False),
    ("Containers dry out fast in windy weather.", COMPOST, "en", False),
    ("A rain barrel collects water from the roof.", COMPOST, "en", False),
    ("Turn the compost pile every week.", RAIN, "en", False),
    ("Kitchen scraps and dry leaves make good compost.", BALCONY, "en", False),
    ("Hot compost kills weed seeds.", BALCONY, "en", False),
    ("Small spaces can still grow tomatoes and herbs.", COMPOST, "en", False),
    ("Composting reduces household waste by a third.", RAIN, "en", False),
    ("Water plants deeply in the morning.", COMPOST, "en", False),
    ("도시 옥상에서 꿀벌을 키우려면 구청에 신고해야 합니다.", SLEEP, "ko", False),
    ("성인은 하루에 7~9시간 자야 합니다.", BEES, "ko", False),
    ("꿀벌은 3킬로미터 안의 꽃을 찾아갑니다.", SLEEP, "ko", False),
    ("퇴비 더미는 매주 뒤집어야 합니다.", BEES, "ko", False),
]


def test_the_threshold_separates_right_and_wrong_citations() -> None:
    """Measured at SUPPORTED_AT = 0.34: precision 1.0 (no wrong citation kept) and recall 1.0
    on this set; the paraphrases with the least overlap score 0.57, the wrong passages at most
    0.22, so the threshold sits in the gap with room on both sides."""
    kept = [(support_score(s, p, lang) >= SUPPORTED_AT, label) for s, p, lang, label in LABELLED]
    true_positive = sum(1 for predicted, label in kept if predicted and label)
    precision = true_positive / max(1, sum(1 for predicted, _ in kept if predicted))
    recall = true_positive / sum(1 for _, label in kept if label)
    assert precision == 1.0, precision
    assert recall >= 0.9, recall


def test_a_sentence_with_too_few_terms_is_not_judged_supported() -> None:
    assert support_score("Start small.", COMPOST) == 0.0
