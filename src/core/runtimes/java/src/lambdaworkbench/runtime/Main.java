package lambdaworkbench.runtime;

import java.io.File;
import java.io.IOError;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Lambda Workbench's Java runtime: the program an execution environment starts for java11 / java17 /
 * java21 functions. It speaks the Runtime API as AWS's Java runtime (aws-lambda-java-runtime-interface-
 * client) does -- load and initialise the handler class (INIT), then /next → handler → /response |
 * /error -- and answers as it does wherever user code or a caller can tell: handler forms, the
 * Context, LambdaLogger records, error shapes and types. Standard library only.
 */
public final class Main {
    /** Where function init begins (epoch ms): the platform splits INIT into runtime and function init with it (our own header). */
    private static final String INIT_START_HEADER = "Lambda-Workbench-Function-Init-Start";

    private Main() {}

    public static void main(String[] args) {
        RuntimeApiClient client;
        try {
            client = new RuntimeApiClient(env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
        } catch (RuntimeException e) {
            System.err.println("Bad AWS_LAMBDA_RUNTIME_API: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(client::closeForShutdown, "lambda-workbench-shutdown"));
        LogSink sink = LogSink.create(System.out);
        String handlerName = env("_HANDLER", "");
        String initStart = String.valueOf(System.currentTimeMillis());

        ClassLoader loader;
        Handler handler;
        try {
            loader = functionClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                handler = Handler.load(handlerName, loader);
            } catch (UserFault fault) {
                if (fault.fatal) throw fault;
                handler = new Handler.Faulty(fault);
            }
        } catch (Throwable t) {
            UserFault fault = t instanceof UserFault ? (UserFault) t : UserFault.of(t, true);
            sink.log(fault.reportable());
            try {
                client.request("POST", "/init/error", RuntimeApiClient.headers(
                        "Content-Type", "application/json",
                        "Lambda-Runtime-Function-Error-Type", "Runtime.BadFunctionCode",
                        INIT_START_HEADER, initStart), errorBody(fault.msg, fault.exception, null));
            } catch (IOException e) {
                platformGone(client);
            }
            System.exit(1);
            return;
        }

        ContextFactory contexts = new ContextFactory(loader, sink);
        Map<String, String> nextHeaders = RuntimeApiClient.headers(INIT_START_HEADER, initStart);
        for (;;) {
            RuntimeApiClient.Response next;
            try {
                next = client.request("GET", "/invocation/next", nextHeaders, null);
            } catch (IOException e) {
                platformGone(client);
                return;
            }
            nextHeaders = null;
            if (next.status != 200) platformGone(client);
            Invocation invocation = new Invocation(next);
            if (invocation.traceId != null) System.setProperty("com.amazonaws.xray.traceHeader", invocation.traceId);
            else System.clearProperty("com.amazonaws.xray.traceHeader");
            String path = "/invocation/" + invocation.requestId;
            boolean exit = false;
            try {
                byte[] result;
                try {
                    result = handler.invoke(invocation, contexts);
                } catch (Throwable t) {
                    UserFault.filterStackTrace(t);
                    UserFault fault = UserFault.of(t, false);
                    exit = t instanceof VirtualMachineError || t instanceof IOError || fault.fatal;
                    byte[] body;
                    String type;
                    if (t instanceof UserFault) {
                        body = errorBody(fault.msg, fault.exception, null);
                        type = "Runtime.BadFunctionCode";
                    } else {
                        body = errorBody(fault.msg, t.getClass().getName(), t.getStackTrace());
                        type = "Runtime.UserException";
                    }
                    sink.log(fault.reportable());
                    client.request("POST", path + "/error", RuntimeApiClient.headers("Content-Type", "application/json", "Lambda-Runtime-Function-Error-Type", type), body);
                    if (exit) System.exit(1);
                    continue;
                }
                client.request("POST", path + "/response", RuntimeApiClient.headers("Content-Type", "application/json"), result);
            } catch (IOException e) {
                platformGone(client);
            }
        }
    }

    private static void platformGone(RuntimeApiClient client) {
        if (client.closedForShutdown()) {
            // The JVM is exiting (the socket was closed by the shutdown hook): nothing to report, and
            // System.exit would block; wait here, outside native code, for the exit to finish.
            for (;;) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        }
        System.err.println("Failed to get next invocation. No Response from endpoint");
        System.exit(1);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /**
     * The function's class loader as Lambda builds it (CustomerClassLoader): the task root's classes,
     * then its lib/*.jar, then the layers' java/lib/*.jar; parent the system class loader.
     */
    static ClassLoader functionClassLoader() {
        String root = System.getProperty("lambdaworkbench.taskRoot", System.getProperty("user.dir"));
        File taskRoot = new File(root);
        List<URL> urls = new ArrayList<>();
        urls.add(url(taskRoot));
        addJars(urls, new File(taskRoot, "lib"));
        String opt = System.getProperty("lambdaworkbench.opt");
        if (opt != null && !opt.isEmpty()) addJars(urls, new File(new File(opt, "java"), "lib"));
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getSystemClassLoader());
    }

    private static URL url(File f) {
        try {
            return f.getAbsoluteFile().toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addJars(List<URL> urls, File dir) {
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        if (jars == null) return;
        Arrays.sort(jars);
        for (File jar : jars) urls.add(url(jar));
    }

    /** {errorMessage, errorType, stackTrace}, written here so that an error is always reportable. */
    static byte[] errorBody(String message, String type, StackTraceElement[] trace) {
        StringBuilder json = new StringBuilder(256).append("{\"errorMessage\":");
        quote(json, message == null ? "" : message);
        if (type != null) quote(json.append(",\"errorType\":"), type);
        if (trace != null) {
            json.append(",\"stackTrace\":[");
            for (int i = 0; i < trace.length; i++) {
                if (i > 0) json.append(',');
                quote(json, trace[i].toString());
            }
            json.append(']');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        out.append('"');
    }
}
