from __future__ import annotations

from retold.segment import detect_language, split_sentences


def test_misdirected_closing_quote_still_ends_a_sentence() -> None:
    text = 'He said they "agreed to act together“. According to them, the plan is ready.'
    assert split_sentences(text, "en") == [
        'He said they "agreed to act together“.',
        "According to them, the plan is ready.",
    ]


def test_abbreviations_do_not_split() -> None:
    text = "Dr. Smith met Mr. Jones in Washington on Tuesday. They spoke for an hour."
    assert len(split_sentences(text, "en")) == 2


def test_languages_are_identified() -> None:
    assert detect_language("Les dockers du port ont cessé le travail lundi matin.") == "fr"
    russian = (
        "Спасатели потушили пожар на складе в пригороде Москвы за два часа, сообщили в МЧС. "
        "Пострадавших нет, причины возгорания выясняются."
    )
    assert detect_language(russian) == "ru"
    assert detect_language("Dockworkers walked off the job on Monday morning.") == "en"
    assert detect_language("ok") is None
