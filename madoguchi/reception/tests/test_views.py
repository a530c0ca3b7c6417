"""Reception's screens with Django's test client: the desk, the route sheet, the kiosk, the status page."""


import re

import pytest

from madoguchi.accounts.tests.factories import logged_in
from madoguchi.catalog.models import Site
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.models import Visit

pytestmark = pytest.mark.django_db


def test_reception_registers_a_visit_and_shows_its_route_sheet(client, site):
    logged_in(client, Role.RECEPTION)
    response = client.post("/staff/reception/", {
        "site": site.pk, "procedures": ["juki.move_in", "nhi.enroll"], "needs": ["interpreter"],
        "interpreter_language": "vi",
    })
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert visit.interpreter_language == "vi"
    sheet = client.get(response["Location"])
    assert visit.ticket_number in sheet.content.decode()
    assert f"/v/{visit.status_token}/" in sheet.content.decode()


def test_reception_without_procedures_shows_the_field_and_reason(client, site):
    logged_in(client, Role.RECEPTION)
    response = client.post("/staff/reception/", {"site": site.pk})
    assert response.status_code == 200
    assert 'id="procedures-errors"' in response.content.decode()
    assert not Visit.objects.exists()


def test_a_procedure_the_branch_cannot_do_is_refused_on_the_form(client, site):
    logged_in(client, Role.RECEPTION)
    branch = Site.objects.get(code="kita")
    response = client.post("/staff/reception/", {"site": branch.pk, "procedures": ["nhi.enroll"]})
    assert response.status_code == 200
    errors = re.search(r'<p id="procedures-errors"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1)
    assert "北支所" in errors and "国民健康保険 加入" in errors  # the site and the procedure, by name
    assert not Visit.objects.exists()


def test_the_status_page_shows_place_and_wait_but_no_personal_data(client, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], needs=["wheelchair"])
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    response = client.get(f"/v/{visit.status_token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert visit.ticket_number in body
    assert "wheelchair" not in body
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_an_unknown_status_token_is_a_friendly_404(client, site):
    assert client.get("/v/not-a-token/").status_code == 404


def test_the_kiosk_issues_a_k_ticket(client, site):
    logged_in(client, Role.KIOSK)
    response = client.post("/kiosk/?event=alone", {"procedures": ["cert.juminhyo"], "needs": ["hearing"]})
    visit = Visit.objects.get()
    assert visit.ticket_number.startswith("K-")
    assert visit.needs == ["hearing"]
    assert client.get(response["Location"]).status_code == 200


def test_the_kiosks_own_list_is_the_catalogues_flag_not_a_code_prefix(client, site):
    from madoguchi.catalog.models import Procedure

    Procedure.objects.filter(code="cert.tax").update(kiosk_direct=False)
    Procedure.objects.filter(code="seal.register").update(kiosk_direct=True)
    logged_in(client, Role.KIOSK)

    body = client.get("/kiosk/?event=alone").content.decode()

    assert 'value="cert.juminhyo"' in body and 'value="seal.register"' in body
    assert 'value="cert.tax"' not in body


def test_the_kiosk_with_nothing_ticked_explains(client, site):
    logged_in(client, Role.KIOSK)
    response = client.post("/kiosk/?event=alone", {}, follow=True)
    assert not Visit.objects.exists()
    assert response.status_code == 200
    assert list(response.context["messages"])




def test_a_life_event_ticks_only_what_applies_to_every_household(client, site):
    logged_in(client, Role.RECEPTION)
    body = client.get("/staff/reception/?life_event=move_in").content.decode()
    ticked = set(re.findall(r'value="([a-z0-9_.]+)" id="proc-[^"]+" checked', body))
    assert ticked == {"juki.move_in"}  # not the event's thirteen procedures
    # What depends on the household is offered first, unticked, with the reason to ask.
    assert 'id="why-nhi.enroll"' in body and "国民健康保険" in body
    assert "juki.move_in）" not in body  # no procedure codes in labels


def test_reception_keeps_the_event_date_for_the_forms(client, site):
    logged_in(client, Role.RECEPTION)
    response = client.post("/staff/reception/?life_event=move_in", {
        "site": site.pk, "life_event": "move_in", "procedures": ["juki.move_in"], "event_date": "2026-11-28"})
    assert response.status_code == 302
    assert Visit.objects.get().event_date.isoformat() == "2026-11-28"


def test_an_event_date_without_a_life_event_is_refused_by_name(client, site):
    logged_in(client, Role.RECEPTION)
    response = client.post("/staff/reception/", {"site": site.pk, "procedures": ["juki.move_in"],
                                                 "event_date": "2026-11-28"})
    body = response.content.decode()
    assert response.status_code == 200 and not Visit.objects.exists()
    assert 'id="register-errors"' in body and 'href="#id_event_date"' in body


def test_a_bad_navigator_code_is_explained_in_the_clerks_language(client, site):
    logged_in(client, Role.RECEPTION)
    body = client.post("/staff/reception/", {"navigator_qr": "MDGNAV1|move_in|2026-02-30|juki.move_in"}
                       ).content.decode()
    assert "手続きナビのコードではありません" in body
    assert "does not exist" not in body  # the decoder's English reason stays out
    field = re.search(r'<label for="id_navigator_qr".*?</label>', body, re.S).group(0)
    assert "required" not in field and "必須" not in field


def test_a_navigator_code_brings_its_event_date(client, site):
    logged_in(client, Role.RECEPTION)
    body = client.post("/staff/reception/", {"navigator_qr": "MDGNAV1|move_in|2026-11-28|juki.move_in,nhi.enroll"}
                       ).content.decode()
    assert 'value="2026-11-28"' in body
