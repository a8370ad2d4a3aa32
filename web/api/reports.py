"""Reports: the annual statistics of a decision organ, and its published decision catalog."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from procedures.reports import CATALOG_REGISTER
from web.api.docs import errors
from web.auth import runtime
from web.files import download
from web.schemas import AnnualReportQuerySchema, AnnualReportSchema, CatalogQuerySchema, CatalogViewSchema
from workflow.services import reports

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Annual statistics and the decision catalog")


@blp.route("/reports/annual")
class AnnualReport(MethodView):
    @blp.arguments(AnnualReportQuerySchema, location="query")
    @blp.response(200, AnnualReportSchema)
    @blp.alt_response(200, description="with format=csv: the same figures as CSV (UTF-8 with BOM)",
                      content_type="text/csv", success=True)
    @errors(blp, 401, 422)
    def get(self, args: dict[str, Any]) -> Any:
        """Each figure of the year (China time) for one decision organ or all, and the yearly minimums checked."""
        report = reports.annual_report(runtime(), args["year"], args.get("organ"))
        if args["format"] == "csv":
            name = f"juece-annual-{args['year']}.csv"
            return download(reports.annual_report_csv(report), "text/csv", name)
        return report


@blp.route("/catalogs")
class Catalog(MethodView):
    @blp.arguments(CatalogQuerySchema, location="query")
    @blp.response(200, CatalogViewSchema)
    @errors(blp, 401, 422)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The organ's 决策事项目录 for the year: each item as it stands and the decision cases that name it."""
        return reports.register_view(runtime(), organ=args["organ"], year=args["year"], **CATALOG_REGISTER)
