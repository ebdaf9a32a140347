"""The six UN languages: complete catalogues, translated pages, locale-formatted figures.

The catalogues are read with a small parser of the PO format (no dependency): every entry
must be translated, none fuzzy, with the placeholders of its msgid, every plural form filled
in, and the compiled ``.mo`` beside it must hold the same text (``make messages`` was run).
"""

from __future__ import annotations

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from copgirls.models import MemberState
from events.models import Event

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE_DIRS = [BASE_DIR / "locale", BASE_DIR / "reports" / "locale"]
#: Locale directory name -> number of plural forms (CLDR / GNU gettext).
PLURALS = {"ar": 6, "es": 2, "fr": 2, "ru": 3, "zh_Hans": 1}
CATALOGUES = [
    directory / language / "LC_MESSAGES" / "django.po"
    for directory in CATALOGUE_DIRS
    for language in PLURALS
]

pytestmark = pytest.mark.usefixtures("empty_cache")


# --- A minimal PO reader ----------------------------------------------------------------------
def read_po(path: Path) -> list[dict]:
    """Entries of a PO file: ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` (a dict of
    plural index -> text, key 0 alone for a singular entry), ``flags`` and ``line``."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def finish():
        if "msgid" in entry:
            entries.append(entry.copy())
        entry.clear()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            field = None
        elif line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            raise AssertionError(f"{path}:{number}: obsolete entry left in the catalogue")
        elif line.startswith("#"):
            if "msgid" in entry and "msgstr" in entry:
                finish()
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += text
            else:
                entry[field] += text
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
                finish()
            if match:
                entry.setdefault("msgstr", {})[int(match.group(1))] = text
                field = ("msgstr", int(match.group(1)))
            elif keyword == "msgstr":
                entry["msgstr"] = {0: text}
                field = ("msgstr", 0)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                entry[keyword] = text
                entry.setdefault("line", number)
                field = keyword
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdifgxXeEr]|%%|%[sd]|\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z][^>]*>")


def placeholders(text: str, *, python_format: bool) -> list[str]:
    found = PLACEHOLDER.findall(text) if python_format else []
    return sorted(found) + sorted(TAG.findall(text))


def test_po_reader_reads_plurals_flags_and_continued_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s girl"\nmsgid_plural "%(n)s girls"\n'
        'msgstr[0] "%(n)s fille"\nmsgstr[1] ""\n"%(n)s filles"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, plural, quoted = read_po(po)
    assert "nplurals=2" in header["msgstr"][0]
    assert plural["flags"] == {"fuzzy", "python-format"}
    assert plural["msgstr"] == {0: "%(n)s fille", 1: "%(n)s filles"}
    assert quoted["msgid"] == 'Say "hi"' and quoted["msgstr"] == {0: ""}


# --- (a) complete catalogues ------------------------------------------------------------------
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_entry_is_translated_with_the_placeholders_of_its_msgid(path):
    language = path.parents[1].name
    entries = read_po(path)
    header, entries = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert f"nplurals={PLURALS[language]};" in header["msgstr"][0].replace(" ", "")
    assert len(entries) > 100
    problems = []
    for entry in entries:
        where = f"{path.name}:{entry['line']} {entry['msgid'][:60]!r}"
        flags = entry.get("flags", set())
        python_format = "python-format" in flags
        if "fuzzy" in flags:
            problems.append(f"{where}: fuzzy")
        forms = entry["msgstr"]
        if "msgid_plural" in entry:
            if sorted(forms) != list(range(PLURALS[language])):
                problems.append(f"{where}: {len(forms)} plural forms, not {PLURALS[language]}")
            expected = placeholders(entry["msgid_plural"], python_format=python_format)
        else:
            expected = placeholders(entry["msgid"], python_format=python_format)
        for index, text in forms.items():
            if not text.strip():
                problems.append(f"{where}: msgstr[{index}] is empty")
            elif placeholders(text, python_format=python_format) != expected:
                problems.append(f"{where}: msgstr[{index}] {text[:60]!r} changes the placeholders")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("directory", CATALOGUE_DIRS, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_the_five_catalogues_of_a_domain_translate_the_same_messages(directory):
    msgids = {
        language: {
            entry["msgid"] for entry in read_po(directory / language / "LC_MESSAGES" / "django.po")
        }
        for language in PLURALS
    }
    assert all(ids == msgids["fr"] for ids in msgids.values())


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_the_compiled_catalogue_matches_its_po_file(path):
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(path)[1:]:
        msgid = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if "msgid_plural" in entry:
            assert (
                compiled.ngettext(msgid, entry["msgid_plural"], 1)
                == entry["msgstr"][compiled.plural(1)]
            ), f"{path}: run `make messages` ({entry['msgid'][:60]!r})"
        else:
            assert compiled.gettext(msgid) == entry["msgstr"][0], (
                f"{path}: run `make messages` ({entry['msgid'][:60]!r})"
            )


# --- (b) pages in the six languages -----------------------------------------------------------
#: language code -> (Accept-Language header, html lang, dir, headings of home, sign-in,
#: participant entry and public celebrations pages)
PAGES = {
    "en": (
        "en-GB,en;q=0.8",
        "en",
        "ltr",
        ["Published so far", "Sign in", "Type the code on the screen", "Girls in ICT celebrations"],
    ),
    "fr": (
        "fr-CH,fr;q=0.9,en;q=0.5",
        "fr",
        "ltr",
        [
            "Publié à ce jour",
            "Se connecter",
            "Saisissez le code affiché à l’écran",
            "Célébrations des Jeunes filles dans le secteur des TIC",
        ],
    ),
    "es": (
        "es-PE,es;q=0.9",
        "es",
        "ltr",
        [
            "Publicado hasta ahora",
            "Iniciar sesión",
            "Escribe el código que aparece en la pantalla",
            "Celebraciones de las Niñas en las TIC",
        ],
    ),
    "ru": (
        "ru-RU,ru;q=0.9",
        "ru",
        "ltr",
        [
            "Опубликовано на сегодня",
            "Войти",
            "Введите код с экрана",
            "Мероприятия «Девушки в ИКТ»",
        ],
    ),
    "ar": (
        "ar-JO,ar;q=0.9",
        "ar",
        "rtl",
        [
            "المنشور حتى الآن",
            "تسجيل الدخول",
            "اكتبي الرمز الظاهر على الشاشة",
            "احتفالات الفتيات في مجال تكنولوجيا المعلومات والاتصالات",
        ],
    ),
    "zh-hans": (
        "zh-CN,zh;q=0.9",
        "zh-hans",
        "ltr",
        ["迄今已发布", "登录", "输入屏幕上的代码", "信息通信技术女童日庆祝活动"],
    ),
}
URLS = ["/", "/accounts/login/", "/a/", "/celebrations/"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", PAGES)
def test_pages_follow_the_browser_language_with_lang_and_dir(client, language):
    accept, lang, direction, headings = PAGES[language]
    for url, heading in zip(URLS, headings, strict=True):
        response = client.get(url, headers={"accept-language": accept})
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in page, url
        assert heading in page, f"{url} in {language}: {heading!r} missing"


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language_for_the_next_pages(client):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/celebrations/"})
    assert response.status_code == 302 and response["Location"] == "/celebrations/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    page = client.get("/celebrations/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "احتفالات الفتيات في مجال تكنولوجيا المعلومات والاتصالات" in page
    switcher = client.get("/").content.decode()
    assert '<option value="ar" lang="ar" selected>العربيّة</option>' in switcher
    for name in ("简体中文", "English", "Français", "Русский", "Español"):
        assert f">{name}</option>" in switcher


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "region"),
    [("fr", "Afrique"), ("es", "África"), ("ru", "Африка"), ("ar", "أفريقيا"), ("zh-CN", "非洲")],
)
def test_itu_d_region_names_are_translated(client, accept, region):
    page = client.get("/celebrations/countries/KE/", headers={"accept-language": accept})
    assert page.status_code == 200
    assert f'<p class="lead">{region}</p>' in page.content.decode()


# --- (c) numbers and dates --------------------------------------------------------------------
@pytest.fixture
def big_celebrations(db):
    kenya = MemberState.objects.get(iso2="KE")
    for number, girls in enumerate((12_000, 345)):
        Event.objects.create(
            member_state=kenya,
            title=f"Girls in ICT Day Nairobi {number}",
            organiser_reference=f"NBO-{number}",
            organiser="Communications Authority of Kenya",
            organiser_type="regulator",
            format="in_person",
            activity_type="workshop",
            start_date=datetime.date(2025, 4, 23),
            end_date=datetime.date(2025, 4, 23),
            expected_girls=girls,
            actual_girls=girls,
            status="published",
        )


#: language -> (12345 girls on the home page, 23 April 2025 on the public list: girls are
#: published for closed years only)
FORMATTED = {
    "en": ("12,345", "23 April 2025"),
    "fr": ("12\u00a0345", "23 avril 2025"),
    "es": ("12\u00a0345", "23 de abril de 2025"),
    "ru": ("12\u00a0345", "23 апреля 2025 г."),
    "ar": ("12.345", "23 إبريل، 2025"),  # Django's Arabic month names
    "zh-hans": ("12,345", "2025年4月23日"),
}


@pytest.mark.parametrize("language", FORMATTED)
def test_figures_and_dates_are_written_the_way_the_language_writes_them(
    client, big_celebrations, language
):
    accept = PAGES[language][0]
    figure, date = FORMATTED[language]
    home = client.get("/", headers={"accept-language": accept}).content.decode()
    assert f"<dd>{figure}</dd>" in home
    listing = client.get("/celebrations/", headers={"accept-language": accept}).content.decode()
    assert f'<time datetime="2025-04-23">{date}</time>' in listing
