"""Cleaning rules are general page-chrome patterns, pinned on lines that are not the seeds'."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retold.article import RawDocument
from retold.clean import clean, normalise

PAGE = """Breaking News
Saturday, 14 September 2024
18°C
City council approves new tram line to the airport
Share
City council approves new tram line to the airport
The city council voted on Friday to build a tram line linking the central station to the airport, ending a decade of debate.
ADVERTISEMENT
Construction is expected to start next spring and to take four years, according to the transport department.
See also: Bus fares frozen for a third year
Opponents said the project would cost far more than the 450 million euros the council has budgeted.
Related stories
Originally published by the Northern Courier.
***
"""


def cleaned(text: str, **meta: str):  # type: ignore[no-untyped-def]
    return clean(RawDocument(source="page.txt", text=text, **meta))


def test_title_is_the_repeated_heading_before_the_body() -> None:
    article = cleaned(PAGE)
    assert article.title == "City council approves new tram line to the airport"


def test_body_keeps_only_prose_paragraphs() -> None:
    article = cleaned(PAGE)
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("The city council voted on Friday")
    assert article.paragraphs[2].startswith("Opponents said")


def test_chrome_lines_are_reported() -> None:
    chrome = cleaned(PAGE).chrome
    for line in (
        "Saturday, 14 September 2024",
        "18°C",
        "Share",
        "ADVERTISEMENT",
        "Related stories",
        "***",
    ):
        assert line in chrome
    assert "See also: Bus fares frozen for a third year" in chrome


def test_attribution_line_is_metadata_not_body() -> None:
    article = cleaned(PAGE)
    assert article.attribution == ["Originally published by the Northern Courier."]
    assert not any("Northern Courier" in p for p in article.paragraphs)


def test_given_title_is_used_and_its_repeat_dropped() -> None:
    article = cleaned("Tram line approved\n" + PAGE, title="Tram line approved")
    assert article.title == "Tram line approved"
    assert "Tram line approved" not in article.paragraphs


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "The council voted on Friday to build a tram line\nlinking the station to the airport.\n\n"
        "Construction starts next spring and will take\nfour years, the department said.\n"
    )
    article = cleaned(text)
    assert article.paragraphs == [
        "The council voted on Friday to build a tram line linking the station to the airport.",
        "Construction starts next spring and will take four years, the department said.",
    ]


def test_no_title_when_the_page_opens_with_prose() -> None:
    article = cleaned("The council voted on Friday to build a tram line to the airport.\n")
    assert article.title is None


@given(st.text(max_size=400))
def test_no_word_of_a_text_file_is_lost(text: str) -> None:
    """Every word ends up in the body, the chrome or the attribution: cleaning only sorts."""
    article = cleaned(text)
    kept = article.paragraphs + article.chrome + article.attribution
    assert all(paragraph == normalise(paragraph) for paragraph in kept)
    words_in = sum(len(normalise(line).split()) for line in text.splitlines())
    assert sum(len(p.split()) for p in kept) == words_in


ONE_PAGE_BOILERPLATE = [
    "Please disable your ad blocker to continue reading.",
    "Bitte deaktivieren Sie Ihren Werbeblocker, um weiterzulesen.",
    "Source link",
    "Leia Também",
    "LEIA TAMBÉM: Governo anuncia novas medidas",
    "Читайте также: Лукашенко провел совещание",
    "Διαβάστε επίσης",
    "Citește și: Guvernul a anunțat noi măsuri",
    "Czytaj także",
    "Subscribe to our newsletter for the latest news from the region.",
    "Підпишіться на наш канал у Telegram, щоб першими дізнаватися новини.",
    "We use cookies to improve your experience on our website.",
    "Photo: Sergei Grits/AP",
    "(Photo by Kirill Kudryavtsev/AFP via Getty Images)",
    "Getty Images",
    "(Reporting by Andrius Sytas in Vilnius; Editing by Mark Trevelyan)",
    "ant-osh/jbr/kjl",
    "Embed Quelle: DPA - Länge: 00:53s",
    "The regime landed @Ryanair plane in Minsk https://t.co/x1Y2z3",
    "— NEXTA (@nexta_tv) May 23, 2021",
]


def test_one_page_boilerplate_in_many_languages_is_chrome() -> None:
    story = (
        "Belarus forced a Ryanair plane flying from Athens to Vilnius to land in Minsk on Sunday.\n\n"
        "Police then arrested the opposition journalist Raman Pratasevich, who was on board.\n\n"
    )
    text = story + "\n\n".join(ONE_PAGE_BOILERPLATE)
    article = clean(RawDocument("page", text))
    assert article.paragraphs == story.strip().split("\n\n")
    assert set(ONE_PAGE_BOILERPLATE) <= set(article.chrome)


def test_a_site_slogan_is_not_the_title() -> None:
    text = (
        "Creating new perspectives since 2009\n\n"
        "Belarus forces Ryanair plane to land in Minsk\n\n"
        "Belarus forced a Ryanair plane flying from Athens to Vilnius to land in Minsk on Sunday."
    )
    assert clean(RawDocument("page", text)).title == "Belarus forces Ryanair plane to land in Minsk"


def test_a_headline_alone_is_an_article() -> None:
    article = clean(RawDocument("post", "Belarus forces Ryanair plane to land in Minsk"))
    assert article.paragraphs == ["Belarus forces Ryanair plane to land in Minsk"]


def test_chinese_and_japanese_paragraphs_are_prose_not_chrome() -> None:
    # Chinese and Japanese put no spaces between words and end sentences with "。": every
    # paragraph of a Chinese report was taken for page furniture and only the first was kept.
    text = (
        "【KTSF】\n\n"
        "阿富汗喀布爾機場附近周四發生自殺式炸彈攻擊事件,兩名自殺式炸彈客和多名槍手發動攻擊。\n\n"
        "自塔利班控制阿富汗後,喀布爾機場連日聚集大批民眾,希望能逃離阿富汗。\n\n"
        "美方指傷者包括美軍人員,但未透露細節。\n\n"
        "此前报道:突发!俄黑海舰队旗舰发生“爆炸”\n\n"
        "安倍晋三元首相は8日、奈良市で演説中に銃撃され、搬送先の病院で死亡が確認された。"
    )
    article = clean(RawDocument(source="zh", text=text))
    assert len(article.paragraphs) == 4
    assert article.paragraphs[-1].startswith("安倍晋三")
    assert article.chrome == ["【KTSF】", "此前报道:突发!俄黑海舰队旗舰发生“爆炸”"]
