"""CSV exports for accounting: orders, payouts and commissions over a period, streamed row by row."""
from flask import Response, request, stream_with_context

from vgk.services.backoffice import admin_orders
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only


def _csv_response(filename, header, rows):
    return Response(stream_with_context(admin_orders.csv_lines(header, rows)),
                    content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export/commandes.csv")
@admin_only
def export_orders():
    return _csv_response("commandes.csv", admin_orders.ORDER_HEADER, admin_orders.order_rows())


@bp.get("/export/retraits.csv")
@admin_only
def export_payouts():
    return _csv_response("retraits.csv", admin_orders.PAYOUT_HEADER, admin_orders.payout_rows())


@bp.get("/export/commissions.csv")
@admin_only
def export_commissions():
    start, end = admin_orders.period(request.args.get("depuis"), request.args.get("jusqua"))
    return _csv_response("commissions.csv", admin_orders.COMMISSION_HEADER, admin_orders.commission_rows(start, end))
