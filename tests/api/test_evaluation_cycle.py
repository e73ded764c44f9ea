"""A whole evaluation round through the API alone, with bearer tokens: a province opens a round
and seats a council, a producer registers and submits a product, the commune pre-assesses (or, in a
legacy round, the district score is recorded and the product forwarded), the council scores with
one member recused, the secretary closes the scoring, the province records and publishes the
decision and the producer reads the itemised feedback.

Run twice: the two-tier process (QĐ 1489/2025) with the demonstration sheet in force since
07/2025, and the legacy three-tier process with the QĐ 1048 rule set.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import api_token_for, user_with_role
from ocop.core import clock, testing
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.tests.factories import ProductFactory

BASE = "/api/v1/evaluation"


@dataclass(frozen=True)
class Scenario:
    variant: str
    product_set: str
    day: dt.date
    opens: dt.date
    cutoff: dt.date
    two_tier: bool
    # m1 lowers a whole section (a 4★ product) or a single criterion (a "potential 5★" one)
    lower_section: bool = True

    def ruleset(self):
        return f.two_tier_ruleset() if self.two_tier else f.qd1048_ruleset()


TWO_TIER = Scenario(
    variant=f.TWO_TIER,
    product_set=f.TWO_TIER_SET,
    day=f.TWO_TIER_DAY,
    opens=dt.date(2025, 7, 6),
    cutoff=dt.date(2025, 12, 31),
    two_tier=True,
)
LEGACY_QD1048 = Scenario(
    variant=f.QD1048_THREE_TIER,
    product_set=f.QD1048_SET,
    day=f.QD1048_DAY,
    opens=dt.date(2021, 3, 1),
    cutoff=dt.date(2021, 9, 30),
    two_tier=False,
    lower_section=False,
)


def client_for(user) -> Client:
    _token, key = api_token_for(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def leaves(tree: dict) -> list[dict]:
    return [c for p in tree["parts"] for s in p["sections"] for c in s["criteria"]]


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", [TWO_TIER, LEGACY_QD1048], ids=["two-tier", "qd1048"])
def test_a_round_from_registration_to_published_decision(scenario, commune):
    province = commune.province
    scenario.ruleset()
    product_set = f.product_set(scenario.product_set)
    f.variant(scenario.variant)
    producer = ProducerFactory(commune=commune)
    product = ProductFactory(producer=producer, product_set=product_set)
    producer_user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=producer_user)
    officer = client_for(user_with_role(Role.PROVINCE_OFFICER, province=province))
    commune_officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))
    producer_client = client_for(producer_user)
    people = {
        key: user_with_role(Role.INSPECTOR, province=province, full_name=f"Người {key}")
        for key in ("chair", "secretary", "m1", "m2")
    }

    with clock.freeze(scenario.day):
        # --- the province opens a round and seats its council
        rnd = ok(
            officer.post(
                f"{BASE}/rounds",
                {
                    "province": province.code,
                    "name": f"Đợt 1/{scenario.day.year}",
                    "year": scenario.day.year,
                    "process_variant": scenario.variant,
                    "registration_opens": scenario.opens.isoformat(),
                    "registration_cutoff": scenario.cutoff.isoformat(),
                    "divergence_threshold": "50",
                },
                content_type="application/json",
            ),
            201,
        )
        assert rnd["status"] == "open" and rnd["process_variant"] == scenario.variant
        round_url = f"{BASE}/rounds/{rnd['public_id']}"
        ok(
            officer.post(
                f"{round_url}/council",
                {"name": "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh"},
                content_type="application/json",
            ),
            201,
        )
        seats = {}
        for key, role in [
            ("chair", "chair"),
            ("secretary", "secretary"),
            ("m1", "member"),
            ("m2", "member"),
        ]:
            seat = ok(
                officer.post(
                    f"{round_url}/council/members",
                    {
                        "user": str(people[key].public_id),
                        "role": role,
                        "valid_from": scenario.opens.isoformat(),
                        "valid_to": scenario.cutoff.isoformat(),
                        "is_external": key == "m2",
                    },
                    content_type="application/json",
                ),
                201,
            )
            seats[key] = seat["id"]
        members = {key: client_for(user) for key, user in people.items()}
        council = ok(members["chair"].get(f"{round_url}/council"))
        assert len(council["members"]) == 4

        # --- the producer registers and submits
        assert rnd["public_id"] in {
            r["public_id"] for r in ok(producer_client.get(f"{BASE}/rounds"))["items"]
        }
        app = ok(
            producer_client.post(
                f"{BASE}/applications",
                {
                    "round": rnd["public_id"],
                    "product": str(product.public_id),
                    "registration": {"contact": "0912 345 678"},
                },
                content_type="application/json",
            ),
            201,
        )
        assert app["status"] == "draft" and app["ruleset"] is None
        app_url = f"{BASE}/applications/{app['public_id']}"
        checklist = ok(producer_client.get(f"{app_url}/dossier"))
        assert not checklist["is_complete"] and checklist["editable"]
        refused = producer_client.post(f"{app_url}/submit", {}, content_type="application/json")
        assert refused.status_code == 422
        assert refused.json()["code"] == "evaluation.dossier_incomplete"
        required = [row["code"] for row in checklist["rows"] if row["required"]]
        for code in required:
            ok(
                producer_client.post(
                    f"{app_url}/dossier/documents",
                    {"item": code, "file": testing.pdf_file(f"{code}.pdf")},
                ),
                201,
            )
        checklist = ok(producer_client.get(f"{app_url}/dossier"))
        assert checklist["is_complete"] and checklist["completeness"] == 100
        label = next(r for r in checklist["rows"] if r["code"] == required[0])["current"]
        download = commune_officer.get(f"{app_url}/dossier/documents/{label['id']}")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == testing.PDF_BYTES
        app = ok(producer_client.post(f"{app_url}/submit", {}, content_type="application/json"))
        late = producer_client.post(
            f"{app_url}/dossier/documents", {"item": required[0], "file": testing.pdf_file()}
        )
        assert late.status_code == 409 and late.json()["code"] == "evaluation.dossier_locked"
        assert app["status"] == "submitted" and app["ruleset"]

        # --- commune pre-assessment (two-tier) or the district's score and forwarding (legacy)
        if scenario.two_tier:
            variant = next(
                v for v in ok(officer.get(f"{BASE}/variants")) if v["code"] == scenario.variant
            )
            answers = {
                c["code"]: {"met": True, "note": ""} for c in variant["pre_assessment_criteria"]
            }
            assert len(answers) == 4
            app = ok(
                commune_officer.post(
                    f"{app_url}/pre-assess",
                    {
                        "answers": json.dumps(answers),
                        "conclusion": "Đủ điều kiện chuyển tỉnh đánh giá.",
                        "report": testing.pdf_file("bao-cao-so-danh-gia.pdf"),
                    },
                )
            )
            assert app["status"] == "pre_assessed"
            report = commune_officer.get(f"{app_url}/pre-assessment/report")
            assert report.status_code == 200
            assert b"".join(report.streaming_content) == testing.PDF_BYTES
        else:
            app = ok(
                officer.post(
                    f"{app_url}/lower-score",
                    {"score": "72.5", "note": "Hội đồng cấp huyện"},
                    content_type="application/json",
                )
            )
            assert app["status"] == "lower_scored"
            app = ok(
                officer.post(
                    f"{app_url}/transition",
                    {"verb": "forward", "reason": "Đạt từ 50 điểm"},
                    content_type="application/json",
                )
            )
            assert app["status"] == "forwarded"
        app = ok(
            officer.post(
                f"{app_url}/transition",
                {"verb": "schedule", "reason": "Họp hội đồng"},
                content_type="application/json",
            )
        )
        assert app["status"] == "scheduled"

        # --- one member recuses; the others are assigned and score
        ok(
            members["m2"].post(
                f"{app_url}/conflict",
                {"has_conflict": True, "note": "Người thân làm việc tại chủ thể"},
                content_type="application/json",
            )
        )
        assigned = ok(
            officer.post(
                f"{round_url}/council/assignments",
                {
                    "applications": [app["public_id"]],
                    "members": [seats["chair"], seats["m1"], seats["m2"]],
                },
                content_type="application/json",
            )
        )
        assert assigned == {"created": 2}
        assert members["m2"].get(f"{app_url}/sheet").status_code == 404

        expected_totals = []
        for key in ("chair", "m1"):
            form = ok(members[key].get(f"{app_url}/sheet"))
            assert form["version"] == 1 and form["status"] == "new"
            criteria = leaves(form)
            last_part = [c["code"] for c in form["parts"][-1]["sections"][0]["criteria"]]
            if not scenario.lower_section:
                last_part = last_part[:1]
            chosen = {}
            total = Decimal(0)
            for c in criteria:
                options = sorted(c["options"], key=lambda o: Decimal(o["points"]))
                # m1 gives the lowest option throughout the first section of the last part
                pick = options[0] if key == "m1" and c["code"] in last_part else options[-1]
                chosen[c["code"]] = {"option": pick["code"], "comment": ""}
                total += Decimal(pick["points"])
            expected_totals.append(total)
            saved = ok(
                members[key].put(
                    f"{app_url}/sheet",
                    {"version": 1, "answers": chosen},
                    content_type="application/json",
                )
            )
            assert Decimal(saved["total"]) == total
            submitted = ok(
                members[key].post(
                    f"{app_url}/sheet/submit",
                    {"version": saved["version"]},
                    content_type="application/json",
                )
            )
            assert submitted["status"] == "submitted"

        # --- the secretary closes the scoring; the minutes list it
        sheets = ok(members["chair"].get(f"{app_url}/sheets"))
        assert {s["member"] for s in sheets} == {seats["chair"], seats["m1"]}
        app = ok(members["secretary"].post(f"{app_url}/finalise"))
        mean = sum(expected_totals, Decimal(0)) / 2
        assert Decimal(app["score"]).quantize(Decimal("0.01")) == mean.quantize(Decimal("0.01"))
        ruleset = product_set.rulesets.get(code=app["ruleset"])
        assert app["stars"] == ruleset.star_for(mean).stars
        expected = "proposed_national" if scenario.lower_section is False else "recognised"
        assert app["outcome"] == expected, app
        assert app["status"] == app["outcome"]
        minutes = officer.get(f"{round_url}/minutes.pdf")
        assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")

        # --- the province records and publishes the decision
        decision = ok(
            officer.post(
                f"{round_url}/decisions",
                {
                    "number": f"123/QĐ-UBND-{scenario.day.year}",
                    "signed_on": scenario.day.isoformat(),
                    "signer": "Phó Chủ tịch UBND tỉnh",
                    "issuer": "UBND tỉnh",
                    "level": "province",
                    "applications": [app["public_id"]],
                },
                content_type="application/json",
            ),
            201,
        )
        assert producer_client.get(f"{round_url}/decisions").json() == []
        published = ok(officer.post(f"{round_url}/decisions/{decision['public_id']}/publish", {}))
        assert published["published_at"] is not None
        listed = ok(producer_client.get(f"{round_url}/decisions"))
        assert [d["number"] for d in listed] == [decision["number"]]
        assert listed[0]["applications"][0]["stars"] == app["stars"]
        summary = ok(officer.get(f"{round_url}/summary"))
        assert summary["evaluated"] == 1
        if app["outcome"] == "proposed_national":
            # "potential 5★" until the ministry's result is recorded
            assert ok(producer_client.get(app_url))["status"] == "proposed_national"
            national = ok(
                officer.post(
                    f"{app_url}/national",
                    {"stars": 5, "decision_number": "99/QĐ-BNN", "decided_on": "2021-12-20"},
                    content_type="application/json",
                )
            )
            assert national["national_stars"] == 5

        # --- the producer reads the itemised feedback
        feedback = ok(producer_client.get(f"{app_url}/feedback"))
        assert feedback["sheet_count"] == 2
        assert Decimal(feedback["total"]) == mean.quantize(Decimal("0.01"))
        items = [c for p in feedback["parts"] for s in p["sections"] for c in s["criteria"]]
        assert {c["code"] for c in items} == {c["code"] for c in criteria}
        lowered = next(c for c in items if c["code"] in last_part)
        assert Decimal(lowered["points"]) < Decimal(lowered["max_points"])
        assert lowered["code"] in {g["code"] for g in feedback["gaps"]}
        history = ok(producer_client.get(f"{app_url}/history"))
        assert history[0]["verb"] == "submit"
        assert app["outcome"] in [h["to_status"] for h in history]
        assert ok(producer_client.get(app_url))["status"] == history[-1]["to_status"] == "decided"


@pytest.mark.django_db
def test_a_legacy_district_round_forwards_products_from_50_points(commune):
    """QĐ 1048: the district council scores, products at or above 50 points go to the province
    round with their dossier; the others end at district level."""
    from ocop.geo.models import LegacyDistrict, LegacyProvince

    province = commune.province
    f.qd1048_ruleset()
    product_set = f.product_set(f.QD1048_SET)
    f.variant(f.QD1048_THREE_TIER)
    former = LegacyProvince.objects.create(
        code="X1", name="Tỉnh cũ thử nghiệm", successor=province, valid_to=dt.date(2025, 6, 30)
    )
    LegacyDistrict.objects.create(
        code="X01", name="Huyện cũ thử nghiệm", province=former, valid_to=dt.date(2025, 6, 30)
    )
    producer = ProducerFactory(commune=commune)
    products = [ProductFactory(producer=producer, product_set=product_set) for _ in range(2)]
    producer_user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=producer_user)
    officer = client_for(user_with_role(Role.PROVINCE_OFFICER, province=province))
    producer_client = client_for(producer_user)

    def json_post(client, url, body):
        return client.post(url, body, content_type="application/json")

    with clock.freeze(LEGACY_QD1048.day):
        rounds = {}
        for level, extra in (("district", {"legacy_district": "X01"}), ("province", {})):
            rounds[level] = ok(
                json_post(
                    officer,
                    f"{BASE}/rounds",
                    {
                        "province": province.code,
                        "name": f"Đợt 1/2021 cấp {level}",
                        "year": 2021,
                        "process_variant": f.QD1048_THREE_TIER,
                        "registration_opens": "2021-03-01",
                        "registration_cutoff": "2021-09-30",
                        "level": level,
                        **extra,
                    },
                ),
                201,
            )
        assert rounds["district"]["legacy_district"] == "X01"
        urls = []
        for product, score in zip(products, ("72.5", "41"), strict=True):
            app = ok(
                json_post(
                    producer_client,
                    f"{BASE}/applications",
                    {"round": rounds["district"]["public_id"], "product": str(product.public_id)},
                ),
                201,
            )
            url = f"{BASE}/applications/{app['public_id']}"
            checklist = ok(producer_client.get(f"{url}/dossier"))
            for row in checklist["rows"]:
                if row["required"]:
                    producer_client.post(
                        f"{url}/dossier/documents",
                        {"item": row["code"], "file": testing.pdf_file()},
                    )
            ok(json_post(producer_client, f"{url}/submit", {}))
            scored = ok(json_post(officer, f"{url}/lower-score", {"score": score}))
            assert scored["status"] == "lower_scored"
            urls.append(url)

        result = ok(
            json_post(
                officer,
                f"{BASE}/rounds/{rounds['district']['public_id']}/forward",
                {"target": rounds["province"]["public_id"]},
            )
        )
        assert Decimal(result["threshold"]) == Decimal(50)
        (moved,) = result["forwarded"]
        assert moved["source"] == urls[0].rsplit("/", 1)[1]
        assert result["not_recognised"] == [urls[1].rsplit("/", 1)[1]]
        assert ok(officer.get(urls[0]))["status"] == "forwarded"
        assert ok(officer.get(urls[1]))["status"] == "not_recognised"

        received = f"{BASE}/applications/{moved['application']}"
        app = ok(producer_client.get(received))
        assert app["round"] == rounds["province"]["public_id"]
        assert app["status"] == "forwarded" and app["lower_tier_score"] == "72.50"
        checklist = ok(producer_client.get(f"{received}/dossier"))
        assert checklist["is_complete"]
        assert {r["status"] for r in checklist["rows"] if r["required"]} == {"carried_over"}
        scheduled = ok(json_post(officer, f"{received}/transition", {"verb": "schedule"}))
        assert scheduled["status"] == "scheduled"
        again = ok(
            json_post(
                officer,
                f"{BASE}/rounds/{rounds['district']['public_id']}/forward",
                {"target": rounds["province"]["public_id"]},
            )
        )
        assert again["forwarded"] == []
