from django.urls import path

from . import views, views_activity_list, views_archive, views_figures

app_name = "performance"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("queue/", views.queue, name="queue"),
    path("participations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("participations/<int:pk>/reject/", views.reject, name="reject"),
    path("register/", views.register_for_participants, name="register"),
    path("rules/", views.rules, name="rules"),
    path("rules/presets/", views.preset_apply, name="preset_apply"),
    path("rules/kinds/", views.kind_add, name="kind_add"),
    path("rules/<int:pk>/", views.rule_set_detail, name="rule_set"),
    path("rules/<int:pk>/edit/", views.rule_set_update, name="rule_set_update"),
    path("rules/<int:pk>/items/", views.rule_item_save, name="rule_item_save"),
    path("rules/<int:pk>/items/remove/", views.rule_item_remove, name="rule_item_remove"),
    path("rules/<int:pk>/stars/", views.star_update, name="star_update"),
    path("shortfall/", views.shortfall_list, name="shortfall"),
    # The archive (views_archive): a deputy mandate's archive, its draft report, the report meeting.
    path("archive/", views_archive.archive_mine, name="archive_mine"),
    path("archive/<int:pk>/", views_archive.archive, name="archive"),
    path("archive/<int:pk>/report.docx", views_archive.report_docx, name="report_docx"),
    path("archive/<int:pk>/report.pdf", views_archive.report_pdf, name="report_pdf"),
    path("archive/<int:pk>/reports/", views_archive.report_record, name="report_record"),
    path("archive/<int:pk>/public/", views_archive.public_set, name="public_set"),
    path("public/<str:key>/", views_archive.public_archive, name="public_archive"),
    path("groups/<int:pk>/log/", views_archive.group_log, name="group_log"),
    # Figures (views_figures): compliance, stars, report rate; each list and its Excel export.
    path("figures/", views_figures.figures, name="figures"),
    path("figures/list/", views_figures.figures_list, name="figures_list"),
    # The confirmed participations behind the dashboards' "Activities (人次)", and their Excel export.
    path("figures/activities/", views_activity_list.activity_list, name="activity_list"),
]
