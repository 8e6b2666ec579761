from django.urls import path

from . import (
    views,
    views_consultation,
    views_deputy,
    views_disclosure,
    views_figures,
    views_key,
    views_letters,
    views_office,
    views_survey,
    views_unit,
)

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    # the deputy's pages (views_deputy)
    path("mine/", views_deputy.my_suggestions, name="mine"),
    path("new/", views_deputy.suggestion_new, name="new"),
    path("<int:pk>/edit/", views_deputy.suggestion_edit, name="edit"),
    path("<int:pk>/submit/", views_deputy.suggestion_submit, name="submit"),
    path(
        "<int:pk>/submit-as-suggestion/",
        views_deputy.suggestion_submit_as_suggestion,
        name="submit_as_suggestion",
    ),
    path("<int:pk>/withdraw/", views_deputy.suggestion_withdraw, name="withdraw"),
    path("<int:pk>/cosigners/", views_deputy.cosigners, name="cosigners"),
    path("<int:pk>/cosign/", views_deputy.cosign_answer, name="cosign"),
    path("<int:pk>/materials/", views_deputy.materials, name="materials"),
    path("<int:pk>/evaluate/", views_deputy.evaluate, name="evaluate"),
    path("attachments/<int:pk>/", views_deputy.attachment_download, name="attachment"),
    # the unit handler's pages (views_unit)
    path("unit/assignments/", views_unit.assignment_list, name="unit_assignments"),
    path("<int:pk>/unit/acknowledge/", views_unit.unit_acknowledge, name="unit_acknowledge"),
    path("<int:pk>/unit/return/", views_unit.unit_return, name="unit_return"),
    path("<int:pk>/unit/progress/", views_unit.unit_progress, name="unit_progress"),
    path("<int:pk>/unit/consultation/", views_unit.unit_consultation, name="unit_consultation"),
    path("<int:pk>/unit/opinion/", views_unit.unit_opinion, name="unit_opinion"),
    path("<int:pk>/unit/reply/", views_unit.unit_reply, name="unit_reply"),
    path("<int:pk>/unit/promise/", views_unit.unit_promise, name="unit_promise"),
    # the deputy-affairs office's pages (views_office)
    path("office/", views_office.office_list, name="office_list"),
    path("office/export/", views_office.office_export, name="office_export"),
    path("office/queue/", views_office.queue, name="office_queue"),
    path("office/batch/", views_office.batch, name="office_batch"),
    path("office/returned/", views_office.returned, name="office_returned"),
    path("<int:pk>/office/accept/", views_office.accept, name="office_accept"),
    path("<int:pk>/office/return/", views_office.return_for_revision, name="office_return"),
    path("<int:pk>/office/merge/", views_office.merge, name="office_merge"),
    path("<int:pk>/office/presidium/send/", views_office.to_presidium, name="office_to_presidium"),
    path("<int:pk>/office/presidium/", views_office.presidium, name="office_presidium"),
    path("<int:pk>/office/assign/", views_office.assign, name="office_assign"),
    path("<int:pk>/office/extend/", views_office.extend, name="office_extend"),
    path("<int:pk>/office/decide/", views_office.decide, name="office_decide"),
    path("<int:pk>/office/close-unsurveyed/", views_office.close_unsurveyed, name="office_close_unsurveyed"),
    path("<int:pk>/office/committee/", views_office.committee, name="office_committee"),
    # disclosure and media tracking (views_disclosure)
    path("<int:pk>/disclosure/", views_disclosure.disclosure_edit, name="disclosure"),
    path("<int:pk>/disclosure/publish/", views_disclosure.disclosure_publish, name="disclosure_publish"),
    path("<int:pk>/disclosure/withdraw/", views_disclosure.disclosure_withdraw, name="disclosure_withdraw"),
    path("<int:pk>/media/", views_disclosure.media, name="media"),
    path("<int:pk>/media/track/", views_disclosure.media_track, name="media_track"),
    # key supervision (views_key)
    path("key/", views_key.key_list, name="key_list"),
    path("<int:pk>/key/", views_key.key_detail, name="key_detail"),
    path("<int:pk>/key/choose/", views_key.key_choose, name="key_choose"),
    path("<int:pk>/key/meeting/", views_key.key_meeting, name="key_meeting"),
    path("<int:pk>/key/score/", views_key.key_score, name="key_score"),
    # assignment letters (views_letters)
    path("letters/", views_letters.letter_index, name="letters"),
    path("letters/units/<int:unit_id>/docx/", views_letters.letter_docx, name="letter_docx"),
    path("letters/units/<int:unit_id>/pdf/", views_letters.letter_pdf, name="letter_pdf"),
    # the figures, the list behind each number, its Excel export (views_figures)
    path("figures/", views_figures.figures, name="figures"),
    path("figures/list/", views_figures.figure_list, name="figure_list"),
    path("figures/export/", views_figures.figure_export, name="figure_export"),
    # the third-party satisfaction survey (views_survey)
    path("survey/", views_survey.survey_page, name="survey"),
    path("survey/export/", views_survey.survey_export, name="survey_export"),
    # the recess consultation lists (views_consultation)
    path("consultation-lists/", views_consultation.consultation_lists, name="consultation_lists"),
    path(
        "consultation-lists/my-unit/",
        views_consultation.consultation_unit_items,
        name="consultation_unit_items",
    ),
    path(
        "consultation-lists/<int:list_id>/",
        views_consultation.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultation-lists/<int:list_id>/add-suggestion/",
        views_consultation.consultation_add_suggestion,
        name="consultation_add_suggestion",
    ),
    path(
        "consultation-lists/<int:list_id>/add-text/",
        views_consultation.consultation_add_text,
        name="consultation_add_text",
    ),
    path(
        "consultation-lists/<int:list_id>/meetings/",
        views_consultation.consultation_meeting,
        name="consultation_meeting",
    ),
    path(
        "consultation-lists/<int:list_id>/close/",
        views_consultation.consultation_close,
        name="consultation_close",
    ),
    path(
        "consultation-lists/<int:list_id>/export/",
        views_consultation.consultation_export,
        name="consultation_export",
    ),
    path(
        "consultation-items/<int:item_id>/outcome/",
        views_consultation.consultation_outcome,
        name="consultation_outcome",
    ),
    path(
        "consultation-items/<int:item_id>/remove/",
        views_consultation.consultation_remove,
        name="consultation_remove",
    ),
]
