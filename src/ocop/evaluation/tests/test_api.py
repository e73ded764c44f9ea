"""The evaluation API, endpoint by endpoint: status codes, problem codes, scopes, filters, query
counts. The whole cycle through the API is tests/api/test_evaluation_cycle.py."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, api_token_for, user_with_role
from ocop.core import testing
from ocop.core.actor import Actor
from ocop.core.text import fold
from ocop.evaluation import council, dossier
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, CouncilRole, Outcome
from ocop.evaluation.models import Application, Round
from ocop.evaluation.tests import factories as f
from ocop.geo.tests.factories import CommuneFactory
from ocop.products.tests.factories import ProductFactory

BASE = "/api/v1/evaluation"
SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads (the commune's signed report) go to a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path)


def client_for(user) -> Client:
    _token, key = api_token_for(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client: Client, url: str, body: dict | None = None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content.decode()[:600]
    body = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert body["code"] == code, body
    return body


@pytest.fixture(autouse=True)
def _frozen(today, db):
    f.variant()  # the process variants are reference data, loaded with the first one
    yield


@pytest.fixture
def officer(province):
    return client_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def stranger(other_province):
    """A province officer of another province."""
    return client_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))


@pytest.fixture
def commune_officer(commune):
    return client_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))


@pytest.fixture
def producer(producer_user):
    return client_for(producer_user)


@pytest.fixture
def draft(product, two_tier_round):
    return f.ApplicationFactory(product=product, round=two_tier_round)


def _application(product_or_commune=None, *, status, rnd, **fields) -> Application:
    product = ProductFactory(
        producer__commune=product_or_commune, product_set=f.product_set(f.TWO_TIER_SET)
    )
    return f.ApplicationFactory(product=product, round=rnd, status=status, **fields)


def _complete_dossier(app: Application) -> None:
    for item in dossier.checklist_for(app):
        if item.required:
            dossier.document_upload(
                actor=SYSTEM, application=app, item=item.code, file=testing.pdf_file()
            )


# --- reference data and rounds -------------------------------------------------------------------
def test_variants_list_the_processes_with_their_pre_assessment_criteria(officer):
    body = officer.get(f"{BASE}/variants").json()
    two_tier = next(v for v in body if v["code"] == f.TWO_TIER)
    assert [c["code"] for c in two_tier["pre_assessment_criteria"]] == [
        "local_origin",
        "local_labour",
        "idea_origin",
        "local_identity",
    ]


def test_anonymous_callers_get_401(db):
    response = Client().get(f"{BASE}/rounds")
    assert response.status_code == 401


def _round_body(province, **overrides) -> dict:
    body = {
        "province": province.code,
        "name": "Đợt 2/2025",
        "year": 2025,
        "process_variant": f.TWO_TIER,
        "registration_opens": "2025-08-01",
        "registration_cutoff": "2025-10-31",
    }
    body.update(overrides)
    return body


def test_round_create_opens_a_round_of_the_officers_province(officer, province):
    response = post(officer, f"{BASE}/rounds", _round_body(province, meeting_date="2025-11-15"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["divergence_threshold"] == "10"
    rnd = Round.objects.get(public_id=body["public_id"])
    assert rnd.province == province and rnd.meeting_date == dt.date(2025, 11, 15)


def test_round_create_refuses_another_province_and_bad_input(officer, stranger, province):
    problem(post(stranger, f"{BASE}/rounds", _round_body(province)), 403, "core.permission_denied")
    body = problem(
        post(officer, f"{BASE}/rounds", _round_body(province, registration_cutoff="2025-07-01")),
        422,
        "evaluation.round_invalid",
    )
    assert [e["loc"] for e in body["errors"]] == [["registration_cutoff"]]
    body = problem(
        post(officer, f"{BASE}/rounds", _round_body(province, process_variant="NO.SUCH")),
        422,
        "core.validation_failed",
    )
    assert body["errors"][0]["loc"] == ["process_variant"]
    # The legacy variant was not in force in 2025
    problem(
        post(officer, f"{BASE}/rounds", _round_body(province, process_variant=f.QD1048_THREE_TIER)),
        422,
        "evaluation.round_invalid",
    )
    assert not Round.objects.exists()


def test_round_create_honours_idempotency_key(officer, province):
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = post(officer, f"{BASE}/rounds", _round_body(province), **key)
    again = post(officer, f"{BASE}/rounds", _round_body(province), **key)
    assert first.status_code == again.status_code == 201
    assert first.json()["public_id"] == again.json()["public_id"]
    assert Round.objects.count() == 1


def test_round_get_is_404_for_an_officer_of_another_province(officer, stranger, two_tier_round):
    url = f"{BASE}/rounds/{two_tier_round.public_id}"
    assert officer.get(url).status_code == 200
    problem(stranger.get(url), 404, "core.not_found")


def test_round_list_filters_and_pages(officer, province, other_province):
    f.RoundFactory(province=province, name="Đợt 1/2025", year=2025)
    f.RoundFactory(province=province, name="Đợt 1/2024", year=2024, status="decided")
    f.RoundFactory(province=other_province, name="Đợt 1/2025 tỉnh khác", year=2025)
    names = lambda q: [r["name"] for r in officer.get(f"{BASE}/rounds?{q}").json()["items"]]  # noqa: E731
    assert sorted(names("")) == ["Đợt 1/2024", "Đợt 1/2025"]
    assert names("year=2024") == ["Đợt 1/2024"]
    assert names("status=open") == ["Đợt 1/2025"]
    assert names("q=2024") == ["Đợt 1/2024"]
    page = officer.get(f"{BASE}/rounds?page=2&page_size=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert officer.get(f"{BASE}/rounds?page_size=500").status_code == 422


# --- applications --------------------------------------------------------------------------------
def test_application_create_by_the_producer(producer, product, two_tier_round):
    response = post(
        producer,
        f"{BASE}/applications",
        {"round": str(two_tier_round.public_id), "product": str(product.public_id)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["kind"] == "first"
    assert body["product"] == str(product.public_id)
    again = post(
        producer,
        f"{BASE}/applications",
        {"round": str(two_tier_round.public_id), "product": str(product.public_id)},
    )
    problem(again, 409, "evaluation.application_duplicate")


def test_application_create_refuses_an_upgrade_without_previous(producer, product, two_tier_round):
    body = problem(
        post(
            producer,
            f"{BASE}/applications",
            {
                "round": str(two_tier_round.public_id),
                "product": str(product.public_id),
                "kind": ApplicationKind.UPGRADE,
            },
        ),
        422,
        "evaluation.application_invalid",
    )
    assert body["errors"][0]["loc"] == ["previous"]


def test_application_create_for_a_product_out_of_scope_is_404(stranger, product, two_tier_round):
    response = post(
        stranger,
        f"{BASE}/applications",
        {"round": str(two_tier_round.public_id), "product": str(product.public_id)},
    )
    assert response.status_code == 404


def test_application_get_scopes(officer, stranger, commune_officer, producer, draft, province):
    url = f"{BASE}/applications/{draft.public_id}"
    for client in (officer, commune_officer, producer):
        assert client.get(url).json()["public_id"] == str(draft.public_id)
    problem(stranger.get(url), 404, "core.not_found")
    neighbour = client_for(
        user_with_role(Role.COMMUNE_OFFICER, commune=CommuneFactory(province=province))
    )
    problem(neighbour.get(url), 404, "core.not_found")
    problem(officer.get(f"{BASE}/applications/{uuid.uuid4()}"), 404, "core.not_found")


def test_application_list_filters(officer, stranger, commune, province, two_tier_round):
    a = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=two_tier_round)
    b = _application(commune, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    elsewhere = CommuneFactory(province=province)
    c = _application(elsewhere, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    c.kind = ApplicationKind.REEVALUATION
    c.save(update_fields=["kind"])
    other_round = f.RoundFactory(province=province, number=2)
    d = _application(commune, status=ApplicationStatus.DRAFT, rnd=other_round)
    a.product.name = "Mật ong hoa nhãn"
    a.product.name_search = fold(a.product.name)
    a.product.save()

    def ids(query: str) -> set[str]:
        response = officer.get(f"{BASE}/applications?{query}")
        assert response.status_code == 200, response.content
        return {item["public_id"] for item in response.json()["items"]}

    every = {str(x.public_id) for x in (a, b, c, d)}
    assert ids("") == every
    assert ids(f"round={two_tier_round.public_id}") == every - {str(d.public_id)}
    assert ids("status=submitted") == {str(a.public_id)}
    assert ids("kind=reevaluation") == {str(c.public_id)}
    assert ids(f"commune={elsewhere.code}") == {str(c.public_id)}
    assert ids("q=Mật ong") == {str(a.public_id)}
    assert officer.get(f"{BASE}/applications?status=nonsense").status_code == 422
    assert stranger.get(f"{BASE}/applications").json()["count"] == 0
    # another province's round is not a filter one can use
    assert stranger.get(f"{BASE}/applications?round={two_tier_round.public_id}").status_code == 404


def test_application_list_query_count_does_not_grow(officer, commune, two_tier_round):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert officer.get(f"{BASE}/applications?page_size=50").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        _application(commune, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    count()  # warm-up: first use of the token
    few = count()
    for _ in range(18):
        _application(commune, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    assert count() == few


# --- workflow moves ------------------------------------------------------------------------------
def test_submit_needs_a_complete_dossier_then_pins_the_rule_set(producer, draft, two_tier_ruleset):
    url = f"{BASE}/applications/{draft.public_id}/submit"
    body = problem(post(producer, url), 422, "evaluation.dossier_incomplete")
    assert ["documents", "registration_form"] in [e["loc"] for e in body["errors"]]
    _complete_dossier(draft)
    response = post(producer, url, {"note": "Nộp lần đầu"})
    assert response.status_code == 200, response.content
    assert response.json()["ruleset"] == two_tier_ruleset.code
    problem(post(producer, url), 409, "evaluation.invalid_transition")


def test_return_needs_a_reason_and_the_right_role(officer, commune, two_tier_round):
    app = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=two_tier_round)
    url = f"{BASE}/applications/{app.public_id}/return"
    problem(post(officer, url, {"reason": "  "}), 422, "evaluation.application_invalid")
    inspector = client_for(user_with_role(Role.INSPECTOR, province=commune.province))
    assert inspector.get(f"{BASE}/applications/{app.public_id}").status_code == 200
    problem(post(inspector, url, {"reason": "Tự trả"}), 403, "core.permission_denied")
    response = post(officer, url, {"reason": "Thiếu phiếu kiểm nghiệm"})
    assert response.json()["status"] == "returned"
    history = officer.get(f"{BASE}/applications/{app.public_id}/history").json()
    assert history[-1]["reason"] == "Thiếu phiếu kiểm nghiệm"
    assert history[-1]["to_status"] == "returned"


def _pre_assess(client, url, answers, conclusion="Đạt", report=True, raw=None):
    data = {"answers": raw if raw is not None else json.dumps(answers), "conclusion": conclusion}
    if report:
        data["report"] = testing.pdf_file("bao-cao.pdf")
    return client.post(url, data)  # multipart


def test_pre_assess_names_every_missing_criterion(
    commune_officer, officer, commune, two_tier_round
):
    app = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=two_tier_round)
    url = f"{BASE}/applications/{app.public_id}/pre-assess"
    body = problem(
        _pre_assess(
            commune_officer,
            url,
            {"local_origin": {"met": True}, "extra": {"met": False}},
            conclusion="",
            report=False,
        ),
        422,
        "evaluation.application_invalid",
    )
    locs = {e["loc"][0] for e in body["errors"]}
    assert locs == {
        "local_labour",
        "idea_origin",
        "local_identity",
        "extra",
        "conclusion",
        "report",
    }
    body = problem(
        _pre_assess(commune_officer, url, None, raw="[not json"), 422, "core.validation_failed"
    )
    answers = {
        k: {"met": True} for k in ("local_origin", "local_labour", "idea_origin", "local_identity")
    }
    problem(_pre_assess(officer, url, answers), 403, "core.permission_denied")
    report_url = f"{BASE}/applications/{app.public_id}/pre-assessment/report"
    problem(commune_officer.get(report_url), 404, "core.not_found")
    response = _pre_assess(commune_officer, url, answers)
    assert response.status_code == 200 and response.json()["status"] == "pre_assessed"
    download = officer.get(report_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == testing.PDF_BYTES


def test_transition_refuses_illegal_and_dedicated_moves(officer, commune, two_tier_round):
    app = _application(commune, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    url = f"{BASE}/applications/{app.public_id}/transition"
    problem(post(officer, url, {"verb": "schedule"}), 409, "evaluation.invalid_transition")
    problem(post(officer, url, {"verb": "submit"}), 409, "evaluation.use_dedicated_service")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_lower_score_only_in_a_legacy_round(officer, commune, province, two_tier_round):
    app = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=two_tier_round)
    url = f"{BASE}/applications/{app.public_id}/lower-score"
    problem(post(officer, url, {"score": "60"}), 409, "core.transition_guard_failed")
    legacy = f.RoundFactory(
        province=province,
        process_variant=f.variant(f.QD148_THREE_TIER),
        registration_opens=dt.date(2024, 1, 1),
        registration_cutoff=dt.date(2024, 12, 31),
        year=2024,
    )
    old = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=legacy)
    response = post(officer, f"{BASE}/applications/{old.public_id}/lower-score", {"score": "60"})
    assert response.json()["lower_tier_score"] == "60.00"


# --- dossier -------------------------------------------------------------------------------------
def test_dossier_upload_versions_and_refuses_bad_files(producer, draft):
    url = f"{BASE}/applications/{draft.public_id}/dossier/documents"
    first = producer.post(url, {"item": "label", "file": testing.pdf_file("nhan.pdf")})
    assert first.status_code == 201, first.content
    second = producer.post(url, {"item": "label", "file": testing.pdf_file("nhan-2.pdf")})
    assert second.json()["version"] == 2
    bad = SimpleUploadedFile("gia.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert producer.post(url, {"item": "label", "file": bad}).status_code == 422
    unknown = producer.post(url, {"item": "no_such_item", "file": testing.pdf_file()})
    problem(unknown, 422, "evaluation.dossier_invalid")
    checklist = producer.get(f"{BASE}/applications/{draft.public_id}/dossier").json()
    row = next(r for r in checklist["rows"] if r["code"] == "label")
    assert row["current"]["version"] == 2 and len(row["versions"]) == 2
    assert row["current"]["original_name"] == "nhan-2.pdf"


def test_document_download_is_scoped(producer, stranger, draft):
    doc = dossier.document_upload(
        actor=SYSTEM, application=draft, item="label", file=testing.pdf_file("nhan.pdf")
    )
    url = f"{BASE}/applications/{draft.public_id}/dossier/documents/{doc.pk}"
    response = producer.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == testing.PDF_BYTES
    assert "nhan.pdf" in response["Content-Disposition"]
    assert stranger.get(url).status_code == 404
    other = f.ApplicationFactory(
        product=draft.product, round=f.RoundFactory(province=draft.province)
    )
    assert (
        producer.get(
            f"{BASE}/applications/{other.public_id}/dossier/documents/{doc.pk}"
        ).status_code
        == 404
    )


# --- council and score sheets --------------------------------------------------------------------
@pytest.fixture
def board(province, commune, two_tier_round, two_tier_ruleset):
    """A council with chair, secretary and two members; one scheduled application assigned to
    the chair and both members."""
    seats = {}
    c = council.council_create(actor=SYSTEM, round=two_tier_round, name="Hội đồng OCOP tỉnh")
    for key, role in [
        ("chair", CouncilRole.CHAIR),
        ("secretary", CouncilRole.SECRETARY),
        ("m1", CouncilRole.MEMBER),
        ("m2", CouncilRole.MEMBER),
    ]:
        seats[key] = council.council_member_add(
            actor=SYSTEM,
            council=c,
            user=UserFactory(),
            role=role,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 12, 31),
        )
    app = _application(
        commune, status=ApplicationStatus.SCHEDULED, rnd=two_tier_round, ruleset=two_tier_ruleset
    )
    council.assignment_bulk(
        actor=SYSTEM,
        council=c,
        applications=[app],
        members=[seats["chair"], seats["m1"], seats["m2"]],
    )
    clients = {key: client_for(seat.user) for key, seat in seats.items()}
    return {"council": c, "seats": seats, "app": app, "clients": clients}


def _answers(ruleset, *, pick=0) -> dict:
    out = {}
    for criterion in ruleset.criteria.prefetch_related("options"):
        options = sorted(criterion.options.all(), key=lambda o: o.points)
        out[criterion.code] = {"option": options[pick].code, "comment": ""}
    return out


def test_council_get_for_officers_and_seat_holders_only(board, officer, stranger, producer):
    url = f"{BASE}/rounds/{board['app'].round.public_id}/council"
    assert len(officer.get(url).json()["members"]) == 4
    assert board["clients"]["m1"].get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    assert producer.get(url).status_code == 404


def test_council_member_add_validates(board, officer, province):
    url = f"{BASE}/rounds/{board['app'].round.public_id}/council/members"
    seated = board["seats"]["m1"].user
    body = problem(
        post(
            officer,
            url,
            {
                "user": str(seated.public_id),
                "role": "member",
                "valid_from": "2025-07-01",
                "valid_to": "2025-12-31",
            },
        ),
        422,
        "evaluation.council_invalid",
    )
    assert body["errors"][0]["loc"] == ["user"]
    newcomer = user_with_role(Role.INSPECTOR, province=province)
    created = post(
        officer,
        url,
        {
            "user": str(newcomer.public_id),
            "role": "vice_chair",
            "valid_from": "2025-07-01",
            "valid_to": "2025-12-31",
            "organisation": "Sở Nông nghiệp và Môi trường",
        },
    )
    assert created.status_code == 201 and created.json()["role"] == "vice_chair"
    missing = post(
        officer,
        url,
        {
            "user": str(uuid.uuid4()),
            "role": "member",
            "valid_from": "2025-07-01",
            "valid_to": "2025-12-31",
        },
    )
    problem(missing, 422, "core.validation_failed")


def test_recused_member_neither_sees_nor_scores(board):
    app, m2 = board["app"], board["clients"]["m2"]
    url = f"{BASE}/applications/{app.public_id}"
    mine = m2.get(f"{BASE}/my-sheets").json()
    assert [(r["application"], r["sheet_status"]) for r in mine] == [(str(app.public_id), "new")]
    assert m2.get(f"{url}/sheet").status_code == 200
    declared = post(m2, f"{url}/conflict", {"has_conflict": True, "note": "Họ hàng"})
    assert declared.status_code == 200 and declared.json()["has_conflict"] is True
    assert m2.get(f"{url}/sheet").status_code == 404
    assert m2.get(f"{BASE}/my-sheets").json() == []
    answers = _answers(app.ruleset)
    assert (
        m2.put(
            f"{url}/sheet", {"version": 1, "answers": answers}, content_type="application/json"
        ).status_code
        == 404
    )
    problem(post(m2, f"{url}/conflict", {"has_conflict": True}), 422, "evaluation.council_invalid")


def test_sheet_versions_lock_and_stale_writes(board):
    app, chair = board["app"], board["clients"]["chair"]
    url = f"{BASE}/applications/{app.public_id}/sheet"
    answers = _answers(app.ruleset, pick=-1)
    form = chair.get(url).json()
    assert form["status"] == "new" and form["parts"][0]["sections"][0]["criteria"][0]["options"]
    partial = dict(list(answers.items())[:1])
    saved = chair.put(url, {"version": 1, "answers": partial}, content_type="application/json")
    assert saved.json()["version"] == 2
    stale = chair.put(url, {"version": 1, "answers": answers}, content_type="application/json")
    body = problem(stale, 409, "evaluation.sheet_stale")
    assert "2" in body["detail"]
    blind = chair.put(url, {"answers": answers}, content_type="application/json")
    problem(blind, 409, "evaluation.sheet_stale")
    incomplete = problem(
        post(chair, f"{url}/submit", {"version": 2}), 422, "evaluation.sheet_invalid"
    )
    assert len(incomplete["errors"]) == len(answers) - 1
    bad = chair.put(
        url,
        {"version": 2, "answers": {"NO.SUCH": {"option": "x"}}},
        content_type="application/json",
    )
    problem(bad, 422, "evaluation.sheet_invalid")
    full = chair.put(url, {"version": 2, "answers": answers}, content_type="application/json")
    assert Decimal(full.json()["total"]) == app.ruleset.scale_total
    submitted = post(chair, f"{url}/submit", {"version": 3})
    assert submitted.json()["status"] == "submitted"
    locked = chair.put(url, {"version": 4, "answers": answers}, content_type="application/json")
    problem(locked, 409, "evaluation.sheet_locked")
    # a member who is not assigned has no sheet to open
    problem(board["clients"]["secretary"].get(url), 404, "core.not_found")


def test_chair_returns_a_sheet_and_only_the_chair(board):
    app, chair, m1 = board["app"], board["clients"]["chair"], board["clients"]["m1"]
    answers = _answers(app.ruleset)
    url = f"{BASE}/applications/{app.public_id}"
    m1.put(f"{url}/sheet", {"version": 1, "answers": answers}, content_type="application/json")
    post(m1, f"{url}/sheet/submit", {"version": 2})
    back = f"{url}/sheets/{board['seats']['m1'].pk}/return"
    problem(post(m1, back, {"reason": "Tự trả"}), 403, "core.permission_denied")
    problem(post(chair, back, {"reason": " "}), 422, "evaluation.sheet_invalid")
    response = post(chair, back, {"reason": "Chênh lệch quá ngưỡng"})
    assert response.json()["status"] == "returned"
    assert m1.get(f"{url}/sheet").json()["returned_reason"] == "Chênh lệch quá ngưỡng"
    sheets = chair.get(f"{url}/sheets").json()
    assert [s["member"] for s in sheets] == [board["seats"]["m1"].pk]
    problem(m1.get(f"{url}/sheets"), 403, "core.permission_denied")
    problem(post(chair, f"{url}/sheets/999999/return", {"reason": "x"}), 404, "core.not_found")


def test_secretary_enters_a_paper_sheet_with_its_scan(board):
    app, secretary = board["app"], board["clients"]["secretary"]
    url = f"{BASE}/applications/{app.public_id}/sheets/{board['seats']['m1'].pk}/paper"
    answers = {k: v["option"] for k, v in _answers(app.ruleset).items()}
    bad_json = secretary.post(url, {"scan": testing.pdf_file(), "answers": "{not json"})
    problem(bad_json, 422, "core.validation_failed")
    no_scan = secretary.post(url, {"answers": json.dumps(answers)})
    assert no_scan.status_code == 422
    response = secretary.post(url, {"scan": testing.pdf_file(), "answers": json.dumps(answers)})
    assert response.status_code == 200, response.content
    assert response.json()["on_paper"] is True
    m1 = board["clients"]["m1"]
    paper = m1.post(url, {"scan": testing.pdf_file(), "answers": json.dumps(answers)})
    problem(paper, 403, "core.permission_denied")


def test_finalise_waits_for_every_sheet_then_scores(board, officer):
    app, clients = board["app"], board["clients"]
    url = f"{BASE}/applications/{app.public_id}"
    problem(post(officer, f"{url}/finalise"), 409, "evaluation.scoring_incomplete")
    post(clients["m2"], f"{url}/conflict", {"has_conflict": True, "note": "Họ hàng"})
    for key, pick in (("chair", -1), ("m1", 0)):
        clients[key].put(
            f"{url}/sheet",
            {"version": 1, "answers": _answers(app.ruleset, pick=pick)},
            content_type="application/json",
        )
        post(clients[key], f"{url}/sheet/submit", {"version": 2})
    problem(post(clients["chair"], f"{url}/finalise"), 403, "core.permission_denied")
    response = post(clients["secretary"], f"{url}/finalise")
    assert response.status_code == 200, response.content
    body = response.json()
    low = sum(
        (min(o.points for o in c.options.all()) for c in app.ruleset.criteria.all()), Decimal(0)
    )
    assert Decimal(body["score"]) == (app.ruleset.scale_total + low) / 2
    problem(post(officer, f"{url}/finalise"), 409, "evaluation.scoring_closed")


# --- feedback, decisions, minutes ----------------------------------------------------------------
def test_feedback_waits_for_the_result_for_producers(producer, officer, draft, two_tier_ruleset):
    url = f"{BASE}/applications/{draft.public_id}/feedback"
    problem(producer.get(url), 409, "evaluation.feedback_not_ready")
    assert officer.get(url).status_code == 200
    draft.outcome = Outcome.NOT_RECOGNISED
    draft.ruleset = two_tier_ruleset
    draft.save()
    body = producer.get(url).json()
    assert body["sheet_count"] == 0
    assert [p["code"] for p in body["parts"]] == ["A", "B", "C"]
    assert all(
        Decimal(c["max_points"]) >= 0
        for p in body["parts"]
        for s in p["sections"]
        for c in s["criteria"]
    )


@pytest.fixture
def recognised(commune, two_tier_round, two_tier_ruleset):
    return _application(
        commune,
        status=ApplicationStatus.RECOGNISED,
        rnd=two_tier_round,
        ruleset=two_tier_ruleset,
        score=Decimal("72.00"),
        stars=4,
        outcome=Outcome.RECOGNISED,
    )


def _decision(number: str, *apps) -> dict:
    return {
        "number": number,
        "signed_on": "2025-09-20",
        "signer": "Phó Chủ tịch UBND tỉnh",
        "issuer": "UBND tỉnh",
        "level": "province",
        "applications": [str(a.public_id) for a in apps],
    }


def test_decision_record_and_publish(officer, stranger, producer, recognised, draft):
    url = f"{BASE}/rounds/{recognised.round.public_id}/decisions"
    refused = problem(
        post(officer, url, _decision("12/QĐ-UBND", draft)), 422, "evaluation.decision_invalid"
    )
    assert refused["errors"][0]["loc"] == ["applications"]
    problem(post(stranger, url, _decision("12/QĐ-UBND", recognised)), 404, "core.not_found")
    created = post(officer, url, _decision("12/QĐ-UBND", recognised))
    assert created.status_code == 201, created.content
    decision = created.json()
    assert decision["applications"][0]["stars"] == 4 and decision["published_at"] is None
    again = post(officer, url, _decision("12/QĐ-UBND", recognised))
    assert again.status_code in (409, 422)
    assert producer.get(url).json() == []
    publish = f"{url}/{decision['public_id']}/publish"
    problem(post(producer, publish), 403, "core.permission_denied")
    assert post(officer, publish).json()["published_at"] is not None
    problem(post(officer, publish), 409, "evaluation.decision_already_published")
    assert [d["number"] for d in producer.get(url).json()] == ["12/QĐ-UBND"]
    problem(post(officer, f"{url}/{uuid.uuid4()}/publish"), 404, "core.not_found")
    unknown = post(
        officer, url, _decision("13/QĐ-UBND", recognised) | {"applications": [str(uuid.uuid4())]}
    )
    problem(unknown, 422, "core.validation_failed")


def test_round_summary_counts(officer, recognised):
    body = officer.get(f"{BASE}/rounds/{recognised.round.public_id}/summary").json()
    assert body == {
        "evaluated": 1,
        "recognised": 1,
        "recognised_by_stars": {"4": 1},
        "proposed_national": 0,
        "not_recognised": 0,
    }


def test_minutes_pdf_for_the_province_officer(board, officer, stranger):
    url = f"{BASE}/rounds/{board['app'].round.public_id}/minutes.pdf"
    response = officer.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert stranger.get(url).status_code == 404
    problem(board["clients"]["m1"].get(url), 403, "core.permission_denied")


def test_council_create_once_per_round(officer, two_tier_round):
    url = f"{BASE}/rounds/{two_tier_round.public_id}/council"
    assert post(officer, url, {"name": "Hội đồng"}).status_code == 201
    problem(post(officer, url, {"name": "Hội đồng 2"}), 422, "evaluation.council_invalid")
    assert officer.get(url).json()["name"] == "Hội đồng"


def test_assignment_bulk_refuses_foreign_applications(board, officer, province):
    url = f"{BASE}/rounds/{board['app'].round.public_id}/council/assignments"
    foreign = f.ApplicationFactory(round=f.RoundFactory(province=province, number=3))
    body = {"applications": [str(foreign.public_id)], "members": [board["seats"]["m1"].pk]}
    problem(post(officer, url, body), 422, "core.validation_failed")
    body = {"applications": [str(board["app"].public_id)], "members": [board["seats"]["m1"].pk]}
    assert post(officer, url, body).json() == {"created": 0}
    secretary = board["clients"]["secretary"]
    assert post(secretary, url, body).status_code == 200
    problem(post(board["clients"]["m1"], url, body), 403, "core.permission_denied")


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_council_summary_shows_totals_and_divergence(board, officer):
    app, clients, seats = board["app"], board["clients"], board["seats"]
    url = f"{BASE}/applications/{app.public_id}"
    for key, pick in (("chair", -1), ("m1", 0)):
        clients[key].put(
            f"{url}/sheet",
            {"version": 1, "answers": _answers(app.ruleset, pick=pick)},
            content_type="application/json",
        )
        post(clients[key], f"{url}/sheet/submit", {"version": 2})
    summary_url = f"{BASE}/rounds/{app.round.public_id}/council/summary"
    body = officer.get(summary_url).json()
    assert [m["role"] for m in body["members"]][:2] == ["chair", "secretary"]
    (row,) = body["rows"]
    assert row["submitted"] == 2
    cells = {c["member"]: c for c in row["cells"]}
    assert Decimal(cells[seats["chair"].pk]["total"]) == app.ruleset.scale_total
    assert cells[seats["chair"].pk]["divergent"] and cells[seats["m1"].pk]["divergent"]
    assert cells[seats["secretary"].pk]["total"] is None
    assert clients["secretary"].get(summary_url).status_code == 200
    problem(clients["m1"].get(summary_url), 404, "core.not_found")


def test_council_summary_query_count_does_not_grow(board, officer, commune, two_tier_ruleset):
    rnd = board["app"].round
    url = f"{BASE}/rounds/{rnd.public_id}/council/summary"

    def add(n: int) -> None:
        apps = [
            _application(
                commune, status=ApplicationStatus.SCHEDULED, rnd=rnd, ruleset=two_tier_ruleset
            )
            for _ in range(n)
        ]
        council.assignment_bulk(
            actor=SYSTEM,
            council=board["council"],
            applications=apps,
            members=list(board["seats"].values()),
        )

    add(1)
    _queries(officer, url)  # warm-up: first use of the token
    few = _queries(officer, url)
    add(18)
    assert _queries(officer, url) == few


def test_field_visit_recorded_by_the_secretary(board, officer):
    app, clients, seats = board["app"], board["clients"], board["seats"]
    url = f"{BASE}/applications/{app.public_id}/field-visits"
    body = {
        "visited_on": "2025-09-10",
        "notes": "Cơ sở sản xuất đúng như hồ sơ",
        "members": [seats["chair"].pk, seats["m1"].pk],
        "file": testing.pdf_file("bien-ban.pdf"),
    }
    response = clients["secretary"].post(url, body)
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["members"] == sorted([seats["chair"].pk, seats["m1"].pk]) and visit["has_file"]
    problem(
        clients["m1"].post(url, body | {"file": testing.pdf_file()}), 403, "core.permission_denied"
    )
    future = clients["secretary"].post(
        url, body | {"visited_on": "2025-09-30", "file": testing.pdf_file()}
    )
    problem(future, 422, "evaluation.field_visit_invalid")
    stranger = clients["secretary"].post(
        url, body | {"members": [999999], "file": testing.pdf_file()}
    )
    problem(stranger, 422, "core.validation_failed")
    no_file = {k: v for k, v in body.items() if k != "file"}
    assert officer.post(url, no_file).status_code == 201


def test_export_applications_xlsx_uses_the_list_filters(officer, stranger, commune, two_tier_round):
    import io

    from openpyxl import load_workbook

    a = _application(commune, status=ApplicationStatus.SUBMITTED, rnd=two_tier_round)
    _application(commune, status=ApplicationStatus.DRAFT, rnd=two_tier_round)
    response = officer.get(f"{BASE}/applications/export.xlsx?status=submitted")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and a.product.name in rows[1]
    everything = officer.get(f"{BASE}/applications/export.xlsx").content
    assert len(list(load_workbook(io.BytesIO(everything)).active.iter_rows())) == 3
    nothing = stranger.get(f"{BASE}/applications/export.xlsx").content
    assert len(list(load_workbook(io.BytesIO(nothing)).active.iter_rows())) == 1
    problem(
        officer.get(f"{BASE}/applications/export.xlsx?commune=nope"), 422, "core.validation_failed"
    )


def test_seat_holders_read_the_dossier_unless_recused(board, stranger):
    app, clients = board["app"], board["clients"]
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.DRAFT)
    doc = dossier.document_upload(
        actor=SYSTEM, application=app, item="label", file=testing.pdf_file("nhan.pdf")
    )
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.SCHEDULED)
    url = f"{BASE}/applications/{app.public_id}/dossier/documents/{doc.pk}"
    assert clients["m1"].get(url).status_code == 200
    post(
        clients["m2"],
        f"{BASE}/applications/{app.public_id}/conflict",
        {"has_conflict": True, "note": "Họ hàng"},
    )
    problem(clients["m2"].get(url), 404, "core.not_found")
    problem(stranger.get(url), 404, "core.not_found")
    detail = f"{BASE}/applications/{app.public_id}"
    assert clients["m1"].get(detail).json()["product_name"] == app.product.name
    problem(clients["m2"].get(detail), 404, "core.not_found")
    # the officers' list stays theirs
    assert clients["m1"].get(f"{BASE}/applications").json()["count"] == 0


def test_an_upgrade_starts_from_the_previous_dossier(producer, product, province, two_tier_round):
    earlier = f.RoundFactory(province=province, number=9)
    previous = f.ApplicationFactory(product=product, round=earlier)
    dossier.document_upload(
        actor=SYSTEM, application=previous, item="label", file=testing.pdf_file("nhan.pdf")
    )
    Application.objects.filter(pk=previous.pk).update(status=ApplicationStatus.DECIDED)
    response = post(
        producer,
        f"{BASE}/applications",
        {
            "round": str(two_tier_round.public_id),
            "product": str(product.public_id),
            "kind": ApplicationKind.UPGRADE,
            "previous": str(previous.public_id),
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["previous"] == str(previous.public_id)
    url = f"{BASE}/applications/{created['public_id']}/dossier"
    label = next(r for r in producer.get(url).json()["rows"] if r["code"] == "label")
    assert label["status"] == "carried_over" and label["current"]["carried_over"]
    states = {r["code"]: r["state"] for r in producer.get(f"{url}/diff").json()}
    assert states["label"] == "carried_over"
    producer.post(f"{url}/documents", {"item": "label", "file": testing.pdf_file("nhan-moi.pdf")})
    states = {r["code"]: r["state"] for r in producer.get(f"{url}/diff").json()}
    assert states["label"] == "replaced"
