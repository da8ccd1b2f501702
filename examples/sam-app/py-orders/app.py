"""Prices an order: module-scope setup runs once per execution environment (INIT), the handler
per invocation. Try it with events/order.json; an order without lines fails with a ValueError in
Lambda's Python error shape."""

import logging
import os
import time
from decimal import ROUND_HALF_UP, Decimal

logger = logging.getLogger()
logger.setLevel(logging.INFO)

TABLE_NAME = os.environ.get("TABLE_NAME", "orders-local")
TAX_RATE = Decimal(os.environ.get("TAX_RATE", "0.20"))
CENT = Decimal("0.01")
STARTED_AT = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
invocations = 0

logger.info("py-orders ready: table=%s tax=%s", TABLE_NAME, TAX_RATE)


class InvalidOrder(ValueError):
    pass


def price(lines):
    subtotal = Decimal(0)
    for line in lines:
        quantity = int(line["quantity"])
        if quantity <= 0:
            raise InvalidOrder("line %s: quantity must be positive" % line.get("sku"))
        subtotal += Decimal(str(line["unitPrice"])) * quantity
    tax = (subtotal * TAX_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    return subtotal.quantize(CENT), tax


def handler(event, context):
    global invocations
    invocations += 1
    order_id = event.get("orderId")
    lines = event.get("lines") or []
    logger.info("pricing order %s (%d lines) in %s", order_id, len(lines), context.function_name)
    if not order_id or not lines:
        raise InvalidOrder("an order needs an orderId and at least one line")

    subtotal, tax = price(lines)
    total = subtotal + tax
    logger.info("order %s: subtotal=%s tax=%s total=%s", order_id, subtotal, tax, total)
    if context.get_remaining_time_in_millis() < 500:
        logger.warning("order %s priced with less than 500 ms left", order_id)

    return {
        "orderId": order_id,
        "subtotal": str(subtotal),
        "tax": str(tax),
        "total": str(total),
        "table": TABLE_NAME,
        "stage": os.environ.get("STAGE"),
        "requestId": context.aws_request_id,
        "memoryLimitInMB": context.memory_limit_in_mb,
        "environmentStartedAt": STARTED_AT,
        "invocationsInThisEnvironment": invocations,
    }
