package lambdaworkbench.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aws-lambda-java-events classes as AWS's serializer binds them (aws-lambda-java-serialization's
 * LambdaEventSerializers): a handler whose input or output type is one of its supported events gets the
 * events dialect — the mixins' JSON names, SNSEvent's UpperCamelCase names, Dates as epoch seconds
 * (DateModule), Joda DateTimes through the function's own joda-time (DateTimeModule) — and S3's events
 * are built and written through their constructors and getters, as S3EventSerializer does. The classes
 * are never linked: only their names are known here, so the runtime works without the library.
 */
final class AwsEvents {
    private AwsEvents() {}

    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    private static final String S3_V3 = EVENTS + "models.s3.S3EventNotification";
    private static final String S3_V2 = "com.amazonaws.services.s3.event.S3EventNotification";
    private static final String JODA = "org.joda.time.";

    /** LambdaEventSerializers.SUPPORTED_EVENTS: only these top-level types get the events dialect. */
    private static final Set<String> SUPPORTED = new HashSet<>(Arrays.asList(
            EVENTS + "APIGatewayProxyRequestEvent", EVENTS + "APIGatewayProxyResponseEvent", EVENTS + "CloudFormationCustomResourceEvent",
            EVENTS + "CloudFrontEvent", EVENTS + "CloudWatchLogsEvent", EVENTS + "CodeCommitEvent", EVENTS + "CognitoEvent", EVENTS + "ConfigEvent",
            EVENTS + "ConnectEvent", EVENTS + "DynamodbEvent", EVENTS + "DynamodbTimeWindowEvent", EVENTS + "IoTButtonEvent", EVENTS + "KinesisEvent",
            EVENTS + "KinesisTimeWindowEvent", EVENTS + "KinesisFirehoseEvent", EVENTS + "LambdaDestinationEvent", EVENTS + "LexEvent",
            EVENTS + "ScheduledEvent", EVENTS + "SecretsManagerRotationEvent", S3_V2, S3_V3, EVENTS + "S3Event", EVENTS + "SNSEvent", EVENTS + "SQSEvent"));

    /** The types S3EventSerializer handles instead of Jackson. */
    private static final Set<String> S3 = new HashSet<>(Arrays.asList(S3_V2, S3_V3, EVENTS + "S3Event"));

    /** The mixins' @JsonProperty names: class → bean property (as Json.beanName derives it) → JSON name. */
    private static final Map<String, Map<String, String>> NAMES = new HashMap<>();

    static {
        String records = "records=Records";
        names(EVENTS + "SQSEvent", records);
        names(EVENTS + "SQSEvent$SQSMessage", "eventSourceArn=eventSourceARN");
        names(EVENTS + "SNSEvent", records);
        names(EVENTS + "SNSEvent$SNSRecord", "SNS=Sns", "sns=Sns");
        names(EVENTS + "KinesisEvent", records);
        names(EVENTS + "KinesisTimeWindowEvent", records, "eventSourceArn=eventSourceARN");
        names(EVENTS + "DynamodbEvent", records);
        names(EVENTS + "DynamodbTimeWindowEvent", records, "eventSourceArn=eventSourceARN");
        names(EVENTS + "DynamodbEvent$DynamodbStreamRecord", "eventSourceArn=eventSourceARN");
        String[] streamRecord = {"keys=Keys", "sizeBytes=SizeBytes", "sequenceNumber=SequenceNumber", "streamViewType=StreamViewType",
            "newImage=NewImage", "oldImage=OldImage", "approximateCreationDateTime=ApproximateCreationDateTime"};
        names(EVENTS + "models.dynamodb.StreamRecord", streamRecord);
        names("com.amazonaws.services.dynamodbv2.model.StreamRecord", streamRecord);
        String[] attributeValue = {"s=S", "n=N", "b=B", "NULL=NULL", "BOOL=BOOL", "SS=SS", "NS=NS", "BS=BS", "m=M", "l=L"};
        names(EVENTS + "models.dynamodb.AttributeValue", attributeValue);
        names("com.amazonaws.services.dynamodbv2.model.AttributeValue", attributeValue);
        names(EVENTS + "ScheduledEvent", "detailType=detail-type");
        names(EVENTS + "CloudFrontEvent", records);
        names(EVENTS + "CloudWatchLogsEvent", "awsLogs=awslogs");
        names(EVENTS + "CodeCommitEvent", records);
        names(EVENTS + "CodeCommitEvent$Record", "codeCommit=codecommit", "eventSourceArn=eventSourceARN", "userIdentityArn=userIdentityARN");
        names(EVENTS + "CloudFormationCustomResourceEvent", "requestType=RequestType", "serviceToken=ServiceToken",
            "physicalResourceId=PhysicalResourceId", "responseUrl=ResponseURL", "stackId=StackId", "requestId=RequestId",
            "logicalResourceId=LogicalResourceId", "resourceType=ResourceType", "resourceProperties=ResourceProperties",
            "oldResourceProperties=OldResourceProperties");
        names(EVENTS + "ConnectEvent", "details=Details", "name=Name");
        names(EVENTS + "ConnectEvent$Details", "contactData=ContactData", "parameters=Parameters");
        names(EVENTS + "ConnectEvent$ContactData", "attributes=Attributes", "channel=Channel", "contactId=ContactId",
            "customerEndpoint=CustomerEndpoint", "initialContactId=InitialContactId", "initiationMethod=InitiationMethod",
            "instanceArn=InstanceARN", "previousContactId=PreviousContactId", "queue=Queue", "systemEndpoint=SystemEndpoint");
        names(EVENTS + "ConnectEvent$CustomerEndpoint", "address=Address", "type=Type");
        names(EVENTS + "ConnectEvent$SystemEndpoint", "address=Address", "type=Type");
        names(EVENTS + "ConnectEvent$Queue", "name=Name");
        names(EVENTS + "SecretsManagerRotationEvent", "step=Step", "secretId=SecretId", "clientRequestToken=ClientRequestToken",
            "rotationToken=RotationToken");
    }

    private static void names(String className, String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (String p : pairs) map.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
        NAMES.put(className, Collections.unmodifiableMap(map));
    }

    /** The events dialect for one of AWS's supported events, else Jackson's plain settings. */
    static Json.Dialect dialectFor(Class<?> type) {
        if (!SUPPORTED.contains(type.getName())) return Json.Dialect.PLAIN;
        // NAMING_STRATEGY_MAP: SNSEvent's tree is named UpperCamelCase (explicit mixin names stay as they are).
        return new Json.Dialect(true, NAMES, type.getName().equals(EVENTS + "SNSEvent"));
    }

    static boolean isS3(Class<?> type) {
        return S3.contains(type.getName());
    }

    /** DateTimeModule's type: org.joda.time.DateTime from the function's own class path (or a subclass). */
    static boolean isJodaDateTime(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) if (k.getName().equals(JODA + "DateTime")) return true;
        return false;
    }

    /** As SerializeUtil.deserializeDateTime: the function's DateTime.parse(text). */
    static Object parseDateTime(Class<?> type, String text) throws ReflectiveOperationException {
        Method parse = type.getMethod("parse", String.class);
        return parse.invoke(null, text);
    }

    /** As SerializeUtil.serializeDateTime: ISODateTimeFormat.dateTime().print(dateTime), through the value's class loader. */
    static String printDateTime(Object dateTime) throws ReflectiveOperationException {
        ClassLoader loader = dateTime.getClass().getClassLoader();
        Class<?> format = Class.forName(JODA + "format.ISODateTimeFormat", true, loader);
        Class<?> instant = Class.forName(JODA + "ReadableInstant", true, loader);
        Object formatter = format.getMethod("dateTime").invoke(null);
        return (String) formatter.getClass().getMethod("print", instant).invoke(formatter, dateTime);
    }

    // ---------------------------------------------------------------- S3 (S3EventSerializer)

    /**
     * Builds an S3 event as S3EventSerializer does with org.json: each entity through its constructor, a
     * missing string as "" (optString), a missing size as 0 (optLong), a missing object as an empty one;
     * the record's constructor parses eventTime with Joda (so an event without one fails, as on AWS).
     */
    static Object bindS3(Object tree, Class<?> eventClass) throws ReflectiveOperationException {
        if (!(tree instanceof Map)) throw new Json.JsonException("$: expected an S3 event object, got " + (tree instanceof List ? "an array" : String.valueOf(tree)));
        Map<?, ?> event = (Map<?, ?>) tree;
        ClassLoader loader = eventClass.getClassLoader();
        String base;
        try {
            Class.forName(S3_V3 + "$S3EventNotificationRecord", false, loader);
            base = S3_V3;
        } catch (ClassNotFoundException e) {
            base = S3_V2; // aws-lambda-java-events before 3 (the AWS SDK's S3EventNotification)
        }
        Class<?> recordClass = Class.forName(base + "$S3EventNotificationRecord", true, loader);
        Class<?> entityClass = Class.forName(base + "$S3Entity", true, loader);
        Class<?> bucketClass = Class.forName(base + "$S3BucketEntity", true, loader);
        Class<?> objectClass = Class.forName(base + "$S3ObjectEntity", true, loader);
        Class<?> parametersClass = Class.forName(base + "$RequestParametersEntity", true, loader);
        Class<?> elementsClass = Class.forName(base + "$ResponseElementsEntity", true, loader);
        Class<?> identityClass = Class.forName(base + "$UserIdentityEntity", true, loader);
        List<Object> records = new ArrayList<>();
        Object list = event.get("Records");
        if (list instanceof List) {
            for (Object item : (List<?>) list) {
                if (!(item instanceof Map)) throw new Json.JsonException("$.Records: expected objects, got " + (item instanceof List ? "an array" : String.valueOf(item)));
                Map<?, ?> r = (Map<?, ?>) item;
                Map<?, ?> s3 = object(r, "s3");
                Map<?, ?> bucket = object(s3, "bucket");
                Map<?, ?> object = object(s3, "object");
                Object bucketEntity = construct(bucketClass, new Class<?>[] {String.class, identityClass, String.class},
                        string(bucket, "name"), identity(identityClass, object(bucket, "ownerIdentity")), string(bucket, "arn"));
                Object objectEntity;
                try {
                    objectEntity = construct(objectClass, new Class<?>[] {String.class, Long.class, String.class, String.class, String.class},
                            string(object, "key"), longValue(object, "size"), string(object, "eTag"), string(object, "versionId"), string(object, "sequencer"));
                } catch (NoSuchMethodException e) {
                    objectEntity = construct(objectClass, new Class<?>[] {String.class, Long.class, String.class, String.class},
                            string(object, "key"), longValue(object, "size"), string(object, "eTag"), string(object, "versionId"));
                }
                Object entity = construct(entityClass, new Class<?>[] {String.class, bucketClass, objectClass, String.class},
                        string(s3, "configurationId"), bucketEntity, objectEntity, string(s3, "s3SchemaVersion"));
                Map<?, ?> elements = object(r, "responseElements");
                records.add(construct(recordClass,
                        new Class<?>[] {String.class, String.class, String.class, String.class, String.class, parametersClass, elementsClass, entityClass, identityClass},
                        string(r, "awsRegion"), string(r, "eventName"), string(r, "eventSource"), string(r, "eventTime"), string(r, "eventVersion"),
                        construct(parametersClass, new Class<?>[] {String.class}, string(object(r, "requestParameters"), "sourceIPAddress")),
                        construct(elementsClass, new Class<?>[] {String.class, String.class}, string(elements, "x-amz-id-2"), string(elements, "x-amz-request-id")),
                        entity, identity(identityClass, object(r, "userIdentity"))));
            }
        }
        return construct(eventClass, new Class<?>[] {List.class}, records);
    }

    private static Object identity(Class<?> identityClass, Map<?, ?> json) throws ReflectiveOperationException {
        return construct(identityClass, new Class<?>[] {String.class}, string(json, "principalId"));
    }

    private static Object construct(Class<?> type, Class<?>[] parameters, Object... args) throws ReflectiveOperationException {
        Constructor<?> c = type.getConstructor(parameters);
        try {
            return c.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new Json.JsonException("cannot create " + type.getName() + ": " + cause, cause);
        }
    }

    private static Map<?, ?> object(Map<?, ?> json, String key) {
        Object v = json.get(key);
        return v instanceof Map ? (Map<?, ?>) v : Collections.emptyMap();
    }

    /** org.json's optString: "" when missing or null, a number or boolean as its text. */
    private static String string(Map<?, ?> json, String key) {
        Object v = json.get(key);
        if (v == null) return "";
        if (v instanceof Map || v instanceof List) return Json.write(v);
        return String.valueOf(v);
    }

    /** org.json's optLong: 0 when missing or not a number (a numeric string parsed, a fraction truncated). */
    private static Long longValue(Map<?, ?> json, String key) {
        Object v = json.get(key);
        if (v instanceof Number) return ((Number) v).longValue();
        if (v instanceof String) {
            try {
                return new java.math.BigDecimal(((String) v).trim()).longValue();
            } catch (NumberFormatException e) {
                return 0L;
            }
        }
        return 0L;
    }

    /** Writes an S3 event as S3EventSerializer does: its getters into "Records" (null values left out, as org.json's put does). */
    static Map<String, Object> s3Tree(Object event) throws ReflectiveOperationException {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> records = new ArrayList<>();
        for (Object r : (List<?>) get(event, "getRecords")) {
            Map<String, Object> record = new LinkedHashMap<>();
            put(record, "awsRegion", get(r, "getAwsRegion"));
            put(record, "eventName", get(r, "getEventName"));
            put(record, "eventSource", get(r, "getEventSource"));
            Object time = get(r, "getEventTime");
            put(record, "eventTime", time == null ? null : printDateTime(time));
            put(record, "eventVersion", get(r, "getEventVersion"));
            Map<String, Object> parameters = new LinkedHashMap<>();
            put(parameters, "sourceIPAddress", get(get(r, "getRequestParameters"), "getSourceIPAddress"));
            record.put("requestParameters", parameters);
            Object elements = get(r, "getResponseElements");
            Map<String, Object> elementsJson = new LinkedHashMap<>();
            put(elementsJson, "x-amz-id-2", get(elements, "getxAmzId2"));
            put(elementsJson, "x-amz-request-id", get(elements, "getxAmzRequestId"));
            record.put("responseElements", elementsJson);
            Object s3 = get(r, "getS3");
            Map<String, Object> s3Json = new LinkedHashMap<>();
            put(s3Json, "configurationId", get(s3, "getConfigurationId"));
            Object bucket = get(s3, "getBucket");
            Map<String, Object> bucketJson = new LinkedHashMap<>();
            put(bucketJson, "name", get(bucket, "getName"));
            bucketJson.put("ownerIdentity", identityTree(get(bucket, "getOwnerIdentity")));
            put(bucketJson, "arn", get(bucket, "getArn"));
            s3Json.put("bucket", bucketJson);
            Object object = get(s3, "getObject");
            Map<String, Object> objectJson = new LinkedHashMap<>();
            put(objectJson, "key", get(object, "getKey"));
            Object size = get(object, "getSizeAsLong");
            if (size == null) throw new Json.JsonException("cannot write an S3 object without a size");
            objectJson.put("size", size);
            put(objectJson, "eTag", get(object, "geteTag"));
            put(objectJson, "versionId", get(object, "getVersionId"));
            try {
                put(objectJson, "urlDecodedKey", get(object, "getUrlDecodedKey"));
                put(objectJson, "sequencer", get(object, "getSequencer"));
            } catch (NoSuchMethodException e) {
                // the legacy model has neither
            }
            s3Json.put("object", objectJson);
            put(s3Json, "s3SchemaVersion", get(s3, "getS3SchemaVersion"));
            record.put("s3", s3Json);
            record.put("userIdentity", identityTree(get(r, "getUserIdentity")));
            records.add(record);
        }
        out.put("Records", records);
        return out;
    }

    private static Map<String, Object> identityTree(Object identity) throws ReflectiveOperationException {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, "principalId", get(identity, "getPrincipalId"));
        return out;
    }

    private static void put(Map<String, Object> json, String key, Object value) {
        if (value != null) json.put(key, value);
    }

    private static Object get(Object target, String getter) throws ReflectiveOperationException {
        if (target == null) throw new Json.JsonException("cannot write an S3 event with a null entity (" + getter + ")");
        Method m = target.getClass().getMethod(getter);
        m.setAccessible(true);
        try {
            return m.invoke(target);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new Json.JsonException("cannot read " + getter + ": " + e.getCause(), e.getCause());
        }
    }
}
