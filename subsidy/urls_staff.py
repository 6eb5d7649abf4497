"""The association's subsidy pages, under /staff/subsidy/ on its own host."""

from django.urls import path

from subsidy.views import staff

urlpatterns = [
    path("", staff.home, name="subsidy_home"),
    path("programs/<int:program_id>/apply/", staff.application_new, name="subsidy_new"),
    path("programs/<int:program_id>/calculate/", staff.calculate, name="subsidy_calculate"),
    path("<int:application_id>/", staff.application_detail, name="subsidy_application"),
    path("<int:application_id>/preview/<str:kind>/", staff.preview, name="subsidy_preview"),
    path("<int:application_id>/submit/", staff.submit, name="subsidy_submit"),
    path(
        "<int:application_id>/documents/<int:document_id>/",
        staff.document,
        name="subsidy_document",
    ),
    path("<int:application_id>/report/", staff.report, name="subsidy_report"),
    path("<int:application_id>/report/submit/", staff.report_send, name="subsidy_report_submit"),
    path(
        "<int:application_id>/report/collect/", staff.report_collect, name="subsidy_report_collect"
    ),
    path(
        "<int:application_id>/lines/<int:line_id>/remove/",
        staff.line_remove,
        name="subsidy_line_remove",
    ),
    path("<int:application_id>/claim/", staff.claim, name="subsidy_claim"),
]
