"""The staff member's own account over the API: who am I, what may I do."""

from ninja import Router, Schema

from madoguchi.core.api_auth import staff
from madoguchi.core.roles import GRANTS, Capability

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    capabilities: list[str]


@router.get("/me", response=MeOut, auth=staff(Capability.STAFF_HOME), summary="The logged-in account")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        capabilities=sorted(GRANTS.get(user.role, frozenset())),
    )
