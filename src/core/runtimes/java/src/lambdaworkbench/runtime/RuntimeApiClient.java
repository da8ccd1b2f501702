package lambdaworkbench.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Runtime API (2018-06-01) over one kept-alive loopback socket with HTTP/1.1 written by hand:
 * java.net.http.HttpClient starts threads and loads hundreds of classes, which a cold start pays for.
 */
final class RuntimeApiClient {
    static final String BASE = "/2018-06-01/runtime";

    /** A response: status, headers (case-insensitive names) and body. */
    static final class Response {
        final int status;
        final Map<String, String> headers;
        final byte[] body;

        Response(int status, Map<String, String> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private final String host;
    private final int port;
    private volatile Socket socket;
    private volatile boolean closed;
    private InputStream in;
    private OutputStream out;

    RuntimeApiClient(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API is not host:port: " + address);
        this.host = address.substring(0, colon);
        this.port = Integer.parseInt(address.substring(colon + 1));
    }

    /**
     * Closes the socket, from the shutdown hook (SIGTERM at SHUTDOWN): the JVM's exit waits up to 300 ms for
     * a thread in native code, which a read parked on GET /next is.
     */
    void closeForShutdown() {
        closed = true;
        Socket s = socket;
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }

    /** Whether the socket was closed for the JVM's shutdown (a failed call then is no platform failure). */
    boolean closedForShutdown() {
        return closed;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port));
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
    }

    Response request(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        if (socket == null) connect();
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(BASE).append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                // Header values never carry line breaks (a message in one would split the request).
                head.append(h.getKey()).append(": ").append(h.getValue().replace('\r', ' ').replace('\n', ' ')).append("\r\n");
            }
        }
        if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null || body.length == 0) {
            out.write(headBytes);
        } else {
            byte[] all = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            out.write(all);
        }
        out.flush();
        return readResponse();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            if (c != '\r') line.write(c);
        }
        if (c == -1 && line.size() == 0) throw new IOException("The Runtime API closed the connection");
        return line.toString(StandardCharsets.ISO_8859_1.name());
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("Not an HTTP response: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim(), new String(line.substring(colon + 1).trim().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        byte[] body;
        String length = headers.get("Content-Length");
        if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (;;) {
                String size = readLine();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) { /* trailers */ }
                    break;
                }
                all.write(readExactly(n));
                readLine();
            }
            body = all.toByteArray();
        } else {
            body = readExactly(length == null ? 0 : Integer.parseInt(length.trim()));
        }
        if ("close".equalsIgnoreCase(headers.get("Connection"))) {
            socket.close();
            socket = null;
        }
        return new Response(status, headers, body);
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] buffer = new byte[n];
        int read = 0;
        while (read < n) {
            int r = in.read(buffer, read, n - read);
            if (r < 0) throw new IOException("The Runtime API closed the connection mid-response");
            read += r;
        }
        return buffer;
    }

    static Map<String, String> headers(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] != null) map.put(pairs[i], pairs[i + 1]);
        return map;
    }
}
