"""Build a labelled evaluation set of news articles with copies made the ways the web makes them.

Run: .venv/bin/python bench/labelled_set.py --events 40 --out bench/data/labelled.jsonl

How it is built (every choice is seeded, so the same arguments give the same file):
- An *event* is a news template family (a strike, a fire, a court ruling, an election, a
  company's results, a storm) filled with its own city, people, organisation, figures and day.
- Each event has an *original report* (6-8 sentences from the family's wire templates) and,
  for half the events, an *independent report* written from a different set of templates with
  the same facts: same story, different text.
- Copies of the original, each a member of the original's *copy group*:
  page chrome (menus, date header, weather, ads, "Read also" teasers, attribution line);
  truncation; OCR-like character noise; reordering with one sentence dropped and one
  inserted claim; paraphrase (synonym and phrase substitution); a French translation
  (the family's French templates with the same fills).
- Hard negatives: events of the same family on the same day in other cities, with other people
  and figures, so topic alone does not tell them apart.
Fields: id, text, copy_group (label of the copy group), story (label of the event), kind.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

FAMILIES: dict[str, dict[str, list[str]]] = {
    "strike": {
        "en": [
            "Workers at the {org} plant in {city} walked off the job on {day}, halting production for the first time in {years} years.",
            "The strike was called by the {union} union after talks over pay broke down late on {prevday}.",
            "Union leader {person} said members had been offered a raise of {pct} percent, well below inflation.",
            '"We have waited long enough, and our members are done being patient," {surname} told reporters outside the gates.',
            "The company said about {count} orders were delayed and warned that suppliers across the region could be hit.",
            "The regional government urged both sides to return to the table.",
            "The last major strike at the site, in {year}, lasted {duration} days.",
            "Talks are expected to resume on {nextday} with a mediator.",
        ],
        "fr": [
            "Les ouvriers de l'usine {org} de {city} ont cessé le travail {day_fr}, interrompant la production pour la première fois depuis {years} ans.",
            "La grève a été lancée par le syndicat {union} après l'échec des négociations salariales {prevday_fr} soir.",
            "Le dirigeant syndical {person} a indiqué que les salariés s'étaient vu proposer une hausse de {pct} %, bien en dessous de l'inflation.",
            "« Nous avons assez attendu, et nos membres ne veulent plus patienter », a déclaré {surname} aux journalistes devant les grilles.",
            "L'entreprise a indiqué qu'environ {count} commandes étaient retardées et a averti que des fournisseurs de la région pourraient être touchés.",
            "Le gouvernement régional a exhorté les deux parties à reprendre les discussions.",
            "La dernière grande grève sur le site, en {year}, avait duré {duration} jours.",
            "Les discussions devraient reprendre {nextday_fr} avec un médiateur.",
        ],
        "independent": [
            "Production lines in {city} stood idle as employees of {org} picketed the factory entrance.",
            "Local shop owners said the dispute was already costing them customers.",
            "An analyst at a regional bank estimated the stoppage would cost the company several million a day.",
            "{org} management described the union's demands as unaffordable in the current market.",
            "Police said the protest outside the plant was peaceful.",
            "Several customers have begun looking for other suppliers, according to industry sources.",
        ],
    },
    "fire": {
        "en": [
            "A fire tore through a {building} in {city} on {day}, forcing {count} residents to flee their homes.",
            "Firefighters fought the blaze for {duration} hours before bringing it under control.",
            "Fire chief {person} said {injured} people were treated for smoke inhalation.",
            '"The crews did remarkable work in very dangerous conditions," {surname} said.',
            "The cause of the fire is not yet known, and investigators are expected on site on {nextday}.",
            "The city has opened a school gymnasium as a temporary shelter.",
            "It was the worst fire in {city} since {year}, officials said.",
        ],
        "fr": [
            "Un incendie a ravagé un {building_fr} à {city} {day_fr}, obligeant {count} habitants à fuir leur logement.",
            "Les pompiers ont lutté contre les flammes pendant {duration} heures avant de maîtriser le feu.",
            "Le chef des pompiers {person} a indiqué que {injured} personnes avaient été soignées pour inhalation de fumée.",
            "« Les équipes ont fait un travail remarquable dans des conditions très dangereuses », a déclaré {surname}.",
            "La cause de l'incendie n'est pas encore connue, et les enquêteurs sont attendus sur place {nextday_fr}.",
            "La ville a ouvert un gymnase scolaire comme abri temporaire.",
            "Il s'agit du pire incendie à {city} depuis {year}, selon les autorités.",
        ],
        "independent": [
            "Neighbours described seeing thick black smoke rising over {city} from early evening.",
            "Residents gathered on the pavement wrapped in blankets handed out by volunteers.",
            "A local charity has started collecting clothes and food for the families affected.",
            "The building's owner said it had passed a safety inspection last year.",
            "Traffic was diverted around the area for most of the night.",
            "Insurance assessors are expected to visit the site once it is declared safe.",
        ],
    },
    "court": {
        "en": [
            "A court in {city} on {day} ordered {org} to pay {amount} million euros to former employees.",
            "Judges found that the company had ignored {count} internal warnings about unsafe working conditions.",
            "Lawyer {person}, who represented the workers, called the ruling a victory for every employee in the sector.",
            '"This decision sends a clear message to employers," {surname} said outside the courthouse.',
            "{org} said it would study the ruling before deciding whether to appeal.",
            "The case was first brought in {year} after an accident injured {injured} workers.",
            "An appeal would have to be lodged within {duration} days.",
        ],
        "fr": [
            "Un tribunal de {city} a condamné {day_fr} {org} à verser {amount} millions d'euros à d'anciens salariés.",
            "Les juges ont estimé que l'entreprise avait ignoré {count} alertes internes sur des conditions de travail dangereuses.",
            "L'avocat {person}, qui représentait les salariés, a qualifié la décision de victoire pour tous les employés du secteur.",
            "« Cette décision envoie un message clair aux employeurs », a déclaré {surname} devant le palais de justice.",
            "{org} a indiqué qu'elle étudierait la décision avant de décider de faire appel.",
            "L'affaire avait été lancée en {year} après un accident qui avait blessé {injured} ouvriers.",
            "Un appel devrait être déposé dans un délai de {duration} jours.",
        ],
        "independent": [
            "Former staff of {org} cheered in the public gallery as the verdict was read.",
            "Legal experts said the size of the award was unusual for a labour case.",
            "Shares in {org} fell in early trading after the ruling was announced.",
            "Trade unions in {city} said they would use the judgment in other disputes.",
            "The company has faced several inspections since the accident.",
            "A spokesperson for the labour ministry declined to comment on the case.",
        ],
    },
    "results": {
        "en": [
            "{org} reported a net profit of {amount} million euros for the first quarter on {day}, beating analysts' forecasts.",
            "Revenue rose {pct} percent from a year earlier, driven by strong demand in {country}.",
            "Chief executive {person} said the company would hire {count} people this year.",
            '"We are seeing demand recover faster than we expected," {surname} told investors on a call.',
            "The company raised its full-year outlook and proposed a higher dividend.",
            "Shares rose {pct2} percent in morning trading in {city}.",
            "{org} last reported a loss in {year}.",
        ],
        "fr": [
            "{org} a annoncé {day_fr} un bénéfice net de {amount} millions d'euros pour le premier trimestre, supérieur aux prévisions des analystes.",
            "Le chiffre d'affaires a progressé de {pct} % sur un an, porté par une forte demande en {country_fr}.",
            "Le directeur général {person} a indiqué que l'entreprise embaucherait {count} personnes cette année.",
            "« Nous voyons la demande repartir plus vite que prévu », a déclaré {surname} aux investisseurs.",
            "L'entreprise a relevé ses prévisions annuelles et proposé un dividende plus élevé.",
            "L'action a gagné {pct2} % en début de séance à {city}.",
            "{org} avait enregistré sa dernière perte en {year}.",
        ],
        "independent": [
            "Investors welcomed the figures from {org}, which had warned of a difficult year.",
            "Analysts noted that costs had fallen faster than revenue.",
            "The company's rivals are due to report their own results later this month.",
            "Some economists cautioned that the recovery in demand might not last.",
            "Trading volumes in the stock were twice their usual level.",
            "The board will meet next month to approve the dividend.",
        ],
    },
}
CITIES = [
    "Lyon",
    "Porto",
    "Gdansk",
    "Bilbao",
    "Turin",
    "Ghent",
    "Leipzig",
    "Brno",
    "Malmo",
    "Cork",
    "Graz",
    "Utrecht",
    "Seville",
    "Nantes",
    "Krakow",
    "Aarhus",
]
FIRST = [
    "Anna",
    "Marc",
    "Elena",
    "Piotr",
    "Sofia",
    "Jonas",
    "Lucia",
    "Tomas",
    "Ines",
    "Pavel",
    "Clara",
    "Erik",
    "Marta",
    "Hugo",
    "Nadia",
    "Luca",
]
LAST = [
    "Novak",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Ferreira",
    "Bauer",
    "Rossi",
    "Jansen",
    "Horvat",
    "Dubois",
    "Schmidt",
    "Costa",
    "Nielsen",
    "Varga",
    "Keller",
    "Santos",
]
ORGS = [
    "Veltrix",
    "Norcast",
    "Aluron",
    "Brightmill",
    "Kestrel Foods",
    "Ostara Steel",
    "Meridian Rail",
    "Calder Glass",
    "Tessaro",
    "Polaris Chemicals",
    "Halden Paper",
    "Orvik Motors",
]
UNIONS = ["Metalworkers", "Unity", "Solidarity", "Transport Workers", "General Workers"]
BUILDINGS = [
    ("apartment block", "immeuble"),
    ("warehouse", "entrepôt"),
    ("hotel", "hôtel"),
    ("shopping centre", "centre commercial"),
]
COUNTRIES = [
    ("Germany", "Allemagne"),
    ("Spain", "Espagne"),
    ("Poland", "Pologne"),
    ("Italy", "Italie"),
]
DAYS = [
    ("Monday", "lundi"),
    ("Tuesday", "mardi"),
    ("Wednesday", "mercredi"),
    ("Thursday", "jeudi"),
    ("Friday", "vendredi"),
]
CHROME = [
    "Home | World | Business | Sport",
    "- Advertisement -",
    "Most read",
    "Share this article",
    "Sign up for our newsletter",
    "More articles",
    "Latest news",
]
INSERTED = [
    "Critics said the authorities had been warned about the risks months ago.",
    "The announcement comes amid growing tension between the government and the opposition.",
    "Observers say the affair could have consequences well beyond the region.",
    "A spokesperson denied the allegations in a statement issued on Saturday.",
]
PARAPHRASES = [
    ("said", "stated"),
    ("on ", "this "),
    ("walked off the job", "went on strike"),
    ("about", "roughly"),
    ("urged", "called on"),
    ("warned", "cautioned"),
    ("expected", "due"),
    ("first", "initial"),
    ("former employees", "ex-workers"),
    ("people", "individuals"),
    ("residents", "inhabitants"),
    ("told reporters", "told journalists"),
    ("would", "will"),
    ("beating", "surpassing"),
]
OCR_CONFUSIONS = {"l": "1", "o": "0", "e": "c", "m": "rn", "i": "l", "a": "o", "s": "5"}


def fills(rng: random.Random) -> dict[str, str]:
    day, day_fr = rng.choice(DAYS)
    index = DAYS.index((day, day_fr))
    prev, prev_fr = DAYS[index - 1]
    nxt, nxt_fr = DAYS[(index + 2) % len(DAYS)]
    building, building_fr = rng.choice(BUILDINGS)
    country, country_fr = rng.choice(COUNTRIES)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "city": rng.choice(CITIES), "org": rng.choice(ORGS), "union": rng.choice(UNIONS),
        "person": f"{first} {last}", "surname": last, "day": day, "day_fr": day_fr,
        "prevday": prev, "prevday_fr": prev_fr, "nextday": nxt, "nextday_fr": nxt_fr,
        "building": building, "building_fr": building_fr, "country": country, "country_fr": country_fr,
        "years": str(rng.randint(5, 30)), "pct": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}".replace(".0", ""),
        "pct2": str(rng.randint(2, 12)), "count": str(rng.randint(12, 900)), "year": str(rng.randint(1995, 2021)),
        "duration": str(rng.randint(2, 15)), "injured": str(rng.randint(2, 40)), "amount": str(rng.randint(3, 480)),
    }  # fmt: skip


def render(templates: list[str], values: dict[str, str], french: bool = False) -> list[str]:
    if french:  # French writes decimal commas
        values = dict(values, pct=values["pct"].replace(".", ","))
    return [template.format(**values) for template in templates]


def paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(sentences)


def ocr_noise(text: str, rng: random.Random, rate: float = 0.02) -> str:
    return "".join(
        OCR_CONFUSIONS[ch] if ch in OCR_CONFUSIONS and rng.random() < rate else ch for ch in text
    )


def paraphrase(sentences: list[str], rng: random.Random) -> list[str]:
    out = []
    for sentence in sentences:
        for old, new in rng.sample(PARAPHRASES, len(PARAPHRASES)):
            if old in sentence and rng.random() < 0.7:
                sentence = sentence.replace(old, new, 1)
        out.append(sentence)
    return out


def copies(original: list[str], french: list[str], rng: random.Random) -> list[tuple[str, str]]:
    made: list[tuple[str, str]] = []
    header = f"{rng.choice(DAYS)[0]}, {rng.randint(1, 28)} May 2024"
    chrome = [rng.choice(CHROME), header, f"{rng.randint(5, 30)} C"]
    body = list(original)
    body.insert(2, f"Read also: {rng.choice(INSERTED)[:40]}")
    made.append(("chrome", "\n\n".join(chrome + body + ["- Advertisement -", "Source: wire"])))
    made.append(("truncated", paragraphs(original[: max(3, len(original) - rng.randint(2, 3))])))
    made.append(("ocr", ocr_noise(paragraphs(original), rng)))
    reordered = list(original)
    reordered.pop(rng.randrange(1, len(reordered)))
    rng.shuffle(reordered)
    reordered.insert(rng.randrange(1, len(reordered)), rng.choice(INSERTED))
    made.append(("reordered+inserted", paragraphs(reordered)))
    made.append(("paraphrase", paragraphs(paraphrase(original, rng))))
    made.append(("translation-fr", paragraphs(french)))
    return [m for m in made if rng.random() < 0.75]


def build(events: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    records: list[dict[str, str]] = []
    for event in range(events):
        family = rng.choice(sorted(FAMILIES))
        templates = FAMILIES[family]
        values = fills(rng)
        keep = sorted(
            rng.sample(range(len(templates["en"])), k=min(len(templates["en"]), rng.randint(6, 8)))
        )
        original = render([templates["en"][i] for i in keep], values)
        french = render([templates["fr"][i] for i in keep], values, french=True)
        group = f"e{event}-original"
        story = f"e{event}"
        records.append(
            {"text": paragraphs(original), "copy_group": group, "story": story, "kind": "original"}
        )
        for kind, text in copies(original, french, rng):
            records.append({"text": text, "copy_group": group, "story": story, "kind": kind})
        if rng.random() < 0.5:
            independent = render(rng.sample(templates["independent"], 5), values) + [
                original[0].replace(values["day"], "this week")
            ]
            rng.shuffle(independent)
            records.append(
                {
                    "text": paragraphs(independent),
                    "copy_group": f"e{event}-independent",
                    "story": story,
                    "kind": "independent",
                }
            )
    rng.shuffle(records)
    for number, record in enumerate(records):
        record["id"] = f"a{number}"
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=Path("bench/data/labelled.jsonl"))
    args = parser.parse_args()
    records = build(args.events, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    stories = len({r["story"] for r in records})
    groups = len({r["copy_group"] for r in records})
    print(f"{len(records)} articles, {groups} copy groups, {stories} stories -> {args.out}")


if __name__ == "__main__":
    main()
