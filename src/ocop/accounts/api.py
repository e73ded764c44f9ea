"""JSON API of the accounts app (mounted by ocop.api.routers at /api/v1/accounts).

Every operation is authenticated (bearer token or session); operation ids are the service or
selector names; errors are problem+json.
"""

from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from ocop.accounts import policies, selectors, services
from ocop.accounts.schemas import (
    ERRORS,
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    MembershipEndIn,
    MembershipIn,
    MembershipOut,
    MeOut,
    UserCreateIn,
    UserFilters,
    UserOut,
)
from ocop.core.access import require

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, **ERRORS}, operation_id="account_get")
def me(request: HttpRequest):
    """The signed-in account and the roles (with units) in force today."""
    return selectors.account_get(actor=request.actor)


# --- own API tokens ---------------------------------------------------------------------------------


@router.get("/tokens", response={200: list[ApiTokenOut], **ERRORS}, operation_id="api_token_list")
def token_list(request: HttpRequest):
    """The caller's own API tokens (revoked ones included)."""
    return list(selectors.api_token_list(actor=request.actor))


@router.post(
    "/tokens", response={201: ApiTokenCreatedOut, **ERRORS}, operation_id="api_token_create"
)
def token_create(request: HttpRequest, payload: ApiTokenIn):
    """Create a token for the caller's account. The key is in this answer only."""
    token, key = services.api_token_create(
        actor=request.actor, name=payload.name, expires_at=payload.expires_at
    )
    token.key = key
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None, **ERRORS}, operation_id="api_token_revoke"
)
def token_revoke(request: HttpRequest, token_id: UUID):
    """Revoke one of the caller's tokens."""
    token = selectors.api_token_get(actor=request.actor, public_id=token_id)
    services.api_token_revoke(actor=request.actor, token=token)
    return Status(204, None)


# --- user administration (administrators, province officers: scoped) --------------------------------


@router.get("/users", response={200: list[UserOut], **ERRORS}, operation_id="user_list")
@paginate(LimitOffsetPagination)
def user_list(request: HttpRequest, filters: Query[UserFilters]):
    """Accounts the caller may see; `q` searches name, username, e-mail without accents."""
    require(request.actor, policies.can_view_users)
    province, _ = selectors.units_from_codes(
        actor=request.actor, province_code=filters.province, commune_code=None
    )
    return selectors.user_list(
        actor=request.actor, q=filters.q, role=filters.role, province=province
    )


@router.post("/users", response={201: UserOut, **ERRORS}, operation_id="user_create")
def user_create(request: HttpRequest, payload: UserCreateIn):
    """Create an account, with its first role when `membership` is given."""
    grant = payload.membership
    province = commune = None
    if grant is not None:
        province, commune = selectors.units_from_codes(
            actor=request.actor, province_code=grant.province, commune_code=grant.commune
        )
    data = payload.model_dump(exclude={"membership"})
    user = services.user_create(
        actor=request.actor,
        **data,
        role=grant.role if grant else None,
        province=province,
        commune=commune,
        valid_from=grant.valid_from if grant else None,
        valid_to=grant.valid_to if grant else None,
        note=grant.note if grant else "",
    )
    return Status(201, selectors.user_get(actor=request.actor, public_id=user.public_id))


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, operation_id="user_get")
def user_get(request: HttpRequest, user_id: UUID):
    return selectors.user_get(actor=request.actor, public_id=user_id)


@router.post(
    "/users/{user_id}/memberships",
    response={201: MembershipOut, **ERRORS},
    operation_id="membership_grant",
)
def membership_grant(request: HttpRequest, user_id: UUID, payload: MembershipIn):
    """Give the account a role over a unit for a period."""
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    province, commune = selectors.units_from_codes(
        actor=request.actor, province_code=payload.province, commune_code=payload.commune
    )
    membership = services.membership_grant(
        actor=request.actor,
        user=user,
        role=payload.role,
        province=province,
        commune=commune,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        note=payload.note,
    )
    return Status(201, membership)


@router.post(
    "/users/{user_id}/memberships/{membership_id}/end",
    response={200: MembershipOut, **ERRORS},
    operation_id="membership_end",
)
def membership_end(
    request: HttpRequest, user_id: UUID, membership_id: UUID, payload: MembershipEndIn
):
    """End a role now (it was last in force yesterday)."""
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    membership = selectors.membership_get(actor=request.actor, user=user, public_id=membership_id)
    return services.membership_end(
        actor=request.actor, membership=membership, reason=payload.reason
    )
