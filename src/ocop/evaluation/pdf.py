"""Council minutes (biên bản họp hội đồng) as a PDF: every member's total, the mean, stars, outcome.

A pure read: callers pass a round they obtained through a scoped selector.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ocop.core.pdf import register_fonts
from ocop.evaluation.constants import CouncilRole, SheetStatus
from ocop.evaluation.models import Application, Council, CouncilMember, Round, ScoreSheet

CENT = Decimal("0.01")
ROLE_ORDER = [CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.MEMBER, CouncilRole.SECRETARY]


def _num(value: Decimal | None) -> str:
    """Vietnamese number style: 2 decimals, decimal comma (69,67)."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)}".replace(".", ",")


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…/…/……"


def _person(member: CouncilMember) -> str:
    user = member.user
    return user.full_name or user.get_username()


def council_minutes_pdf(round: Round) -> bytes:
    regular, bold = register_fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, alignment=1),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=10, leading=13, alignment=1),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5, alignment=1),
        "warn": ParagraphStyle("warn", fontName=bold, fontSize=9, leading=12),
        "sign": ParagraphStyle("sign", fontName=bold, fontSize=10, leading=13, alignment=1),
        "signname": ParagraphStyle("signname", fontName=regular, fontSize=10, alignment=1),
    }
    council = Council.objects.filter(round=round).first()
    members = (
        sorted(
            CouncilMember.objects.filter(council=council).select_related("user"),
            key=lambda m: (ROLE_ORDER.index(m.role) if m.role in ROLE_ORDER else 99, m.pk),
        )
        if council
        else []
    )
    applications = list(
        Application.objects.filter(round=round, sheets__status=SheetStatus.SUBMITTED)
        .distinct()
        .select_related("product", "producer", "ruleset")
        .order_by("product__name", "id")
    )
    totals: dict[tuple[int, int], Decimal | None] = {}
    present: set[int] = set()
    for sheet in ScoreSheet.objects.filter(
        application__round=round, status=SheetStatus.SUBMITTED
    ).only("application_id", "member_id", "total"):
        totals[(sheet.application_id, sheet.member_id)] = sheet.total
        present.add(sheet.member_id)
    seated = [m for m in members if m.pk in present] or members

    story: list = [
        Paragraph(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), styles["sign"]),
        Paragraph(_("Độc lập - Tự do - Hạnh phúc"), styles["sign"]),
        Spacer(1, 6 * mm),
        Paragraph(_("BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP"), styles["title"]),
        Paragraph(
            round.name,
            styles["sub"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            _("Hội đồng: %(council)s") % {"council": council.name if council else "—"},
            styles["body"],
        ),
    ]
    if council and council.establishing_decision:
        story.append(
            Paragraph(
                _("Thành lập theo Quyết định số %(number)s ngày %(date)s")
                % {"number": council.establishing_decision, "date": _date(council.established_on)},
                styles["body"],
            )
        )
    story += [
        Paragraph(_("Ngày họp: %(date)s") % {"date": _date(round.meeting_date)}, styles["body"]),
        Spacer(1, 2 * mm),
        Paragraph(_("Thành viên có mặt:"), styles["body"]),
    ]
    for i, m in enumerate(seated, start=1):
        org = f", {m.organisation}" if m.organisation else ""
        story.append(Paragraph(f"{i}. {_person(m)} — {m.get_role_display()}{org}", styles["body"]))
    unverified = sorted(
        {a.ruleset.code for a in applications if a.ruleset and a.ruleset.needs_unverified_banner}
    )
    if unverified:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(
                _(
                    "Lưu ý: tiêu chí chưa được đối chiếu với văn bản chính thức (bộ %(codes)s); "
                    "điểm và nội dung là bản chép cho đến khi cán bộ xác nhận."
                )
                % {"codes": ", ".join(unverified)},
                styles["warn"],
            ),
        ]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            _(
                "Biên bản ghi nhận tổng điểm của từng thành viên, điểm trung bình, hạng sao và "
                "kết quả của từng sản phẩm:"
            ),
            styles["body"],
        ),
        Spacer(1, 2 * mm),
    ]

    header = [
        Paragraph(_("STT"), styles["head"]),
        Paragraph(_("Sản phẩm"), styles["head"]),
        Paragraph(_("Chủ thể"), styles["head"]),
        *[Paragraph(f"{_('TV')} {i}", styles["head"]) for i in range(1, len(seated) + 1)],
        Paragraph(_("Điểm trung bình"), styles["head"]),
        Paragraph(_("Hạng sao"), styles["head"]),
        Paragraph(_("Kết quả"), styles["head"]),
    ]
    rows = [header]
    for i, app in enumerate(applications, start=1):
        rows.append(
            [
                str(i),
                Paragraph(app.product.name, styles["cell"]),
                Paragraph(app.producer.name, styles["cell"]),
                *[_num(totals.get((app.pk, m.pk))) for m in seated],
                _num(app.score),
                f"{app.stars}★" if app.stars else "—",
                Paragraph(app.get_outcome_display() if app.outcome else "—", styles["cell"]),
            ]
        )
    width = landscape(A4)[0] - 30 * mm
    fixed = 12 * mm + 22 * mm + 16 * mm + 50 * mm
    member_w = 16 * mm
    text_w = max(40 * mm, (width - fixed - member_w * len(seated)) / 2)
    col_widths = [12 * mm, text_w, text_w, *[member_w] * len(seated), 22 * mm, 16 * mm, 50 * mm]
    table = Table(rows, colWidths=col_widths, repeatRows=1)
    first_num, mean_col = 3, 3 + len(seated)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("ALIGN", (first_num, 1), (mean_col, -1), "RIGHT"),
                ("ALIGN", (mean_col + 1, 1), (mean_col + 1, -1), "CENTER"),
            ]
        )
    )
    story.append(table)
    if seated:
        story.append(Spacer(1, 2 * mm))
        legend = "; ".join(f"TV {i}: {_person(m)}" for i, m in enumerate(seated, start=1))
        story.append(Paragraph(legend, styles["cell"]))

    chair = next((m for m in members if m.role == CouncilRole.CHAIR), None)
    secretary = next((m for m in members if m.role == CouncilRole.SECRETARY), None)
    story.append(Spacer(1, 10 * mm))
    signature = Table(
        [
            [
                Paragraph(_("THƯ KÝ HỘI ĐỒNG"), styles["sign"]),
                Paragraph(_("CHỦ TỊCH HỘI ĐỒNG"), styles["sign"]),
            ],
            [
                Paragraph(_("(Ký, ghi rõ họ tên)"), styles["signname"]),
                Paragraph(_("(Ký, ghi rõ họ tên)"), styles["signname"]),
            ],
            ["", ""],
            [
                Paragraph(_person(secretary) if secretary else "", styles["sign"]),
                Paragraph(_person(chair) if chair else "", styles["sign"]),
            ],
        ],
        colWidths=[width / 2, width / 2],
        rowHeights=[None, None, 20 * mm, None],
    )
    story.append(signature)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Biên bản họp hội đồng — %(round)s") % {"round": round.name},
    )
    page_label = _("Trang %(page)s")

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawRightString(
            landscape(A4)[0] - 15 * mm, 8 * mm, page_label % {"page": document.page}
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
