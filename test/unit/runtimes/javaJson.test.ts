import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSampleEvent } from '../../../src/core/events';
import { findOnPath } from '../../../src/core/util/executables';
import { REPO_ROOT } from '../helpers/build';

// The Java runtime's JSON binder (src/core/runtimes/java/.../Json.java) with the machine's real JDK:
// Json.java compiled with --release 11 next to a driver that runs every case and prints one line per
// case ("name<TAB>result"); records are compiled separately with --release 17 so Json.java itself
// stays Java 11 source. The expected results follow Jackson as AWS's serializer configures it
// (aws-lambda-java-libs, aws-lambda-java-serialization/.../factories/JacksonFactory.java).

const JAVAC = findOnPath('javac');
const JAVA = findOnPath('java');
const RUNTIME_SOURCES = path.join(REPO_ROOT, 'src/core/runtimes/java/src/lambdaworkbench/runtime');
// Json.java with AwsEvents.java, which tells it how AWS binds the aws-lambda-java-events classes
const JSON_SOURCES = ['Json.java', 'AwsEvents.java'].map((f) => path.join(RUNTIME_SOURCES, f));
const EVENTS = path.join(REPO_ROOT, '..', 'shared', 'reference-events');

const DRIVER = String.raw`
package lambdaworkbench.runtime;

import java.io.*;
import java.lang.reflect.*;
import java.math.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.*;
import java.util.*;

public class Driver {
  interface Case { Object run() throws Exception; }

  static PrintStream out;

  static void run(String name, Case c) {
    String result;
    try {
      Object r = c.run();
      result = String.valueOf(r);
    } catch (Json.JsonException e) {
      result = "!" + e.getMessage();
    } catch (Throwable e) {
      result = "!!" + e.getClass().getName() + ": " + e.getMessage();
    }
    out.println(name + "\t" + result.replace("\n", "\\n"));
  }

  /** A parsed tree with its Java types: L long, I BigInteger, D double, S string, B boolean. */
  static String tag(Object v) {
    if (v == null) return "null";
    if (v instanceof Long) return "L" + v;
    if (v instanceof BigInteger) return "I" + v;
    if (v instanceof Double) return "D" + v;
    if (v instanceof String) return "S" + Json.quote((String) v);
    if (v instanceof Boolean) return "B" + v;
    if (v instanceof LinkedHashMap) {
      StringJoiner j = new StringJoiner(",", "{", "}");
      ((Map<?, ?>) v).forEach((k, x) -> j.add(k + "=" + tag(x)));
      return j.toString();
    }
    if (v instanceof ArrayList) {
      StringJoiner j = new StringJoiner(",", "[", "]");
      for (Object x : (List<?>) v) j.add(tag(x));
      return j.toString();
    }
    return "?" + v.getClass().getName();
  }

  /** A bound value with its class, e.g. Integer:12. */
  static String typed(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
  }

  static String describeError(Case c) {
    try {
      return "no error: " + c.run();
    } catch (Exception e) {
      return "!" + e.getMessage();
    }
  }

  static Object bindJson(String json, Type type) {
    return Json.bind(Json.parse(json), type);
  }

  static Type typeOf(String field) throws Exception {
    return Types.class.getDeclaredField(field).getGenericType();
  }

  @SuppressWarnings("unused")
  static class Types {
    List<Integer> listOfInts;
    Set<String> setOfStrings;
    Collection<Long> collectionOfLongs;
    Map<String, List<Integer>> mapOfLists;
    Map<Integer, String> intKeys;
    Map<Color, Integer> enumKeys;
    SortedMap<String, Integer> sorted;
    List<? extends Number> wildcard;
    List<String>[] genericArray;
    Page<Item> pageOfItems;
    Optional<String> optional;
    List<Map<String, Item>> nested;
    Iterable<String> iterable;
  }

  enum Color { RED, GREEN, BLUE }

  public static class Item {
    private String sku;
    private double price;
    public int qty;
    public String getSku() { return sku; }
    public void setSku(String sku) { this.sku = sku; }
    public double getPrice() { return price; }
    public void setPrice(double price) { this.price = price; }
  }

  public static class Order {
    private String id;
    private int count;
    private boolean paid;
    private Color color;
    private List<Item> items;
    private Map<String, Item> byName;
    private Date created;
    public String note;
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public int getCount() { return count; }
    public void setCount(int count) { this.count = count; }
    public boolean isPaid() { return paid; }
    public void setPaid(boolean paid) { this.paid = paid; }
    public Color getColor() { return color; }
    public void setColor(Color color) { this.color = color; }
    public List<Item> getItems() { return items; }
    public void setItems(List<Item> items) { this.items = items; }
    public Map<String, Item> getByName() { return byName; }
    public void setByName(Map<String, Item> byName) { this.byName = byName; }
    public Date getCreated() { return created; }
    public void setCreated(Date created) { this.created = created; }
  }

  public static class Page<T> {
    private List<T> items;
    private T first;
    public List<T> getItems() { return items; }
    public void setItems(List<T> items) { this.items = items; }
    public T getFirst() { return first; }
    public void setFirst(T first) { this.first = first; }
  }

  public static class Link {
    private String url;
    private String name;
    public String getURL() { return url; }
    public void setURL(String url) { this.url = url; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String describe() { return url + "|" + name; }
  }

  public abstract static class Shape {}

  public static class NoDefault {
    public NoDefault(String x) {}
  }

  public static class Times {
    public Instant instant;
    public LocalDate localDate;
    public LocalDateTime localDateTime;
    public OffsetDateTime offsetDateTime;
    public ZonedDateTime zonedDateTime;
    public Date date;
  }

  public static class Node {
    public String name;
    public Node next;
  }

  /** Overloaded setters, as the events classes have them (setEventName(String) and setEventName(OperationType)). */
  public static class Overloaded {
    public String kindFrom;
    public String countFrom;
    public void setKind(Color c) { kindFrom = "Color:" + c; }
    public void setKind(String s) { kindFrom = "String:" + s; }
    public void setCount(Integer i) { countFrom = "Integer:" + i; }
    public void setCount(int i) { countFrom = "int:" + i; }
  }

  public static class Flags {
    public Boolean boxed;
    private boolean on = true;
    private Boolean wrapper = true;
    public boolean isOn() { return on; }
    public Boolean isWrapper() { return wrapper; } // Jackson reads is- getters of boolean only
    public Optional<String> getMaybe() { return Optional.empty(); }
    public byte[] getBytes() { return new byte[] { 1, 2, 3 }; }
    public static String getStatic() { return "no"; }
  }

  public static class Child extends Item {
    private String extra = "e";
    public String getExtra() { return extra; }
  }

  /** Nesting at and past the limits; also run alone on a small thread stack. */
  static void depthCases() {
    run("depth.1000", () -> {
      Object v = Json.parse("[".repeat(1000) + "]".repeat(1000));
      int d = 0;
      while (v instanceof List && !((List<?>) v).isEmpty()) { v = ((List<?>) v).get(0); d++; }
      return d + 1;
    });
    run("depth.1001", () -> Json.parse("[".repeat(1001) + "]".repeat(1001)));
    run("depth.hostileArrays", () -> Json.parse("[".repeat(200000)));
    run("depth.hostileObjects", () -> Json.parse("{\"a\":".repeat(100000)));

    run("bind.deepNodes", () -> {
      Node n = (Node) bindJson("{\"next\":".repeat(999) + "{}" + "}".repeat(999), Node.class);
      int length = 1;
      while (n.next != null) { n = n.next; length++; }
      return length;
    });
    run("write.deepChain", () -> {
      Node head = new Node();
      Node n = head;
      for (int i = 0; i < 100000; i++) { n.next = new Node(); n = n.next; }
      return Json.write(head);
    });
    run("write.deepLists", () -> {
      Object v = new ArrayList<>();
      for (int i = 0; i < 999; i++) v = new ArrayList<>(Collections.singletonList(v));
      return Json.write(v).length();
    });

  }

  public static void main(String[] args) throws Exception {
    out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    if (args.length > 0 && args[0].equals("--depth")) {
      depthCases();
      return;
    }
    depthCases();

    // ---- parse: every value form, with its Java type
    run("parse.object", () -> tag(Json.parse(" {\"a\":1, \"b\":[true,false,null], \"c\":\"x\", \"d\":{}, \"e\":[]} ")));
    run("parse.scalars", () -> tag(Json.parse("[0,-0,123,-7,1.5,-0.0,1e3,1E-2,2.5e+2,\"\",true,false,null]")));
    run("parse.longEdges", () -> tag(Json.parse("[9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809,123456789012345678901234567890]")));
    run("parse.duplicateKeyLastWins", () -> tag(Json.parse("{\"a\":1,\"a\":2}")));
    run("parse.escapes", () -> Json.write(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\"")));
    run("parse.surrogatePair", () -> {
      String s = (String) Json.parse("\"\\ud83d\\ude00x\"");
      return s.length() + " " + Integer.toHexString(s.codePointAt(0)) + " " + s.substring(2);
    });
    run("parse.rawUnicode", () -> Json.parse("\"h\u00e9 \ud83d\ude00\""));
    run("parse.topLevelString", () -> tag(Json.parse("\"just text\"")));
    run("parse.whitespace", () -> tag(Json.parse("\r\n\t [ 1 ,\n 2 ] \n")));

    // ---- parse errors, with line:column
    String[][] bad = {
      {"empty", ""}, {"blank", "   "}, {"unclosedObject", "{"}, {"trailingCommaArray", "[1,]"},
      {"trailingCommaObject", "{\"a\":1,}"}, {"leadingZero", "01"}, {"dotWithoutDigits", "1."}, {"minusAlone", "-"},
      {"plus", "+1"}, {"badLiteral", "tru"}, {"unterminatedString", "\"abc"}, {"controlChar", "\"a\u0001\""},
      {"badEscape", "\"\\x\""}, {"badHex", "\"\\u12G4\""}, {"shortHex", "\"\\u12"}, {"unquotedKey", "{a:1}"},
      {"missingComma", "[1 2]"}, {"twoValues", "1 2"}, {"nan", "NaN"}, {"singleQuotes", "'x'"},
      {"multiline", "{\n  \"a\": tru\n}"}, {"missingColon", "{\"a\" 1}"}, {"comment", "[1] // no"},
      {"loneExponent", "1e"}, {"infinity", "-Infinity"},
    };
    for (String[] b : bad) run("parseError." + b[0], () -> tag(Json.parse(b[1])));
    run("parseError.null", () -> Json.parse(null));

    // ---- nesting: 1000 levels parse, deeper is refused cleanly, never a StackOverflowError
    // ---- bind: scalars (Jackson coerces numeric and boolean strings, truncates floats to ints)
    run("bind.string", () -> typed(bindJson("\"x\"", String.class)));
    run("bind.stringFromNumber", () -> typed(bindJson("12", String.class)) + " " + typed(bindJson("1.5", String.class)));
    run("bind.stringFromBoolean", () -> typed(bindJson("true", String.class)));
    run("bind.stringFromObject", () -> bindJson("{}", String.class));
    run("bind.int", () -> typed(bindJson("12", int.class)) + " " + typed(bindJson("\"12\"", Integer.class)) + " " + typed(bindJson("1.9", int.class)));
    run("bind.intNull", () -> typed(bindJson("null", int.class)) + " " + typed(bindJson("null", Integer.class)));
    run("bind.intOverflow", () -> bindJson("3000000000", int.class));
    run("bind.intFromText", () -> bindJson("\"x\"", int.class));
    // UNWRAP_SINGLE_VALUE_ARRAYS and ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT, as AWS's serializer configures
    run("bind.intFromArray", () -> bindJson("[1]", Integer.class) + " " + bindJson("[]", Integer.class) + " " + describeError(() -> bindJson("[1,2]", Integer.class)));
    run("bind.long", () -> typed(bindJson("9223372036854775807", long.class)) + " " + typed(bindJson("-9223372036854775808", Long.class)));
    run("bind.longOverflow", () -> bindJson("9223372036854775808", long.class));
    run("bind.shortByte", () -> typed(bindJson("-32768", short.class)) + " " + typed(bindJson("127", Byte.class)) + " " + typed(bindJson("-128", byte.class)));
    run("bind.shortOverflow", () -> bindJson("40000", Short.class));
    run("bind.double", () -> typed(bindJson("1", double.class)) + " " + typed(bindJson("2.5", Double.class)) + " " + typed(bindJson("\"NaN\"", double.class)));
    run("bind.float", () -> typed(bindJson("1.25", float.class)) + " " + typed(bindJson("3", Float.class)));
    run("bind.bigInteger", () -> typed(bindJson("123456789012345678901234567890", BigInteger.class)) + " " + typed(bindJson("5", BigInteger.class)));
    run("bind.bigDecimal", () -> typed(bindJson("1.25", BigDecimal.class)) + " " + typed(bindJson("\"1.10\"", BigDecimal.class)) + " " + typed(bindJson("123456789012345678901234567890", BigDecimal.class)));
    run("bind.number", () -> typed(bindJson("7", Number.class)));
    run("bind.boolean", () -> typed(bindJson("true", boolean.class)) + " " + typed(bindJson("\"false\"", Boolean.class)) + " " + typed(bindJson("null", boolean.class)));
    run("bind.booleanFromNumber", () -> bindJson("1", boolean.class));
    run("bind.char", () -> typed(bindJson("\"c\"", char.class)) + " " + typed(bindJson("\"\\u00e9\"", Character.class)));
    run("bind.charTooLong", () -> bindJson("\"ab\"", char.class));
    run("bind.object", () -> tag(bindJson("{\"a\":[1,\"b\"]}", Object.class)));
    run("bind.enum", () -> typed(bindJson("\"GREEN\"", Color.class)) + " " + typed(bindJson("2", Color.class)));
    run("bind.enumUnknown", () -> bindJson("\"PURPLE\"", Color.class));
    run("bind.enumOrdinalOutOfRange", () -> bindJson("3", Color.class));

    // ---- bind: collections, maps, arrays, generics
    run("bind.listOfInts", () -> typed(bindJson("[1,\"2\",null]", typeOf("listOfInts"))));
    run("bind.listOfIntsMismatch", () -> bindJson("[1,{}]", typeOf("listOfInts")));
    // ACCEPT_SINGLE_VALUE_AS_ARRAY
    run("bind.listFromObject", () -> typed(bindJson("5", typeOf("listOfInts"))) + " " + typed(bindJson("\"a\"", typeOf("setOfStrings"))) + " " + describeError(() -> bindJson("{}", typeOf("listOfInts"))));
    run("bind.setOfStrings", () -> typed(bindJson("[\"b\",\"a\",\"b\"]", typeOf("setOfStrings"))));
    run("bind.collectionOfLongs", () -> typed(bindJson("[1,2]", typeOf("collectionOfLongs"))) + " " + ((Collection<?>) bindJson("[1]", typeOf("collectionOfLongs"))).iterator().next().getClass().getSimpleName());
    run("bind.iterable", () -> typed(bindJson("[\"x\"]", typeOf("iterable"))));
    run("bind.mapOfLists", () -> typed(bindJson("{\"a\":[1,2],\"b\":[]}", typeOf("mapOfLists"))));
    run("bind.intKeys", () -> {
      Map<?, ?> m = (Map<?, ?>) bindJson("{\"1\":\"one\",\"2\":\"two\"}", typeOf("intKeys"));
      return m.keySet().iterator().next().getClass().getSimpleName() + " " + m;
    });
    run("bind.intKeysBad", () -> bindJson("{\"one\":\"x\"}", typeOf("intKeys")));
    run("bind.enumKeys", () -> typed(bindJson("{\"BLUE\":3}", typeOf("enumKeys"))));
    run("bind.sortedMap", () -> typed(bindJson("{\"b\":2,\"a\":1}", typeOf("sorted"))));
    run("bind.rawMap", () -> typed(bindJson("{\"a\":{\"b\":1}}", Map.class)));
    run("bind.rawList", () -> typed(bindJson("[1,\"a\",null]", List.class)));
    run("bind.concreteCollections", () -> typed(bindJson("[2,1]", TreeSet.class)) + " " + typed(bindJson("[1]", LinkedList.class)) + " " + typed(bindJson("{\"k\":1}", HashMap.class)));
    run("bind.wildcard", () -> {
      List<?> l = (List<?>) bindJson("[1,2.5]", typeOf("wildcard"));
      return l.get(0).getClass().getSimpleName() + " " + l.get(1).getClass().getSimpleName();
    });
    run("bind.intArray", () -> Arrays.toString((int[]) bindJson("[1,2,3]", int[].class)));
    run("bind.stringArray2d", () -> Arrays.deepToString((String[][]) bindJson("[[\"a\",\"b\"],[],[\"c\"]]", String[][].class)));
    run("bind.genericArray", () -> {
      Object a = bindJson("[[\"a\"],[\"b\",\"c\"]]", typeOf("genericArray"));
      return a.getClass().getSimpleName() + " " + Arrays.toString((Object[]) a);
    });
    run("bind.arrayMismatch", () -> bindJson("[[1],[2,{}]]", int[][].class));
    run("bind.bytesFromBase64", () -> Arrays.toString((byte[]) bindJson("\"AQID\"", byte[].class)));
    // Jackson's ByteBuffer (de)serializers: base64 text wrapped; written from position to limit
    run("bind.byteBuffer", () -> {
      java.nio.ByteBuffer b = (java.nio.ByteBuffer) bindJson("\"AQID\"", java.nio.ByteBuffer.class);
      return b.remaining() + " " + b.get(2) + " " + describeError(() -> bindJson("{}", java.nio.ByteBuffer.class));
    });
    run("write.byteBuffer", () -> {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(new byte[] { 1, 2, 3 });
      b.get();
      return Json.write(Arrays.asList(b, java.nio.ByteBuffer.allocateDirect(2)));
    });
    // Jackson's resolveSetterConflict: a primitive parameter first, then a String one
    run("bind.setterOverloads", () -> {
      Overloaded o = (Overloaded) bindJson("{\"kind\":\"RED\",\"count\":3}", Overloaded.class);
      return o.kindFrom + " " + o.countFrom;
    });
    run("bind.bytesBadBase64", () -> bindJson("\"***\"", byte[].class));
    run("bind.optional", () -> bindJson("\"x\"", typeOf("optional")) + " " + bindJson("null", typeOf("optional")));
    run("bind.nested", () -> {
      List<?> l = (List<?>) bindJson("[{\"a\":{\"sku\":\"s1\",\"price\":2}}]", typeOf("nested"));
      Item i = (Item) ((Map<?, ?>) l.get(0)).get("a");
      return i.getSku() + " " + i.getPrice();
    });

    // ---- bind: POJOs
    String orderJson = "{\"id\":\"o-1\",\"count\":\"3\",\"paid\":true,\"color\":\"RED\",\"note\":\"n\","
        + "\"items\":[{\"sku\":\"a\",\"price\":1.5,\"qty\":2},{\"sku\":\"b\",\"price\":2,\"qty\":1}],"
        + "\"byName\":{\"a\":{\"sku\":\"a\"}},\"created\":1500,\"unknown\":{\"deep\":[1,2]},\"alsoUnknown\":1}";
    run("bind.pojo", () -> {
      Order o = (Order) bindJson(orderJson, Order.class);
      return o.getId() + " " + o.getCount() + " " + o.isPaid() + " " + o.getColor() + " " + o.note + " "
          + o.getItems().size() + " " + o.getItems().get(0).getSku() + " " + o.getItems().get(0).getPrice() + " "
          + o.getItems().get(0).qty + " " + o.getItems().get(1).getPrice() + " " + o.getByName().get("a").getSku()
          + " " + o.getCreated().getTime();
    });
    run("bind.pojoMissingPropsStayDefault", () -> {
      Order o = (Order) bindJson("{}", Order.class);
      return o.getId() + " " + o.getCount() + " " + o.getItems();
    });
    // names match exactly, as AWS's Jackson (ACCEPT_CASE_INSENSITIVE_PROPERTIES off): other cases are unknown properties
    run("bind.pojoNamesExact", () -> {
      Order o = (Order) bindJson("{\"ID\":\"x\",\"Items\":[{\"SKU\":\"s\",\"QTY\":4}],\"COLOR\":\"BLUE\"}", Order.class);
      return o.getId() + " " + o.getItems() + " " + o.getColor();
    });
    run("bind.pojoOnlyExactName", () -> ((Link) bindJson("{\"name\":\"exact\",\"NAME\":\"upper\"}", Link.class)).describe() + " " + ((Link) bindJson("{\"NAME\":\"upper\"}", Link.class)).describe());
    run("bind.pojoBeanNaming", () -> ((Link) bindJson("{\"URL\":\"u\"}", Link.class)).describe());
    run("bind.pojoInherited", () -> {
      Child c = (Child) bindJson("{\"sku\":\"k\",\"qty\":3,\"extra\":\"ignored, no setter\"}", Child.class);
      return c.getSku() + " " + c.qty + " " + c.getExtra();
    });
    run("bind.pojoNestedError", () -> bindJson("{\"items\":[{\"sku\":\"a\"},{\"price\":\"x\"}]}", Order.class));
    run("bind.pojoMapError", () -> bindJson("{\"byName\":{\"my key\":{\"qty\":{}}}}", Order.class));
    // ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT, ACCEPT_EMPTY_STRING_AS_NULL_OBJECT, UNWRAP_SINGLE_VALUE_ARRAYS
    run("bind.pojoFromArray", () -> bindJson("[]", Order.class) + " " + bindJson("\"\"", Order.class) + " " + ((Order) bindJson("[{\"id\":\"x\"}]", Order.class)).getId() + " " + describeError(() -> bindJson("[{},{}]", Order.class)));
    run("bind.pojoNoDefaultConstructor", () -> bindJson("{}", NoDefault.class));
    run("bind.abstract", () -> bindJson("{}", Shape.class));
    run("bind.genericPojo", () -> {
      Page<?> p = (Page<?>) bindJson("{\"items\":[{\"sku\":\"x\"}],\"first\":{\"sku\":\"f\"}}", typeOf("pageOfItems"));
      return ((Item) p.getItems().get(0)).getSku() + " " + ((Item) p.getFirst()).getSku();
    });
    run("bind.rawGenericPojo", () -> {
      Page<?> p = (Page<?>) bindJson("{\"items\":[{\"sku\":\"x\"}]}", Page.class);
      return typed(p.getItems().get(0));
    });
    run("bind.selfReferencing", () -> {
      Node n = (Node) bindJson("{\"name\":\"a\",\"next\":{\"name\":\"b\",\"next\":null}}", Node.class);
      return n.name + " " + n.next.name + " " + n.next.next;
    });

    // ---- bind: dates and java.time
    run("bind.times", () -> {
      Times t = (Times) bindJson("{\"instant\":\"2024-02-03T04:05:06.789Z\",\"localDate\":\"2024-02-03\","
          + "\"localDateTime\":\"2024-02-03T04:05:06\",\"offsetDateTime\":\"2024-02-03T04:05:06+02:00\","
          + "\"zonedDateTime\":\"2024-02-03T04:05:06Z[UTC]\",\"date\":\"1970-01-01T00:00:01.500Z\"}", Times.class);
      return t.instant + " " + t.localDate + " " + t.localDateTime + " " + t.offsetDateTime + " " + t.zonedDateTime + " " + t.date.getTime();
    });
    run("bind.dateFromMillis", () -> ((Date) bindJson("1700000000123", Date.class)).getTime());
    run("bind.dateFromOffset", () -> ((Date) bindJson("\"1970-01-01T01:00:00+01:00\"", Date.class)).getTime());
    run("bind.dateBad", () -> bindJson("{\"date\":\"yesterday\"}", Times.class));
    run("bind.instantBad", () -> bindJson("{\"instant\":\"2024-13-01T00:00:00Z\"}", Times.class));
    // JavaTimeModule's timestamp forms (AWS's serializer registers it)
    run("bind.instantFromNumber", () -> ((Times) bindJson("{\"instant\":5,\"offsetDateTime\":1.5,\"zonedDateTime\":-1.25}", Times.class)).instant + " " + ((Times) bindJson("{\"offsetDateTime\":1.5}", Times.class)).offsetDateTime + " " + ((Times) bindJson("{\"zonedDateTime\":1700000000.5}", Times.class)).zonedDateTime);
    run("bind.localFromArrays", () -> {
      Times t = (Times) bindJson("{\"localDate\":[2024,2,3],\"localDateTime\":[2024,2,3,4,5]}", Times.class);
      return t.localDate + " " + t.localDateTime + " " + ((LocalDateTime) bindJson("[2024,2,3,4,5,6,7]", LocalDateTime.class)) + " " + bindJson("[10,20]", LocalTime.class);
    });
    run("bind.localFromBadArrays", () -> describeError(() -> bindJson("[2024,13,3]", LocalDate.class)) + " " + describeError(() -> bindJson("[2024,2]", LocalDate.class)) + " " + describeError(() -> bindJson("[2024,\"2\",3]", LocalDate.class)));
    run("roundTrip.times", () -> {
      Times t = (Times) bindJson("{\"instant\":\"2024-02-03T04:05:06.789Z\",\"localDate\":\"2024-02-03\",\"localDateTime\":\"2024-02-03T04:05:06.000000007\",\"offsetDateTime\":\"1969-12-31T23:59:59Z\",\"date\":1500}", Times.class);
      String once = Json.write(t);
      return once.equals(Json.write(bindJson(once, Times.class))) + " " + once;
    });

    // ---- write
    run("write.null", () -> Json.write(null));
    run("write.string", () -> Json.write("q\" b\\ s/ \b\f\n\r\t \u0001\u001f\u007f \u00e9 \ud83d\ude00"));
    run("write.numbers", () -> Json.write(Arrays.asList(1, -2L, (short) 3, (byte) 4, 1.0, 1.5f, 1e20, 1e-7, -0.0, 0.1 + 0.2)));
    run("write.bigNumbers", () -> Json.write(Arrays.asList(new BigInteger("123456789012345678901234567890"), new BigDecimal("1.10"), Long.MIN_VALUE)));
    run("write.nonFinite", () -> Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)));
    run("write.booleansAndChars", () -> Json.write(Arrays.asList(true, false, 'c', '"')));
    run("write.map", () -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      m.put("a", 1); m.put(2, "two"); m.put(Color.RED, null); m.put(null, true);
      return Json.write(m);
    });
    run("write.collections", () -> Json.write(Arrays.asList(new ArrayList<>(), new LinkedHashSet<>(Arrays.asList("x", "y")), new ArrayDeque<>(Arrays.asList(1)))));
    run("write.arrays", () -> Json.write(new Object[] { new int[] { 1, 2 }, new long[0], new double[] { 1.5 }, new boolean[] { true }, new String[] { "s", null }, new int[][] { { 1 }, { 2, 3 } } }));
    run("write.byteAndCharArrays", () -> Json.write(Arrays.asList(new byte[] { 1, 2, 3 }, new char[] { 'h', 'i' })));
    run("write.enum", () -> Json.write(Color.BLUE));
    run("write.optional", () -> Json.write(Arrays.asList(Optional.of("v"), Optional.empty())));
    run("write.time", () -> Json.write(Arrays.asList(Instant.ofEpochMilli(1500), LocalDate.of(2024, 2, 3), LocalDateTime.of(2024, 2, 3, 4, 5, 6), OffsetDateTime.of(2024, 2, 3, 4, 5, 6, 0, ZoneOffset.ofHours(2)), Duration.ofSeconds(90))));
    run("write.date", () -> Json.write(new Date(1500)));
    run("write.pojo", () -> Json.write(bindJson(orderJson, Order.class)));
    run("write.pojoNaming", () -> {
      Link l = new Link();
      l.setURL("u");
      l.setName("n");
      return Json.write(l);
    });
    run("write.pojoBooleansOptionalBytes", () -> Json.write(new Flags()));
    run("write.pojoInherited", () -> Json.write(new Child()));
    run("write.emptyBean", () -> Json.write(new Object()));
    run("write.cycleList", () -> {
      List<Object> l = new ArrayList<>();
      l.add(1);
      l.add(l);
      return Json.write(l);
    });
    run("write.cycleMap", () -> {
      Map<String, Object> m = new HashMap<>();
      m.put("self", Collections.singletonList(m));
      return Json.write(m);
    });
    run("write.cycleBean", () -> {
      Node a = new Node();
      a.name = "a";
      a.next = a;
      return Json.write(a);
    });
    run("write.sharedNotACycle", () -> {
      Item i = new Item();
      i.setSku("s");
      return Json.write(Arrays.asList(i, i));
    });
    // ---- round trips: parse(write(x)) and write(bind(parse(json)))
    run("roundTrip.tree", () -> {
      String json = "{\"a\":[1,-2,1.5,\"s\\n\\u0001\",true,null,{}],\"b\":{\"c\":[[]]},\"big\":123456789012345678901234567890,\"e\":\"\ud83d\ude00\"}";
      String once = Json.write(Json.parse(json));
      return once.equals(Json.write(Json.parse(once))) + " " + once;
    });
    run("roundTrip.pojo", () -> {
      String once = Json.write(bindJson(orderJson, Order.class));
      return once.equals(Json.write(bindJson(once, Order.class)));
    });

    // ---- AWS sample events into copies of aws-lambda-java-events shapes
    if (args.length > 0 && !args[0].equals("-")) Events.run(Paths.get(args[0]));
    if (args.length > 1) Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    // ---- our generators' sample events (sam local generate-event's shapes) into the same shapes
    if (args.length > 2) Events.runGenerated(Paths.get(args[2]));
  }
}
`;

const EVENTS_DRIVER = String.raw`
package lambdaworkbench.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/** Small copies of aws-lambda-java-events shapes (bean names as AWS's classes spell them). */
public class Events {
  public static class S3EventLike {
    // JSON "Records": a POJO needs the exact name (bean naming would make a setRecords "records"); AWS's
    // own S3Event gets it from its serializer, see javaEvents.test.ts
    public List<S3Record> Records;
  }
  public static class S3Record {
    private String eventVersion, eventSource, awsRegion, eventName;
    private Date eventTime;
    private UserIdentity userIdentity;
    private Map<String, String> requestParameters, responseElements;
    private S3Entity s3;
    public String getEventVersion() { return eventVersion; }
    public void setEventVersion(String v) { eventVersion = v; }
    public String getEventSource() { return eventSource; }
    public void setEventSource(String v) { eventSource = v; }
    public String getAwsRegion() { return awsRegion; }
    public void setAwsRegion(String v) { awsRegion = v; }
    public String getEventName() { return eventName; }
    public void setEventName(String v) { eventName = v; }
    public Date getEventTime() { return eventTime; }
    public void setEventTime(Date v) { eventTime = v; }
    public UserIdentity getUserIdentity() { return userIdentity; }
    public void setUserIdentity(UserIdentity v) { userIdentity = v; }
    public Map<String, String> getRequestParameters() { return requestParameters; }
    public void setRequestParameters(Map<String, String> v) { requestParameters = v; }
    public Map<String, String> getResponseElements() { return responseElements; }
    public void setResponseElements(Map<String, String> v) { responseElements = v; }
    public S3Entity getS3() { return s3; }
    public void setS3(S3Entity v) { s3 = v; }
  }
  public static class UserIdentity {
    private String principalId;
    public String getPrincipalId() { return principalId; }
    public void setPrincipalId(String v) { principalId = v; }
  }
  public static class S3Entity {
    private String s3SchemaVersion, configurationId;
    private S3Bucket bucket;
    private S3Object object;
    public String getS3SchemaVersion() { return s3SchemaVersion; }
    public void setS3SchemaVersion(String v) { s3SchemaVersion = v; }
    public String getConfigurationId() { return configurationId; }
    public void setConfigurationId(String v) { configurationId = v; }
    public S3Bucket getBucket() { return bucket; }
    public void setBucket(S3Bucket v) { bucket = v; }
    public S3Object getObject() { return object; }
    public void setObject(S3Object v) { object = v; }
  }
  public static class S3Bucket {
    private String name, arn;
    private UserIdentity ownerIdentity;
    public String getName() { return name; }
    public void setName(String v) { name = v; }
    public String getArn() { return arn; }
    public void setArn(String v) { arn = v; }
    public UserIdentity getOwnerIdentity() { return ownerIdentity; }
    public void setOwnerIdentity(UserIdentity v) { ownerIdentity = v; }
  }
  public static class S3Object {
    private String key, versionId, eTag, sequencer;
    private Long size;
    public String getKey() { return key; }
    public void setKey(String v) { key = v; }
    public Long getSizeAsLong() { return size; }
    public void setSize(Long v) { size = v; }
    public String getVersionId() { return versionId; }
    public void setVersionId(String v) { versionId = v; }
    public String geteTag() { return eTag; }
    public void seteTag(String v) { eTag = v; } // bean name "eTag", as the JSON spells it
    public String getSequencer() { return sequencer; }
    public void setSequencer(String v) { sequencer = v; }
  }

  public static class SQSEventLike {
    public List<SQSMessage> Records; // the JSON's exact name
  }
  public static class SQSMessage {
    private String messageId, receiptHandle, body, md5OfBody, md5OfMessageAttributes, eventSourceArn, eventSource, awsRegion;
    private Map<String, String> attributes;
    private Map<String, MessageAttribute> messageAttributes;
    public String getMessageId() { return messageId; }
    public void setMessageId(String v) { messageId = v; }
    public String getReceiptHandle() { return receiptHandle; }
    public void setReceiptHandle(String v) { receiptHandle = v; }
    public String getBody() { return body; }
    public void setBody(String v) { body = v; }
    public String getMd5OfBody() { return md5OfBody; }
    public void setMd5OfBody(String v) { md5OfBody = v; }
    public String getMd5OfMessageAttributes() { return md5OfMessageAttributes; }
    public void setMd5OfMessageAttributes(String v) { md5OfMessageAttributes = v; }
    public String getEventSourceArn() { return eventSourceArn; }
    public void setEventSourceARN(String v) { eventSourceArn = v; } // bean name "eventSourceARN", as the JSON spells it
    public String getEventSource() { return eventSource; }
    public void setEventSource(String v) { eventSource = v; }
    public String getAwsRegion() { return awsRegion; }
    public void setAwsRegion(String v) { awsRegion = v; }
    public Map<String, String> getAttributes() { return attributes; }
    public void setAttributes(Map<String, String> v) { attributes = v; }
    public Map<String, MessageAttribute> getMessageAttributes() { return messageAttributes; }
    public void setMessageAttributes(Map<String, MessageAttribute> v) { messageAttributes = v; }
  }
  public static class MessageAttribute {
    private String stringValue, dataType;
    private byte[] binaryValue;
    private List<String> stringListValues;
    private List<byte[]> binaryListValues;
    public String getStringValue() { return stringValue; }
    public void setStringValue(String v) { stringValue = v; }
    public String getDataType() { return dataType; }
    public void setDataType(String v) { dataType = v; }
    public byte[] getBinaryValue() { return binaryValue; }
    public void setBinaryValue(byte[] v) { binaryValue = v; }
    public List<String> getStringListValues() { return stringListValues; }
    public void setStringListValues(List<String> v) { stringListValues = v; }
    public List<byte[]> getBinaryListValues() { return binaryListValues; }
    public void setBinaryListValues(List<byte[]> v) { binaryListValues = v; }
  }

  /** APIGatewayV2HTTPEvent's shape (the HTTP API sample is the API Gateway proxy event we hold). */
  public static class HttpApiEventLike {
    private String version, routeKey, rawPath, rawQueryString, body;
    private List<String> cookies;
    private Map<String, String> headers, queryStringParameters, pathParameters, stageVariables;
    private boolean isBase64Encoded;
    private RequestContext requestContext;
    public String getVersion() { return version; }
    public void setVersion(String v) { version = v; }
    public String getRouteKey() { return routeKey; }
    public void setRouteKey(String v) { routeKey = v; }
    public String getRawPath() { return rawPath; }
    public void setRawPath(String v) { rawPath = v; }
    public String getRawQueryString() { return rawQueryString; }
    public void setRawQueryString(String v) { rawQueryString = v; }
    public String getBody() { return body; }
    public void setBody(String v) { body = v; }
    public List<String> getCookies() { return cookies; }
    public void setCookies(List<String> v) { cookies = v; }
    public Map<String, String> getHeaders() { return headers; }
    public void setHeaders(Map<String, String> v) { headers = v; }
    public Map<String, String> getQueryStringParameters() { return queryStringParameters; }
    public void setQueryStringParameters(Map<String, String> v) { queryStringParameters = v; }
    public Map<String, String> getPathParameters() { return pathParameters; }
    public void setPathParameters(Map<String, String> v) { pathParameters = v; }
    public Map<String, String> getStageVariables() { return stageVariables; }
    public void setStageVariables(Map<String, String> v) { stageVariables = v; }
    public boolean getIsBase64Encoded() { return isBase64Encoded; }
    public void setIsBase64Encoded(boolean v) { isBase64Encoded = v; }
    public RequestContext getRequestContext() { return requestContext; }
    public void setRequestContext(RequestContext v) { requestContext = v; }
  }
  public static class RequestContext {
    public String accountId, apiId, domainName, requestId, stage, time;
    public long timeEpoch;
    public Http http;
    public Authorizer authorizer;
  }
  public static class Http {
    public String method, path, protocol, sourceIp, userAgent;
  }
  public static class Authorizer {
    public Jwt jwt;
  }
  public static class Jwt {
    public Map<String, String> claims;
    public List<String> scopes;
  }

  static Object read(Path dir, String file, Class<?> type) throws Exception {
    return Json.bind(Json.parse(new String(Files.readAllBytes(dir.resolve(file)), StandardCharsets.UTF_8)), type);
  }

  static void run(Path dir) {
    Driver.run("events.s3", () -> {
      S3Record r = ((S3EventLike) read(dir, "aws-lambda-go/s3-event.json", S3EventLike.class)).Records.get(0);
      S3Object o = r.getS3().getObject();
      return r.getEventName() + " " + r.getEventTime().getTime() + " " + r.getUserIdentity().getPrincipalId() + " "
          + r.getRequestParameters().get("sourceIPAddress") + " " + r.getResponseElements().get("x-amz-request-id") + " "
          + r.getS3().getBucket().getName() + " " + r.getS3().getBucket().getOwnerIdentity().getPrincipalId() + " "
          + o.getKey() + " " + o.getSizeAsLong() + " " + o.geteTag() + " " + o.getSequencer();
    });
    Driver.run("events.s3Sam", () -> {
      S3Record r = ((S3EventLike) read(dir, "aws-sam-cli/s3-put.json", S3EventLike.class)).Records.get(0);
      return r.getS3().getBucket().getArn() + " " + r.getS3().getObject().getKey() + " " + r.getEventTime().getTime();
    });
    Driver.run("events.sqs", () -> {
      SQSMessage m = ((SQSEventLike) read(dir, "aws-lambda-go/sqs-event.json", SQSEventLike.class)).Records.get(0);
      MessageAttribute a3 = m.getMessageAttributes().get("Attribute3");
      return m.getMessageId() + " " + m.getBody() + " " + m.getEventSourceArn() + " " + m.getAttributes().get("SentTimestamp") + " "
          + m.getMessageAttributes().keySet() + " " + new String(a3.getBinaryValue(), StandardCharsets.UTF_8) + " "
          + a3.getStringListValues() + " " + a3.getBinaryListValues().size() + " " + a3.getBinaryListValues().get(1)[0] + " "
          + m.getMessageAttributes().get("Attribute2").getStringValue() + " " + a3.getDataType();
    });
    Driver.run("events.sqsSam", () -> {
      SQSEventLike e = (SQSEventLike) read(dir, "aws-sam-cli/sqs-receive-message.json", SQSEventLike.class);
      return e.Records.size() + " " + e.Records.get(0).getEventSourceArn();
    });
    Driver.run("events.httpApi", () -> {
      HttpApiEventLike e = (HttpApiEventLike) read(dir, "aws-sam-cli/apigateway-http-api-proxy.json", HttpApiEventLike.class);
      RequestContext c = e.getRequestContext();
      return e.getVersion() + " " + e.getRawPath() + " " + e.getCookies() + " " + e.getHeaders().get("Header2") + " "
          + e.getQueryStringParameters() + " " + e.getPathParameters() + " " + e.getIsBase64Encoded() + " " + e.getBody() + " "
          + c.http.method + " " + c.http.sourceIp + " " + c.timeEpoch + " " + c.authorizer.jwt.scopes + " " + c.authorizer.jwt.claims.get("claim1");
    });
    Driver.run("events.httpApiRoundTrip", () -> {
      HttpApiEventLike e = (HttpApiEventLike) read(dir, "aws-sam-cli/apigateway-http-api-proxy.json", HttpApiEventLike.class);
      String once = Json.write(e);
      return once.equals(Json.write(Json.bind(Json.parse(once), HttpApiEventLike.class)));
    });
  }

  /** The same shapes from our generators' events (written by the test into dir): never skipped. */
  static void runGenerated(Path dir) {
    Driver.run("events.generated.s3", () -> {
      S3Record r = ((S3EventLike) read(dir, "s3-put.json", S3EventLike.class)).Records.get(0);
      S3Object o = r.getS3().getObject();
      return r.getEventName() + " " + r.getEventTime().getTime() + " " + r.getUserIdentity().getPrincipalId() + " "
          + r.getRequestParameters().get("sourceIPAddress") + " " + r.getResponseElements().get("x-amz-request-id") + " "
          + r.getS3().getBucket().getName() + " " + r.getS3().getBucket().getOwnerIdentity().getPrincipalId() + " "
          + o.getKey() + " " + o.getSizeAsLong() + " " + o.geteTag() + " " + o.getSequencer() + " " + o.getVersionId();
    });
    Driver.run("events.generated.sqs", () -> {
      SQSEventLike e = (SQSEventLike) read(dir, "sqs-receive-message.json", SQSEventLike.class);
      SQSMessage m = e.Records.get(1);
      MessageAttribute blob = m.getMessageAttributes().get("Blob");
      return e.Records.size() + " " + m.getMessageId() + " " + m.getBody() + " " + m.getEventSourceArn() + " "
          + m.getAttributes().get("SentTimestamp") + " " + m.getMessageAttributes().keySet() + " "
          + new String(blob.getBinaryValue(), StandardCharsets.UTF_8) + " " + blob.getDataType() + " " + blob.getStringListValues() + " "
          + m.getMessageAttributes().get("Greeting").getStringValue();
    });
    Driver.run("events.generated.httpApi", () -> {
      HttpApiEventLike e = (HttpApiEventLike) read(dir, "apigateway-http-api-proxy.json", HttpApiEventLike.class);
      RequestContext c = e.getRequestContext();
      return e.getVersion() + " " + e.getRawPath() + " " + e.getCookies() + " " + e.getHeaders().get("content-type") + " "
          + e.getQueryStringParameters() + " " + e.getIsBase64Encoded() + " " + e.getBody() + " "
          + c.http.method + " " + c.http.sourceIp + " " + c.timeEpoch + " " + c.authorizer.jwt.scopes + " " + c.authorizer.jwt.claims.get("aud");
    });
    Driver.run("events.generated.httpApiRoundTrip", () -> {
      HttpApiEventLike e = (HttpApiEventLike) read(dir, "apigateway-http-api-proxy.json", HttpApiEventLike.class);
      String once = Json.write(e);
      return once.equals(Json.write(Json.bind(Json.parse(once), HttpApiEventLike.class)));
    });
  }
}
`;

// Compiled with --release 17 on its own: Json.java reaches records only through reflection.
const RECORDS_DRIVER = String.raw`
package lambdaworkbench.records;

import java.lang.reflect.Method;
import java.util.*;

public class RecordCases {
  public record Point(int x, int y) {}
  public record Line(String name, List<Point> points, Map<String, Point> marks, Optional<String> note) {}
  record Hidden(String secret, long n) {}
  public record Box<T>(T content, List<T> more) {}
  public record Checked(String name) {
    public Checked {
      if (name == null || name.isEmpty()) throw new IllegalArgumentException("name is required");
    }
  }
  @SuppressWarnings("unused")
  static class Types {
    Box<Point> boxOfPoints;
  }

  static Object bind(String json, java.lang.reflect.Type type) throws Exception {
    Class<?> json_ = Class.forName("lambdaworkbench.runtime.Json");
    Method parse = json_.getDeclaredMethod("parse", String.class);
    Method bind = json_.getDeclaredMethod("bind", Object.class, java.lang.reflect.Type.class);
    parse.setAccessible(true);
    bind.setAccessible(true);
    try {
      return bind.invoke(null, parse.invoke(null, json), type);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  static String write(Object v) throws Exception {
    Method write = Class.forName("lambdaworkbench.runtime.Json").getDeclaredMethod("write", Object.class);
    write.setAccessible(true);
    try {
      return (String) write.invoke(null, v);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  static void run(String name, Callable c) {
    String result;
    try {
      result = String.valueOf(c.call());
    } catch (Throwable e) {
      result = (e.getClass().getSimpleName().equals("JsonException") ? "!" : "!!" + e.getClass().getName() + ": ") + e.getMessage();
    }
    System.out.println(name + "\t" + result.replace("\n", "\\n"));
  }

  interface Callable { Object call() throws Exception; }

  public static void main(String[] args) {
    run("record.bind", () -> bind("{\"x\":1,\"y\":\"2\",\"z\":3}", Point.class));
    run("record.missingComponent", () -> bind("{\"x\":1}", Point.class));
    run("record.caseInsensitive", () -> bind("{\"X\":5,\"Y\":6}", Point.class));
    run("record.nested", () -> bind("{\"name\":\"l\",\"points\":[{\"x\":1,\"y\":2}],\"marks\":{\"a\":{\"x\":3,\"y\":4}},\"note\":\"n\"}", Line.class));
    run("record.nonPublic", () -> bind("{\"secret\":\"s\",\"n\":9}", Hidden.class));
    run("record.generic", () -> bind("{\"content\":{\"x\":1,\"y\":1},\"more\":[{\"x\":2,\"y\":2}]}", Types.class.getDeclaredField("boxOfPoints").getGenericType()));
    run("record.genericContentType", () -> ((Box<?>) bind("{\"content\":{\"x\":1,\"y\":1}}", Types.class.getDeclaredField("boxOfPoints").getGenericType())).content().getClass().getSimpleName());
    run("record.mismatch", () -> bind("{\"name\":\"l\",\"points\":[{\"x\":\"one\"}]}", Line.class));
    run("record.constructorThrows", () -> bind("{\"name\":\"\"}", Checked.class));
    run("record.write", () -> write(new Line("l", List.of(new Point(1, 2)), Map.of("a", new Point(3, 4)), Optional.empty())));
    run("record.writeNonPublic", () -> write(new Hidden("s", 9)));
    run("record.roundTrip", () -> {
      Line l = new Line("l", List.of(new Point(1, 2), new Point(-3, 0)), new TreeMap<>(Map.of("a", new Point(3, 4))), Optional.of("n"));
      return bind(write(l), Line.class).equals(l);
    });
  }
}
`;

// Our generators' events (src/core/events, as `generate-event` writes them), with options that reach
// the nested, binary and list parts of each shape.
type Event = any;
const GENERATED: Record<string, Event> = {
  's3-put.json': generateSampleEvent('s3', 'put', { bucket: 'photos', key: 'Happy Face.jpg', size: 4096, 'version-id': 'v-7' }),
  'sqs-receive-message.json': generateSampleEvent('sqs', 'receive-message', {
    records: 2,
    body: 'generated body',
    'message-attributes': { Greeting: 'hi', Blob: { dataType: 'Binary', binaryValue: Buffer.from('blob bytes').toString('base64') } },
  }),
  'apigateway-http-api-proxy.json': generateSampleEvent('apigateway', 'http-api-proxy', {
    cookies: 'a=1,b=2',
    'query-string': 'x=1&x=2',
    authorizer: 'jwt',
    scopes: 'read,write',
    base64: true,
  }),
};

/** What the driver's generated cases print, from the events themselves. */
function generatedExpected(): Record<string, string> {
  const s3 = GENERATED['s3-put.json'].Records[0];
  const o = s3.s3.object;
  const sqs = GENERATED['sqs-receive-message.json'].Records[1];
  const http = GENERATED['apigateway-http-api-proxy.json'];
  const c = http.requestContext;
  return {
    'events.generated.s3': [
      'ObjectCreated:Put',
      Date.parse(s3.eventTime),
      s3.userIdentity.principalId,
      s3.requestParameters.sourceIPAddress,
      s3.responseElements['x-amz-request-id'],
      'photos',
      s3.s3.bucket.ownerIdentity.principalId,
      'Happy+Face.jpg',
      4096,
      o.eTag,
      o.sequencer,
      'v-7',
    ].join(' '),
    'events.generated.sqs': [
      2,
      sqs.messageId,
      'generated body',
      sqs.eventSourceARN,
      sqs.attributes.SentTimestamp,
      `[${Object.keys(sqs.messageAttributes).join(', ')}]`,
      'blob bytes',
      'Binary',
      '[]',
      'hi',
    ].join(' '),
    'events.generated.httpApi': [
      '2.0',
      http.rawPath,
      '[a=1, b=2]',
      'application/octet-stream',
      '{x=1,2}',
      true,
      http.body,
      c.http.method,
      c.http.sourceIp,
      c.timeEpoch,
      '[read, write]',
      c.authorizer.jwt.claims.aud,
    ].join(' '),
    'events.generated.httpApiRoundTrip': 'true',
  };
}

interface DriverRun {
  results: Map<string, string>;
  stderr: string;
  status: number | null;
  /** The nesting cases again on a 160 KiB thread stack. */
  smallStack: DriverRun | undefined;
}

/** Compiles Json.java (--release 11), the drivers and the record cases (--release 17), runs them once. */
function compileAndRun(): DriverRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-java-json-'));
  const srcDir = path.join(dir, 'src', 'lambdaworkbench', 'runtime');
  const recordsDir = path.join(dir, 'src', 'lambdaworkbench', 'records');
  const classes = path.join(dir, 'classes');
  fs.mkdirSync(srcDir, { recursive: true });
  fs.mkdirSync(recordsDir, { recursive: true });
  fs.writeFileSync(path.join(srcDir, 'Driver.java'), DRIVER);
  fs.writeFileSync(path.join(srcDir, 'Events.java'), EVENTS_DRIVER);
  fs.writeFileSync(path.join(recordsDir, 'RecordCases.java'), RECORDS_DRIVER);
  const javac = (args: string[]): void => {
    const r = spawnSync(JAVAC!, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `javac ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  };
  javac(['--release', '11', '-Xlint:all', '-Werror', '-d', classes, ...JSON_SOURCES]);
  javac([
    '--release',
    '11',
    '-nowarn',
    '-encoding',
    'UTF-8',
    '-cp',
    classes,
    '-d',
    classes,
    path.join(srcDir, 'Driver.java'),
    path.join(srcDir, 'Events.java'),
  ]);
  javac(['--release', '17', '-encoding', 'UTF-8', '-cp', classes, '-d', classes, path.join(recordsDir, 'RecordCases.java')]);
  const args = fs.existsSync(EVENTS) ? [EVENTS] : ['-'];
  const generated = path.join(dir, 'generated');
  fs.mkdirSync(generated);
  for (const [file, event] of Object.entries(GENERATED)) fs.writeFileSync(path.join(generated, file), JSON.stringify(event));
  const run = spawnSync(JAVA!, ['-cp', classes, 'lambdaworkbench.runtime.Driver', ...args, 'lambdaworkbench.records.RecordCases', generated], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const small = spawnSync(JAVA!, ['-Xss160k', '-cp', classes, 'lambdaworkbench.runtime.Driver', '--depth'], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    ...resultsOf(run),
    smallStack: { ...resultsOf(small), smallStack: undefined },
  };
}

function resultsOf(run: { stdout: string; stderr: string; status: number | null }): Omit<DriverRun, 'smallStack'> {
  const results = new Map<string, string>();
  for (const line of run.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) results.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return { results, stderr: run.stderr, status: run.status };
}

// Expected results, case by case: "!" starts a JsonException's message, "!!" any other throwable.
const EXPECTED: Record<string, string> = {
  'parse.object': '{a=L1,b=[Btrue,Bfalse,null],c=S"x",d={},e=[]}',
  'parse.scalars': '[L0,L0,L123,L-7,D1.5,D-0.0,D1000.0,D0.01,D250.0,S"",Btrue,Bfalse,null]',
  'parse.longEdges': '[L9223372036854775807,L-9223372036854775808,I9223372036854775808,I-9223372036854775809,I123456789012345678901234567890]',
  'parse.duplicateKeyLastWins': '{a=L2}',
  'parse.escapes': '"q\\" b\\\\ s/ \\b\\f\\n\\r\\t Aé€"',
  'parse.surrogatePair': '3 1f600 x',
  'parse.rawUnicode': 'hé 😀',
  'parse.topLevelString': 'S"just text"',
  'parse.whitespace': '[L1,L2]',
  'parseError.empty': '!invalid JSON at 1:1: unexpected end of input, expected a value',
  'parseError.blank': '!invalid JSON at 1:4: unexpected end of input, expected a value',
  'parseError.unclosedObject': '!invalid JSON at 1:2: unexpected end of input, expected a property name in double quotes',
  'parseError.trailingCommaArray': "!invalid JSON at 1:4: unexpected ']', expected a value",
  'parseError.trailingCommaObject': "!invalid JSON at 1:8: unexpected '}', expected a property name in double quotes",
  'parseError.leadingZero': '!invalid JSON at 1:2: leading zeros are not allowed in a number',
  'parseError.dotWithoutDigits': '!invalid JSON at 1:3: expected a digit after the decimal point',
  'parseError.minusAlone': '!invalid JSON at 1:2: expected a digit in a number',
  'parseError.plus': "!invalid JSON at 1:1: unexpected '+', expected a value",
  'parseError.badLiteral': "!invalid JSON at 1:1: unexpected 't', expected a value",
  'parseError.unterminatedString': '!invalid JSON at 1:1: unterminated string',
  'parseError.controlChar': '!invalid JSON at 1:3: unescaped control character U+0001 in a string',
  'parseError.badEscape': "!invalid JSON at 1:3: invalid escape '\\x' in a string",
  'parseError.badHex': '!invalid JSON at 1:6: invalid hex digit in a \\u escape',
  'parseError.shortHex': '!invalid JSON at 1:3: incomplete \\u escape in a string',
  'parseError.unquotedKey': "!invalid JSON at 1:2: unexpected 'a', expected a property name in double quotes",
  'parseError.missingComma': "!invalid JSON at 1:4: unexpected '2', expected ',' or ']'",
  'parseError.twoValues': "!invalid JSON at 1:3: unexpected '2' after the JSON value",
  'parseError.nan': "!invalid JSON at 1:1: unexpected 'N', expected a value",
  'parseError.singleQuotes': "!invalid JSON at 1:1: unexpected ''', expected a value",
  'parseError.multiline': "!invalid JSON at 2:8: unexpected 't', expected a value",
  'parseError.missingColon': "!invalid JSON at 1:6: unexpected '1', expected ':'",
  'parseError.comment': "!invalid JSON at 1:5: unexpected '/' after the JSON value",
  'parseError.loneExponent': '!invalid JSON at 1:3: expected a digit in the exponent',
  'parseError.infinity': '!invalid JSON at 1:2: expected a digit in a number',
  'parseError.null': '!no JSON text (null)',
  'depth.1000': '1000',
  'depth.1001': '!invalid JSON at 1:1001: nesting deeper than 1000 levels',
  'depth.hostileArrays': '!invalid JSON at 1:1001: nesting deeper than 1000 levels',
  'depth.hostileObjects': '!invalid JSON at 1:5001: nesting deeper than 1000 levels',
  'bind.string': 'String:x',
  'bind.stringFromNumber': 'String:12 String:1.5',
  'bind.stringFromBoolean': 'String:true',
  'bind.stringFromObject': '!$: expected a string, got an object',
  'bind.int': 'Integer:12 Integer:12 Integer:1',
  'bind.intNull': 'Integer:0 null',
  'bind.intOverflow': '!$: 3000000000 is out of range of int',
  'bind.intFromText': '!$: expected a number, got "x"',
  'bind.intFromArray': '1 null !$: expected a number, got an array',
  'bind.long': 'Long:9223372036854775807 Long:-9223372036854775808',
  'bind.longOverflow': '!$: 9223372036854775808 is out of range of long',
  'bind.shortByte': 'Short:-32768 Byte:127 Byte:-128',
  'bind.shortOverflow': '!$: 40000 is out of range of short',
  'bind.double': 'Double:1.0 Double:2.5 Double:NaN',
  'bind.float': 'Float:1.25 Float:3.0',
  'bind.bigInteger': 'BigInteger:123456789012345678901234567890 BigInteger:5',
  'bind.bigDecimal': 'BigDecimal:1.25 BigDecimal:1.10 BigDecimal:123456789012345678901234567890',
  'bind.number': 'Long:7',
  'bind.boolean': 'Boolean:true Boolean:false Boolean:false',
  'bind.booleanFromNumber': '!$: expected a boolean, got 1',
  'bind.char': 'Character:c Character:é',
  'bind.charTooLong': '!$: expected a single character, got "ab"',
  'bind.object': '{a=[L1,S"b"]}',
  'bind.enum': 'Color:GREEN Color:BLUE',
  'bind.enumUnknown': 'null',
  'bind.enumOrdinalOutOfRange': 'null',
  'bind.listOfInts': 'ArrayList:[1, 2, null]',
  'bind.listOfIntsMismatch': '!$[1]: expected a number, got an object',
  'bind.listFromObject': 'ArrayList:[5] LinkedHashSet:[a] !$[0]: expected a number, got an object',
  'bind.setOfStrings': 'LinkedHashSet:[b, a]',
  'bind.collectionOfLongs': 'ArrayList:[1, 2] Long',
  'bind.iterable': 'ArrayList:[x]',
  'bind.mapOfLists': 'LinkedHashMap:{a=[1, 2], b=[]}',
  'bind.intKeys': 'Integer {1=one, 2=two}',
  'bind.intKeysBad': '!$.one: expected a number, got "one"',
  'bind.enumKeys': 'LinkedHashMap:{BLUE=3}',
  'bind.sortedMap': 'TreeMap:{a=1, b=2}',
  'bind.rawMap': 'LinkedHashMap:{a={b=1}}',
  'bind.rawList': 'ArrayList:[1, a, null]',
  'bind.concreteCollections': 'TreeSet:[1, 2] LinkedList:[1] HashMap:{k=1}',
  'bind.wildcard': 'Long Double',
  'bind.intArray': '[1, 2, 3]',
  'bind.stringArray2d': '[[a, b], [], [c]]',
  'bind.genericArray': 'List[] [[a], [b, c]]',
  'bind.arrayMismatch': '!$[1][1]: expected a number, got an object',
  'bind.bytesFromBase64': '[1, 2, 3]',
  'bind.bytesBadBase64': '!$: "***" is not base64',
  'bind.optional': 'Optional[x] Optional.empty',
  'bind.nested': 's1 2.0',
  'bind.pojo': 'o-1 3 true RED n 2 a 1.5 2 2.0 a 1500',
  'bind.pojoMissingPropsStayDefault': 'null 0 null',
  'bind.pojoNamesExact': 'null null null',
  'bind.pojoOnlyExactName': 'null|exact null|null',
  'bind.pojoBeanNaming': 'u|null',
  'bind.pojoInherited': 'k 3 e',
  'bind.pojoNestedError': '!$.items[1].price: expected a number, got "x"',
  'bind.pojoMapError': '!$.byName["my key"].qty: expected a number, got an object',
  'bind.pojoFromArray': 'null null x !$: expected an object, got an array',
  'bind.pojoNoDefaultConstructor': '!$: lambdaworkbench.runtime.Driver$NoDefault has no no-argument constructor',
  'bind.abstract': '!$: cannot create an instance of abstract type lambdaworkbench.runtime.Driver$Shape',
  'bind.genericPojo': 'x f',
  'bind.rawGenericPojo': 'LinkedHashMap:{sku=x}',
  'bind.selfReferencing': 'a b null',
  'bind.times': '2024-02-03T04:05:06.789Z 2024-02-03 2024-02-03T04:05:06 2024-02-03T04:05:06+02:00 2024-02-03T04:05:06Z[UTC] 1500',
  'bind.dateFromMillis': '1700000000123',
  'bind.dateFromOffset': '0',
  'bind.dateBad': '!$.date: "yesterday" is not an ISO-8601 date-time',
  'bind.instantBad': '!$.instant: "2024-13-01T00:00:00Z" is not an ISO-8601 Instant',
  'bind.instantFromNumber': '1970-01-01T00:00:05Z 1970-01-01T00:00:01.500Z 2023-11-14T22:13:20.500Z',
  'write.null': 'null',
  'write.string': '"q\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001F\u007f é 😀"',
  'write.numbers': '[1,-2,3,4,1.0,1.5,1.0E20,1.0E-7,-0.0,0.30000000000000004]',
  'write.bigNumbers': '[123456789012345678901234567890,1.10,-9223372036854775808]',
  'write.nonFinite': '["NaN","Infinity","-Infinity"]',
  'write.booleansAndChars': '[true,false,"c","\\""]',
  'write.map': '{"a":1,"2":"two","RED":null,"null":true}',
  'write.collections': '[[],["x","y"],[1]]',
  'write.arrays': '[[1,2],[],[1.5],[true],["s",null],[[1],[2,3]]]',
  'write.byteAndCharArrays': '["AQID","hi"]',
  'bind.byteBuffer': '3 3 !$: expected a base64 string, got an object',
  'write.byteBuffer': '["AgM=","AAA="]',
  'bind.setterOverloads': 'String:RED int:3',
  'write.enum': '"BLUE"',
  'write.optional': '["v",null]',
  // JavaTimeModule with WRITE_DATES_AS_TIMESTAMPS: decimal epoch seconds, local values as arrays
  'write.time': '[1.500000000,[2024,2,3],[2024,2,3,4,5,6],1706925906.000000000,90.000000000]',
  'write.date': '1500',
  'write.pojo':
    '{"id":"o-1","count":3,"paid":true,"color":"RED","items":[{"sku":"a","price":1.5,"qty":2},{"sku":"b","price":2.0,"qty":1}],' +
    '"byName":{"a":{"sku":"a","price":0.0,"qty":0}},"created":1500,"note":"n"}',
  'write.pojoNaming': '{"name":"n","URL":"u"}',
  'write.pojoBooleansOptionalBytes': '{"on":true,"bytes":"AQID","maybe":null}',
  'write.pojoInherited': '{"price":0.0,"qty":0,"extra":"e"}',
  'write.emptyBean': '{}',
  'write.cycleList': '!cannot write a cyclic structure (a java.util.ArrayList contains itself)',
  'write.cycleMap': '!cannot write a cyclic structure (a java.util.HashMap contains itself)',
  'write.cycleBean': '!cannot write a cyclic structure (a lambdaworkbench.runtime.Driver$Node contains itself)',
  'write.sharedNotACycle': '[{"sku":"s","price":0.0,"qty":0},{"sku":"s","price":0.0,"qty":0}]',
  'write.deepChain': '!cannot write a value nested deeper than 1000 levels',
  'write.deepLists': '2000',
  'bind.deepNodes': '1000',
  'roundTrip.tree': 'true {"a":[1,-2,1.5,"s\\n\\u0001",true,null,{}],"b":{"c":[[]]},"big":123456789012345678901234567890,"e":"😀"}',
  'roundTrip.pojo': 'true',
  'bind.localFromArrays': '2024-02-03 2024-02-03T04:05 2024-02-03T04:05:06.000000007 10:20',
  'bind.localFromBadArrays':
    '!$: Invalid value for MonthOfYear (valid values 1 - 12): 13 !$: expected [year, month, day, ...] integers, got an array ' +
    '!$: expected [year, month, day, ...] integers, got an array',
  'roundTrip.times':
    'true {"instant":1706933106.789000000,"localDate":[2024,2,3],"localDateTime":[2024,2,3,4,5,6,7],"offsetDateTime":-1.000000000,"date":1500}',
  'record.bind': 'Point[x=1, y=2]',
  'record.missingComponent': 'Point[x=1, y=0]',
  'record.caseInsensitive': 'Point[x=5, y=6]',
  'record.nested': 'Line[name=l, points=[Point[x=1, y=2]], marks={a=Point[x=3, y=4]}, note=Optional[n]]',
  'record.nonPublic': 'Hidden[secret=s, n=9]',
  'record.generic': 'Box[content=Point[x=1, y=1], more=[Point[x=2, y=2]]]',
  'record.genericContentType': 'Point',
  'record.mismatch': '!$.points[0].x: expected a number, got "one"',
  'record.constructorThrows': '!$: cannot create record lambdaworkbench.records.RecordCases$Checked: IllegalArgumentException: name is required',
  'record.write': '{"name":"l","points":[{"x":1,"y":2}],"marks":{"a":{"x":3,"y":4}},"note":null}',
  'record.writeNonPublic': '{"secret":"s","n":9}',
  'record.roundTrip': 'true',
};

const EVENT_EXPECTED: Record<string, string> = {
  'events.s3':
    'ObjectCreated:Put 123 EXAMPLE 127.0.0.1 C3D13FE58DE4C810 sourcebucket EXAMPLE Happy%20Face.jpg 1024 ' + 'd41d8cd98f00b204e9800998ecf8427e Happy Sequencer',
  'events.s3Sam': 'arn:aws:s3:::example-bucket test/key 0',
  'events.sqs':
    'MessageID_1 Message Body arn:aws:sqs:us-west-2:123456789012:SQSQueue 1520621625029 [Attribute3, Attribute2, Attribute1] ' +
    '1100 [abc, 123] 3 49 123 Binary',
  'events.sqsSam': '1 arn:aws:sqs:us-east-1:123456789012:MyQueue',
  'events.httpApi':
    '2.0 /path/to/resource [cookie1, cookie2] value1,value2 {parameter1=value1,value2, parameter2=value} {parameter1=value1} true ' +
    'eyJ0ZXN0IjoiYm9keSJ9 POST 192.168.0.1/32 1583348638390 [scope1, scope2] value1',
  'events.httpApiRoundTrip': 'true',
};

describe('Java runtime JSON binder (Json.java, real javac/java)', function () {
  this.timeout(120_000);
  let run: DriverRun;

  before(function () {
    if (!JAVAC || !JAVA) this.skip(); // no JDK on this machine: nothing to compile
    run = compileAndRun();
  });

  it('runs every case to the end (no crash, no StackOverflowError)', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const unexpected = [...run.results.keys()].filter((k) => !(k in EXPECTED) && !(k in EVENT_EXPECTED) && !(k in generatedExpected()));
    assert.deepEqual(unexpected, []);
    for (const [name, result] of run.results) assert.ok(!result.startsWith('!!'), `${name} threw ${result}`);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(name, () => assert.equal(run.results.get(name), expected));
  }

  // A thread stack far smaller than the JVM's default: parsing is iterative and keeps its limit; bind and
  // write turn the stack running out into a JsonException instead of a StackOverflowError.
  it('refuses deep nesting cleanly on a 160 KiB thread stack', () => {
    const small = run.smallStack!;
    assert.equal(small.status, 0, small.stderr);
    assert.deepEqual(Object.fromEntries(small.results), {
      'depth.1000': '1000',
      'depth.1001': EXPECTED['depth.1001'],
      'depth.hostileArrays': EXPECTED['depth.hostileArrays'],
      'depth.hostileObjects': EXPECTED['depth.hostileObjects'],
      'bind.deepNodes': "!$: nesting too deep to bind on this thread's stack",
      'write.deepChain': "!cannot write a value nested too deep for this thread's stack",
      'write.deepLists': "!cannot write a value nested too deep for this thread's stack",
    });
  });

  // Our generators' events: always run.
  for (const [name, expected] of Object.entries(generatedExpected())) {
    it(name, () => assert.equal(run.results.get(name), expected));
  }

  // AWS's own sample events (held out of the repository): where ../shared/reference-events exists.
  for (const [name, expected] of Object.entries(EVENT_EXPECTED)) {
    it(name, function () {
      if (!fs.existsSync(EVENTS)) this.skip(); // the held-out sample events are not on this machine
      assert.equal(run.results.get(name), expected);
    });
  }
});
