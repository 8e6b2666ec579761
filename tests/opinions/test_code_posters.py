"""QR codes and posters: the images and the posters decode (with a real QR decoder) to the code's public page,
replacing a code moves its page, batches print one page per code, and each is closed to those outside scope."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from lvzhi.core.models import Event
from lvzhi.opinions import codes as code_module
from lvzhi.opinions.models import ContactCode
from lvzhi.opinions.views_codes import PER_PAGE
from lvzhi.org.models import Congress, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station

pytestmark = pytest.mark.django_db

PUBLIC = "https://lvzhi.example.gov.cn"


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.LVZHI_PUBLIC_URL = PUBLIC


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def poster_pages(pdf: bytes) -> list[Image.Image]:
    doc = pypdfium2.PdfDocument(pdf)
    return [doc[i].render(scale=2).to_pil() for i in range(len(doc))]


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = desc.get("/FontDescriptor")
                if descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2")):
                    found.add(str(desc["/BaseFont"]))
    return found


def page_of(code: ContactCode) -> str:
    return PUBLIC + reverse("opinions:reach", kwargs={"token": code.token})


@pytest.fixture
def station_a_station():
    return RoleAssignment.objects.get(user__username="station_a", role=Role.STATION_STAFF).station


# --- images -----------------------------------------------------------------------------------
def test_the_png_decodes_to_the_code_s_public_page(code):
    response = as_user("staff_a").get(reverse("opinion_codes:png", args=[code.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert decode(Image.open(io.BytesIO(response.content))) == [page_of(code)]
    # ... and that address is the citizen's page of this very code.
    assert Client().get(page_of(code).removeprefix(PUBLIC)).status_code == 200


def test_the_svg_is_a_vector_code_of_the_same_address(code):
    response = as_user("staff_a").get(reverse("opinion_codes:svg", args=[code.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.lstrip().startswith("<?xml") and "<svg" in body and "<path" in body
    assert f"<title>{page_of(code)}</title>" in body


def test_without_a_public_address_the_code_points_at_the_requesting_host(settings, code):
    settings.LVZHI_PUBLIC_URL = ""
    response = as_user("deputy_a").get(reverse("opinion_codes:png", args=[code.pk]), HTTP_HOST="lvzhi.local")
    assert decode(Image.open(io.BytesIO(response.content))) == [
        "http://lvzhi.local" + reverse("opinions:reach", kwargs={"token": code.token})
    ]


# --- posters ----------------------------------------------------------------------------------
def test_a_deputy_s_poster_names_them_embeds_the_font_and_scans_to_their_page(code):
    response = as_user("deputy_a").get(reverse("opinion_codes:poster", args=[code.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [text] = pdf_text(response.content)
    assert code.mandate.person.name in text
    assert "扫码联系您的人大代表" in text and f"{code.mandate.congress.name}代表" in text
    assert page_of(code) in text  # the address to type when a phone can't scan
    assert any("WenQuanYiMicroHei" in f for f in embedded_fonts(response.content))
    [page] = poster_pages(response.content)
    assert decode(page) == [page_of(code)]


def test_a_station_s_batch_is_its_own_poster_then_its_deputies_one_page_each(station_a_station):
    station = station_a_station
    response = as_user("station_a").get(reverse("opinion_codes:station_posters", args=[station.pk]))
    assert response.status_code == 200
    texts = pdf_text(response.content)
    expected = code_module.codes_of_station(user=User.objects.get(username="station_a"), station=station)
    assert len(texts) == len(expected) > 1
    assert station.name in texts[0] and "扫码联系本站人大代表" in texts[0]
    assert expected[1].mandate.person.name in texts[1]
    first = poster_pages(response.content)[0]
    assert decode(first) == [page_of(ContactCode.objects.get(station=station, revoked_at=None))]


def test_a_poster_lists_the_station_s_next_reception_days(station_a_station, code):
    """The next planned reception days (stations.selectors_reception.next_reception_days) are printed on the
    station's poster and on the poster of a deputy entered into it, in the congress's language."""
    import re

    from django.utils import formats, translation

    from lvzhi.stations.selectors_reception import next_reception_days

    upcoming = next_reception_days(station=station_a_station)
    assert upcoming, "the demo plans reception days at station_a's station"
    with translation.override("zh-hans"):
        first = formats.date_format(upcoming[0].date, "MONTH_DAY_FORMAT")
    station_code = ContactCode.objects.get(station=station_a_station, revoked_at=None)
    [text] = pdf_text(
        as_user("station_a").get(reverse("opinion_codes:poster", args=[station_code.pk])).content
    )
    flat = re.sub(r"\s+", "", text)
    assert "近期接待日" in flat and first in flat
    assert f"{upcoming[0].start_time:%H:%M}" in flat
    [deputy_text] = pdf_text(as_user("deputy_a").get(reverse("opinion_codes:poster", args=[code.pk])).content)
    deputy_days = next_reception_days(mandate=code.mandate)
    with translation.override("zh-hans"):
        shown = formats.date_format(deputy_days[0].date, "MONTH_DAY_FORMAT")
    assert shown in re.sub(r"\s+", "", deputy_text)


def test_a_district_batch_holds_its_stations_and_serving_deputies():
    east = Congress.objects.get(name="东湖区人民代表大会")
    client = as_user("staff_a")
    response = client.get(reverse("opinion_codes:congress_posters", args=[east.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    stations = Station.objects.filter(congress=east, is_active=True).count()
    expected = code_module.codes_of_congress(user=User.objects.get(username="staff_a"), congress=east)
    assert len(reader.pages) == len(expected) > stations > 0
    assert all(c.congress_id == east.pk for c in expected)


# --- replacing a code -------------------------------------------------------------------------
def test_replacing_a_code_needs_a_reason_and_moves_its_page(code):
    client = as_user("staff_a")
    url = reverse("opinion_codes:reissue", args=[code.pk])
    page = client.get(url)
    assert page.status_code == 200 and code.mandate.person.name in page.content.decode()

    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    code.refresh_from_db()
    assert code.revoked_at is None

    done = client.post(url, {"reason": "菜市场的海报被涂改"})
    assert done.status_code == 302
    code.refresh_from_db()
    new = code.replaced_by
    assert code.revoked_at is not None and new.revoked_at is None and new.token != code.token
    assert new.mandate_id == code.mandate_id

    moved = Client().get(reverse("opinions:reach", kwargs={"token": code.token}))
    assert moved.status_code == 200
    assert reverse("opinions:reach", kwargs={"token": new.token}) in moved.content.decode()
    # The old code's downloads are gone; the new one's decode to the new page.
    assert client.get(reverse("opinion_codes:png", args=[code.pk])).status_code == 404
    png = client.get(reverse("opinion_codes:png", args=[new.pk]))
    assert decode(Image.open(io.BytesIO(png.content))) == [page_of(new)]
    revoked = Event.objects.get(kind="opinion.code_revoked", target_id=str(code.pk))
    assert revoked.note == "菜市场的海报被涂改" and revoked.actor.username == "staff_a"
    assert revoked.payload == {"code_id": code.pk, "replaced_by": new.pk}
    assert Event.objects.filter(kind="opinion.code_issued", target_id=str(new.pk)).exists()


def test_a_station_s_staff_replace_their_station_s_code_but_not_a_deputy_s(station_a_station):
    client = as_user("station_a")
    own = ContactCode.objects.get(station=station_a_station, revoked_at=None)
    assert (
        client.post(reverse("opinion_codes:reissue", args=[own.pk]), {"reason": "二维码贴纸褪色"}).status_code
        == 302
    )
    deputy_code = code_module.codes_of_station(
        user=User.objects.get(username="station_a"), station=station_a_station
    )[-1]
    assert deputy_code.mandate_id
    assert (
        client.post(reverse("opinion_codes:reissue", args=[deputy_code.pk]), {"reason": "x"}).status_code
        == 403
    )
    deputy_code.refresh_from_db()
    assert deputy_code.revoked_at is None


@pytest.mark.parametrize(
    ("username", "status"), [("deputy_a", 403), ("chair_a", 403), ("staff_b", 404), ("deputy_b", 404)]
)
def test_who_may_not_replace_a_code(code, username, status):
    url = reverse("opinion_codes:reissue", args=[code.pk])
    client = as_user(username)
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "试图更换"}).status_code == status
    code.refresh_from_db()
    assert code.revoked_at is None and not code.replaces.exists()


def test_the_service_refuses_a_deputy_and_a_second_replacement(code):
    from lvzhi.core.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        code_module.code_reissue(actor=User.objects.get(username="deputy_a"), code=code, reason="想换一个")
    assert exc.value.code == "not_permitted"
    staff = User.objects.get(username="staff_a")
    code_module.code_reissue(actor=staff, code=code, reason="海报丢失")
    with pytest.raises(ServiceError) as exc:
        code_module.code_reissue(actor=staff, code=code, reason="再换一次")
    assert exc.value.code == "already_revoked"


# --- who sees what ----------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["png", "svg", "poster"])
def test_sibling_scopes_and_other_roles_get_404_on_a_code(code, what):
    url = reverse(f"opinion_codes:{what}", args=[code.pk])
    for username in ("staff_b", "chair_b", "deputy_b", "station_b", "handler_a", "member_a"):
        assert as_user(username).get(url).status_code == 404, username
    for username in ("staff_a", "chair_a", "city_staff", "deputy_a"):
        assert as_user(username).get(url).status_code == 200, username


def test_batches_are_closed_outside_scope(station_a_station):
    east = Congress.objects.get(name="东湖区人民代表大会")
    for username in ("staff_b", "deputy_a", "station_a", "handler_a"):
        assert (
            as_user(username).get(reverse("opinion_codes:congress_posters", args=[east.pk])).status_code
            == 404
        )
    for username in ("station_b", "staff_b", "deputy_a"):
        response = as_user(username).get(
            reverse("opinion_codes:station_posters", args=[station_a_station.pk])
        )
        assert response.status_code == 404, username


def test_a_deputy_sees_only_their_own_codes(deputy_a):
    response = as_user("deputy_a").get(reverse("opinion_codes:list"))
    body = response.content.decode()
    mine = ContactCode.objects.filter(mandate__person_id=deputy_a.person_id, revoked_at=None)
    assert response.status_code == 200 and mine.count() == 2
    for code in mine:
        assert reverse("opinion_codes:poster", args=[code.pk]) in body
    assert body.count("/qr.png?inline=1") == 2
    assert "/reissue/" not in body


def test_staff_list_their_codes_with_downloads_and_replace_links(code):
    response = as_user("staff_a").get(reverse("opinion_codes:list"), {"q": code.mandate.person.name})
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("opinion_codes:reissue", args=[code.pk]) in body
    assert reverse("opinion_codes:poster", args=[code.pk]) in body
    east = Congress.objects.get(name="东湖区人民代表大会")
    assert reverse("opinion_codes:congress_posters", args=[east.pk]) in body
    assert as_user("handler_a").get(reverse("opinion_codes:list")).status_code == 403


def test_staff_issue_a_missing_code_and_a_sibling_cannot():
    east = Congress.objects.get(name="东湖区人民代表大会")
    station = Station.objects.create(congress=east, name="湖滨社区代表活动室（新）", address="湖滨路1号")
    staff_a, staff_b = as_user("staff_a"), as_user("staff_b")
    assert station.name in staff_a.get(reverse("opinion_codes:list")).content.decode()
    assert staff_b.post(reverse("opinion_codes:issue"), {"station": station.pk}).status_code == 404
    assert not ContactCode.objects.filter(station=station).exists()
    assert staff_a.post(reverse("opinion_codes:issue"), {"station": station.pk}).status_code == 302
    assert ContactCode.objects.filter(station=station, revoked_at=None).count() == 1


def test_the_codes_page_reads_a_bounded_number_of_queries(django_assert_max_num_queries):
    client = as_user("city_staff")
    client.get(reverse("opinion_codes:list"))  # warm the session and the scope
    with django_assert_max_num_queries(20):  # a full page of 50 codes, whatever the city's size
        response = client.get(reverse("opinion_codes:list"))
    assert response.status_code == 200 and response.context["page"].paginator.count > PER_PAGE
