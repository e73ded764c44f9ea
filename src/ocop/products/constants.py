from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleStep(models.TextChoices):
    """The six steps of the annual OCOP cycle (QĐ 1048/148): where a product stands now."""

    OUTREACH = "outreach", _("1. Tuyên truyền, hướng dẫn")
    IDEA = "idea", _("2. Đăng ký ý tưởng sản phẩm")
    BUSINESS_PLAN = "business_plan", _("3. Nộp phương án, kế hoạch kinh doanh")
    IMPLEMENTATION = "implementation", _("4. Triển khai kế hoạch kinh doanh")
    EVALUATION = "evaluation", _("5. Đánh giá, phân hạng")
    PROMOTION = "promotion", _("6. Xúc tiến thương mại")


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Đang theo dõi")
    RETIRED = "retired", _("Ngừng sản xuất")


class ProductDocumentKind(models.TextChoices):
    BASE_STANDARD = "base_standard", _("Tiêu chuẩn cơ sở (TCCS) / công bố chất lượng")
    TEST_REPORT = "test_report", _("Phiếu kiểm nghiệm")
    LABEL = "label", _("Nhãn sản phẩm")
    PACKAGING = "packaging", _("Mẫu bao bì")
    STORY = "story", _("Câu chuyện sản phẩm")
    TRADEMARK = "trademark", _("Sở hữu trí tuệ / nhãn hiệu")
    OTHER = "other", _("Tài liệu khác")


# Technical cap on free-text fields (not a legal number): keeps forms, API and exports bounded.
TEXT_MAX_LENGTH = 10_000

# Fields a product edit may change. Producer, cycle step, status and code have their own services.
EDITABLE_FIELDS = (
    "name",
    "product_set",
    "registered_on",
    "description",
    "story",
    "raw_material_area",
    "packaging",
    "label_text",
    "base_standard",
    "gtin",
    "is_key_product",
    "is_traditional",
)
TEXT_FIELDS = ("description", "story", "raw_material_area", "label_text")
LINE_FIELDS = ("name", "packaging", "base_standard")

WARNING_DUPLICATE_NAME = "products.duplicate_name"
