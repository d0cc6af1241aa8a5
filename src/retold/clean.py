"""Main text: separate page chrome, attribution lines and the title from the article body.

The rules are general page-chrome patterns, not strings of particular pages:
- lines with no words (punctuation debris, separators);
- weather readings, date-only headers, advertisement markers, link teasers ("Read also:");
- lines repeated within the page (the repeated title, repeated ad slots);
- short lines that are not sentences ("Must read", "More articles") once the body has begun,
  or before it when another line is the title;
- attribution lines ("Source: ...", "Originally published by ...") are kept as metadata.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from retold.article import Article, RawDocument
from retold.settings import DEFAULT_SETTINGS, Settings

ATTRIBUTION = re.compile(
    r"^(sources?|via|credits?|courtesy( of)?|originally published|first published|"
    r"this (article|story|report) (first |originally )?(appeared|was published)|"
    r"read the original( article)?|quelle|fuente|источник)\b\s*(:|by|on|in|at)?\s*\S",
    re.IGNORECASE,
)
TEASER_WORDS = (
    r"read also|also read|read more|see also|related( articles?| stories| news)?|more on this|"
    r"recommended( for you)?|you may also like|don'?t miss|watch|listen|must read|"
    r"lire aussi|à lire aussi|voir aussi|lire la suite|lesen sie auch|mehr zum thema|"
    r"leer también|lee también|lea también|vea también|ver también|leia também|leia mais|"
    r"veja também|saiba mais|leggi anche|potrebbe interessarti|lees ook|czytaj (też|także|"
    r"również)|zobacz (też|także)|citește și|citeste si|vezi și|διαβάστε επίσης|δείτε επίσης|"
    r"διαβάστε ακόμη|читайте также|читайте також|смотрите также|дивіться також|"
    r"читати також|також читайте|прочитайте также|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|"
    r"ayrıca okuyun|ilginizi çekebilir|相关阅读|延伸阅读|另请参阅|相關閱讀|延伸閱讀|"
    r"此前报道|此前報導|相关新闻|相關新聞|推荐阅读|推薦閱讀|関連記事|あわせて読みたい"
)
# A teaser word with a separator and a headline after it, or on a line of its own.
LINK_TEASER = re.compile(rf"^[\s\-–—|*►▶»]*({TEASER_WORDS})\s*([:：>»\-–|]|$)", re.IGNORECASE)
# One-page boilerplate that reads like a sentence: ad-block notices, "source link" stubs,
# newsletter and cookie prompts, photo credits. Matched on a whole short line only.
BOILERPLATE = re.compile(
    r"^[\s\-–—|*(\[]*("
    r"source link|original link|link to source|fonte|fuente original|"
    r".{0,40}\b(ad ?blocker|adblock|ad-blocker|bloqueur de pub\w*|werbeblocker|adblocker|"
    r"bloqueador de anuncios|bloqueador de publicidade|блокировщик рекламы|"
    r"блокувальник реклами)\b.*|"
    r"(please )?(enable|turn on) javascript.*|"
    r".{0,40}\b(subscribe to|sign up (for|to)|inscreva-se|abonnez-vous|abonnieren sie|"
    r"suscríbete|iscriviti|zapisz się|подпишитесь|підписуйтесь|підпишіться|εγγραφείτε|"
    r"abonează-te)\b.{0,80}\b(newsletter|channel|канал|каналу|telegram|youtube|google news)\b.*|"
    r".{0,60}\b(we use cookies|uses cookies|utilizamos cookies|usamos cookies|"
    r"nous utilisons des cookies|verwendet cookies|wir verwenden cookies|"
    r"используем (файлы )?cookie|використовуємо (файли )?cookie)\b.*|"
    r"(photo|foto|фото|φωτογραφία|image|picture|bild|imagem|imagen)( credits?)?\s*[:©/].{0,80}|"
    r"(photo|image) (by|credit|courtesy).{0,80}|"
    r"©.{0,80}|.{0,60}\((photo|foto|фото)[^)]{0,60}\)|"
    r"(getty images|reuters|afp|ap photo|epa|shutterstock|istock)( via .{0,40})?|"
    # wire credits and slugs: "(Reporting by ...; Editing by ...)", AFP's "ant-osh/jbr"
    r"((additional )?reporting|writing|editing|compiled) by (?-i:[A-Z])\w+ (?-i:[A-Z]).{0,200}|"
    r"our standards: the thomson reuters trust principles|"
    r"[a-z]{2,4}(-[a-z]{2,4})*(/[a-z]{2,4}(-[a-z]{2,4})*)+|"
    # embedded videos and posts: "Embed Quelle: DPA - Länge: 00:53s", a tweet and its byline
    r"embed\b.{0,80}|.{0,280}(https?://t\.co/|pic\.twitter\.com/)\S*.{0,80}|"
    r"— .{0,60}\(@\w+\) .{0,40}\d{4}"
    r")[\s.)\]]*$",
    re.IGNORECASE,
)
ADVERTISEMENT = re.compile(
    r"^[\s\-–—|*]*(advertisement|advertising|sponsored( content)?|ads?|publicité|publicidad|"
    r"anzeige|werbung|реклама|pubblicità)\b",
    re.IGNORECASE,
)
WEATHER = re.compile(r"^[-+−]?\d{1,3}([.,]\d)?\s*°?\s*[CF]\b\.?$", re.IGNORECASE)
SHARE_WIDGET = re.compile(
    r"^(share|tweet|follow us|subscribe|sign up|newsletter|comments?|print|email)\b",
    re.IGNORECASE,
)
DATE_WORDS = set(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "am",
        "pm",
        "gmt",
        "utc",
        "updated",
        "published",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "januar",
        "februar",
        "märz",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "de",
        "le",
        "der",
    ]
)
SENTENCE_END = re.compile(r"[.!?…:;。！？．][\"'”“»’)\]」』）》]*$|[\"”»」』]$")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Han and kana: Chinese and Japanese write words without spaces between them.
UNSPACED_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNSPACED = re.compile(f"[{UNSPACED_CHARACTERS}]")
UNSPACED_RUN = re.compile(f"{UNSPACED.pattern}{{2,}}")
# Characters per word in Chinese and Japanese text, near enough to weigh a line like a spaced one.
CHARACTERS_PER_UNSPACED_WORD = 2


@dataclass
class Line:
    text: str
    key: str  # normalised for repetition checks

    @property
    def words(self) -> int:
        return count_words(self.text)


def count_words(text: str) -> int:
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    spaced = len(WORD.findall(UNSPACED.sub(" ", text)))
    return spaced + unspaced // CHARACTERS_PER_UNSPACED_WORD


def normalise(text: str) -> str:
    """Unicode NFC, no-break spaces and runs of whitespace folded to one space."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per line; a line that stops mid-sentence and continues in lower case on the
    next line (hard-wrapped text) is joined to it."""
    lines = [normalise(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs: list[str] = []
    continues = False
    for line in lines:
        if not line:
            continues = False
            continue
        if continues and line[0].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        continues = len(paragraphs[-1]) >= 30 and not SENTENCE_END.search(paragraphs[-1])
    return paragraphs


def is_attribution(text: str, settings: Settings) -> bool:
    return (
        bool(ATTRIBUTION.match(text))
        and len(text.split()) <= settings.max_title_words
        and not BOILERPLATE.match(text)
    )


def chrome_pattern(line: Line, settings: Settings) -> bool:
    """Lines that are page furniture wherever they stand."""
    text = line.text
    if line.words == 0 or sum(ch.isalpha() for ch in text) < 2:
        return True
    if WEATHER.match(text) or LINK_TEASER.match(text) or ADVERTISEMENT.match(text):
        return True
    if line.words <= settings.max_title_words * 2 and BOILERPLATE.match(text):
        return True
    if SHARE_WIDGET.match(text) and line.words < settings.min_prose_words:
        return True
    return is_date_line(text)


def is_date_line(text: str) -> bool:
    tokens = re.findall(r"[^\W_]+", text.lower())
    if not tokens or len(tokens) > 10:
        return False
    has_date_word = any(t in DATE_WORDS for t in tokens)
    return has_date_word and all(
        t in DATE_WORDS or t.isdigit() or re.fullmatch(r"\d+(st|nd|rd|th|h)", t) for t in tokens
    )


def is_prose(line: Line, settings: Settings) -> bool:
    return line.words >= settings.min_prose_words or bool(
        SENTENCE_END.search(line.text) and line.words >= 3
    )


def clean(document: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> Article:
    """Split a document into title, body paragraphs, chrome and attribution lines."""
    lines = [Line(p, _key(p)) for p in split_paragraphs(document.text)]
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.key] = counts.get(line.key, 0) + 1

    title = normalise(document.title) if document.title else None
    title_key = _key(title) if title else None
    if title is None:
        title, title_key = _detect_title(lines, counts, settings)

    body: list[str] = []
    chrome: list[str] = list(document.removed_lines)
    attribution: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if line.key == title_key:
            if document.extracted_from_html and line.key not in seen and not body:
                seen.add(line.key)
                continue  # trafilatura already reported the title; the body repeats it
            chrome.append(line.text)
        elif is_attribution(line.text, settings):
            attribution.append(line.text)
        elif line.key in seen or chrome_pattern(line, settings) or not is_prose(line, settings):
            chrome.append(line.text)
        else:
            body.append(line.text)
        seen.add(line.key)
    if not body and title:
        # A headline or a one-line post is still an article: its title is its text.
        body = [title]
        chrome = [c for c in chrome if _key(c) != title_key]

    return Article(
        source=document.source,
        paragraphs=body,
        title=title,
        chrome=chrome,
        attribution=attribution,
        url=document.url,
        published=document.published,
        site=document.site,
        author=document.author,
        language=document.language,
    )


def is_sentence(text: str, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """A full sentence of prose: enough words and an ending, and no page-furniture pattern."""
    line = Line(text, _key(text))
    return (
        line.words >= settings.min_prose_words
        and bool(SENTENCE_END.search(text))
        and not chrome_pattern(line, settings)
    )


def _detect_title(
    lines: list[Line], counts: dict[str, int], settings: Settings
) -> tuple[str | None, str | None]:
    """The title is a heading-like line before the first prose line; a repeated one wins."""
    candidates: list[Line] = []
    for line in lines:
        if is_prose(line, settings) and not _heading_like(line, settings):
            break
        if _heading_like(line, settings) and not chrome_pattern(line, settings):
            candidates.append(line)
    if not candidates:
        return None, None
    repeated = [c for c in candidates if counts[c.key] > 1]
    substantial = [c for c in candidates if c.words >= 4]
    pool = repeated or substantial or candidates
    # A headline shares its words with the story; a site's slogan or section name does not.
    body_words = _content_words(" ".join(line.text for line in lines if is_prose(line, settings)))
    if body_words:
        pool = [c for c in pool if _content_words(c.text) & body_words]
        if not pool:
            return None, None
    chosen = pool[0]
    return chosen.text, chosen.key


def _content_words(text: str) -> set[str]:
    """Words of four letters or more; in Chinese and Japanese, pairs of adjacent characters."""
    words = {w.lower() for w in WORD.findall(UNSPACED.sub(" ", text)) if len(w) >= 4}
    for run in UNSPACED_RUN.findall(text):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words


def _heading_like(line: Line, settings: Settings) -> bool:
    return (
        2 <= line.words <= settings.max_title_words
        and not re.search(r"[.;:,。．，；：]$", line.text)
        and not is_attribution(line.text, settings)
    )


def _key(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").lower()).strip()
