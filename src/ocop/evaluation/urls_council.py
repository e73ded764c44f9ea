"""Council, scoring sheets, minutes, decisions and feedback pages (evaluation namespace)."""

from django.urls import path

from ocop.evaluation import views_council as v

ROUND = "rounds/<uuid:public_id>/"
COUNCIL = ROUND + "council/"

urlpatterns: list = [
    path(COUNCIL, v.council_detail, name="council_detail"),
    path(COUNCIL + "create/", v.council_create, name="council_create"),
    path(COUNCIL + "members/", v.council_member_add, name="council_member_add"),
    path(COUNCIL + "assign/", v.council_assign, name="council_assign"),
    path(COUNCIL + "conflicts/", v.council_conflicts, name="council_conflicts"),
    path(COUNCIL + "visits/", v.council_field_visits, name="council_field_visits"),
    path(COUNCIL + "summary/", v.council_summary, name="council_summary"),
    path(COUNCIL + "summary/return/", v.council_sheet_return, name="council_sheet_return"),
    path(COUNCIL + "summary/finalise/", v.council_finalise, name="council_finalise"),
    path(
        COUNCIL + "paper/<uuid:application>/<int:member_id>/",
        v.council_paper_entry,
        name="council_paper_entry",
    ),
    path(COUNCIL + "minutes.pdf", v.council_minutes, name="council_minutes"),
    path(ROUND + "decisions/", v.decision_list, name="decision_list"),
    path(ROUND + "decisions/new/", v.decision_create, name="decision_create"),
    path(
        ROUND + "decisions/<uuid:decision>/publish/",
        v.decision_publish,
        name="decision_publish",
    ),
    path(ROUND + "results/", v.round_summary, name="round_summary"),
    path("sheets/", v.council_my_sheets, name="council_my_sheets"),
    path("sheets/<uuid:public_id>/council/", v.council_application, name="council_application"),
    path("sheets/<uuid:public_id>/", v.council_sheet, name="council_sheet"),
    path("sheets/<uuid:public_id>/totals/", v.council_sheet_totals, name="council_sheet_totals"),
    path("sheets/<uuid:public_id>/submit/", v.council_sheet_submit, name="council_sheet_submit"),
]
