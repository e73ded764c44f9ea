"""Council pages: council and seats, assignment grid, conflicts, my sheets, the score sheet with
its htmx totals, save/stale/submit, the chair's summary (constant queries), return, finalise,
paper entry, minutes and decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core import clock
from ocop.core.models import AuditEvent
from ocop.evaluation import council as svc
from ocop.evaluation import results
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, Outcome, SheetStatus
from ocop.evaluation.models import (
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    Decision,
    ScoreSheet,
)
from ocop.evaluation.tests import factories as f
from ocop.evaluation.tests.policy_cases_council import build_council, full_answers

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(province):
    return build_council(province=province, applications=2)


@pytest.fixture
def officer(province):
    return user_with_role(Role.PROVINCE_OFFICER, province=province)


def login(client, user):
    client.force_login(user)
    return client


def sheet_url(app, name="council_sheet"):
    return reverse(f"evaluation:{name}", kwargs={"public_id": app.public_id})


def round_url(world, name):
    return reverse(f"evaluation:{name}", kwargs={"public_id": world.round.public_id})


def form_for(rs, picks, version=1):
    """POST data choosing, per criterion code, the option with `picks[code]` points."""
    data = {"version": str(version)}
    for c in rs.criteria.prefetch_related("options"):
        if c.code in picks:
            option = next(o for o in c.options.all() if o.points == Decimal(picks[c.code]))
            data[f"c-{c.code}"] = option.code
    return data


MAX = {"A1.1": 10, "A1.2": 10, "A2.1": 15, "B1.1": 25, "C1.1": 40}


def submit_all(world, app, picks=None, skip=()):
    for key, seat in world.seats.items():
        if key in skip:
            continue
        answers = full_answers(world.ruleset) if picks is None else picks[key]
        sheet = svc.sheet_save(
            actor=actor_for(seat.user),
            application=app,
            member=seat,
            answers=answers,
            expected_version=1,
        )
        svc.sheet_submit(actor=actor_for(seat.user), sheet=sheet)


# --- council page --------------------------------------------------------------------------------
def test_officer_creates_a_council_and_seats_a_member(client, province, officer):
    rnd = f.RoundFactory(province=province)
    login(client, officer)
    url = reverse("evaluation:council_detail", kwargs={"public_id": rnd.public_id})
    page = client.get(url)
    assert page.status_code == 200
    assert "Thành lập hội đồng" in page.content.decode()

    create = reverse("evaluation:council_create", kwargs={"public_id": rnd.public_id})
    response = client.post(create, {"name": "Hội đồng OCOP tỉnh", "establishing_decision": "9/QĐ"})
    assert response.status_code == 302
    council = Council.objects.get(round=rnd)
    assert council.establishing_decision == "9/QĐ"

    expert = UserFactory(username="chuyengia01")
    add = reverse("evaluation:council_member_add", kwargs={"public_id": rnd.public_id})
    response = client.post(
        add,
        {
            "username": "chuyengia01",
            "role": CouncilRole.SECRETARY,
            "organisation": "Trường Đại học Nông Lâm",
            "is_external": "on",
            "valid_from": "2025-01-01",
            "valid_to": "2030-12-31",
        },
    )
    assert response.status_code == 302
    seat = CouncilMember.objects.get(council=council, user=expert)
    assert seat.is_external and seat.role == CouncilRole.SECRETARY
    page = client.get(url).content.decode()
    assert "Trường Đại học Nông Lâm" in page and "Thư ký hội đồng" in page


def test_bad_member_input_saves_nothing_and_says_why(client, world, officer):
    login(client, officer)
    url = round_url(world, "council_member_add")
    before = CouncilMember.objects.count()
    response = client.post(
        url,
        {
            "username": "khong-ton-tai",
            "role": CouncilRole.MEMBER,
            "valid_from": "2025-01-01",
            "valid_to": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert "Không tìm thấy tài khoản" in response.content.decode()
    response = client.post(
        url,
        {
            "username": UserFactory().username,
            "role": CouncilRole.MEMBER,
            "valid_from": "2030-01-01",
            "valid_to": "2025-01-01",
        },
    )
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    assert CouncilMember.objects.count() == before


def test_a_second_council_for_the_round_is_refused(client, world, officer):
    login(client, officer)
    response = client.post(round_url(world, "council_create"), {"name": "Hội đồng khác"})
    # The round has a council already: the create form is not even offered.
    assert response.status_code == 200
    assert Council.objects.filter(round=world.round).count() == 1


def test_council_page_is_hidden_from_another_province(client, world, other_province):
    login(client, user_with_role(Role.PROVINCE_OFFICER, province=other_province))
    assert client.get(round_url(world, "council_detail")).status_code == 404


# --- assignment and conflicts ---------------------------------------------------------------
def test_assignment_grid_assigns_ticked_pairs_and_skips_recused(client, province, officer):
    world = build_council(province=province, applications=2)
    newcomer = svc.council_member_add(
        actor=actor_for(officer),
        council=world.council,
        user=UserFactory(),
        role=CouncilRole.MEMBER,
        valid_from=clock.today() - dt.timedelta(days=1),
        valid_to=clock.today() + dt.timedelta(days=30),
    )
    first, second = world.applications
    svc.conflict_declare(
        actor=actor_for(newcomer.user),
        member=newcomer,
        application=second,
        has_conflict=True,
        note="Người thân của chủ thể",
    )
    login(client, officer)
    page = client.get(round_url(world, "council_assign")).content.decode()
    assert f'value="{newcomer.pk}:{first.pk}"' in page
    assert f'value="{newcomer.pk}:{second.pk}"' not in page  # recused: no box
    response = client.post(
        round_url(world, "council_assign"), {"pairs": [f"{newcomer.pk}:{first.pk}"]}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(member=newcomer, application=first).exists()
    # A recused pair sent anyway is not a choice: refused, nothing saved.
    response = client.post(
        round_url(world, "council_assign"), {"pairs": [f"{newcomer.pk}:{second.pk}"]}
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(member=newcomer, application=second).exists()


def test_member_declares_a_conflict_and_the_application_leaves_their_sheets(client, world):
    seat = world.seats["member"]
    first, second = world.applications
    login(client, seat.user)
    mine = client.get(reverse("evaluation:council_my_sheets")).content.decode()
    assert str(second.public_id) in mine
    url = round_url(world, "council_conflicts")
    # A conflict without a reason is refused.
    client.post(url, {"application": str(second.public_id), "has_conflict": "1", "note": ""})
    assert not ConflictDeclaration.objects.filter(member=seat).exists()
    response = client.post(
        url, {"application": str(second.public_id), "has_conflict": "1", "note": "Góp vốn"}
    )
    assert response.status_code == 302
    assert svc.is_recused(seat, second)
    mine = client.get(reverse("evaluation:council_my_sheets")).content.decode()
    assert str(second.public_id) not in mine
    assert str(first.public_id) in mine
    assert client.get(sheet_url(second)).status_code == 404
    data = form_for(world.ruleset, MAX)
    assert client.post(sheet_url(second), data).status_code == 404
    assert client.post(sheet_url(second, "council_sheet_totals"), data).status_code == 404
    assert not ScoreSheet.objects.filter(member=seat, application=second).exists()


# --- the score sheet ---------------------------------------------------------------------------
def test_sheet_renders_the_rule_set_tree(client, world):
    login(client, world.seats["member"].user)
    page = client.get(sheet_url(world.app))
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("A1.1", "A1.2", "A2.1", "B1.1", "C1.1"):
        assert f'name="c-{code}"' in html
    assert "Phần A" in html and "Tổng điểm tạm tính" in html
    assert "Tiêu chí chưa được đối chiếu với văn bản chính thức." in html
    assert 'hx-post="' + sheet_url(world.app, "council_sheet_totals") in html


def test_totals_partial_computes_part_and_overall_totals_without_saving(client, world):
    login(client, world.seats["member"].user)
    picks = {"A1.1": 10, "A1.2": 5, "B1.1": 25}
    response = client.post(
        sheet_url(world.app, "council_sheet_totals"),
        form_for(world.ruleset, picks),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="sheet-totals"')
    assert 'data-part-total="A">15<' in html
    assert 'data-part-total="B">25<' in html
    assert 'data-part-total="C">0<' in html
    assert '<strong id="sheet-total">40</strong>' in html
    assert "3/5" in html
    assert not ScoreSheet.objects.filter(application=world.app).exists()


def test_totals_ignore_options_of_other_criteria(client, world):
    login(client, world.seats["member"].user)
    data = form_for(world.ruleset, {"A1.1": 10})
    data["c-C1.1"] = data["c-A1.1"]  # an option of A1.1 sent for C1.1 counts for nothing
    html = client.post(sheet_url(world.app, "council_sheet_totals"), data).content.decode()
    assert '<strong id="sheet-total">10</strong>' in html


def test_save_draft_then_submit_locks_the_sheet(client, world):
    seat = world.seats["member"]
    login(client, seat.user)
    response = client.post(sheet_url(world.app), form_for(world.ruleset, {"A1.1": 10}))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(application=world.app, member=seat)
    assert (sheet.status, sheet.total, sheet.version) == (SheetStatus.DRAFT, Decimal(10), 2)
    page = client.get(sheet_url(world.app)).content.decode()
    assert 'value="2"' in page  # the form carries the version it was loaded at

    response = client.post(
        sheet_url(world.app, "council_sheet_submit"), form_for(world.ruleset, MAX, version=2)
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.total == Decimal(100)
    assert sheet.part_totals == {"A": "35.00", "B": "25.00", "C": "40.00"}

    page = client.get(sheet_url(world.app)).content.decode()
    assert "đã khóa" in page
    assert "disabled" in page and "Nộp phiếu</button>" not in page
    assert "hx-post" not in page
    # A locked sheet cannot be changed by a hand-made POST either.
    response = client.post(
        sheet_url(world.app), form_for(world.ruleset, {"A1.1": 0}, version=sheet.version)
    )
    sheet.refresh_from_db()
    assert sheet.total == Decimal(100) and sheet.status == SheetStatus.SUBMITTED


def test_stale_save_shows_a_clear_message_and_saves_nothing(client, world):
    seat = world.seats["member"]
    login(client, seat.user)
    client.post(sheet_url(world.app), form_for(world.ruleset, {"A1.1": 10}))  # → version 2
    response = client.post(sheet_url(world.app), form_for(world.ruleset, {"A1.1": 0}, version=1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Phiếu chấm đã được người khác lưu (phiên bản 2)" in html
    assert "Tải lại phiếu đã lưu" in html
    assert 'name="version" value="1"' in html  # saving again stays stale until a reload
    sheet = ScoreSheet.objects.get(application=world.app, member=seat)
    assert sheet.total == Decimal(10) and sheet.version == 2


def test_incomplete_submit_names_the_missing_criteria_and_keeps_nothing(client, world):
    seat = world.seats["member"]
    login(client, seat.user)
    response = client.post(
        sheet_url(world.app, "council_sheet_submit"), form_for(world.ruleset, {"A1.1": 10})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa chấm tiêu chí này." in html
    # Neither the draft answers nor a submission were kept.
    assert not ScoreSheet.objects.filter(application=world.app, member=seat).exists()


def test_an_option_that_is_not_of_the_criterion_is_refused(client, world):
    seat = world.seats["member"]
    login(client, seat.user)
    data = form_for(world.ruleset, {"A1.1": 10})
    data["c-A1.1"] = "khong-co"
    response = client.post(sheet_url(world.app), data)
    assert response.status_code == 200
    assert "Phương án không thuộc tiêu chí này." in response.content.decode()
    assert not ScoreSheet.objects.filter(application=world.app, member=seat).exists()


def test_sheet_of_another_member_or_an_unassigned_account_is_404(client, world, province):
    login(client, user_with_role(Role.COUNCIL_MEMBER, province=province))
    assert client.get(sheet_url(world.app)).status_code == 404
    assert client.post(sheet_url(world.app, "council_sheet_totals"), {}).status_code == 404


# --- the chair's summary ----------------------------------------------------------------------
def test_summary_shows_totals_mean_stars_and_divergence(client, world):
    picks = {
        "chair": full_answers(world.ruleset),
        "secretary": full_answers(world.ruleset),
        "member": full_answers(world.ruleset, pick=min),  # 1 point: far from 100
    }
    submit_all(world, world.app, picks)
    login(client, world.seats["chair"].user)
    response = client.get(round_url(world, "council_summary"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>100</strong>" in html and "<strong>1</strong>" in html
    assert "is-divergent" in html and "Lệch" in html
    assert "67" in html  # mean of 100, 100, 1
    assert "3★" in html
    # The chair returns the divergent sheet with a reason.
    member = world.seats["member"]
    response = client.post(
        round_url(world, "council_sheet_return"),
        {"application": str(world.app.public_id), "member": member.pk, "reason": ""},
    )
    sheet = ScoreSheet.objects.get(application=world.app, member=member)
    assert sheet.status == SheetStatus.SUBMITTED  # no reason, nothing done
    response = client.post(
        round_url(world, "council_sheet_return"),
        {"application": str(world.app.public_id), "member": member.pk, "reason": "Chấm lại phần C"},
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RETURNED and sheet.returned_reason == "Chấm lại phần C"
    # The member sees the reason on the sheet.
    login(client, member.user)
    assert "Chấm lại phần C" in client.get(sheet_url(world.app)).content.decode()


def test_finalise_from_the_summary(client, world, officer):
    submit_all(world, world.app)
    login(client, officer)
    response = client.post(
        round_url(world, "council_finalise"), {"application": str(world.app.public_id)}
    )
    assert response.status_code == 302
    world.app.refresh_from_db()
    assert world.app.score == Decimal(100)
    assert world.app.outcome == Outcome.PROPOSED_NATIONAL
    html = client.get(round_url(world, "council_summary")).content.decode()
    assert "Tiềm năng 5 sao, đề nghị Trung ương" in html


def test_finalise_with_missing_sheets_says_so_and_changes_nothing(client, world, officer):
    submit_all(world, world.app, skip=("member",))
    login(client, officer)
    response = client.post(
        round_url(world, "council_finalise"),
        {"application": str(world.app.public_id)},
        follow=True,
    )
    assert "Còn 1 thành viên được phân công chưa nộp phiếu chấm." in response.content.decode()
    world.app.refresh_from_db()
    assert world.app.outcome == "" and world.app.status == ApplicationStatus.SCHEDULED


def test_plain_member_cannot_see_the_summary(client, world):
    login(client, world.seats["member"].user)
    assert client.get(round_url(world, "council_summary")).status_code == 403


def _summary_queries(client, world) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(round_url(world, "council_summary"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_summary_queries_are_constant_200_applications_by_9_members(client, province):
    small = build_council(province=province, applications=2, extra_members=6)
    large = build_council(province=province, applications=200, extra_members=6)
    for world in (small, large):
        assert len(world.seats) == 9
        submit_all(world, world.applications[0])
        submit_all(world, world.applications[1], skip=("member",))
    officer = user_with_role(Role.PROVINCE_OFFICER, province=province)
    login(client, officer)
    assert _summary_queries(client, small) == _summary_queries(client, large)


# --- paper entry --------------------------------------------------------------------------------
def paper_url(world, seat):
    return reverse(
        "evaluation:council_paper_entry",
        kwargs={
            "public_id": world.round.public_id,
            "application": world.app.public_id,
            "member_id": seat.pk,
        },
    )


def test_secretary_enters_a_paper_sheet_with_its_scan(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = world.seats["member"]
    login(client, world.seats["secretary"].user)
    data = form_for(world.ruleset, MAX)
    # Without the scan: refused, nothing saved.
    response = client.post(paper_url(world, member), data)
    assert response.status_code == 200
    assert "Tải lên bản quét phiếu chấm có chữ ký." in response.content.decode()
    assert not ScoreSheet.objects.filter(application=world.app, member=member).exists()
    data["scan"] = SimpleUploadedFile("phieu.pdf", PDF, "application/pdf")
    response = client.post(paper_url(world, member), data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(application=world.app, member=member)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total == Decimal(100)
    assert sheet.paper_scan and sheet.entered_by == world.seats["secretary"].user


def test_a_plain_member_cannot_enter_paper_sheets(client, world):
    login(client, world.seats["member"].user)
    assert client.get(paper_url(world, world.seats["chair"])).status_code == 403


# --- minutes and decisions ---------------------------------------------------------------------
def test_minutes_pdf_downloads(client, world, officer):
    submit_all(world, world.app)
    svc.application_score_finalise(actor=actor_for(officer), application=world.app)
    login(client, officer)
    response = client.get(round_url(world, "council_minutes"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_decision_recorded_published_and_listed(client, world, officer):
    submit_all(world, world.app)
    svc.application_score_finalise(actor=actor_for(officer), application=world.app)
    login(client, officer)
    form = client.get(round_url(world, "decision_create")).content.decode()
    assert str(world.app.public_id) in form
    # Missing fields: nothing recorded.
    response = client.post(round_url(world, "decision_create"), {"number": ""})
    assert response.status_code == 200
    assert not Decision.objects.exists()
    response = client.post(
        round_url(world, "decision_create"),
        {
            "number": "456/QĐ-UBND",
            "signed_on": "2025-11-20",
            "signer": "Phó Chủ tịch UBND tỉnh",
            "issuer": "UBND tỉnh",
            "level": "province",
            "applications": [str(world.app.public_id)],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(number="456/QĐ-UBND")
    # Not yet published: an inspector of the province does not see it.
    inspector = user_with_role(Role.INSPECTOR, province=world.round.province)
    client.force_login(inspector)
    assert "456/QĐ-UBND" not in client.get(round_url(world, "decision_list")).content.decode()
    client.force_login(officer)
    publish = reverse(
        "evaluation:decision_publish",
        kwargs={"public_id": world.round.public_id, "decision": decision.public_id},
    )
    assert client.post(publish).status_code == 302
    decision.refresh_from_db()
    assert decision.published_at is not None
    assert AuditEvent.objects.filter(action="evaluation.decision.publish").exists()
    client.force_login(inspector)
    html = client.get(round_url(world, "decision_list")).content.decode()
    assert "456/QĐ-UBND" in html and str(world.app.product) in html
    # Publishing twice is refused with a message, not an error page.
    client.force_login(officer)
    response = client.post(publish, follow=True)
    assert "đã được công bố" in response.content.decode()
    assert results.round_summary(world.round).evaluated == 1


def _my_sheets_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("evaluation:council_my_sheets"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_sheets_queries_do_not_grow_with_the_assignments(client, province):
    small = build_council(province=province, applications=2)
    large = build_council(province=province, applications=20)
    counts = []
    for world in (small, large):
        seat = world.seats["member"]
        submit_all(world, world.applications[0])
        login(client, seat.user)
        counts.append(_my_sheets_queries(client, seat.user))
    assert counts[0] == counts[1]


def test_council_entry_of_an_application_leads_each_to_their_page(client, world, officer):
    login(client, world.seats["member"].user)
    url = reverse("evaluation:council_application", kwargs={"public_id": world.app.public_id})
    assert client.get(url)["Location"] == sheet_url(world.app)
    login(client, officer)
    assert client.get(url)["Location"].startswith(round_url(world, "council_summary"))


def test_round_results_count_outcomes(client, world, officer):
    submit_all(world, world.app)
    svc.application_score_finalise(actor=actor_for(officer), application=world.app)
    login(client, officer)
    html = client.get(round_url(world, "round_summary")).content.decode()
    assert "Đề nghị Trung ương (tiềm năng 5 sao)" in html
    assert '<span class="stat-value">1</span> <span class="stat-label">Sản phẩm đã chấm' in html


# --- field visits --------------------------------------------------------------------------------
def test_secretary_records_a_field_visit_and_the_tourism_set_shows_it_is_required(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from ocop.evaluation.models import FieldVisit
    from ocop.products.models import Product

    tourism = world.applications[1]
    Product.objects.filter(pk=tourism.product_id).update(product_set=f.product_set("QD148-26"))
    secretary, chair = world.seats["secretary"], world.seats["chair"]
    login(client, secretary.user)
    url = round_url(world, "council_field_visits")
    html = client.get(url).content.decode()
    assert "Bắt buộc, chưa khảo sát" in html
    assert html.count("Không bắt buộc") == 1
    # Missing findings: refused, nothing saved.
    response = client.post(
        url,
        {
            "application": str(tourism.public_id),
            "visited_on": clock.today().isoformat(),
            "members": [str(secretary.pk)],
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert not FieldVisit.objects.exists()
    response = client.post(
        url,
        {
            "application": str(tourism.public_id),
            "visited_on": clock.today().isoformat(),
            "members": [str(secretary.pk), str(chair.pk)],
            "notes": "Tham quan điểm du lịch cộng đồng, nhà vệ sinh đạt chuẩn",
            "file": SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    visit = FieldVisit.objects.get(application=tourism)
    assert set(visit.members.all()) == {secretary, chair} and visit.file
    html = client.get(url).content.decode()
    assert "Đã khảo sát" in html and "nhà vệ sinh đạt chuẩn" in html


def test_a_plain_member_sees_visits_but_cannot_record_one(client, world):
    login(client, world.seats["member"].user)
    url = round_url(world, "council_field_visits")
    html = client.get(url).content.decode()
    assert "Ghi nhận chuyến khảo sát" not in html
    response = client.post(url, {"notes": "x"})
    assert response.status_code == 403
