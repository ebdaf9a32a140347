import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_the_home_page_explains_the_portal_in_the_base_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html
    assert "/static/css/portal.css" in html
    assert "Girls in ICT" in html


@pytest.mark.django_db
def test_the_home_page_is_served_in_arabic_right_to_left(client):
    response = client.get("/", headers={"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_no_template_or_stylesheet_loads_anything_from_another_host(settings):
    from pathlib import Path

    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static"]
    roots += list(Path(settings.BASE_DIR).glob("*/templates"))
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(encoding="utf-8")
                if 'src="http' in text or 'href="http' in text or "url(http" in text:
                    offenders.append(str(path))
    assert offenders == []
    assert finders.find("css/portal.css")
