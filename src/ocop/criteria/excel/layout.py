"""The authoring workbook's layout: sheet names, columns, help texts, accepted words."""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill

SHEET_INFO = "Thông tin"
SHEET_CRITERIA = "Tiêu chí"
SHEET_BANDS = "Hạng sao"
FIRST_DATA_ROW = 3  # row 1: headers, row 2: help text
MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEVEL_PART, LEVEL_SECTION, LEVEL_CRITERION, LEVEL_OPTION = "Phần", "Nhóm", "Tiêu chí", "Phương án"
LEVELS = (LEVEL_PART, LEVEL_SECTION, LEVEL_CRITERION, LEVEL_OPTION)
YES, NO, UNKNOWN = "có", "không", "chưa rõ"
TRUE_WORDS = {"có", "co", "x", "yes", "true", "1", "đúng"}
FALSE_WORDS = {"không", "khong", "no", "false", "0", "sai"}
UNKNOWN_WORDS = {"chưa rõ", "chua ro", "unknown"}

# (key, label, help) of the "Thông tin" sheet. Keys ending in "_more"/"aggregation"/"known_issues"/
# "extra" take JSON; dates accept dd/mm/yyyy.
INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "id",
        "Mã bộ tiêu chí",
        "Mã duy nhất, không bao giờ đổi; ví dụ QD148-2023.set01-fresh-produce. Sửa đổi = mã mới (…-rev2).",
    ),
    ("title_vi", "Tên bộ tiêu chí", "Tên tiếng Việt của phiếu đánh giá."),
    ("title_en", "Tên tiếng Anh", "Không bắt buộc."),
    ("instrument", "Văn bản", "Số hiệu văn bản, ví dụ «Quyết định 148/QĐ-TTg»."),
    ("issuer", "Cơ quan ban hành", ""),
    ("signed", "Ngày ký", "dd/mm/yyyy"),
    ("appendix", "Phụ lục", "Ví dụ «Phụ lục III»."),
    (
        "legal_basis_more",
        "Căn cứ khác (JSON)",
        "Sửa đổi, thay thế…, dạng JSON. Để trống nếu không có.",
    ),
    ("effective_from", "Hiệu lực từ ngày", "dd/mm/yyyy (tính cả ngày này)."),
    (
        "effective_to",
        "Hiệu lực đến ngày",
        "dd/mm/yyyy (tính cả ngày này); để trống nếu còn hiệu lực.",
    ),
    ("classification", "Hệ thống phân loại", "QD1048 hoặc QD148."),
    (
        "product_sets",
        "Bộ sản phẩm áp dụng",
        "Mã bộ sản phẩm cách nhau bởi dấu phẩy (ví dụ QD148-01), hoặc «all».",
    ),
    (
        "status",
        "Trạng thái",
        "Để trống = bản chép chưa đối chiếu. Chỉ cán bộ xác nhận mới chuyển sang «đã đối chiếu».",
    ),
    ("confidence", "Độ tin cậy", "high / medium / low, hoặc mô tả."),
    (
        "verification_more",
        "Nguồn dữ liệu (JSON)",
        "Nguồn, phần còn thiếu… dạng JSON. Để trống nếu không có.",
    ),
    ("supersedes", "Thay thế bộ tiêu chí", "Mã bộ tiêu chí cũ mà bộ này sửa đổi (nếu có)."),
    ("total_max", "Tổng điểm thang", "Theo văn bản."),
    ("selection", "Cách chọn", "single_choice_per_criterion: mỗi tiêu chí chọn một phương án."),
    ("certifiable_min_stars", "Số sao thấp nhất được công nhận", "Theo văn bản."),
    ("certificate_validity_months", "Thời hạn giấy chứng nhận (tháng)", "Theo văn bản."),
    (
        "expiry_notice_days_before",
        "Thông báo trước khi hết hạn (ngày)",
        "Theo văn bản; để trống nếu không quy định.",
    ),
    ("recognition_more", "Quy trình công nhận khác (JSON)", "Các cấp, giai đoạn… dạng JSON."),
    ("aggregation", "Quy tắc tổng hợp điểm (JSON)", "Dạng JSON."),
    ("known_issues", "Vấn đề đã biết (JSON)", "Danh sách [{id, summary, detail}] dạng JSON."),
    ("extra", "Thông tin khác (JSON)", "Dạng JSON."),
)
LEGAL_SIMPLE = ("instrument", "issuer", "signed", "appendix")
RECOGNITION_INTS = (
    "certifiable_min_stars",
    "certificate_validity_months",
    "expiry_notice_days_before",
)
JSON_FIELDS = {
    "legal_basis_more",
    "verification_more",
    "recognition_more",
    "aggregation",
    "known_issues",
    "extra",
}
DATE_FIELDS = {"signed", "effective_from", "effective_to"}

# Columns of the "Tiêu chí" sheet: (key, header, help, width).
CRITERIA_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("level", "Cấp", "Phần / Nhóm / Tiêu chí / Phương án", 12),
    ("code", "Mã", "A; A1; A1.1; A1.1.a — duy nhất", 12),
    ("source_code", "Số hiệu theo văn bản", "Không bắt buộc", 10),
    (
        "name_vi",
        "Nội dung (tiếng Việt)",
        "Tên phần/nhóm/tiêu chí hoặc nội dung phương án, theo văn bản",
        60,
    ),
    ("name_en", "Nội dung (tiếng Anh)", "Không bắt buộc", 40),
    ("max_points", "Điểm tối đa", "Phần, Nhóm (số hoặc «chưa rõ»); Tiêu chí: để trống", 10),
    ("points", "Điểm", "Chỉ dòng Phương án", 8),
    ("mandatory", "Bắt buộc (*)", "Tiêu chí: có / không / chưa rõ", 10),
    ("aspect", "Khía cạnh", "Phương án: không bắt buộc", 14),
    ("incomplete", "Nhóm chưa đủ tiêu chí", "Nhóm: «có» nếu chỉ có một phần tiêu chí", 10),
    ("structure_uncertain", "Cấu trúc chưa chắc chắn", "Tiêu chí: «có» nếu nghi ngờ", 10),
    ("note", "Ghi chú", "", 30),
    ("topics_no_points", "Nội dung chưa có điểm", "Nhóm: mỗi dòng một nội dung", 30),
    ("extra", "Khác (JSON)", "Để trống", 12),
)
BAND_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("stars", "Số sao", "1–5", 8),
    ("min_inclusive", "Từ điểm (gồm)", "Hạng thấp nhất bắt đầu từ 0", 14),
    ("max_exclusive", "Đến điểm (không gồm)", "= «Từ điểm» của hạng kế tiếp", 16),
    ("max_inclusive", "Đến điểm (gồm)", "Chỉ hạng cao nhất (= tổng điểm thang)", 14),
    ("certifiable", "Được công nhận", "có / không", 12),
    ("national_level", "Cấp quốc gia", "có / không", 12),
    ("extra", "Khác (JSON)", "Để trống", 12),
)

HEADER_FONT = Font(bold=True)
HELP_FONT = Font(italic=True, color="666666")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
