package eu.confine.oob.registry.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A CONFINE registry on loopback serving the JSON fixtures of {@code src/test/resources/registry} under
 * {@code /api/} (with {@code {base}} replaced by its base URI), changeable while a test runs: each
 * resource has an ETag derived from its content and answers {@code If-None-Match} with 304; the whole
 * registry can answer 503, garbage, or not at all.
 */
final class FixtureRegistry implements AutoCloseable {

    /** How the registry answers. */
    enum Mode { NORMAL, UNAVAILABLE, GARBAGE, HANG }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, String> resources = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Mode mode = Mode.NORMAL;
    /** Every request answered. */
    final AtomicInteger requests = new AtomicInteger();
    /** Requests answered with 304. */
    final AtomicInteger notModified = new AtomicInteger();

    private FixtureRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/api/", this::handle);
        server.start();
    }

    /** A registry serving every fixture file. */
    static FixtureRegistry start() throws IOException {
        FixtureRegistry registry = new FixtureRegistry();
        try {
            Path root = Path.of(FixtureRegistry.class.getResource("/registry").toURI());
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    String path = root.relativize(file).toString();
                    registry.resources.put(path.substring(0, path.length() - ".json".length()), Files.readString(file));
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return registry;
    }

    URI base() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/api/");
    }

    void mode(Mode newMode) {
        mode = newMode;
    }

    /** A resource's JSON, to change and {@link #put} back. */
    ObjectNode json(String path) {
        try {
            return (ObjectNode) MAPPER.readTree(resources.get(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void put(String path, ObjectNode json) {
        resources.put(path, json.toString());
    }

    void remove(String path) {
        resources.remove(path);
    }

    /** Removes every user role of a group whose user is that user resource. */
    void removeRole(String group, String user) {
        ObjectNode json = json(group);
        var roles = json.withArray("user_roles");
        for (int i = roles.size() - 1; i >= 0; i--) {
            if (roles.get(i).path("user").path("uri").asText().equals("{base}" + user)) {
                roles.remove(i);
            }
        }
        put(group, json);
    }

    /** Leaves only these slivers in the node's list. */
    void slivers(String node, List<String> slivers) {
        ObjectNode json = json(node);
        var list = json.putArray("slivers");
        slivers.forEach(sliver -> list.addObject().put("uri", "{base}" + sliver));
        put(node, json);
    }

    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            requests.incrementAndGet();
            switch (mode) {
                case UNAVAILABLE -> exchange.sendResponseHeaders(503, -1);
                case GARBAGE -> send(exchange, 200, null, "<html>502 Bad Gateway</html>{\"slivers\":");
                case HANG -> awaitClose();
                default -> serve(exchange);
            }
        } finally {
            exchange.close();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring("/api/".length());
        String json = resources.get(path);
        if (json == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String etag = "\"" + Integer.toHexString(json.hashCode()) + "\"";
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        send(exchange, 200, etag, json.replace("{base}", base().toString()));
    }

    private static void send(HttpExchange exchange, int status, String etag, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (etag != null) {
            exchange.getResponseHeaders().set("ETag", etag);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void awaitClose() {
        try {
            closing.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
