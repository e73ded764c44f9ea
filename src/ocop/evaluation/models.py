"""Evaluation rounds, applications and their dossiers, councils, score sheets, results, decisions.

An application pins the rule set it is scored on at submission, forever; its process variant comes
from its round. Status moves only through workflow.APPLICATION.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import PublicIdModel
from ocop.evaluation.constants import (
    ApplicationKind,
    ApplicationStatus,
    CouncilRole,
    Level,
    Outcome,
    RoundStatus,
    SheetStatus,
)

SCORE = {"max_digits": 6, "decimal_places": 2}
# The council's mean keeps 4 decimals (truncated: same band as the exact mean); shown rounded.
MEAN_SCORE = {"max_digits": 8, "decimal_places": 4}


class ProcessVariant(models.Model):
    """A process of the law as data (tiers and what each does), e.g. the two-tier process of
    QĐ 1489/2025 or the legacy three-tier process. Loaded from evaluation/data/process-variants.yaml.
    """

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # [{"level": "commune", "actions": ["receive", "pre_assess"]},
    #  {"level": "province", "actions": ["score", "recognise"], "recognises_stars": [3, 4]}, ...]
    tiers = models.JSONField(_("các cấp"), default=list)
    # Commune pre-assessment criteria (QĐ 1489): [{"code": "...", "name_vi": "...", "name_en": "..."}]
    pre_assessment_criteria = models.JSONField(default=list, blank=True)
    # Legacy: the lower (district) tier forwards products at or above this score to the province.
    # None: the law names no threshold for this variant (see `notes`); no score check on forwarding.
    forward_min_score = models.DecimalField(null=True, blank=True, **SCORE)
    notes = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("quy trình đánh giá")
        verbose_name_plural = _("quy trình đánh giá")

    def __str__(self) -> str:
        return self.name_vi


class Round(PublicIdModel):
    """An evaluation round (đợt đánh giá) run by a province, or by a legacy district."""

    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("cấp tổ chức"), max_length=10, choices=Level.choices)
    legacy_district = models.ForeignKey(
        "geo.LegacyDistrict",
        verbose_name=_("huyện (đợt cấp huyện trước 2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("tên đợt"), max_length=200)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("đợt số"), default=1)
    process_variant = models.ForeignKey(
        ProcessVariant, verbose_name=_("quy trình"), on_delete=models.PROTECT, related_name="rounds"
    )
    registration_opens = models.DateField(_("bắt đầu nhận hồ sơ"))
    registration_cutoff = models.DateField(_("hạn nộp hồ sơ"))
    meeting_date = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    # Provincial rule: a member whose total differs from the others by more than this is flagged.
    divergence_threshold = models.DecimalField(_("ngưỡng chênh lệch điểm"), **SCORE)
    forward_from = models.ForeignKey(
        "self",
        verbose_name=_("nhận hồ sơ chuyển từ đợt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_to",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        indexes = [models.Index(fields=["province", "year"])]

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """The evaluation council of one round (Hội đồng đánh giá, phân hạng sản phẩm OCOP)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="council")
    name = models.CharField(_("tên hội đồng"), max_length=300)
    establishing_decision = models.CharField(_("quyết định thành lập"), max_length=100, blank=True)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)

    class Meta:
        verbose_name = _("hội đồng đánh giá")
        verbose_name_plural = _("hội đồng đánh giá")

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A seat on a council. The user also gets a time-bound council_member Membership."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=CouncilRole.choices)
    organisation = models.CharField(_("cơ quan"), max_length=200, blank=True)
    is_external = models.BooleanField(_("chuyên gia bên ngoài"), default=False)
    membership = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["council", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="uniq_council_user")
        ]
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Application(PublicIdModel):
    """A product registered for a round (hồ sơ đăng ký đánh giá, phân hạng).

    `ruleset` is pinned at submission and never changes; scores, results and certificates keep it.
    `province`/`commune` are denormalised from the product for one-filter scopes.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="applications"
    )
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="applications"
    )
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=14, choices=ApplicationKind.choices)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    ruleset = models.ForeignKey(
        "criteria.RuleSet",
        verbose_name=_("bộ tiêu chí"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    registration = models.JSONField(_("phiếu đăng ký"), default=dict, blank=True)
    self_assessment = models.JSONField(_("tự đánh giá"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    # Legacy lower tier (district council) result, used for forwarding.
    lower_tier_score = models.DecimalField(_("điểm cấp huyện"), null=True, blank=True, **SCORE)
    score = models.DecimalField(_("điểm trung bình"), null=True, blank=True, **MEAN_SCORE)
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("lý do"), blank=True)
    decision = models.ForeignKey(
        "evaluation.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    national_stars = models.PositiveSmallIntegerField(
        _("kết quả Trung ương"), null=True, blank=True
    )
    national_decision = models.CharField(_("quyết định Trung ương"), max_length=100, blank=True)
    national_decided_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        indexes = [
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.round}"


class StatusChange(models.Model):
    """One move of an application's state machine: who, when, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DossierDocument(models.Model):
    """A document of an application's dossier, against a checklist item, versioned.

    `carried_over_from` marks a document reused unchanged from the previous application's dossier.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    item = models.CharField(_("mục hồ sơ"), max_length=40)
    title = models.CharField(_("tiêu đề"), max_length=255)
    file = models.FileField(_("tệp"), max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "-version"]

    def __str__(self) -> str:
        return f"{self.item} v{self.version}: {self.title}"


class PreAssessment(models.Model):
    """The commune's pre-assessment (QĐ 1489): the variant's criteria, a conclusion, a signed report."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="pre_assessment"
    )
    answers = models.JSONField(default=dict)  # {criterion code: {"met": bool, "note": str}}
    conclusion = models.TextField(_("kết luận"))
    report_file = models.FileField(_("báo cáo có chữ ký"), max_length=255, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Sơ đánh giá hồ sơ {self.application_id}"


class ConflictDeclaration(models.Model):
    """A member's declaration of (no) conflict of interest for one application."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="declarations")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations"
    )
    has_conflict = models.BooleanField(_("có xung đột lợi ích"))
    note = models.TextField(_("ghi chú"), blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="uniq_declaration")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} / {self.application_id}: {self.has_conflict}"


class Assignment(models.Model):
    """An application assigned to a council member for scoring."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="uniq_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.application_id}"


class FieldVisit(models.Model):
    """A site visit (khảo sát thực tế), mandatory for the tourism set."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="field_visits"
    )
    visited_on = models.DateField(_("ngày khảo sát"))
    members = models.ManyToManyField(CouncilMember, related_name="field_visits", blank=True)
    findings = models.TextField(_("nội dung ghi nhận"))
    file = models.FileField(_("biên bản"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Khảo sát {self.visited_on:%d/%m/%Y}"


class ScoreSheet(models.Model):
    """One member's sheet for one application (phiếu chấm điểm). `version` guards stale writes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    total = models.DecimalField(null=True, blank=True, **SCORE)
    part_totals = models.JSONField(default=dict, blank=True)  # {"A": "31.00", ...}
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the secretary, when transcribed from a signed paper sheet
    paper_scan = models.FileField(max_length=255, blank=True)
    returned_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="uniq_sheet_member")
        ]

    def __str__(self) -> str:
        return f"Phiếu {self.member_id} / {self.application_id}"


class ScoreAnswer(models.Model):
    """The option a member chose for one criterion (one per criterion), with a comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("criteria.Criterion", on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey("criteria.Option", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(**SCORE)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="uniq_answer_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class Decision(PublicIdModel):
    """A recognition decision (quyết định công nhận) listing recognised products and stars."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("số quyết định"), max_length=100)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=200)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    file = models.FileField(_("tệp quyết định"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="uniq_decision_number")
        ]

    def __str__(self) -> str:
        return self.number
