package lambdaworkbench.runtime;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The runtime's JSON: a strict RFC 8259 parser, a binder from parsed trees to handler input types, and a
 * writer for handler results. The binder and writer follow the settings of AWS's Java runtime serializer
 * (aws-lambda-java-serialization's JacksonFactory) for common cases: standard bean naming, unknown
 * properties ignored, single values as arrays and back, unknown enum names as null, null properties left
 * out; the aws-lambda-java-events classes as its LambdaEventSerializers binds them (AwsEvents), chosen
 * by the handler's declared input and result types as AWS chooses. Standard library only, because no
 * JSON library can be shipped with the runtime; records are reached reflectively so this compiles with
 * --release 11. Where this one differs: AWS's parser takes lenient JSON (e.g. single quotes), this one
 * answers such input with a positioned error.
 */
public final class Json {
  /** Nesting deeper than this is refused (parse, bind and write), so hostile input never overflows the stack. */
  static final int MAX_DEPTH = 1000;

  private Json() {}

  /** A JSON error: a parse error (with line:column), a binding mismatch (with its path), or an unwritable value. */
  public static final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
      super(message);
    }

    public JsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---------------------------------------------------------------- parse

  /** Parses strict JSON into LinkedHashMap / ArrayList / String / Long / BigInteger / Double / Boolean / null. */
  static Object parse(String json) {
    if (json == null) throw new JsonException("no JSON text (null)");
    Parser p = new Parser(json);
    p.skipWhitespace();
    Object value = p.document();
    p.skipWhitespace();
    if (p.pos < json.length()) throw p.error("unexpected " + p.describeHere() + " after the JSON value");
    return value;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    /**
     * The whole document, iteratively: open containers live on an explicit stack, so nesting costs heap,
     * never Java stack, and the depth limit is the only bound.
     */
    Object document() {
      Deque<Object> open = new ArrayDeque<>();
      Deque<String> keys = new ArrayDeque<>();
      while (true) {
        skipWhitespace();
        Object value;
        char c = peek();
        if (c == '{' || c == '[') {
          if (open.size() >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
          pos++;
          skipWhitespace();
          if (c == '{') {
            Map<String, Object> map = new LinkedHashMap<>();
            if (peek() == '}') {
              pos++;
              value = map;
            } else {
              open.push(map);
              keys.push(key());
              continue;
            }
          } else {
            List<Object> list = new ArrayList<>();
            if (peek() == ']') {
              pos++;
              value = list;
            } else {
              open.push(list);
              continue;
            }
          }
        } else {
          value = scalar();
        }
        // Attach the value to its container; close every container that ends here.
        while (true) {
          if (open.isEmpty()) return value;
          Object top = open.peek();
          skipWhitespace();
          if (top instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) top;
            map.put(keys.pop(), value);
            char d = peek();
            if (d == ',') {
              pos++;
              keys.push(key());
              break;
            }
            if (d != '}') throw error("unexpected " + describeHere() + ", expected ',' or '}'");
          } else {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) top;
            list.add(value);
            char d = peek();
            if (d == ',') {
              pos++;
              break;
            }
            if (d != ']') throw error("unexpected " + describeHere() + ", expected ',' or ']'");
          }
          pos++;
          value = open.pop();
        }
      }
    }

    private String key() {
      skipWhitespace();
      if (peek() != '"') throw error("unexpected " + describeHere() + ", expected a property name in double quotes");
      String key = string();
      skipWhitespace();
      if (peek() != ':') throw error("unexpected " + describeHere() + ", expected ':'");
      pos++;
      return key;
    }

    private Object scalar() {
      if (pos >= s.length()) throw error("unexpected end of input, expected a value");
      char c = s.charAt(pos);
      switch (c) {
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) return number();
          throw error("unexpected " + describeHere() + ", expected a value");
      }
    }

    String string() {
      int start = pos;
      pos++; // opening quote
      StringBuilder sb = null;
      int runStart = pos;
      while (true) {
        if (pos >= s.length()) {
          pos = start;
          throw error("unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          String out = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
          pos++;
          return out;
        }
        if (c < 0x20) throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
        if (c != '\\') {
          pos++;
          continue;
        }
        if (sb == null) sb = new StringBuilder();
        sb.append(s, runStart, pos);
        pos++;
        if (pos >= s.length()) throw error("unterminated escape in a string");
        char e = s.charAt(pos);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            sb.append(e);
            break;
          case 'b':
            sb.append('\b');
            break;
          case 'f':
            sb.append('\f');
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 't':
            sb.append('\t');
            break;
          case 'u':
            // \\u escapes pass through as UTF-16 units: a surrogate pair written as two escapes joins
            // into one code point, as in every JSON parser that decodes to Java strings.
            sb.append(hex4());
            pos += 4;
            break;
          default:
            throw error("invalid escape '\\" + e + "' in a string");
        }
        pos++;
        runStart = pos;
      }
    }

    private char hex4() {
      if (pos + 4 >= s.length()) throw error("incomplete \\u escape in a string");
      int v = 0;
      for (int i = 1; i <= 4; i++) {
        int d = Character.digit(s.charAt(pos + i), 16);
        if (d < 0) {
          pos += i;
          throw error("invalid hex digit in a \\u escape");
        }
        v = v * 16 + d;
      }
      return (char) v;
    }

    Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) throw error("unexpected " + describeHere() + ", expected a value");
      pos += word.length();
      return value;
    }

    Object number() {
      int start = pos;
      if (peek() == '-') pos++;
      if (peek() == '0') {
        pos++;
        if (isDigit(peek())) throw error("leading zeros are not allowed in a number");
      } else if (isDigit(peek())) {
        while (isDigit(peek())) pos++;
      } else {
        throw error("expected a digit in a number");
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        pos++;
        if (!isDigit(peek())) throw error("expected a digit after the decimal point");
        while (isDigit(peek())) pos++;
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        if (peek() == '+' || peek() == '-') pos++;
        if (!isDigit(peek())) throw error("expected a digit in the exponent");
        while (isDigit(peek())) pos++;
      }
      String text = s.substring(start, pos);
      if (integral) {
        if (text.length() <= 18) return Long.parseLong(text);
        BigInteger big = new BigInteger(text);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
      }
      return Double.parseDouble(text);
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    void skipWhitespace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
        pos++;
      }
    }

    String describeHere() {
      if (pos >= s.length()) return "end of input";
      char c = s.charAt(pos);
      return c < 0x20 || c == 0x7f ? "character U+" + String.format("%04X", (int) c) : "'" + c + "'";
    }

    JsonException error(String message) {
      int line = 1;
      int column = 1;
      int end = Math.min(pos, s.length());
      for (int i = 0; i < end; i++) {
        if (s.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new JsonException("invalid JSON at " + line + ":" + column + ": " + message);
    }
  }

  // ---------------------------------------------------------------- bind

  /**
   * How AWS's serializer is set up for one handler type: Jackson's plain settings, or (for a supported
   * aws-lambda-java-events class, see AwsEvents) its mixins' names, an optional UpperCamelCase naming,
   * Dates as epoch seconds and Joda DateTimes.
   */
  static final class Dialect {
    static final Dialect PLAIN = new Dialect(false, java.util.Collections.<String, Map<String, String>>emptyMap(), false);

    /** DateModule (Date as epoch seconds) and DateTimeModule (org.joda.time.DateTime as ISO text). */
    final boolean events;
    private final Map<String, Map<String, String>> names;
    private final boolean upperCamel;

    Dialect(boolean events, Map<String, Map<String, String>> names, boolean upperCamel) {
      this.events = events;
      this.names = names;
      this.upperCamel = upperCamel;
    }

    /** A bean property's JSON name: a mixin's name for its class (or a superclass), else the naming strategy's. */
    String jsonName(Class<?> owner, String property) {
      for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
        Map<String, String> own = names.get(c.getName());
        String named = own == null ? null : own.get(property);
        if (named != null) return named;
      }
      return upperCamel && !property.isEmpty() ? Character.toUpperCase(property.charAt(0)) + property.substring(1) : property;
    }
  }

  /**
   * Converts a parsed tree into `type`, as AWS's serializer would for a handler taking `type`: Jackson with
   * AWS's settings (unknown properties ignored), in the events dialect for aws-lambda-java-events classes,
   * S3's events through their constructors.
   */
  static Object bind(Object tree, Type type) {
    Class<?> raw = rawClass(type);
    if (AwsEvents.isS3(raw)) {
      try {
        return AwsEvents.bindS3(tree, raw);
      } catch (ReflectiveOperationException e) {
        throw new JsonException("$: cannot create " + raw.getName() + ": " + rootMessage(e), e);
      }
    }
    Dialect dialect = AwsEvents.dialectFor(raw);
    try {
      return bind(tree, type, dialect, "$", 0);
    } catch (StackOverflowError e) {
      // A tree built in code (not by parse) can nest deeper than this thread's stack allows.
      throw new JsonException("$: nesting too deep to bind on this thread's stack");
    }
  }

  private static Object bind(Object tree, Type type, Dialect d, String path, int depth) {
    if (depth > MAX_DEPTH) throw new JsonException(path + ": nesting deeper than " + MAX_DEPTH + " levels");
    if (type instanceof WildcardType) {
      Type[] upper = ((WildcardType) type).getUpperBounds();
      return bind(tree, upper.length > 0 ? upper[0] : Object.class, d, path, depth);
    }
    if (type instanceof TypeVariable) {
      Type[] bounds = ((TypeVariable<?>) type).getBounds();
      return bind(tree, bounds.length > 0 ? bounds[0] : Object.class, d, path, depth);
    }
    if (type instanceof GenericArrayType) {
      Type component = ((GenericArrayType) type).getGenericComponentType();
      return bindArray(tree, d, rawClass(component), component, path, depth);
    }
    Class<?> raw = rawClass(type);
    if (raw == Optional.class) return Optional.ofNullable(bind(tree, typeArgument(type, 0), d, path, depth));
    if (tree == null) return raw.isPrimitive() ? primitiveDefault(raw) : null;
    if (raw == Object.class) return tree;
    // AWS's serializer enables ACCEPT_SINGLE_VALUE_AS_ARRAY, UNWRAP_SINGLE_VALUE_ARRAYS and
    // ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT: a lone value fills a list, a one-element array gives its value.
    boolean many = raw.isArray() || Collection.class.isAssignableFrom(raw) || raw == Iterable.class;
    if (many && !(tree instanceof List) && !(raw == byte[].class && tree instanceof String)) {
      List<Object> single = new ArrayList<>();
      single.add(tree);
      tree = single;
    } else if (!many && tree instanceof List && !Map.class.isAssignableFrom(raw)) {
      List<?> list = (List<?>) tree;
      if (list.isEmpty()) return raw.isPrimitive() ? primitiveDefault(raw) : null;
      if (list.size() == 1 && !(list.get(0) instanceof List)) return bind(list.get(0), type, d, path + "[0]", depth + 1);
    }
    if (raw.isPrimitive() || raw == String.class || Number.class.isAssignableFrom(raw) || raw == Boolean.class
        || raw == Character.class) {
      return bindScalar(tree, raw, path);
    }
    if (raw.isEnum()) return bindEnum(tree, raw, path);
    if (raw == Date.class && d.events) return bindEpochSeconds(tree, path);
    if (raw == Date.class || TemporalAccessor.class.isAssignableFrom(raw)) return bindTime(tree, raw, path);
    if (raw == java.nio.ByteBuffer.class) {
      // Jackson's ByteBufferDeserializer: the base64 text's bytes, wrapped
      if (!(tree instanceof String)) throw mismatch(path, "a base64 string", tree);
      return java.nio.ByteBuffer.wrap(decodeBase64((String) tree, path));
    }
    if (d.events && AwsEvents.isJodaDateTime(raw)) return bindDateTime(tree, raw, path);
    if (raw.isArray()) {
      if (raw == byte[].class && tree instanceof String) return decodeBase64((String) tree, path);
      Type component = raw.getComponentType();
      return bindArray(tree, d, raw.getComponentType(), component, path, depth);
    }
    if (Map.class.isAssignableFrom(raw)) return bindMap(tree, d, raw, type, path, depth);
    if (Collection.class.isAssignableFrom(raw) || raw == Iterable.class) return bindCollection(tree, d, raw, type, path, depth);
    if (isRecord(raw)) return bindRecord(tree, d, raw, type, path, depth);
    return bindBean(tree, d, raw, type, path, depth);
  }

  private static Object bindScalar(Object tree, Class<?> raw, String path) {
    if (raw == String.class) {
      if (tree instanceof String) return tree;
      if (tree instanceof Number || tree instanceof Boolean) return String.valueOf(tree);
      throw mismatch(path, "a string", tree);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      if (tree instanceof Boolean) return tree;
      if ("true".equals(tree)) return Boolean.TRUE;
      if ("false".equals(tree)) return Boolean.FALSE;
      throw mismatch(path, "a boolean", tree);
    }
    if (raw == char.class || raw == Character.class) {
      if (tree instanceof String && ((String) tree).length() == 1) return ((String) tree).charAt(0);
      throw mismatch(path, "a single character", tree);
    }
    // A number: Jackson also coerces a numeric string ("12") into a number property.
    Number n;
    if (tree instanceof Number) {
      n = (Number) tree;
    } else if (tree instanceof String) {
      String text = ((String) tree).trim();
      try {
        n = new BigDecimal(text);
      } catch (NumberFormatException e) {
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
          if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) n = Double.valueOf(text);
          else throw mismatch(path, "a number", tree);
        } else {
          throw mismatch(path, "a number", tree);
        }
      }
    } else {
      throw mismatch(path, "a number", tree);
    }
    if (raw == Number.class) return n;
    if (raw == double.class || raw == Double.class) return n.doubleValue();
    if (raw == float.class || raw == Float.class) return n.floatValue();
    if (raw == BigDecimal.class) return n instanceof BigDecimal ? n : new BigDecimal(n.toString());
    if (!isFinite(n)) throw mismatch(path, "an integer", tree);
    BigInteger whole = n instanceof BigInteger ? (BigInteger) n : integerPart(n);
    if (raw == BigInteger.class) return whole;
    if (raw == long.class || raw == Long.class) return checkRange(whole, Long.MIN_VALUE, Long.MAX_VALUE, "long", path).longValue();
    if (raw == int.class || raw == Integer.class) return checkRange(whole, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", path).intValue();
    if (raw == short.class || raw == Short.class) return checkRange(whole, Short.MIN_VALUE, Short.MAX_VALUE, "short", path).shortValue();
    if (raw == byte.class || raw == Byte.class) return checkRange(whole, Byte.MIN_VALUE, 255, "byte", path).byteValue();
    throw new JsonException(path + ": cannot bind a number to " + raw.getName());
  }

  private static boolean isFinite(Number n) {
    return !(n instanceof Double || n instanceof Float) || Double.isFinite(n.doubleValue());
  }

  /** Jackson truncates a fractional number bound to an integer type (ACCEPT_FLOAT_AS_INT). */
  private static BigInteger integerPart(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) return BigInteger.valueOf(n.longValue());
    BigDecimal d = n instanceof BigDecimal ? (BigDecimal) n : new BigDecimal(n.toString());
    return d.toBigInteger();
  }

  private static BigInteger checkRange(BigInteger v, long min, long max, String name, String path) {
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new JsonException(path + ": " + v + " is out of range of " + name);
    }
    return v;
  }

  private static Object primitiveDefault(Class<?> raw) {
    if (raw == boolean.class) return Boolean.FALSE;
    if (raw == char.class) return '\0';
    if (raw == long.class) return 0L;
    if (raw == double.class) return 0d;
    if (raw == float.class) return 0f;
    if (raw == short.class) return (short) 0;
    if (raw == byte.class) return (byte) 0;
    return 0;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object bindEnum(Object tree, Class<?> raw, String path) {
    Object[] constants = raw.getEnumConstants();
    if (tree instanceof String) {
      for (Object c : constants) if (((Enum) c).name().equals(tree)) return c;
      return null; // READ_UNKNOWN_ENUM_VALUES_AS_NULL, as AWS's serializer configures
    }
    // Jackson accepts an enum's ordinal by default.
    if (tree instanceof Long) {
      long i = (Long) tree;
      return i >= 0 && i < constants.length ? constants[(int) i] : null;
    }
    throw mismatch(path, "one of " + enumNames(constants), tree);
  }

  private static String enumNames(Object[] constants) {
    List<String> names = new ArrayList<>();
    for (Object c : constants) names.add(((Enum<?>) c).name());
    return names.toString();
  }

  private static Object bindTime(Object tree, Class<?> raw, String path) {
    if (raw == Date.class) {
      if (tree instanceof Long) return new Date((Long) tree);
      if (tree instanceof String) {
        String text = (String) tree;
        if (text.matches("-?\\d+")) return new Date(Long.parseLong(text));
        try {
          return Date.from(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
          try {
            return Date.from(LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
          } catch (DateTimeParseException e2) {
            throw new JsonException(path + ": " + quote(text) + " is not an ISO-8601 date-time");
          }
        }
      }
      throw mismatch(path, "epoch milliseconds or an ISO-8601 date-time", tree);
    }
    // JavaTimeModule's timestamp forms: decimal epoch seconds for instants, [y, m, d, ...] for local values.
    if (tree instanceof Number && (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class)) {
      BigDecimal seconds = new BigDecimal(tree.toString());
      Instant instant = Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
      if (raw == Instant.class) return instant;
      if (raw == OffsetDateTime.class) return OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
      return ZonedDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }
    if (tree instanceof List && (raw == LocalDate.class || raw == LocalDateTime.class || raw == LocalTime.class)) {
      List<?> parts = (List<?>) tree;
      int[] n = new int[7];
      for (int i = 0; i < parts.size(); i++) {
        if (i >= n.length || !(parts.get(i) instanceof Long)) throw mismatch(path, "[year, month, day, ...] integers", tree);
        n[i] = ((Long) parts.get(i)).intValue();
      }
      int needed = raw == LocalDateTime.class ? 5 : raw == LocalDate.class ? 3 : 2;
      int allowed = raw == LocalDate.class ? 3 : raw == LocalDateTime.class ? 7 : 4;
      if (parts.size() < needed || parts.size() > allowed) throw mismatch(path, "[year, month, day, ...] integers", tree);
      try {
        if (raw == LocalDate.class) return LocalDate.of(n[0], n[1], n[2]);
        if (raw == LocalTime.class) return LocalTime.of(n[0], n[1], n[2], n[3]);
        return LocalDateTime.of(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
      } catch (java.time.DateTimeException e) {
        throw new JsonException(path + ": " + e.getMessage());
      }
    }
    if (!(tree instanceof String)) throw mismatch(path, "an ISO-8601 string", tree);
    String text = (String) tree;
    try {
      if (raw == Instant.class) return Instant.parse(text);
      if (raw == LocalDate.class) return LocalDate.parse(text);
      if (raw == LocalDateTime.class) return LocalDateTime.parse(text);
      if (raw == LocalTime.class) return LocalTime.parse(text);
      if (raw == OffsetDateTime.class) return OffsetDateTime.parse(text);
      if (raw == ZonedDateTime.class) return ZonedDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new JsonException(path + ": " + quote(text) + " is not an ISO-8601 " + raw.getSimpleName());
    }
    throw new JsonException(path + ": cannot bind to " + raw.getName());
  }

  /**
   * AWS's DateModule (events only): a number of epoch seconds, fractions kept to the millisecond as its
   * double arithmetic keeps them; 0 (or text that is not a number) is null.
   */
  private static Date bindEpochSeconds(Object tree, String path) {
    double seconds;
    if (tree instanceof Number) {
      seconds = ((Number) tree).doubleValue();
    } else if (tree instanceof String) {
      try {
        seconds = Double.parseDouble(((String) tree).trim());
      } catch (NumberFormatException e) {
        seconds = 0;
      }
    } else {
      throw mismatch(path, "epoch seconds", tree);
    }
    return seconds == 0.0 ? null : new Date((long) (seconds * 1000.0));
  }

  /** AWS's DateTimeModule (events only): the function's own org.joda.time.DateTime.parse(text). */
  private static Object bindDateTime(Object tree, Class<?> raw, String path) {
    if (!(tree instanceof String) && !(tree instanceof Number)) throw mismatch(path, "an ISO-8601 date-time", tree);
    try {
      return AwsEvents.parseDateTime(raw, String.valueOf(tree));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new JsonException(path + ": " + quote(String.valueOf(tree)) + " is not a date-time for " + raw.getName() + ": " + rootMessage(e), e);
    }
  }

  private static byte[] decodeBase64(String text, String path) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new JsonException(path + ": " + quote(text) + " is not base64");
    }
  }

  private static Object bindArray(Object tree, Dialect d, Class<?> componentRaw, Type component, String path, int depth) {
    if (!(tree instanceof List)) throw mismatch(path, "an array", tree);
    List<?> list = (List<?>) tree;
    Object array = Array.newInstance(componentRaw, list.size());
    for (int i = 0; i < list.size(); i++) {
      Array.set(array, i, bind(list.get(i), component, d, path + "[" + i + "]", depth + 1));
    }
    return array;
  }

  @SuppressWarnings("unchecked")
  private static Object bindCollection(Object tree, Dialect d, Class<?> raw, Type type, String path, int depth) {
    if (!(tree instanceof List)) throw mismatch(path, "an array", tree);
    Collection<Object> out;
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      if (SortedSet.class.isAssignableFrom(raw)) out = new TreeSet<>();
      else if (Set.class.isAssignableFrom(raw)) out = new LinkedHashSet<>();
      else out = new ArrayList<>();
      if (!raw.isInstance(out)) throw new JsonException(path + ": cannot create a " + raw.getName());
    } else {
      out = (Collection<Object>) instantiate(raw, path);
    }
    Type element = typeArgument(type, 0);
    List<?> list = (List<?>) tree;
    for (int i = 0; i < list.size(); i++) out.add(bind(list.get(i), element, d, path + "[" + i + "]", depth + 1));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object bindMap(Object tree, Dialect d, Class<?> raw, Type type, String path, int depth) {
    if (!(tree instanceof Map)) throw mismatch(path, "an object", tree);
    Map<Object, Object> out;
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      out = SortedMap.class.isAssignableFrom(raw) ? new TreeMap<>() : new LinkedHashMap<>();
      if (!raw.isInstance(out)) throw new JsonException(path + ": cannot create a " + raw.getName());
    } else {
      out = (Map<Object, Object>) instantiate(raw, path);
    }
    Type keyType = typeArgument(type, 0);
    Type valueType = typeArgument(type, 1);
    for (Map.Entry<String, Object> e : ((Map<String, Object>) tree).entrySet()) {
      String at = childPath(path, e.getKey());
      Object key = keyType == Object.class ? e.getKey() : bind(e.getKey(), keyType, d, at, depth + 1);
      out.put(key, bind(e.getValue(), valueType, d, at, depth + 1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object bindRecord(Object tree, Dialect d, Class<?> raw, Type type, String path, int depth) {
    if ("".equals(tree)) return null; // ACCEPT_EMPTY_STRING_AS_NULL_OBJECT
    if (!(tree instanceof Map)) throw mismatch(path, "an object", tree);
    Map<String, Object> object = (Map<String, Object>) tree;
    Map<TypeVariable<?>, Type> vars = typeVariables(raw, type);
    try {
      Object[] components = (Object[]) Class.class.getMethod("getRecordComponents").invoke(raw);
      Class<?>[] types = new Class<?>[components.length];
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        Class<?> rc = components[i].getClass();
        String name = (String) rc.getMethod("getName").invoke(components[i]);
        types[i] = (Class<?>) rc.getMethod("getType").invoke(components[i]);
        Type generic = resolve((Type) rc.getMethod("getGenericType").invoke(components[i]), vars);
        String key = matchKey(object, name);
        args[i] = bind(key == null ? null : object.get(key), generic, d, childPath(path, name), depth + 1);
      }
      Constructor<?> ctor = raw.getDeclaredConstructor(types);
      open(ctor);
      return ctor.newInstance(args);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof JsonException) throw (JsonException) e;
      throw new JsonException(path + ": cannot create record " + raw.getName() + ": " + rootMessage(e), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object bindBean(Object tree, Dialect d, Class<?> raw, Type type, String path, int depth) {
    if ("".equals(tree)) return null; // ACCEPT_EMPTY_STRING_AS_NULL_OBJECT
    if (!(tree instanceof Map)) throw mismatch(path, "an object", tree);
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      throw new JsonException(path + ": cannot create an instance of abstract type " + raw.getName());
    }
    Object bean = instantiate(raw, path);
    Map<String, Setter> setters = setters(raw, d);
    Map<TypeVariable<?>, Type> vars = typeVariables(raw, type);
    for (Map.Entry<String, Object> e : ((Map<String, Object>) tree).entrySet()) {
      // Names match exactly, as AWS's Jackson matches them (ACCEPT_CASE_INSENSITIVE_PROPERTIES is off): a
      // POJO's getRecords() does not take "Records"; the events classes get theirs from the mixins (AwsEvents).
      Setter setter = setters.get(e.getKey());
      if (setter == null) continue; // unknown properties are ignored, as AWS's serializer does
      String at = childPath(path, e.getKey());
      Object value = bind(e.getValue(), resolve(setter.type, vars), d, at, depth + 1);
      try {
        setter.set(bean, value);
      } catch (ReflectiveOperationException | RuntimeException ex) {
        throw new JsonException(at + ": cannot set " + setter.name + " on " + raw.getName() + ": " + rootMessage(ex), ex);
      }
    }
    return bean;
  }

  private static Object instantiate(Class<?> raw, String path) {
    try {
      Constructor<?> ctor = raw.getDeclaredConstructor();
      open(ctor);
      return ctor.newInstance();
    } catch (NoSuchMethodException e) {
      throw new JsonException(path + ": " + raw.getName() + " has no no-argument constructor");
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new JsonException(path + ": cannot create " + raw.getName() + ": " + rootMessage(e), e);
    }
  }

  /** One writable property of a bean: a setter method or a public field. */
  private static final class Setter {
    final String name;
    final Type type;
    final Method method;
    final Field field;

    Setter(String name, Method method, Field field) {
      this.name = name;
      this.method = method;
      this.field = field;
      this.type = method != null ? method.getGenericParameterTypes()[0] : field.getGenericType();
      // A public member of a non-public class (a nested handler type) still needs opening.
      open(method != null ? method : field);
    }

    void set(Object bean, Object value) throws ReflectiveOperationException {
      if (method != null) method.invoke(bean, value);
      else field.set(bean, value);
    }
  }

  /** A bean's writable properties by JSON name (the dialect's names applied). */
  private static Map<String, Setter> setters(Class<?> raw, Dialect d) {
    Map<String, Setter> out = new LinkedHashMap<>();
    for (Field f : raw.getFields()) {
      int m = f.getModifiers();
      if (!Modifier.isStatic(m) && !Modifier.isFinal(m)) out.put(d.jsonName(raw, f.getName()), new Setter(f.getName(), null, f));
    }
    for (Method m : raw.getMethods()) {
      String n = m.getName();
      if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1 || n.length() <= 3 || !n.startsWith("set")) continue;
      String name = d.jsonName(raw, beanName(n.substring(3)));
      Setter existing = out.get(name);
      // A setter wins over a field; of overloads, the one Jackson's resolveSetterConflict picks.
      if (existing == null || existing.method == null || preferred(m, existing.method)) {
        out.put(name, new Setter(name, m, null));
      }
    }
    return out;
  }

  /**
   * Jackson's choice between two setters of one property: the subclass's, then a primitive parameter, then
   * a String one (so setEventName(String) beats setEventName(OperationType)); ties by parameter type name,
   * where Jackson would refuse the bean.
   */
  private static boolean preferred(Method candidate, Method existing) {
    Class<?> a = candidate.getDeclaringClass();
    Class<?> b = existing.getDeclaringClass();
    if (a != b) return b.isAssignableFrom(a);
    Class<?> pa = candidate.getParameterTypes()[0];
    Class<?> pb = existing.getParameterTypes()[0];
    if (pa.isPrimitive() != pb.isPrimitive()) return pa.isPrimitive();
    if ((pa == String.class) != (pb == String.class)) return pa == String.class;
    return pa.getName().compareTo(pb.getName()) < 0;
  }

  /**
   * Standard bean naming, which AWS's serializer enables (USE_STD_BEAN_NAMING): the first letter lower-cased
   * unless the first two are capitals (`FirstName` → `firstName`, `URL` → `URL`, `ETag` → `ETag`).
   */
  static String beanName(String suffix) {
    if (suffix.length() > 1 && Character.isUpperCase(suffix.charAt(0)) && Character.isUpperCase(suffix.charAt(1))) return suffix;
    return Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1);
  }

  private static String matchKey(Map<String, Object> object, String name) {
    if (object.containsKey(name)) return name;
    for (String k : object.keySet()) if (k.equalsIgnoreCase(name)) return k;
    return null;
  }

  private static Map<TypeVariable<?>, Type> typeVariables(Class<?> raw, Type type) {
    Map<TypeVariable<?>, Type> vars = new HashMap<>();
    if (type instanceof ParameterizedType) {
      TypeVariable<?>[] params = raw.getTypeParameters();
      Type[] args = ((ParameterizedType) type).getActualTypeArguments();
      for (int i = 0; i < params.length && i < args.length; i++) vars.put(params[i], args[i]);
    }
    return vars;
  }

  /** Substitutes a bean's type variables (`List<T>` in `Page<Order>`) in a property type. */
  private static Type resolve(Type t, Map<TypeVariable<?>, Type> vars) {
    if (vars.isEmpty()) return t;
    if (t instanceof TypeVariable) return vars.getOrDefault(t, t);
    if (t instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) t;
      Type[] args = p.getActualTypeArguments().clone();
      boolean changed = false;
      for (int i = 0; i < args.length; i++) {
        Type r = resolve(args[i], vars);
        changed |= r != args[i];
        args[i] = r;
      }
      if (!changed) return t;
      Type rawType = p.getRawType();
      Type owner = p.getOwnerType();
      return new ParameterizedType() {
        public Type[] getActualTypeArguments() {
          return args.clone();
        }

        public Type getRawType() {
          return rawType;
        }

        public Type getOwnerType() {
          return owner;
        }
      };
    }
    if (t instanceof GenericArrayType) {
      Type c = resolve(((GenericArrayType) t).getGenericComponentType(), vars);
      if (c instanceof Class) return Array.newInstance((Class<?>) c, 0).getClass();
      return (GenericArrayType) () -> c;
    }
    return t;
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType) {
      Type[] args = ((ParameterizedType) type).getActualTypeArguments();
      if (index < args.length) return args[index];
    }
    return Object.class;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class) return (Class<?>) type;
    if (type instanceof ParameterizedType) return rawClass(((ParameterizedType) type).getRawType());
    if (type instanceof GenericArrayType) return Array.newInstance(rawClass(((GenericArrayType) type).getGenericComponentType()), 0).getClass();
    if (type instanceof WildcardType) {
      Type[] upper = ((WildcardType) type).getUpperBounds();
      return upper.length > 0 ? rawClass(upper[0]) : Object.class;
    }
    if (type instanceof TypeVariable) {
      Type[] bounds = ((TypeVariable<?>) type).getBounds();
      return bounds.length > 0 ? rawClass(bounds[0]) : Object.class;
    }
    return Object.class;
  }

  private static boolean isRecord(Class<?> c) {
    try {
      return (Boolean) Class.class.getMethod("isRecord").invoke(c);
    } catch (ReflectiveOperationException e) {
      return false; // a JVM before 16 has no records
    }
  }

  private static String childPath(String path, String key) {
    boolean plain = !key.isEmpty() && Character.isJavaIdentifierStart(key.charAt(0));
    for (int i = 1; plain && i < key.length(); i++) plain = Character.isJavaIdentifierPart(key.charAt(i));
    return plain ? path + "." + key : path + "[" + quote(key) + "]";
  }

  private static JsonException mismatch(String path, String expected, Object got) {
    return new JsonException(path + ": expected " + expected + ", got " + describe(got));
  }

  private static String describe(Object tree) {
    if (tree instanceof String) {
      String s = (String) tree;
      return quote(s.length() > 60 ? s.substring(0, 57) + "..." : s);
    }
    if (tree instanceof Map) return "an object";
    if (tree instanceof List) return "an array";
    return String.valueOf(tree);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
  }

  // ---------------------------------------------------------------- write

  /** Writes `value` as JSON the way Jackson's defaults would (Date as epoch millis, byte[] as base64). */
  static String write(Object value) {
    return write(value, Dialect.PLAIN);
  }

  /**
   * Writes a handler's result as AWS's serializer for its declared type would: the events dialect for a
   * supported aws-lambda-java-events class (APIGatewayProxyResponseEvent, ...), S3's events as
   * S3EventSerializer writes them, Jackson's plain settings for everything else (APIGatewayV2HTTPResponse,
   * SQSBatchResponse and the other response classes are not among AWS's supported events).
   */
  static String write(Object value, Type declared) {
    Class<?> raw = rawClass(declared);
    if (AwsEvents.isS3(raw)) {
      if (value == null) throw new JsonException("cannot write a null " + raw.getName() + " (AWS's S3 serializer reads its records)");
      try {
        return write(AwsEvents.s3Tree(value), Dialect.PLAIN);
      } catch (ReflectiveOperationException e) {
        throw new JsonException("cannot write " + raw.getName() + ": " + rootMessage(e), e);
      }
    }
    return write(value, AwsEvents.dialectFor(raw));
  }

  private static String write(Object value, Dialect dialect) {
    StringBuilder sb = new StringBuilder();
    try {
      new Writer(sb, dialect).value(value, 0);
    } catch (StackOverflowError e) {
      // The depth limit bounds recursion, but a small thread stack can run out before it.
      throw new JsonException("cannot write a value nested too deep for this thread's stack");
    }
    return sb.toString();
  }

  private static final class Writer {
    final StringBuilder sb;
    final Dialect dialect;
    final IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();

    Writer(StringBuilder sb, Dialect dialect) {
      this.sb = sb;
      this.dialect = dialect;
    }

    void value(Object v, int depth) {
      if (v == null) {
        sb.append("null");
      } else if (v instanceof String) {
        string((String) v);
      } else if (v instanceof Boolean) {
        sb.append(v);
      } else if (v instanceof Number) {
        number((Number) v);
      } else if (v instanceof Character || v instanceof CharSequence || v instanceof Enum) {
        string(v instanceof Enum ? ((Enum<?>) v).name() : v.toString());
      } else if (v instanceof Date) {
        // DateModule in the events dialect: epoch seconds written as a double (1.4285376E9); else epoch millis
        if (dialect.events) sb.append(((Date) v).getTime() / 1000.0);
        else sb.append(((Date) v).getTime());
      } else if (v instanceof java.nio.ByteBuffer) {
        // Jackson's ByteBufferSerializer: the bytes from position to limit, base64
        java.nio.ByteBuffer copy = ((java.nio.ByteBuffer) v).duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        string(Base64.getEncoder().encodeToString(bytes));
      } else if (dialect.events && AwsEvents.isJodaDateTime(v.getClass())) {
        try {
          string(AwsEvents.printDateTime(v));
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new JsonException("cannot write " + v.getClass().getName() + ": " + rootMessage(e), e);
        }
      } else if (timestamp(v)) {
        // written as JavaTimeModule does with WRITE_DATES_AS_TIMESTAMPS (on in AWS's serializer)
      } else if (v instanceof TemporalAccessor || v instanceof java.time.Duration || v instanceof java.time.ZoneId
          || v instanceof java.util.UUID || v instanceof java.net.URI || v instanceof java.net.URL || v instanceof Class) {
        string(v instanceof Class ? ((Class<?>) v).getName() : v.toString());
      } else if (v instanceof Optional) {
        value(((Optional<?>) v).orElse(null), depth);
      } else if (v instanceof byte[]) {
        string(Base64.getEncoder().encodeToString((byte[]) v));
      } else if (v instanceof char[]) {
        string(new String((char[]) v));
      } else {
        container(v, depth + 1);
      }
    }

    /** java.time values as JavaTimeModule writes them: decimal epoch seconds, or [y, m, d, h, m, s, nanos]. */
    private boolean timestamp(Object v) {
      if (v instanceof Instant || v instanceof OffsetDateTime || v instanceof ZonedDateTime) {
        Instant i = v instanceof Instant ? (Instant) v : v instanceof OffsetDateTime ? ((OffsetDateTime) v).toInstant() : ((ZonedDateTime) v).toInstant();
        seconds(i.getEpochSecond(), i.getNano());
      } else if (v instanceof java.time.Duration) {
        seconds(((java.time.Duration) v).getSeconds(), ((java.time.Duration) v).getNano());
      } else if (v instanceof LocalDate) {
        LocalDate d = (LocalDate) v;
        sb.append('[').append(d.getYear()).append(',').append(d.getMonthValue()).append(',').append(d.getDayOfMonth()).append(']');
      } else if (v instanceof LocalDateTime) {
        LocalDateTime t = (LocalDateTime) v;
        sb.append('[').append(t.getYear()).append(',').append(t.getMonthValue()).append(',').append(t.getDayOfMonth()).append(',');
        time(t.toLocalTime());
      } else if (v instanceof LocalTime) {
        sb.append('[');
        time((LocalTime) v);
      } else {
        return false;
      }
      return true;
    }

    /** Hours and minutes always; seconds when seconds or nanos are set; nanos when set; then ']'. */
    private void time(LocalTime t) {
      sb.append(t.getHour()).append(',').append(t.getMinute());
      if (t.getSecond() > 0 || t.getNano() > 0) sb.append(',').append(t.getSecond());
      if (t.getNano() > 0) sb.append(',').append(t.getNano());
      sb.append(']');
    }

    /** Jackson's DecimalUtils.toDecimal: seconds, a point, nine digits of nanos ("0.0" for zero). */
    private void seconds(long seconds, int nanos) {
      if (seconds == 0 && nanos == 0) {
        sb.append("0.0");
        return;
      }
      String n = Integer.toString(nanos);
      sb.append(seconds).append('.').append("000000000", 0, 9 - n.length()).append(n);
    }

    private void container(Object v, int depth) {
      if (depth > MAX_DEPTH) throw new JsonException("cannot write a value nested deeper than " + MAX_DEPTH + " levels");
      if (open.put(v, Boolean.TRUE) != null) {
        throw new JsonException("cannot write a cyclic structure (a " + v.getClass().getName() + " contains itself)");
      }
      try {
        if (v instanceof Map) {
          sb.append('{');
          boolean first = true;
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            if (!first) sb.append(',');
            first = false;
            Object k = e.getKey();
            string(k instanceof Enum ? ((Enum<?>) k).name() : String.valueOf(k));
            sb.append(':');
            value(e.getValue(), depth);
          }
          sb.append('}');
        } else if (v instanceof Iterable) {
          sb.append('[');
          boolean first = true;
          for (Iterator<?> it = ((Iterable<?>) v).iterator(); it.hasNext(); ) {
            if (!first) sb.append(',');
            first = false;
            value(it.next(), depth);
          }
          sb.append(']');
        } else if (v.getClass().isArray()) {
          sb.append('[');
          int n = Array.getLength(v);
          for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            value(Array.get(v, i), depth);
          }
          sb.append(']');
        } else if (isRecord(v.getClass())) {
          record(v, depth);
        } else {
          bean(v, depth);
        }
      } finally {
        open.remove(v);
      }
    }

    private void record(Object v, int depth) {
      sb.append('{');
      try {
        Object[] components = (Object[]) Class.class.getMethod("getRecordComponents").invoke(v.getClass());
        for (int i = 0; i < components.length; i++) {
          Class<?> rc = components[i].getClass();
          String name = (String) rc.getMethod("getName").invoke(components[i]);
          Method accessor = (Method) rc.getMethod("getAccessor").invoke(components[i]);
          open(accessor);
          Object value = accessor.invoke(v);
          if (value == null) continue; // Include.NON_NULL, as for bean properties
          if (sb.charAt(sb.length() - 1) != '{') sb.append(',');
          string(name);
          sb.append(':');
          value(value, depth);
        }
      } catch (ReflectiveOperationException e) {
        throw new JsonException("cannot read record " + v.getClass().getName() + ": " + rootMessage(e), e);
      }
      sb.append('}');
    }

    private void bean(Object v, int depth) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> p : getters(v.getClass()).entrySet()) {
        Object value;
        try {
          Object accessor = p.getValue();
          value = accessor instanceof Method ? ((Method) accessor).invoke(v) : ((Field) accessor).get(v);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new JsonException("cannot read property " + p.getKey() + " of " + v.getClass().getName() + ": " + rootMessage(e), e);
        }
        if (value == null) continue; // AWS's serializer leaves null properties out (Include.NON_NULL)
        if (!first) sb.append(',');
        first = false;
        string(dialect.jsonName(v.getClass(), p.getKey()));
        sb.append(':');
        value(value, depth);
      }
      sb.append('}');
    }

    private void number(Number n) {
      if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        // Jackson quotes non-finite numbers (QUOTE_NON_NUMERIC_NUMBERS) and writes the rest as Java prints them.
        if (!Double.isFinite(d)) string(n.toString());
        else sb.append(n.toString());
      } else {
        sb.append(n.toString());
      }
    }

    private void string(String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"':
            sb.append("\\\"");
            break;
          case '\\':
            sb.append("\\\\");
            break;
          case '\n':
            sb.append("\\n");
            break;
          case '\r':
            sb.append("\\r");
            break;
          case '\t':
            sb.append("\\t");
            break;
          case '\b':
            sb.append("\\b");
            break;
          case '\f':
            sb.append("\\f");
            break;
          default:
            if (c < 0x20) sb.append(String.format("\\u%04X", (int) c));
            else sb.append(c);
        }
      }
      sb.append('"');
    }
  }

  /** A bean's readable properties in Jackson's order (fields' declaration order, then the rest by name). */
  private static Map<String, Object> getters(Class<?> c) {
    Map<String, Object> byName = new HashMap<>();
    for (Field f : c.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) continue;
      open(f);
      byName.put(f.getName(), f);
    }
    for (Method m : c.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class) continue;
      String n = m.getName();
      String name = null;
      if (n.startsWith("get") && n.length() > 3 && m.getReturnType() != void.class) name = beanName(n.substring(3));
      else if (n.startsWith("is") && n.length() > 2 && m.getReturnType() == boolean.class) name = beanName(n.substring(2));
      if (name == null) continue;
      open(m);
      byName.put(name, m); // a getter wins over a public field of the same name
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) chain.add(0, k);
    for (Class<?> k : chain) {
      for (Field f : k.getDeclaredFields()) {
        Object a = byName.get(f.getName());
        if (a != null) ordered.putIfAbsent(f.getName(), a);
      }
    }
    new TreeMap<>(byName).forEach(ordered::putIfAbsent);
    return ordered;
  }

  /** Opens a member of a non-public class; a JDK class the module system keeps closed stays as it is. */
  private static void open(java.lang.reflect.AccessibleObject member) {
    try {
      member.setAccessible(true);
    } catch (RuntimeException e) {
      // InaccessibleObjectException (Java 9+): a public member of a public class still works unopened.
    }
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    new Writer(sb, Dialect.PLAIN).string(s);
    return sb.toString();
  }
}
