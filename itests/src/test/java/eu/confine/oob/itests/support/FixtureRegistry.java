package eu.confine.oob.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A CONFINE registry on loopback for one node with one slice: resources built from the fixture templates in
 * {@code src/test/resources/registry}, an ETag per content, 304 to a matching If-None-Match; it can answer
 * garbage, 503, or be stopped and started again on the same port.
 */
public final class FixtureRegistry implements AutoCloseable {

    /** How the registry answers. */
    public enum Answer { OK, GARBAGE, UNAVAILABLE }

    private final long number;
    private final String nodeId;
    private final Map<String, String> resources = new ConcurrentHashMap<>();
    private final AtomicInteger notModified = new AtomicInteger();
    private volatile Answer answer = Answer.OK;
    private HttpServer server;
    private int port;

    /**
     * Starts a registry whose node {@code nodeId} may run a sliver of the slice with that numeric id.
     *
     * @param number the registry's numeric slice id (the node-side slice id is its 12 lowercase hex digits)
     */
    public FixtureRegistry(long number, String nodeId) throws IOException {
        this.number = number;
        this.nodeId = nodeId;
        start();
        resources.put("slivers/" + number + "@" + nodeId, fill("sliver", Map.of()));
        resources.put("slices/" + number, fill("slice", Map.of()));
    }

    /** The base URI of the REST API. */
    public String base() {
        return "http://127.0.0.1:" + port + "/api/";
    }

    /** The node's resource, listing the slice's sliver or no sliver. */
    public void node(boolean withSliver) {
        resources.put("nodes/" + nodeId, fill("node", Map.of("slivers",
                withSliver ? "{\"uri\": \"{base}slivers/" + number + "@" + nodeId + "\"}" : "")));
    }

    /** The slice's group with these user roles ({@link #role}). */
    public void group(List<String> roles) {
        resources.put("groups/" + number, fill("group", Map.of("roles", String.join(", ", roles))));
    }

    /** One user role of the group, as JSON. */
    public String role(int user, boolean sliceAdmin, boolean groupAdmin) {
        return fill("role", Map.of("user", Integer.toString(user), "sliceAdmin", Boolean.toString(sliceAdmin),
                "groupAdmin", Boolean.toString(groupAdmin))).strip();
    }

    /** A user with one OpenSSH public key among its auth tokens. */
    public void user(int user, String name, boolean active, String key) {
        resources.put("users/" + user, fill("user", Map.of("user", Integer.toString(user), "name", name,
                "active", Boolean.toString(active), "key", key)));
    }

    /** How the registry answers from now on. */
    public void answer(Answer next) {
        this.answer = next;
    }

    /** How many requests were answered 304 Not Modified. */
    public int notModified() {
        return notModified.get();
    }

    /** Listens again (on the same port after a {@link #stop()}), answering {@link Answer#OK}. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the registry already listens on port " + port);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        port = server.getAddress().getPort();
        server.createContext("/api/", this::handle);
        server.start();
        answer = Answer.OK;
    }

    /** Stops listening: connections are refused. Does nothing if it does not listen. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String fill(String template, Map<String, String> values) {
        String text;
        try (InputStream in = FixtureRegistry.class.getResourceAsStream("/registry/" + template + ".json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{" + value.getKey() + "}", value.getValue());
        }
        return text.replace("{number}", Long.toString(number)).replace("{node}", nodeId);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath().substring("/api/".length());
            String json = resources.get(path);
            if (answer == Answer.GARBAGE) {
                send(exchange, null, "<html><body>Internal Server Error</body></html>");
            } else if (answer == Answer.UNAVAILABLE) {
                exchange.sendResponseHeaders(503, -1);
            } else if (json == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                String etag = "\"" + Integer.toHexString(json.hashCode()) + "\"";
                if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    notModified.incrementAndGet();
                    exchange.sendResponseHeaders(304, -1);
                } else {
                    send(exchange, etag, json.replace("{base}", base()));
                }
            }
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, String etag, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        Optional.ofNullable(etag).ifPresent(tag -> exchange.getResponseHeaders().set("ETag", tag));
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
