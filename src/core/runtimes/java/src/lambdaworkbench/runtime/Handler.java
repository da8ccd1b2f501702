package lambdaworkbench.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A function's handler resolved as AWS's Java runtime (EventHandlerLoader) resolves it:
 * `package.Class::method`, or `package.Class` implementing RequestHandler / RequestStreamHandler
 * (looked up by name on the function's class path); plain methods taking `()`, `(I)`, `(I, Context)`,
 * `(InputStream, OutputStream)` or `(InputStream, OutputStream, Context)`. Events are bound to the
 * declared input type with Json.bind, results written with Json.write.
 */
abstract class Handler {
    private static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    private static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    /** Runs the handler for one event; user exceptions come out as they were thrown. */
    abstract byte[] invoke(Invocation invocation, ContextFactory contexts) throws Throwable;

    /** A handler that answers every event with a fault (AWS's UserFaultHandler). */
    static final class Faulty extends Handler {
        final UserFault fault;

        Faulty(UserFault fault) {
            this.fault = fault;
        }

        @Override
        byte[] invoke(Invocation invocation, ContextFactory contexts) {
            throw fault;
        }
    }

    static String className(String handler) {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }

    /** Loads and initialises the class (INIT); fatal faults are thrown, the others answer each event. */
    static Handler load(String handler, ClassLoader loader) {
        String className = className(handler);
        String methodName = handler.indexOf("::") < 0 ? null : handler.substring(handler.indexOf("::") + 2);
        if (handler.trim().isEmpty() || className.isEmpty() || (methodName != null && methodName.isEmpty())) {
            return new Faulty(UserFault.of("Invalid handler: `" + handler + "'"));
        }
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            return new Faulty(UserFault.classNotFound(e, className));
        } catch (NoClassDefFoundError e) {
            return new Faulty(UserFault.initError(e, className, true));
        } catch (Throwable t) {
            throw UserFault.initError(t, className, true);
        }
        Handler resolved = methodName == null ? forInterface(type, loader) : forMethod(type, methodName);
        return resolved;
    }

    private static Class<?> interfaceNamed(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Object instantiate(Class<?> type) {
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw UserFault.of(new Exception("Class " + type.getName() + " has no public zero-argument constructor", e), true);
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw UserFault.of(e.getCause() == null ? e : e.getCause(), true);
        } catch (ReflectiveOperationException e) {
            throw UserFault.of(e, true);
        }
    }

    private static Handler forInterface(Class<?> type, ClassLoader loader) {
        Class<?> stream = interfaceNamed(loader, STREAM_HANDLER);
        Class<?> request = interfaceNamed(loader, REQUEST_HANDLER);
        if (stream != null && stream.isAssignableFrom(type)) {
            Object instance = instantiate(type);
            return new StreamMethod(instance, findMethod(type, "handleRequest", 3), true, true, true);
        }
        if (request != null && request.isAssignableFrom(type)) {
            Object instance = instantiate(type);
            Type input = typeArgument(type, request, 0);
            Method method = findMethod(type, "handleRequest", 2);
            return new PojoMethod(instance, method, input, typeArgument(type, request, 1), method.getParameterTypes()[1], true);
        }
        return new Faulty(UserFault.of("Class does not implement an appropriate handler interface: " + REQUEST_HANDLER + " or " + STREAM_HANDLER));
    }

    private static Method findMethod(Class<?> type, String name, int parameters) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == parameters && !m.isBridge()) return m;
        }
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == parameters) return m;
        }
        throw UserFault.of("No public method named " + name + " with appropriate method signature found on class " + type.getName());
    }

    /**
     * The handler method among the class's public methods named so, as AWS picks it: non-bridge
     * methods first, then the longest signature (a Context last counting one more), the first overload
     * of a supported shape winning; the others are said on stderr as AWS says them.
     */
    private static Handler forMethod(Class<?> type, String name) {
        List<Method> candidates = new ArrayList<>();
        for (Method m : type.getMethods()) if (m.getName().equals(name)) candidates.add(m);
        candidates.sort((a, b) -> {
            if (a.isBridge() != b.isBridge()) return a.isBridge() ? 1 : -1;
            return Integer.compare(priorityLength(b), priorityLength(a));
        });
        for (Method m : candidates) {
            Handler handler = fromOverload(type, m);
            if (handler != null) return handler;
        }
        throw UserFault.of("No public method named " + name + " with appropriate method signature found on class " + type.getName());
    }

    private static int priorityLength(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length + (p.length > 0 && isContext(p[p.length - 1]) ? 1 : 0);
    }

    private static Handler fromOverload(Class<?> type, Method m) {
        Class<?>[] p = m.getParameterTypes();
        Type[] generic = m.getGenericParameterTypes();
        switch (p.length) {
            case 0:
                return new PojoMethod(instanceFor(type, m), m, null, m.getGenericReturnType(), null, false);
            case 1:
                if (p[0] == InputStream.class) return new StreamMethod(instanceFor(type, m), m, true, false, false);
                if (p[0] == OutputStream.class) return new StreamMethod(instanceFor(type, m), m, false, true, false);
                if (isContext(p[0])) return new PojoMethod(instanceFor(type, m), m, null, m.getGenericReturnType(), p[0], false);
                return new PojoMethod(instanceFor(type, m), m, generic[0], m.getGenericReturnType(), null, false);
            case 2:
                if (p[0] == OutputStream.class) {
                    if (isContext(p[1])) return new StreamMethod(instanceFor(type, m), m, false, true, true);
                    System.err.println("Ignoring two-argument overload because first argument type is OutputStream and second argument type is not Context");
                    return null;
                }
                if (isContext(p[0])) {
                    System.err.println("Ignoring two-argument overload because first argument type is Context");
                    return null;
                }
                if (p[0] == InputStream.class) {
                    if (p[1] == OutputStream.class) return new StreamMethod(instanceFor(type, m), m, true, true, false);
                    if (isContext(p[1])) return new StreamMethod(instanceFor(type, m), m, true, false, true);
                    System.err.println("Ignoring two-argument overload because second parameter type, " + p[1].getName() + ", is not OutputStream.");
                    return null;
                }
                if (isContext(p[1])) return new PojoMethod(instanceFor(type, m), m, generic[0], m.getGenericReturnType(), p[1], false);
                System.err.println("Ignoring two-argument overload because second parameter type is not Context");
                return null;
            case 3:
                if (p[0] == InputStream.class && p[1] == OutputStream.class && isContext(p[2])) return new StreamMethod(instanceFor(type, m), m, true, true, true);
                System.err.println("Ignoring three-argument overload because argument signature is not (InputStream, OutputStream, Context");
                return null;
            default:
                System.err.println("Ignoring an overload of method " + m.getName() + " because it has too many parameters: Expected at most 3, got " + p.length);
                return null;
        }
    }

    private static Object instanceFor(Class<?> type, Method m) {
        return Modifier.isStatic(m.getModifiers()) ? null : instantiate(type);
    }

    private static boolean isContext(Class<?> c) {
        return c.getName().equals("com.amazonaws.services.lambda.runtime.Context");
    }

    /** The type argument `index` with which `type` implements the generic interface `target`. */
    static Type typeArgument(Class<?> type, Class<?> target, int index) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Type found = search(c, target, index, new ArrayList<>());
            if (found != null) return found;
        }
        return Object.class;
    }

    private static Type search(Type t, Class<?> target, int index, List<Type> path) {
        Class<?> raw = t instanceof Class ? (Class<?>) t : t instanceof ParameterizedType ? (Class<?>) ((ParameterizedType) t).getRawType() : null;
        if (raw == null) return null;
        if (raw == target) {
            if (!(t instanceof ParameterizedType)) return Object.class;
            Type arg = ((ParameterizedType) t).getActualTypeArguments()[index];
            // A type variable is resolved through the chain that led here (`class A<T> implements RequestHandler<T, …>`, `class B extends A<Order>`).
            for (int i = path.size() - 1; i >= 0 && arg instanceof TypeVariable; i--) {
                Type step = path.get(i);
                if (!(step instanceof ParameterizedType)) break;
                Class<?> stepRaw = (Class<?>) ((ParameterizedType) step).getRawType();
                int position = Arrays.asList(stepRaw.getTypeParameters()).indexOf(arg);
                if (position < 0) break;
                arg = ((ParameterizedType) step).getActualTypeArguments()[position];
            }
            return arg instanceof TypeVariable ? Object.class : arg;
        }
        List<Type> next = new ArrayList<>(path);
        next.add(t);
        for (Type i : raw.getGenericInterfaces()) {
            Type found = search(i, target, index, next);
            if (found != null) return found;
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : search(superclass, target, index, next);
    }

    static Object call(Method method, Object instance, Object... args) throws Throwable {
        try {
            return method.invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A stream handler (any of InputStream, OutputStream, Context, in that order): the payload in, whatever it writes out. */
    static final class StreamMethod extends Handler {
        private final Object instance;
        private final Method method;
        private final boolean in;
        private final boolean out;
        private final boolean context;

        StreamMethod(Object instance, Method method, boolean in, boolean out, boolean context) {
            this.instance = instance;
            this.method = method;
            this.in = in;
            this.out = out;
            this.context = context;
            method.setAccessible(true);
        }

        @Override
        byte[] invoke(Invocation invocation, ContextFactory contexts) throws Throwable {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            List<Object> args = new ArrayList<>(3);
            if (in) args.add(new ByteArrayInputStream(invocation.payload));
            if (out) args.add(output);
            if (context) args.add(contexts.create(method.getParameterTypes()[args.size()], invocation));
            call(method, instance, args.toArray());
            // Without an OutputStream it answers null, whatever it returns (as AWS's StreamMethodRequestHandler).
            return out ? output.toByteArray() : "null".getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A POJO handler: the event bound to the input type, the result written as JSON. */
    static final class PojoMethod extends Handler {
        private final Object instance;
        private final Method method;
        private final Type input;
        /** The declared result type (RequestHandler's O, or the method's return type): AWS picks the writer by it. */
        private final Type output;
        private final Class<?> contextType;
        private final boolean requestHandler;

        PojoMethod(Object instance, Method method, Type input, Type output, Class<?> contextType, boolean requestHandler) {
            this.instance = instance;
            this.method = method;
            this.input = input;
            this.output = output;
            this.contextType = contextType;
            this.requestHandler = requestHandler;
            method.setAccessible(true);
        }

        @Override
        byte[] invoke(Invocation invocation, ContextFactory contexts) throws Throwable {
            Object event = null;
            if (input != null) {
                try {
                    event = bind(invocation.payload, input);
                } catch (Throwable t) {
                    throw new RuntimeException("An error occurred during JSON parsing", UserFault.filterStackTrace(t));
                }
            }
            Object context = contextType != null ? contexts.create(contextType, invocation) : null;
            Object result;
            int n = method.getParameterCount();
            if (requestHandler || n == 2) result = call(method, instance, event, context);
            else if (n == 0) result = call(method, instance);
            else result = call(method, instance, input != null ? event : context);
            if (method.getReturnType() == void.class) return "null".getBytes(StandardCharsets.UTF_8);
            try {
                return Json.write(result, output).getBytes(StandardCharsets.UTF_8);
            } catch (Throwable t) {
                throw new RuntimeException("An error occurred during JSON serialization of response", t);
            }
        }

        /**
         * As AWS's serializer reads an event: empty → null; a String input takes a JSON string's
         * value (a number or boolean as its text); everything else through Json.bind.
         */
        static Object bind(byte[] payload, Type type) {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (text.trim().isEmpty()) return null;
            if (type == InputStream.class) return new ByteArrayInputStream(payload);
            Object tree = Json.parse(text);
            if (type == String.class || type == CharSequence.class) {
                if (tree == null || tree instanceof String) return tree;
                if (tree instanceof Number || tree instanceof Boolean) return String.valueOf(tree);
                throw new IllegalArgumentException("Cannot deserialize value of type `java.lang.String` from " + (tree instanceof java.util.Map ? "Object" : "Array") + " value");
            }
            if (type == Object.class) return tree;
            return Json.bind(tree, type);
        }
    }
}
