from django.urls import path

from repairs.public.my_repair import views

app_name = "my"

urlpatterns = [
    path("", views.ask_for_link, name="ask_link"),
    path("sent/", views.link_sent, name="link_sent"),
    path("<str:token>/", views.my_page, name="page"),
    path("<str:token>/parcel/", views.send_parcel, name="parcel"),
    path("<str:token>/parcel/correct/", views.correct_parcel, name="parcel_correct"),
    path("<str:token>/quote/", views.decide_quote, name="quote"),
    path("<str:token>/rating/", views.rate, name="rating"),
    path("<str:token>/phone-news/", views.phone_news, name="phone_news"),
    path("<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:token>/supplement/", views.supplement, name="supplement"),
    path("<str:token>/act.pdf", views.act_pdf, name="act_pdf"),
]
