package lambdaworkbench.runtime;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The `com.amazonaws.services.lambda.runtime.Context` a handler gets: a proxy of the interface the
 * function's own aws-lambda-java-core provides (we never compile against it), answering as AWS's
 * LambdaContext does. Its identity, client context and logger are proxies of their interfaces too.
 */
final class ContextFactory {
    private static final String PACKAGE = "com.amazonaws.services.lambda.runtime.";

    private final ClassLoader loader;
    private final LogSink sink;
    private Object logger;

    ContextFactory(ClassLoader loader, LogSink sink) {
        this.loader = loader;
        this.sink = sink;
    }

    /** The function's Context interface, or null when its class path has none (a handler that takes no Context). */
    Class<?> contextInterface() {
        return load("Context");
    }

    private Class<?> load(String simpleName) {
        try {
            return Class.forName(PACKAGE + simpleName, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    Object create(Class<?> contextType, Invocation invocation) {
        if (contextType == null) contextType = contextInterface();
        if (contextType == null) return null;
        Map<String, Object> values = new HashMap<>();
        values.put("getAwsRequestId", invocation.requestId);
        values.put("getLogGroupName", System.getenv("AWS_LAMBDA_LOG_GROUP_NAME"));
        values.put("getLogStreamName", System.getenv("AWS_LAMBDA_LOG_STREAM_NAME"));
        values.put("getFunctionName", System.getenv("AWS_LAMBDA_FUNCTION_NAME"));
        values.put("getFunctionVersion", System.getenv("AWS_LAMBDA_FUNCTION_VERSION"));
        values.put("getInvokedFunctionArn", invocation.invokedFunctionArn);
        values.put("getMemoryLimitInMB", memoryLimit());
        values.put("getTenantId", invocation.tenantId);
        values.put("getXrayTraceId", invocation.traceId);
        values.put("getIdentity", identity(invocation.cognitoIdentity));
        values.put("getClientContext", clientContext(invocation.clientContext));
        values.put("getLogger", logger());
        final long deadline = invocation.deadlineMs;
        return proxy(contextType, values, method -> method.getName().equals("getRemainingTimeInMillis")
                ? Integer.valueOf((int) Math.max(0, deadline - System.currentTimeMillis()))
                : null);
    }

    private static int memoryLimit() {
        try {
            return Integer.parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
        } catch (RuntimeException e) {
            return 128;
        }
    }

    /** The LambdaLogger: each `log` call one record, framed as Lambda's. */
    Object logger() {
        if (logger != null) return logger;
        Class<?> type = load("LambdaLogger");
        if (type == null) return null;
        logger = Proxy.newProxyInstance(loader, new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "log":
                    Object message = args != null && args.length > 0 ? args[0] : null;
                    if (message instanceof byte[]) sink.log((byte[]) message);
                    else sink.log(String.valueOf(message));
                    return null;
                case "toString":
                    return "LambdaLogger";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    return defaultValue(method.getReturnType());
            }
        });
        return logger;
    }

    /** Lambda-Runtime-Cognito-Identity: {"cognitoIdentityId", "cognitoIdentityPoolId"}. */
    private Object identity(String header) {
        Class<?> type = load("CognitoIdentity");
        if (type == null || header == null || header.isEmpty()) return null;
        Map<?, ?> json = parseObject(header);
        if (json == null) return null;
        Map<String, Object> values = new HashMap<>();
        values.put("getIdentityId", string(json.get("cognitoIdentityId")));
        values.put("getIdentityPoolId", string(json.get("cognitoIdentityPoolId")));
        return proxy(type, values, null);
    }

    /** Lambda-Runtime-Client-Context: {"client": {installation_id, app_title, …}, "custom": {…}, "env": {…}}. */
    private Object clientContext(String header) {
        Class<?> type = load("ClientContext");
        if (type == null || header == null || header.isEmpty()) return null;
        Map<?, ?> json = parseObject(header);
        if (json == null) return null;
        Map<String, Object> values = new HashMap<>();
        Class<?> clientType = load("Client");
        Object client = json.get("client");
        if (clientType != null && client instanceof Map) {
            Map<?, ?> c = (Map<?, ?>) client;
            Map<String, Object> clientValues = new HashMap<>();
            clientValues.put("getInstallationId", string(c.get("installation_id")));
            clientValues.put("getAppTitle", string(c.get("app_title")));
            clientValues.put("getAppVersionName", string(c.get("app_version_name")));
            clientValues.put("getAppVersionCode", string(c.get("app_version_code")));
            clientValues.put("getAppPackageName", string(c.get("app_package_name")));
            values.put("getClient", proxy(clientType, clientValues, null));
        }
        values.put("getCustom", stringMap(json.get("custom")));
        values.put("getEnvironment", stringMap(json.get("env")));
        return proxy(type, values, null);
    }

    private static Map<?, ?> parseObject(String text) {
        try {
            Object parsed = Json.parse(text);
            return parsed instanceof Map ? (Map<?, ?>) parsed : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static Map<String, String> stringMap(Object value) {
        if (!(value instanceof Map)) return null;
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) map.put(String.valueOf(e.getKey()), string(e.getValue()));
        return Collections.unmodifiableMap(map);
    }

    interface Computed {
        Object value(Method method);
    }

    private Object proxy(Class<?> type, Map<String, Object> values, Computed computed) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (values.containsKey(name)) return values.get(name);
            if (computed != null) {
                Object v = computed.value(method);
                if (v != null) return v;
            }
            if (name.equals("toString") && method.getParameterCount() == 0) return type.getSimpleName() + values;
            if (name.equals("hashCode") && method.getParameterCount() == 0) return System.identityHashCode(proxy);
            if (name.equals("equals") && method.getParameterCount() == 1) return proxy == args[0];
            return defaultValue(method.getReturnType());
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, handler);
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) return null;
        if (type == boolean.class) return false;
        if (type == char.class) return '\0';
        if (type == long.class) return 0L;
        if (type == float.class) return 0f;
        if (type == double.class) return 0d;
        if (type == byte.class) return (byte) 0;
        if (type == short.class) return (short) 0;
        return 0;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
