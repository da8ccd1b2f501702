package example;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Prices an order: the event binds to the {@link Order} record, the {@link Quote} record is written
 * back as JSON. A plain handler method (no aws-lambda-java-core needed); Lambda calls
 * {@code example.Quotes::quote} on one instance per execution environment.
 */
public class Quotes {
  public record Line(String sku, int quantity, BigDecimal unitPrice) {}

  public record Order(String orderId, List<Line> lines) {}

  public record Quote(String orderId, String currency, BigDecimal subtotal, BigDecimal tax, BigDecimal total, int quotesServed, Instant quotedAt) {}

  // INIT: runs once per execution environment, in the static initialiser (a debugger stops here).
  private static final Map<String, BigDecimal> TAX_RATES = Map.of("GBP", new BigDecimal("0.20"), "EUR", new BigDecimal("0.19"), "USD", BigDecimal.ZERO);
  private static final String CURRENCY = System.getenv().getOrDefault("CURRENCY", "GBP");

  static {
    System.out.println("quotes ready: currency " + CURRENCY + ", tax " + TAX_RATES.get(CURRENCY));
  }

  // Kept across warm invocations of one environment.
  private int served;

  public Quote quote(Order order) {
    if (order == null || order.orderId() == null) throw new IllegalArgumentException("orderId is required");
    if (order.lines() == null || order.lines().isEmpty()) throw new IllegalArgumentException("order " + order.orderId() + " has no lines");
    BigDecimal subtotal = BigDecimal.ZERO;
    for (Line line : order.lines()) {
      if (line.quantity() <= 0) throw new IllegalArgumentException(line.sku() + ": quantity must be positive");
      subtotal = subtotal.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())));
    }
    subtotal = subtotal.setScale(2, RoundingMode.HALF_UP);
    BigDecimal tax = subtotal.multiply(TAX_RATES.getOrDefault(CURRENCY, BigDecimal.ZERO)).setScale(2, RoundingMode.HALF_UP);
    served++;
    System.out.println("quote " + order.orderId() + ": " + order.lines().size() + " lines, total " + subtotal.add(tax) + " " + CURRENCY);
    return new Quote(order.orderId(), CURRENCY, subtotal, tax, subtotal.add(tax), served, Instant.now());
  }
}
