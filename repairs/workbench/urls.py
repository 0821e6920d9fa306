"""/service/: contract URLs (DESIGN §4) first, then the workbench's own."""

from django.urls import path

from repairs.workbench import auth, intake, label, order, owner, queue, statements, walk_in

app_name = "workbench"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("orders/<int:pk>/", order.order_page, name="order"),
    path("orders/<int:pk>/act/", intake.act_page, name="act"),
    path("orders/<int:pk>/act.pdf", intake.act_pdf, name="act_pdf"),
    path("orders/<int:pk>/receive/", intake.receive, name="receive"),
    path("orders/<int:pk>/return-slip/", order.return_slip, name="return_slip"),
    path("orders/<int:pk>/receipt/", order.receipt, name="receipt"),
    path("orders/<int:pk>/verdict/", order.change_verdict, name="change_verdict"),
    path("orders/<int:pk>/label/", label.order_label, name="label"),
    path("orders/<int:pk>/technician/", owner.change_technician, name="change_technician"),
    path("attachments/<int:pk>/", order.attachment, name="attachment"),
    path("photos/<int:pk>/", intake.photo, name="photo"),
    path("orders/<int:pk>/signature/", intake.signature, name="signature"),
    path("search/", queue.search, name="search"),
    path("walk-in/", walk_in.walk_in, name="walk_in"),
    path("statements/", statements.statement_list, name="statements"),
    path("statements/<int:pk>/", statements.statement_page, name="statement"),
    path("statements/<int:pk>/print/", statements.statement_print, name="statement_print"),
    path("statements/<int:pk>/statement.xlsx", statements.statement_file, name="statement_xlsx"),
    path("statements/<int:pk>/statement.pdf", statements.statement_pdf_file, name="statement_pdf"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
]
