package lambdaworkbench.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

/**
 * Where LambdaLogger records go: AWS's telemetry framing on the fd the platform hands over
 * (u32 BE frame type, u32 BE length, u64 BE timestamp in µs, message), so a multi-line record stays
 * one record; without that fd, stdout.
 */
final class LogSink {
    private static final int FRAME_TEXT = 0xA55A0003;

    private final OutputStream framed;
    private final PrintStream plain;

    private LogSink(OutputStream framed, PrintStream plain) {
        this.framed = framed;
        this.plain = plain;
    }

    static LogSink create(PrintStream stdout) {
        String fd = System.getenv("_LAMBDA_TELEMETRY_LOG_FD");
        if (fd != null && fd.matches("\\d+")) {
            FileDescriptor descriptor = descriptor(Integer.parseInt(fd));
            if (descriptor != null) return new LogSink(new FileOutputStream(descriptor), stdout);
        }
        return new LogSink(null, stdout);
    }

    /**
     * A FileDescriptor for an inherited fd. The platform's fd is a socket, which /dev/fd/N cannot
     * open on Linux, and the JDK has no public way to wrap a number: its private field is set through
     * sun.misc.Unsafe (jdk.unsupported, open to every module), so that no package is opened to user code.
     */
    private static FileDescriptor descriptor(int fd) {
        try {
            Field theUnsafe = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            Class<?> type = unsafe.getClass();
            long offset = (Long) type.getMethod("objectFieldOffset", Field.class).invoke(unsafe, FileDescriptor.class.getDeclaredField("fd"));
            FileDescriptor descriptor = new FileDescriptor();
            type.getMethod("putInt", Object.class, long.class, int.class).invoke(unsafe, descriptor, offset, fd);
            return descriptor.valid() ? descriptor : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    synchronized void log(byte[] message) {
        if (framed == null) {
            plain.write(message, 0, message.length);
            plain.flush();
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        byte[] frame = new byte[16 + message.length];
        putInt(frame, 0, FRAME_TEXT);
        putInt(frame, 4, message.length);
        putInt(frame, 8, (int) (micros >>> 32));
        putInt(frame, 12, (int) micros);
        System.arraycopy(message, 0, frame, 16, message.length);
        try {
            framed.write(frame);
            framed.flush();
        } catch (IOException e) {
            plain.write(message, 0, message.length);
            plain.flush();
        }
    }

    void log(String message) {
        log((message == null ? "null" : message).getBytes(StandardCharsets.UTF_8));
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
