"""Every page a demo login reaches by following links from its home page, read as a new
user would: no select offers Django's bare "---------" as its empty choice."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from apprentissage import demo
from apprentissage.models import User

# Not pages of the portal's own (Django's admin, downloads), or leaving the session.
SKIPPED = re.compile(r"^/(admin/|static/|media/|accounts/logout)|\.(xlsx|pdf|ics|csv)$|/pdf/")
MAX_PAGES = 150  # per login
PER_SHAPE = 2  # pages of one shape (/apprentissages/<n>/, ?page=<n>) read per login


def _shape(path: str, query: str) -> str:
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + "?" + "&".join(keys)


def crawl(client: Client, start: str = "/"):
    """(path, HTML) of every page reached from `start` by GET links, breadth first."""
    seen, queue, read, shapes = {start}, [start], 0, {}
    while queue and read < MAX_PAGES:
        path = queue.pop(0)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        read += 1
        if response.redirect_chain:  # links are relative to where the page is
            path = response.redirect_chain[-1][0]
        yield path, page
        for href in re.findall(r'href="([^"#]+)', page):
            url = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc or url.scheme in {"mailto", "tel", "webcal"} or SKIPPED.search(url.path):
                continue
            shape = _shape(url.path, url.query)
            if target not in seen and shapes.get(shape, 0) < PER_SHAPE:
                shapes[shape] = shapes.get(shape, 0) + 1
                seen.add(target)
                queue.append(target)


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email), backend=settings.AUTHENTICATION_BACKENDS[1])
    return client


@pytest.mark.parametrize("email", [login for login, _label in demo.DEMO_LOGINS])
def test_no_page_of_a_demo_login_shows_a_bare_dash_empty_choice(demo_data, email):
    pages = dict(crawl(_client(email)))

    assert len(pages) > 5
    assert [path for path, page in pages.items() if "---------" in page] == []
