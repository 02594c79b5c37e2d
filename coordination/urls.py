from django.urls import path

from coordination import proposal_views, views

app_name = "coordination"

urlpatterns = [
    path("households/<int:pk>/assess/", views.assess, name="assess"),
    path("households/<int:pk>/graduation/", views.graduation_propose_view, name="propose"),
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("referrals/<int:pk>/decline/", views.referral_decline_view, name="decline"),
    path("referrals/<int:pk>/assign/", views.referral_assign_view, name="assign"),
    path("referrals/<int:pk>/reassign/", views.referral_reassign_view, name="reassign"),
    path("referrals/<int:pk>/fulfil/", views.referral_fulfil_view, name="fulfil"),
    path("consolidation/", views.consolidation, name="consolidation"),
    path("graduations/", views.graduation_list, name="graduations"),
    path("graduations/<int:pk>/decide/", views.graduation_decide_view, name="decide"),
    path("households/<int:pk>/proposals/new/", proposal_views.proposal_create, name="proposal_create"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path("proposals/muskel/", proposal_views.proposal_muskel_many, name="proposal_muskel_many"),
    path("proposals/siks-ng.xlsx", proposal_views.proposal_workbook, name="proposal_workbook"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/muskel/", proposal_views.proposal_muskel, name="proposal_muskel"),
    path("proposals/<int:pk>/ground-check/", proposal_views.proposal_ground_check, name="proposal_ground_check"),
    path("proposals/<int:pk>/decide/", proposal_views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/entered/", proposal_views.proposal_mark_entered, name="proposal_entered"),
    path("proposals/<int:pk>/entered/undo/", proposal_views.proposal_unmark_entered, name="proposal_entered_undo"),
    path("proposals/<int:pk>/berita-acara/", proposal_views.proposal_minutes, name="proposal_minutes"),
    path("accounts/manage/rules/", views.rule_list, name="rules"),
    path("accounts/manage/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
