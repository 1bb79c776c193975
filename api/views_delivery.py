"""The API's writes beyond the directory: progress on actions, and board packs.

Both go through the same services as the pages (audits/services.py `action_update`,
reporting/services.py `board_pack_request`), with the same roles and the same scope.
"""

from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from audits import services as audit_services
from audits.forms import ActionUpdateForm
from audits.models import Action, ActionUpdate
from partnership.access import PORTFOLIO_VIEWERS
from partnership.models import Membership
from reporting import services as pack_services
from reporting.filters import parse_filters
from reporting.models import BoardPack
from reporting.views_packs import PACK_ROLES
from reporting.views_packs import _message as pack_message

from . import serializers as s
from .filters import ActionFilter, BoardPackFilter
from .portfolio import FILTER_PARAMETERS
from .views import READ_ERRORS, SLUG, WRITE_ERRORS, ScopedViewSet

# --- the action plan -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The delivery plan: actions of each project's latest accepted audit",
        parameters=[SLUG],
        responses={200: s.ActionPlanSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One action of an accepted audit, with its progress notes",
        parameters=[SLUG],
        responses={200: s.ActionDetailSerializer, **READ_ERRORS},
    ),
)
class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The Actions pages: read by everyone who reads the portfolio; progress recorded by
    the service's leads, the action's owner, commissioners and admins."""

    read_roles = PORTFOLIO_VIEWERS
    write_roles = PORTFOLIO_VIEWERS  # narrowed per action, as on the action's page
    filterset_class = ActionFilter
    ordering_fields = ["id", "due_date", "status", "updated_at"]
    ordering = ["due_date"]
    model = Action

    def get_serializer_class(self):
        return s.ActionPlanSerializer if self.action == "list" else s.ActionDetailSerializer

    def scoped_queryset(self):
        related = ("audit__project", "owner__user")
        if self.action == "list":
            return Action.objects.live(self.request.partnership).select_related(*related)
        return (
            Action.objects.for_partnership(self.request.partnership)
            .filter(audit__status="accepted")
            .select_related(*related, "audit__project__service")
            .prefetch_related(
                Prefetch("updates", queryset=ActionUpdate.objects.select_related("by"))
            )
        )

    @extend_schema(
        summary="Record progress on an action (status, a note, date done, who)",
        parameters=[SLUG],
        request=s.ActionProgressSerializer,
        responses={200: s.ActionDetailSerializer, **WRITE_ERRORS},
    )
    @route(detail=True, methods=["post"], url_path="progress")
    def progress(self, request, slug, pk):
        action = self.get_object()
        if not audit_services.can_update_action(action, request.membership):
            raise PermissionDenied("Your role does not allow you to update this action.")
        incoming = s.ActionProgressSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        people = list(
            Membership.objects.filter(partnership=request.partnership, active=True).select_related(
                "user"
            )
        )
        form = ActionUpdateForm(
            self._form_data(incoming.validated_data, action), people=people, action=action
        )
        if not form.is_valid():
            raise ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): messages
                    for name, messages in form.errors.items()
                }
            )
        try:
            audit_services.action_update(
                action=action,
                membership=request.membership,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                done_on=form.cleaned_data["done_on"],
                owner=form.chosen_owner(),
                who=form.cleaned_data["who"],
            )
        except audit_services.AuditError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from error
        return Response(self.get_serializer(self.get_object()).data)

    @staticmethod
    def _form_data(v, action):
        """The page form's fields; who is responsible stays as it is unless given."""
        data = {"status": v["status"], "note": v.get("note", "")}
        if v.get("done_on"):
            done = v["done_on"]
            data.update(
                {
                    "done_on-day": str(done.day),
                    "done_on-month": str(done.month),
                    "done_on-year": str(done.year),
                }
            )
        if "owner" in v or "who" in v:
            data["owner"] = str(v.get("owner") or "")
            data["who"] = v.get("who", "")
        else:
            data["owner"] = str(action.owner_id or "")
            data["who"] = "" if action.owner_id else action.who
        return data


# --- board packs ---------------------------------------------------------------------


def pack_data(pack, request):
    slug = pack.partnership.slug

    def absolute(name, **kwargs):
        return request.build_absolute_uri(reverse(name, kwargs={"slug": slug, **kwargs}))

    return {
        "id": pack.pk,
        "status": pack.status,
        "message": pack_message(pack),
        "period_label": pack.period_label,
        "filters": {k: str(v) for k, v in pack.filters.items()},
        "filters_text": pack.filters_text,
        "progress_done": pack.progress_done,
        "progress_total": pack.progress_total,
        "failure_reason": pack.failure_reason,
        "created_at": pack.created_at,
        "finished_at": pack.finished_at,
        "audit_count": pack.audit_count,
        "page_count": pack.page_count,
        "size": pack.size,
        "url": absolute("api:board-pack-detail", pk=pack.pk),
        "page": absolute("reporting:pack_detail", pk=pack.pk),
        "download": absolute("reporting:pack_download", pk=pack.pk) if pack.has_file else None,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Board packs of the partnership, newest first",
        parameters=[SLUG],
        responses={200: s.BoardPackSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One board pack: queued, preparing (n of N audits), ready or failed",
        parameters=[SLUG],
        responses={200: s.BoardPackSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Ask for a board pack of the portfolio's filters",
        description="The same filters on the same data on the same day give the pack already "
        "asked for (200); a new pack is 202 and is made in the background: follow `url` "
        "until `status` is ready, then download from `download` while signed in.",
        parameters=[SLUG],
        request=s.BoardPackRequestSerializer,
        responses={
            202: OpenApiResponse(s.BoardPackSerializer, description="Asked for; being made"),
            200: OpenApiResponse(s.BoardPackSerializer, description="Already asked for"),
            **WRITE_ERRORS,
        },
    ),
)
class BoardPackViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Board packs: admins, commissioners and board members, as the pack pages."""

    read_roles = PACK_ROLES
    write_roles = PACK_ROLES
    serializer_class = s.BoardPackSerializer
    filterset_class = BoardPackFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at"]
    model = BoardPack

    def scoped_queryset(self):
        return BoardPack.objects.filter(partnership=self.request.partnership).select_related(
            "partnership"
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([pack_data(p, request) for p in page])

    def retrieve(self, request, *args, **kwargs):
        pack = self.get_object()
        if pack.status == BoardPack.Status.PREPARING:
            # A pack whose worker stopped is shown failed as soon as anyone looks.
            pack_services.board_packs_fail_stuck(partnership=request.partnership)
            pack.refresh_from_db()
        return Response(pack_data(pack, request))

    def create(self, request, *args, **kwargs):
        incoming = s.BoardPackRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        params = QueryDict(mutable=True)
        for name, value in incoming.validated_data.items():
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        filters = parse_filters(params, request.partnership, request.membership)
        if filters.problems:
            raise ValidationError(
                {
                    FILTER_PARAMETERS.get(label, label): [f"“{label}” was not recognised."]
                    for label in filters.problems
                }
            )
        pack, created = pack_services.board_pack_request(
            partnership=request.partnership, by=request.user, filters=filters
        )
        body = pack_data(pack, request)
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": body["url"]},
        )
