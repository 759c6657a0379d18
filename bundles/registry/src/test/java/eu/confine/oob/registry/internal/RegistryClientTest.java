package eu.confine.oob.registry.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/** The HTTP side against a real server on loopback: conditional requests, and every way an answer can be unusable. */
public class RegistryClientTest {

    private FixtureRegistry registry;
    private RegistryClient client;

    @Before
    public void start() throws IOException {
        registry = FixtureRegistry.start();
        client = new RegistryClient(HttpClient.newHttpClient(), Duration.ofSeconds(1));
    }

    @After
    public void stop() {
        registry.close();
    }

    @Test
    public void anUnchangedResourceIsAnswered304AndTheCachedBodyReused() throws Exception {
        URI node = registry.base().resolve("nodes/5");
        JsonNode first = client.get(node);
        assertEquals(1, client.etags());
        JsonNode second = client.get(node);
        assertSame(first, second);
        assertEquals(1, registry.notModified.get());

        registry.slivers("nodes/5", java.util.List.of("slivers/26@5"));
        JsonNode changed = client.get(node);
        assertEquals(1, changed.get("slivers").size());
        assertEquals(1, registry.notModified.get());
        assertEquals(3, client.read());
        assertEquals(1, client.notModified());

        client.retainOnly(Set.of());
        assertEquals(0, client.etags());
        client.get(node);
        assertEquals("a forgotten resource is asked for unconditionally", 1, registry.notModified.get());
    }

    @Test
    public void errorsNameTheResourceAndCacheNothing() throws Exception {
        URI node = registry.base().resolve("nodes/5");
        registry.mode(FixtureRegistry.Mode.UNAVAILABLE);
        assertThat(assertThrows(RegistryException.class, () -> client.get(node)).getMessage(), containsString(node + ": HTTP 503"));
        registry.mode(FixtureRegistry.Mode.GARBAGE);
        assertThat(assertThrows(RegistryException.class, () -> client.get(node)).getMessage(), containsString(node + ": invalid JSON"));
        registry.mode(FixtureRegistry.Mode.HANG);
        long started = System.nanoTime();
        assertThat(assertThrows(RegistryException.class, () -> client.get(node)).getMessage(),
                containsString(node + ": no complete answer within 1 s"));
        assertTrue("bounded by the request timeout", System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
        registry.mode(FixtureRegistry.Mode.NORMAL);
        assertThat(assertThrows(RegistryException.class, () -> client.get(registry.base().resolve("nodes/404"))).getMessage(),
                containsString("HTTP 404"));
        assertEquals(0, client.etags());
    }

    @Test
    public void trailingGarbageDuplicateKeysNonObjectsAndOversizedAnswersAreRefused() throws Exception {
        try (Answers answers = new Answers()) {
            assertThat(refusal(answers, "{\"a\": 1} {\"b\": 2}"), containsString("invalid JSON"));
            assertThat(refusal(answers, "{\"a\": 1, \"a\": 2}"), containsString("invalid JSON"));
            assertThat(refusal(answers, "[1, 2]"), containsString("not a JSON object"));
            assertThat(refusal(answers, ""), containsString("not a JSON object"));
            assertThat(refusal(answers, "{\"pad\": \"" + "x".repeat(RegistryClient.MAX_ANSWER_BYTES) + "\"}"),
                    containsString("answer longer than " + RegistryClient.MAX_ANSWER_BYTES + " bytes"));
        }
    }

    @Test
    public void aRedirectIsNotFollowed() throws Exception {
        try (Answers answers = new Answers()) {
            answers.status = 302;
            assertThat(refusal(answers, "{}"), containsString("HTTP 302"));
        }
    }

    @Test
    public void aNotModifiedAnswerToAnUnconditionalRequestIsAnError() throws Exception {
        try (Answers answers = new Answers()) {
            answers.status = 304;
            assertThat(refusal(answers, ""), containsString("304 Not Modified to a request that was not conditional"));
        }
    }

    @Test
    public void anUnreachableRegistryFailsFast() throws Exception {
        URI closed = registry.base().resolve("nodes/5");
        registry.close();
        RegistryException e = assertThrows(RegistryException.class, () -> client.get(closed));
        assertThat(e.getMessage(), containsString(closed + ": ConnectException"));
    }

    private String refusal(Answers answers, String body) {
        answers.body = body;
        RegistryClient fresh = RegistryClient.of(Settings.of(new TestConfig(answers.uri().toString(), "5", "{slice}", "/tmp/unused.json")));
        return assertThrows(RegistryException.class, () -> fresh.get(answers.uri())).getMessage();
    }

    /** A server giving one fixed answer to every request. */
    private static final class Answers implements AutoCloseable {
        private final HttpServer server;
        volatile String body = "{}";
        volatile int status = 200;

        Answers() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            server.createContext("/", exchange -> {
                byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:1/elsewhere");
                exchange.sendResponseHeaders(status, status == 304 || bytes.length == 0 ? -1 : bytes.length);
                if (status != 304 && bytes.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
                exchange.close();
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
