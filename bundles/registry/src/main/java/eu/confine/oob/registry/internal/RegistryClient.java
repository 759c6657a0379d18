package eu.confine.oob.registry.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads registry resources over HTTP(S) with conditional requests: a resource that came with an
 * {@code ETag} is asked for again with {@code If-None-Match}, and a {@code 304 Not Modified} reuses the
 * cached body. Only complete, valid JSON objects are cached. Each request is bounded in time and size.
 */
final class RegistryClient implements Resources {

    /** Largest answer accepted, in bytes. */
    static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final Map<URI, Cached> cache = new ConcurrentHashMap<>();
    private volatile int read;
    private volatile int notModified;

    private record Cached(String etag, JsonNode body) {
    }

    RegistryClient(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** A client for the settings: redirects not followed, the configured trust store if any. */
    static RegistryClient of(Settings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.trustStore().isPresent()) {
            builder.sslContext(TrustStores.sslContext(settings.trustStore().get(), settings.trustPassword()));
        }
        return new RegistryClient(builder.build(), settings.requestTimeout());
    }

    @Override
    public JsonNode get(URI uri) throws RegistryException, InterruptedException {
        read++;
        Cached cached = cache.get(uri);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                .header("Accept", "application/json").header("User-Agent", "confine-oob registry follower");
        if (cached != null) {
            request.header("If-None-Match", cached.etag());
        }
        HttpResponse<byte[]> response = send(uri, request.build());
        int status = response.statusCode();
        if (status == 304) {
            if (cached == null) {
                throw new RegistryException(uri + ": 304 Not Modified to a request that was not conditional");
            }
            notModified++;
            return cached.body();
        }
        if (status != 200) {
            throw new RegistryException(uri + ": HTTP " + status);
        }
        JsonNode body = parse(uri, response.body());
        Optional<String> etag = response.headers().firstValue("ETag");
        if (etag.isPresent() && !etag.get().isBlank()) {
            cache.put(uri, new Cached(etag.get(), body));
        } else {
            cache.remove(uri);
        }
        return body;
    }

    /** Starts counting the requests of a new sync. */
    void startSync() {
        read = 0;
        notModified = 0;
    }

    /** Forgets the cached resources that the last successful sync did not read. */
    void retainOnly(Set<URI> used) {
        cache.keySet().retainAll(used);
    }

    /** Resources read since {@link #startSync}. */
    int read() {
        return read;
    }

    /** Resources answered with 304 since {@link #startSync}. */
    int notModified() {
        return notModified;
    }

    /** Cached resources that carry an ETag. */
    int etags() {
        return cache.size();
    }

    private HttpResponse<byte[]> send(URI uri, HttpRequest request) throws RegistryException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new LimitedBody(MAX_ANSWER_BYTES));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timedOut(uri);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(uri);
            }
            throw new RegistryException(uri + ": " + describe(cause), cause);
        }
    }

    /** The failure's type and the first message along its causes ({@code ConnectException: Connection refused}). */
    private static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return failure.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private RegistryException timedOut(URI uri) {
        return new RegistryException(uri + ": no complete answer within " + timeout.toSeconds() + " s");
    }

    private JsonNode parse(URI uri, byte[] bytes) throws RegistryException {
        JsonNode body;
        try {
            body = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new RegistryException(uri + ": invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RegistryException(uri + ": unreadable answer: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new RegistryException(uri + ": answer is not a JSON object");
        }
        return body;
    }
}
