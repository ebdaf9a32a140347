"""The account page's API tokens: create one (shown once), see their use, revoke them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenCreateForm
from api.models import TokenUse
from api.tokens import token_create, token_revoke
from copgirls.permissions import in_scope, staff_required, visible_to

#: Recent uses listed per token.
RECENT_USES = 5


@never_cache  # the page that shows a new token is never kept by a browser or a proxy
@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    created = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, created = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            form = TokenCreateForm()
    tokens = list(visible_to(request.user, "api.AccessToken").order_by("-created_at", "-id")[:50])
    uses: dict[int, list[TokenUse]] = {token.pk: [] for token in tokens}
    for use in _recent_uses([token.pk for token in tokens]):
        uses[use.token_id].append(use)
    status = 201 if created else (400 if request.method == "POST" else 200)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "rows": [(token, uses[token.pk]) for token in tokens],
        },
        status=status,
    )


def _recent_uses(token_ids: list[int]) -> list[TokenUse]:
    """Each token's latest uses, in one query (a window over the uses, filtered in SQL)."""
    if not token_ids:
        return []
    return list(
        TokenUse.objects.filter(token_id__in=token_ids)
        .annotate(rank=Window(RowNumber(), partition_by=F("token_id"), order_by=F("at").desc()))
        .filter(rank__lte=RECENT_USES)
        .order_by("token_id", "-at")
    )


@staff_required
@require_POST
def token_revoke_view(request, pk: int):
    token = in_scope(visible_to(request.user, "api.AccessToken"), pk=pk)
    try:
        token_revoke(token=token, actor=request.user)
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
    else:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
