"""Policy cases: evaluation council pages (format: ocop.core.testing).

Each relation gets a round of its province with a council (chair, secretary, member) and one
scheduled application on the small synthetic two-tier sheet, assigned to every seat. In the "own"
area the matrix's council-member account holds the plain member seat; in "other" it holds none.

- council page: admin, the province officer of the round, seat holders;
- seats, council creation: admin and the province officer; assignment: they and chair/secretary;
- conflict declaration, the sheet, its totals and submit: the member themself (admin has no seat);
- summary and minutes: admin, province officer, chair, vice-chair, secretary;
- return a sheet: admin and the chair; finalise: admin, province officer, secretary;
- paper entry: admin and the secretary;
- field visits: seen on the council pages; recorded by admin, the province officer, the chair
  and the secretary;
- decisions: the round's viewers see published ones; admin and the province officer record and
  publish.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    COUNCIL_MEMBER,
    INSPECTOR,
    PRODUCER,
    PROVINCE_OFFICER,
    html,
)
from ocop.evaluation import council as svc
from ocop.evaluation.constants import ApplicationStatus, CouncilRole
from ocop.evaluation.models import CouncilMember
from ocop.evaluation.tests import factories as f
from ocop.products.tests.factories import ProductFactory

SYSTEM = Actor.system("council test world")
SEATS = (("chair", CouncilRole.CHAIR), ("secretary", CouncilRole.SECRETARY))


def ruleset():
    from ocop.criteria.models import RuleSet

    found = RuleSet.objects.filter(code="TEST.evaluation.two-tier").first()
    return found or f.two_tier_ruleset()


def build_council(
    *,
    province,
    product=None,
    member_user=None,
    applications: int = 1,
    extra_members: int = 0,
    producer=None,
) -> SimpleNamespace:
    """A round of `province` with a council (chair, secretary, a member: `member_user` or a new
    account, plus `extra_members`) and `applications` scheduled applications on the synthetic
    sheet, each assigned to every seat. Seats are valid a year either side of today."""
    rs = ruleset()
    today = clock.today()
    rnd = f.RoundFactory(province=province, process_variant=f.variant(f.TWO_TIER))
    council = svc.council_create(
        actor=SYSTEM,
        round=rnd,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh",
        establishing_decision="123/QĐ-UBND",
        established_on=today,
    )
    span = {
        "valid_from": today - dt.timedelta(days=365),
        "valid_to": today + dt.timedelta(days=365),
    }
    seats = {}
    for key, role in SEATS:
        seats[key] = svc.council_member_add(
            actor=SYSTEM, council=council, user=UserFactory(), role=role, **span
        )
    if (
        member_user is not None
        and member_user.memberships.filter(role=Role.COUNCIL_MEMBER, province=province).exists()
    ):
        # The account already holds the council-member role here (council_member_add would
        # refuse to grant it twice): seat it directly on that membership.
        seats["member"] = CouncilMember.objects.create(
            council=council,
            user=member_user,
            role=CouncilRole.MEMBER,
            organisation="Sở Khoa học và Công nghệ",
            membership=member_user.memberships.filter(role=Role.COUNCIL_MEMBER).first(),
            **span,
        )
    else:
        seats["member"] = svc.council_member_add(
            actor=SYSTEM,
            council=council,
            user=member_user or UserFactory(),
            role=CouncilRole.MEMBER,
            organisation="Sở Khoa học và Công nghệ",
            **span,
        )
    for i in range(extra_members):
        seats[f"extra{i}"] = svc.council_member_add(
            actor=SYSTEM, council=council, user=UserFactory(), role=CouncilRole.MEMBER, **span
        )
    apps = []
    for i in range(applications):
        if product is not None and i == 0:
            item = product
        elif producer is not None:
            item = ProductFactory(producer=producer, product_set=f.product_set(f.TWO_TIER_SET))
        else:
            item = ProductFactory(
                producer__commune__province=province, product_set=f.product_set(f.TWO_TIER_SET)
            )
        apps.append(
            f.ApplicationFactory(
                product=item, round=rnd, ruleset=rs, status=ApplicationStatus.SCHEDULED
            )
        )
    svc.assignment_bulk(actor=SYSTEM, council=council, applications=apps, members=seats.values())
    return SimpleNamespace(
        round=rnd, council=council, seats=seats, applications=apps, app=apps[0], ruleset=rs
    )


def full_answers(rs, pick=max) -> dict[str, tuple[str, str]]:
    return {
        c.code: (pick(c.options.all(), key=lambda o: o.points).code, "")
        for c in rs.criteria.prefetch_related("options")
    }


def setup(world) -> None:
    member_user = world.users[COUNCIL_MEMBER]
    for relation in ("own", "other"):
        area = world.areas[relation]
        built = build_council(
            province=area.province,
            product=area.product,
            member_user=member_user if relation == "own" else None,
        )
        area.council_world = built
        # A second application, scored by everyone, ready to finalise.
        extra = f.ApplicationFactory(
            product=ProductFactory(producer=area.producer, product_set=area.product.product_set),
            round=built.round,
            ruleset=built.ruleset,
            status=ApplicationStatus.SCHEDULED,
        )
        svc.assignment_bulk(
            actor=SYSTEM,
            council=built.council,
            applications=[extra],
            members=built.seats.values(),
        )
        for seat in built.seats.values():
            sheet = svc.sheet_save(
                actor=actor_for(seat.user),
                application=extra,
                member=seat,
                answers=full_answers(built.ruleset),
                expected_version=1,
            )
            svc.sheet_submit(actor=actor_for(seat.user), sheet=sheet)
        area.council_scored = extra


def _round(c):
    return {"public_id": c.council_world.round.public_id}


def _app(c):
    return {"public_id": c.council_world.app.public_id}


def _sheet_data(c):
    answers = full_answers(c.council_world.ruleset)
    data = {f"c-{code}": option for code, (option, _comment) in answers.items()}
    data["version"] = "1"
    return data


def _paper(c):
    return {
        "public_id": c.council_world.round.public_id,
        "application": c.council_world.app.public_id,
        "member_id": c.council_world.seats["member"].pk,
    }


def _paper_data(c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _sheet_data(c)
    data["scan"] = SimpleUploadedFile(
        "phieu.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    return data


def _decision(c):
    from ocop.evaluation import results

    app = c.council_scored
    svc.application_score_finalise(actor=SYSTEM, application=app)
    decision = results.decision_record(
        actor=SYSTEM,
        round=c.council_world.round,
        number=f"{c.seq}/QĐ-UBND",
        signed_on=clock.today(),
        signer="Chủ tịch UBND tỉnh",
        issuer="UBND tỉnh",
        level="province",
        applications=[app],
    )
    return {"public_id": c.council_world.round.public_id, "decision": decision.public_id}


def _fresh_round(c):
    return {"public_id": f.RoundFactory(province=c.province).public_id}


OFFICERS = {ADMIN, PROVINCE_OFFICER}
# The matrix's council member chairs the "own" round's council: the round is theirs to read.
ROUND_VIEWERS = {ADMIN, PROVINCE_OFFICER, INSPECTOR, COMMUNE_OFFICER, PRODUCER, COUNCIL_MEMBER}

CASES = [
    html(
        "evaluation:council_detail",
        kwargs=_round,
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
    ),
    html(
        "evaluation:council_create",
        method="POST",
        kwargs=_fresh_round,
        data=lambda c: {"name": "Hội đồng OCOP", "establishing_decision": "1/QĐ"},
        own=OFFICERS,
        other={ADMIN},
    ),
    html(
        "evaluation:council_member_add",
        method="POST",
        kwargs=_round,
        data=lambda c: {
            "username": UserFactory().username,
            "role": CouncilRole.MEMBER,
            "valid_from": "2020-01-01",
            "valid_to": "2030-12-31",
        },
        own=OFFICERS,
        other={ADMIN},
    ),
    html("evaluation:council_assign", kwargs=_round, own=OFFICERS, other={ADMIN}),
    html(
        "evaluation:council_assign",
        method="POST",
        kwargs=_round,
        data=lambda c: {"pairs": []},
        own=OFFICERS,
        other={ADMIN},
        note="an empty grid re-renders the page with an error: nothing saved",
    ),
    html("evaluation:council_conflicts", kwargs=_round, own={COUNCIL_MEMBER}, other=set()),
    html(
        "evaluation:council_conflicts",
        method="POST",
        kwargs=_round,
        data=lambda c: {
            "application": str(c.council_world.app.public_id),
            "has_conflict": "0",
        },
        own={COUNCIL_MEMBER},
        other=set(),
    ),
    html("evaluation:council_my_sheets", allow={COUNCIL_MEMBER}),
    html("evaluation:council_sheet", kwargs=_app, own={COUNCIL_MEMBER}, other=set()),
    html(
        "evaluation:council_sheet",
        method="POST",
        kwargs=_app,
        data=_sheet_data,
        own={COUNCIL_MEMBER},
        other=set(),
    ),
    html(
        "evaluation:council_sheet_totals",
        method="POST",
        kwargs=_app,
        data=_sheet_data,
        own={COUNCIL_MEMBER},
        other=set(),
    ),
    html(
        "evaluation:council_sheet_submit",
        method="POST",
        kwargs=_app,
        data=_sheet_data,
        own={COUNCIL_MEMBER},
        other=set(),
    ),
    html(
        "evaluation:council_field_visits",
        kwargs=_round,
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
    ),
    html(
        "evaluation:council_field_visits",
        method="POST",
        kwargs=_round,
        data=lambda c: {
            "application": str(c.council_world.app.public_id),
            "visited_on": clock.today().isoformat(),
            "members": [str(c.council_world.seats["secretary"].pk)],
            "notes": "Khảo sát cơ sở sản xuất",
        },
        own=OFFICERS,
        other={ADMIN},
        note="the plain member seat sees the visits but may not record one",
    ),
    html("evaluation:council_summary", kwargs=_round, own=OFFICERS, other={ADMIN}),
    html(
        "evaluation:council_sheet_return",
        method="POST",
        kwargs=_round,
        data=lambda c: {
            "application": str(c.council_scored.public_id),
            "member": c.council_world.seats["member"].pk,
            "reason": "Điểm phần C chênh lệch",
        },
        own={ADMIN},
        other={ADMIN},
        note="only the chair (and admin) returns a sheet; the province officer does not",
    ),
    html(
        "evaluation:council_finalise",
        method="POST",
        kwargs=_round,
        data=lambda c: {"application": str(c.council_scored.public_id)},
        own=OFFICERS,
        other={ADMIN},
    ),
    html("evaluation:council_paper_entry", kwargs=_paper, own={ADMIN}, other={ADMIN}),
    html(
        "evaluation:council_paper_entry",
        method="POST",
        kwargs=_paper,
        data=_paper_data,
        own={ADMIN},
        other={ADMIN},
    ),
    html("evaluation:council_minutes", kwargs=_round, own=OFFICERS, other={ADMIN}),
    html("evaluation:decision_list", kwargs=_round, own=ROUND_VIEWERS, other={ADMIN}),
    html("evaluation:round_summary", kwargs=_round, own=ROUND_VIEWERS, other={ADMIN}),
    html(
        "evaluation:council_application",
        kwargs=_app,
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
        note="members go to their sheet, officers to the summary",
    ),
    html("evaluation:decision_create", kwargs=_round, own=OFFICERS, other={ADMIN}),
    html(
        "evaluation:decision_create",
        method="POST",
        kwargs=_round,
        data=lambda c: {"number": "", "signer": ""},
        own=OFFICERS,
        other={ADMIN},
        note="an incomplete form re-renders with errors: nothing saved",
    ),
    html(
        "evaluation:decision_publish",
        method="POST",
        kwargs=_decision,
        own=OFFICERS,
        other={ADMIN},
    ),
]
