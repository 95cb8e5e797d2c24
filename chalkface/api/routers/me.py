"""Who the caller is: the one operation open to a person without a role."""

from django.http import HttpRequest
from ninja import Router

from chalkface.accounts.permissions import roles
from chalkface.api.auth import anyone_signed_in
from chalkface.api.schemas import Error, MeOut

router = Router(tags=["you"], auth=anyone_signed_in())


@router.get("/me", response={200: MeOut, 401: Error}, summary="Who you are, your roles and this token")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.auth  # type: ignore[attr-defined]
    token = getattr(request, "api_token", None)
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(roles(user)),
        "token": None
        if token is None
        else {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_on": token.last_used_on,
        },
    }
