"""HTTP endpoints of /api/v1/regions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.regions import service
from audit_api.regions.schemas import RegionIn, RegionOut, RegionPatch, RegionQuery

blp = Blueprint("regions", __name__, url_prefix="/api/v1/regions", description="Region tree.")


@blp.route("")
class Regions(MethodView):
    """The region collection."""

    @requires("regions:read")
    @blp.arguments(RegionQuery, location="query")
    @blp.response(200, RegionOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listRegions")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List the regions in the caller's scope."""
        return paged(service.list_regions, pagination_parameters, **query)

    @requires("org:write")
    @blp.arguments(RegionIn)
    @blp.response(201, RegionOut)
    @openapi.etag
    @blp.doc(operationId="createRegion")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a region (HQ only)."""
        return with_etag(service.create_region(current_user(), data))


@blp.route("/<int:region_id>")
class RegionById(MethodView):
    """One region."""

    @requires("regions:read")
    @blp.response(200, RegionOut)
    @openapi.if_none_match
    @blp.doc(operationId="getRegion")
    def get(self, region_id: int) -> Any:
        """Read a region."""
        return with_etag(service.get_region(current_user(), region_id))

    @requires("org:write")
    @blp.arguments(RegionPatch)
    @blp.response(200, RegionOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateRegion")
    def patch(self, data: dict[str, Any], region_id: int) -> Any:
        """Rename or move a region (HQ only); honours If-Match."""
        region = service.get_region(current_user(), region_id)
        check_if_match(region)
        return with_etag(service.update_region(current_user(), region, data))

    @requires("org:write")
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="deleteRegion")
    def delete(self, region_id: int) -> None:
        """Delete an empty region (HQ only); honours If-Match."""
        region = service.get_region(current_user(), region_id)
        check_if_match(region)
        service.delete_region(region)
