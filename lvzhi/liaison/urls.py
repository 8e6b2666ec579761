"""The two contacts (两个联系): /liaison/ …"""

from django.urls import path

from . import views, views_contacts, views_coverage

app_name = "liaison"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("contact-members/<int:person_id>/", views.member_board, name="member"),
    path("contact-committees/<int:committee_id>/", views.committee_board, name="committee"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/new/", views.assignment_new, name="assignment_new"),
    path("assignments/bulk/", views.assignment_bulk, name="assignment_bulk"),
    path("contact-assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment_end"),
    path("contacts/", views_contacts.contact_list, name="contact_list"),
    path("contacts/new/", views_contacts.contact_new, name="contact_new"),
    path("contact-logs/<int:contact_id>/", views_contacts.contact_detail, name="contact"),
    path("contact-logs/<int:contact_id>/edit/", views_contacts.contact_edit, name="contact_edit"),
    path("contact-logs/<int:contact_id>/opinions/", views_contacts.raised_add, name="raised_add"),
    path("opinions/", views_contacts.raised_list, name="raised_list"),
    path("raised-opinions/<int:raised_id>/ask-office/", views_contacts.raised_request, name="raised_request"),
    path("raised-opinions/<int:raised_id>/enter/", views_contacts.raised_enter, name="raised_enter"),
    path("raised-opinions/<int:raised_id>/propose/", views_contacts.raised_propose, name="raised_propose"),
    path("raised-opinions/<int:raised_id>/draft/", views_contacts.raised_draft, name="raised_draft"),
    path("coverage/quarter/", views_coverage.quiet, name="coverage_quiet"),
    path("coverage/unreached/", views_coverage.unreached_list, name="coverage_unreached"),
    path("coverage/minimum/", views_coverage.minimum, name="coverage_minimum"),
]
