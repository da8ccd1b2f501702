# frozen_string_literal: true

# Totals an invoice: top-level code runs once per execution environment (INIT), the handler per
# invocation. The handler is a class-level method (Handler: app.Invoices::Handler.call). Try it with
# events/invoice.json; an invoice without lines fails with Function<Invoices::InvalidInvoice>, the
# error shape of AWS's Ruby runtime.

require 'logger'

module Invoices
  LOGGER = Logger.new($stdout)
  TAX_PERCENT = Integer(ENV.fetch('TAX_PERCENT', '20'))
  STARTED_AT = Time.now.utc.iso8601

  class InvalidInvoice < StandardError; end

  LOGGER.info("rb-invoices ready: tax #{TAX_PERCENT}%")

  class Handler
    @invocations = 0

    class << self
      def call(event:, context:)
        @invocations += 1
        invoice_id = event['invoiceId']
        lines = event['lines'] || []
        raise InvalidInvoice, 'an invoice needs an invoiceId and at least one line' if invoice_id.nil? || lines.empty?

        subtotal = lines.sum { |line| cents(line) }
        tax = (subtotal * TAX_PERCENT / 100.0).round
        LOGGER.info("invoice #{invoice_id}: #{lines.size} lines, total #{format_cents(subtotal + tax)}")
        {
          invoiceId: invoice_id,
          subtotal: format_cents(subtotal),
          tax: format_cents(tax),
          total: format_cents(subtotal + tax),
          stage: ENV['STAGE'],
          requestId: context.aws_request_id,
          remainingMs: context.get_remaining_time_in_millis,
          environmentStartedAt: STARTED_AT,
          invocationsInThisEnvironment: @invocations
        }
      end

      private

      def cents(line)
        quantity = Integer(line['quantity'])
        raise InvalidInvoice, "line #{line['sku']}: quantity must be positive" unless quantity.positive?

        (Float(line['unitPrice']) * 100).round * quantity
      end

      def format_cents(cents)
        format('%<units>d.%<cents>02d', units: cents / 100, cents: cents % 100)
      end
    end
  end
end
