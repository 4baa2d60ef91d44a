"""The site forms: candidate complexes, recyclers and per-site frequency (unit and API).

Scenarios are SYNTHETIC (generated Osh sites).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")

from circularopt import generate
from circularopt.i18n import using
from circularopt.scenario import Scenario
from circularopt.web.sites import SiteFormError, apply_site_edits, site_rows
from tests.web.conftest import csrf_of


@pytest.fixture(scope="module")
def osh() -> Scenario:
    """A generated Osh scenario of 30 sites."""
    return generate("osh", size=30)


def test_edits_change_only_what_the_form_names(osh: Scenario) -> None:
    first = osh.complex_candidates[0]
    out = apply_site_edits(osh, {
        "cand.1.name": "Новый склад", "cand.0.remove": "1",
        "cand.new.id": "cx-new", "cand.new.lat": "40,5", "cand.new.lon": "72,8",
        "rec.0.capacity_t_per_day": "30,5", "rec.new.id": "rc-new", "rec.new.lat": "40.5",
        "rec.new.lon": "72.8", "rec.new.price_per_tonne": "100",
        "site.2.collections_per_week": "3", "site.3.collections_per_week": ""})
    ids = [c.id for c in out.complex_candidates]
    assert first.id not in ids and ids[-1] == "cx-new"
    assert out.complex_candidates[0].name == "Новый склад"
    new = out.complex_candidates[-1]
    assert (new.lat, new.lon) == (40.5, 72.8)
    assert new.capacity_options == first.capacity_options  # taken from the first candidate
    assert out.recyclers[0].capacity_t_per_day == 30.5
    assert dict(out.recyclers[-1].price_per_tonne) == dict.fromkeys(
        osh.recyclers[0].price_per_tonne, 100.0)
    assert [p.collections_per_week for p in out.collection_points[1:4]] == [
        osh.collection_points[1].collections_per_week, 3,
        osh.collection_points[3].collections_per_week]
    assert out.recyclers[1:-1] == osh.recyclers[1:]


def test_every_bad_value_is_named_with_table_row_id_and_value(osh: Scenario) -> None:
    with pytest.raises(SiteFormError) as info:
        apply_site_edits(osh, {"cand.0.lat": "север", "rec.1.capacity_t_per_day": "-3",
                               "site.4.collections_per_week": "9",
                               "cand.new.id": "cx-new", "cand.new.lat": "40.5"})
    errors = info.value.errors
    assert set(errors) == {"cand.0.lat", "rec.1.capacity_t_per_day",
                           "site.4.collections_per_week", "cand.new.lon"}
    cand = osh.complex_candidates[0].id
    assert errors["cand.0.lat"] == (f"Candidate complexes, row 1 ({cand}), latitude: value "
                                    "'север' is not valid; expected a number from -90.0 to 90.0")
    site = osh.collection_points[4].id
    assert f"row 5 ({site})" in errors["site.4.collections_per_week"]
    assert "'9'" in errors["site.4.collections_per_week"]


def test_errors_follow_the_language(osh: Scenario) -> None:
    with using("ru"), pytest.raises(SiteFormError) as info:
        apply_site_edits(osh, {"rec.0.capacity_t_per_day": "много"})
    assert "Переработчики" in info.value.errors["rec.0.capacity_t_per_day"]
    assert "число >= 0" in info.value.errors["rec.0.capacity_t_per_day"]


def test_every_shown_value_is_read_back_unchanged(osh: Scenario) -> None:
    """The form as first shown (numbers in Russian format) saves the same scenario,
    including a recycler's negative price (a gate fee)."""
    from circularopt.web.locale import fmt_number
    from circularopt.web.sites import candidate_rows, recycler_rows

    cand = osh.complex_candidates
    odd = dataclasses.replace(osh, complex_candidates=(
        dataclasses.replace(cand[0], variable_cost_per_tonne=10.123456), *cand[1:]))
    form = {name: fmt_number(value, 6 if name.endswith((".lat", ".lon")) else 2, "ru")
            if isinstance(value, float) else str(value)
            for r in candidate_rows(odd) + recycler_rows(odd)
            for name, value in r["fields"].values()}
    assert form["cand.0.variable_cost_per_tonne"] == "10,12"
    assert any(v.startswith("-") for v in form.values())
    out = apply_site_edits(odd, form)
    assert out.complex_candidates == odd.complex_candidates  # 10.123456 is not rounded
    assert out.recyclers == odd.recyclers


def test_a_duplicate_id_is_refused(osh: Scenario) -> None:
    taken = osh.complex_candidates[0].id
    with pytest.raises(SiteFormError) as info:
        apply_site_edits(osh, {"cand.new.id": taken, "cand.new.lat": "40.5",
                               "cand.new.lon": "72.8"})
    assert list(info.value.errors) == ["scenario"]
    assert taken in info.value.errors["scenario"]


def test_site_rows_are_paged(osh: Scenario) -> None:
    rows = site_rows(osh, 1)
    assert len(rows) == 30 and rows[0]["row"] == 1
    assert rows[29]["field"] == "site.29.collections_per_week"
    assert site_rows(osh, 2) == []


def _city(client: Any) -> int:
    r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "osh",
                                             "size": "40"}, follow_redirects=False)
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_sites_page_saves_and_shows_errors_at_the_field_in_russian(client: Any) -> None:
    sid = _city(client)
    page = client.get(f"/scenarios/{sid}/sites")
    assert page.status_code == 200 and 'name="cand.0.lat"' in page.text
    assert 'name="site.39.collections_per_week"' in page.text
    token = csrf_of(client)
    ok = client.post(f"/scenarios/{sid}/sites", data={
        "csrf": token, "site.0.collections_per_week": "2", "rec.0.name": "Пластик-Юг"},
        follow_redirects=False)
    assert ok.status_code == 303
    again = client.get(f"/scenarios/{sid}/sites").text
    assert "Пластик-Юг" in again
    client.post("/language", data={"csrf": token, "lang": "ru"})
    bad = client.post(f"/scenarios/{sid}/sites", data={
        "csrf": token, "cand.2.lon": "восток", "site.0.collections_per_week": "1"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "восток" in bad.text
    assert "row 3" in bad.text or "строка 3" in bad.text
    assert "число от -180.0 до 180.0" in bad.text
    # nothing was saved: site 1 is still collected twice a week
    assert 'name="site.0.collections_per_week" size="3" value="2"' in client.get(
        f"/scenarios/{sid}/sites").text
    assert client.get("/scenarios/999/sites").status_code == 404
    assert client.post("/scenarios/999/sites", data={"csrf": token}).status_code == 404
