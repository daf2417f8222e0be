"""Top-level domains that X's URL detection recognises, as far as we need to know them.

twitter-text only turns `something.tld` into a 23-character t.co link when `tld` is on its list of
generic and country-code TLDs (or is punycode). We do not copy the full IANA list (about 1,500
names that change monthly); instead we keep:

- every ASCII country-code TLD (ISO 3166 codes plus ac, eu, su, uk …), which is small and stable,
  and which twitter-text treats specially (a bare `name.cc` without a path is not a link unless
  cc is `co` or `tv`);
- the generic TLDs people actually write in posts;
- the internationalised country codes.

A domain-like token whose TLD is not here is *uncertain*: X may or may not link it. The counter
reports it at its literal weight but budgets it at max(literal, 23), so a post we produce never
goes over 280 whichever way X decides (see twitter_text.weighted_length(upper_bound=True)).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ISO 3166-1 alpha-2 codes delegated as ccTLDs, plus the exceptionally reserved ones in use.
COUNTRY_CODE_TLDS: frozenset[str] = _words(
    """
    ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn
    bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de
    dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm
    gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp
    ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh
    mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om
    pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj
    sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz
    ua ug uk um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
    """
)

# twitter-text's validSpecialCCTLD: `t.co` or `foo.tv` is a link even without a path.
SPECIAL_COUNTRY_CODE_TLDS: frozenset[str] = frozenset({"co", "tv"})

GENERIC_TLDS: frozenset[str] = _words(
    """
    com net org info biz edu gov mil int name pro aero asia cat coop jobs mobi museum tel
    travel academy agency app art audio auto bank bar beer best bet bike bio blog book
    boutique build business buzz cafe camp capital care careers cash center chat city click
    cloud club coach codes coffee college community company computer consulting cool credit
    dance data dating deals design dev diet digital direct directory discount dog domains
    earth eco education email energy engineering enterprises equipment estate events
    exchange expert express family farm fashion film finance fish fit fitness fm foo food
    football foundation free fun fund furniture futbol fyi gallery game games garden gay
    gift gifts global gmbh gold golf graphics green group guide guru health help holdings
    holiday home homes host house how inc industries ink institute insurance international
    investments jetzt kitchen land law lawyer legal life lighting limited link live llc loan
    london love ltd luxury management market marketing mba media medical meme menu miami
    moda money movie music network new news ngo nyc one online ooo page paris partners parts
    party photo photography photos pics pink pizza place plus poker porn press productions
    properties property pub realty recipes red rent report rest review reviews rocks run
    sale salon school science services sex sexy shop shopping show site ski soccer social
    software solar solutions space store studio style sucks support surf systems tax taxi
    team tech technology tips today tools top tours town toys trade training tube university
    uno vacations vegas ventures vet video vip vision vote voyage wang watch web website
    wedding wiki win wine work works world wtf xxx xyz yoga zone amazon apple google
    microsoft youtube
    """
)

# Internationalised country-code TLDs (twitter-text's validCCTLD lists these).
IDN_COUNTRY_CODE_TLDS: frozenset[str] = _words(
    """
    한국 香港 澳門 新加坡 台灣 台湾 中國 中国 გე ລາວ ไทย ලංකා ഭാരതം ಭಾರತ భారత్ சிங்கப்பூர் இலங்கை இந்தியா
    ଭାରତ ભારત ਭਾਰਤ ভাৰত ভারত বাংলা भारोत भारतम् भारत ڀارت پاکستان موريتانيا مليسيا مصر قطر
    فلسطين عمان عراق سورية سودان تونس بھارت بارت ایران امارات المغرب السعودية الجزائر
    البحرين الاردن հայ қаз укр срб рф мон мкд ею бел бг ευ ελ
    """  # noqa: RUF001 - Cyrillic and Greek TLDs are meant to look like Latin letters
)

KNOWN_TLDS: frozenset[str] = COUNTRY_CODE_TLDS | GENERIC_TLDS | IDN_COUNTRY_CODE_TLDS
