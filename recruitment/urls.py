from django.urls import path

from .views import candidate, dossiers, lists, midisup, review, staff

app_name = "recruitment"

urlpatterns = [
    path("", staff.board, name="board"),
    path("export.xlsx", staff.board_export, name="board_export"),
    path("mon-dossier/", candidate.my_recruitment, name="my_recruitment"),
    path("candidats/", staff.candidate_list, name="candidate_list"),
    path("candidats/ajouter/", staff.candidate_create, name="candidate_create"),
    path("candidats/importer/", staff.candidate_import, name="candidate_import"),
    path("candidats/modele.xlsx", staff.candidate_import_template, name="candidate_import_template"),
    path("capacites/", staff.capacity_list, name="capacity_list"),
    path("missions-a-valider/", review.review_list, name="review_list"),
    path("midisup/", midisup.queue, name="midisup_queue"),
    path("midisup/export.xlsx", midisup.queue_export, name="midisup_export"),
    path("dossiers/", lists.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/accord/", dossiers.accord_edit, name="accord_edit"),
    path("dossiers/<int:pk>/accord/scan/<int:signature_pk>/", dossiers.accord_scan, name="accord_scan"),
    path("dossiers/<int:pk>/missions/", dossiers.missions_edit, name="missions_edit"),
    path("dossiers/<int:pk>/missions/revue/", review.mission_review, name="mission_review"),
    path("dossiers/<int:pk>/reception/", dossiers.confirm_receipt, name="confirm_receipt"),
    path("dossiers/<int:pk>/action/<slug:name>/", dossiers.dossier_transition, name="dossier_transition"),
    path(
        "dossiers/<int:pk>/missions/action/<slug:name>/", dossiers.sheet_transition, name="sheet_transition"
    ),
    path("dossiers/<int:pk>/pdf/<slug:document>/", midisup.dossier_pdf, name="dossier_pdf"),
]
