"""HTTP endpoints of /api/v1/locations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.locations import service
from audit_api.locations.schemas import LocationIn, LocationOut, LocationPatch, LocationQuery

blp = Blueprint(
    "locations", __name__, url_prefix="/api/v1/locations", description="Stores and branches."
)


@blp.route("")
class Locations(MethodView):
    """The location collection."""

    @requires("locations:read")
    @blp.arguments(LocationQuery, location="query")
    @blp.response(200, LocationOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listLocations")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List the locations in the caller's scope."""
        return paged(service.list_locations, pagination_parameters, **query)

    @requires("org:write")
    @blp.arguments(LocationIn)
    @blp.response(201, LocationOut)
    @openapi.etag
    @blp.doc(operationId="createLocation")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a location (HQ only)."""
        return with_etag(service.create_location(current_user(), data))


@blp.route("/<int:location_id>")
class LocationById(MethodView):
    """One location."""

    @requires("locations:read")
    @blp.response(200, LocationOut)
    @openapi.if_none_match
    @blp.doc(operationId="getLocation")
    def get(self, location_id: int) -> Any:
        """Read a location."""
        return with_etag(service.get_location(current_user(), location_id))

    @requires("org:write")
    @blp.arguments(LocationPatch)
    @blp.response(200, LocationOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateLocation")
    def patch(self, data: dict[str, Any], location_id: int) -> Any:
        """Change a location (HQ only); honours If-Match."""
        location = service.get_location(current_user(), location_id)
        check_if_match(location)
        return with_etag(service.update_location(current_user(), location, data))

    @requires("org:write")
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="deleteLocation")
    def delete(self, location_id: int) -> None:
        """Delete a location (HQ only); honours If-Match."""
        location = service.get_location(current_user(), location_id)
        check_if_match(location)
        service.delete_location(location)
