from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from chalkface.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("", include("chalkface.home.urls")),
    path("accounts/", include("chalkface.accounts.urls")),
    path("register/", include("chalkface.register.urls")),
    path("workplaces/", include("chalkface.register.workplace_urls")),
    path("insights/", include("chalkface.insights.urls")),
    path("governance/", include("chalkface.governance.urls")),
    path("", include("chalkface.voice.urls")),
    path("", include("chalkface.conversations.urls")),
    path("", include("chalkface.imports.urls")),
    path("jobs/", include("chalkface.jobs.urls")),
    path("api/", include("chalkface.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
