"""/api/v1/: the schema and its pages, and each partnership's resources."""

from django.urls import include, path
from django.views.decorators.http import conditional_page
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views, views_delivery

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("services", views.ServiceViewSet, basename="service")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("audits", views.AuditViewSet, basename="audit")
router.register("actions", views_delivery.ActionViewSet, basename="action")
router.register("board-packs", views_delivery.BoardPackViewSet, basename="board-pack")

# Every answer carries an ETag; a client sending it back in If-None-Match gets 304
# when nothing changed, so a nightly sync can skip unchanged pages cheaply.
partnership_urls = [
    path("portfolio/", conditional_page(views.PortfolioView.as_view()), name="portfolio"),
    *[path(str(p.pattern), conditional_page(p.callback), name=p.name) for p in router.urls],
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the page needs no inline script.
    path(
        "schema/swagger/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="swagger",
    ),
    # Redoc always loads its maker's logo from their CDN and adds styles before it can be
    # given the page's nonce, so it cannot run under the content security policy; its
    # address, already shared, leads to the same description in Swagger UI.
    path(
        "schema/redoc/",
        RedirectView.as_view(pattern_name="api:swagger", permanent=True),
        name="redoc",
    ),
    path("<slug:slug>/", include(partnership_urls)),
]
