package lambdaworkbench.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;

/**
 * A fault of the function's code or configuration, as AWS's Java runtime (aws-lambda-java-runtime-
 * interface-client's UserFault) names it: reported with `Runtime.BadFunctionCode`, its errorType the
 * exception's class name, no stackTrace in the answer; fatal ones end the runtime.
 */
final class UserFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final String OUR_PACKAGE = UserFault.class.getPackage().getName();

    final String msg;
    final String exception;
    final String trace;
    final boolean fatal;

    UserFault(String msg, String exception, String trace, boolean fatal) {
        super(msg, null, false, false);
        this.msg = msg;
        this.exception = exception;
        this.trace = trace;
        this.fatal = fatal;
    }

    static UserFault of(String msg) {
        return new UserFault(msg, null, null, false);
    }

    static UserFault of(Throwable t, boolean fatal) {
        if (t instanceof UserFault) return (UserFault) t;
        String msg = t.getLocalizedMessage() == null ? t.getClass().getName() : t.getLocalizedMessage();
        return new UserFault(msg, t.getClass().getName(), trace(t), fatal);
    }

    /** A class whose loading failed (its static initialiser threw, a class it needs is missing). */
    static UserFault initError(Throwable e, String className, boolean fatal) {
        return new UserFault("Error loading class " + className + (e.getMessage() == null ? "" : ": " + e.getMessage()), e.getClass().getName(), trace(e), fatal);
    }

    static UserFault classNotFound(Throwable e, String className) {
        return new UserFault("Class not found: " + className, e.getClass().getName(), trace(e), false);
    }

    /** What AWS logs for a fault: `message: exception` and the full trace (causes included). */
    String reportable() {
        if (exception != null || trace != null) return msg + ": " + (exception == null ? "" : exception) + "\n" + (trace == null ? "" : trace) + "\n";
        return msg + "\n";
    }

    static String trace(Throwable t) {
        filterStackTrace(t);
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    /** Cuts our runtime's frames (and the reflection that calls into user code) off a trace, causes and suppressed included. */
    static <T extends Throwable> T filterStackTrace(T t) {
        filter(t, new HashSet<>());
        return t;
    }

    private static void filter(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) return;
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < trace.length; i++) {
            if (trace[i].getClassName().startsWith(OUR_PACKAGE)) {
                int end = i;
                // The reflective call that led into user code is the runtime's too.
                while (end > 0 && isReflection(trace[end - 1].getClassName())) end--;
                StackTraceElement[] kept = new StackTraceElement[end];
                System.arraycopy(trace, 0, kept, 0, end);
                t.setStackTrace(kept);
                break;
            }
        }
        filter(t.getCause(), seen);
        for (Throwable s : t.getSuppressed()) filter(s, seen);
    }

    private static boolean isReflection(String className) {
        return className.startsWith("java.lang.reflect.") || className.startsWith("jdk.internal.reflect.") || className.startsWith("sun.reflect.");
    }
}
