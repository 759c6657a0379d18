package eu.confine.oob.registry.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

/**
 * The follower's configuration, checked: an empty base URI means disabled.
 *
 * @param base           the registry's base URI, ending in {@code /} (null when disabled)
 * @param nodeId         this node's id in the registry
 * @param pollInterval   time between syncs
 * @param requestTimeout time one request may take
 * @param trustStore     certificates for the registry's TLS, if not the JVM's
 * @param trustPassword  the trust store's password (may be empty)
 * @param stalenessLimit age of the last good state after which logins are refused; zero for never
 * @param snapshotFile   where the last good state is kept
 * @param containerOf    container name template with {@code {slice}} and {@code {node}}
 */
record Settings(URI base, String nodeId, Duration pollInterval, Duration requestTimeout, Optional<Path> trustStore,
                String trustPassword, Duration stalenessLimit, Path snapshotFile, String containerOf) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    /** Checks a configuration; throws {@link IllegalArgumentException} naming the attribute and the reason. */
    static Settings of(RegistryConfig config) {
        String raw = config.baseUri().strip();
        URI base = raw.isEmpty() ? null : base(raw);
        String nodeId = config.nodeId().strip();
        if (base != null && !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("nodeId must be 1 to 64 letters, digits, '_' or '-', got '" + nodeId + "'");
        }
        int poll = config.pollIntervalSeconds();
        if (poll < 1 || poll > 86_400) {
            throw new IllegalArgumentException("pollIntervalSeconds must be between 1 and 86400, got " + poll);
        }
        int timeout = config.requestTimeoutSeconds();
        if (timeout < 1 || timeout > 600) {
            throw new IllegalArgumentException("requestTimeoutSeconds must be between 1 and 600, got " + timeout);
        }
        double hours = config.stalenessLimitHours();
        if (!(hours >= 0) || hours > 24 * 365) {
            throw new IllegalArgumentException("stalenessLimitHours must be between 0 and 8760, got " + hours);
        }
        Optional<Path> trustStore = config.trustStore().isBlank() ? Optional.empty() : Optional.of(absolute("trustStore", config.trustStore()));
        String template = config.containerOf().strip();
        checkTemplate(template);
        return new Settings(base, nodeId, Duration.ofSeconds(poll), Duration.ofSeconds(timeout), trustStore,
                config.trustStorePassword(), Duration.ofMillis(Math.round(hours * 3_600_000)),
                absolute("snapshotFile", config.snapshotFile()), template);
    }

    /** Whether a registry is configured. */
    boolean enabled() {
        return base != null;
    }

    /** The URI of this node's resource. */
    URI nodeUri() {
        return base.resolve("nodes/" + nodeId);
    }

    /** The container name of a slice's sliver on this node. */
    String container(SliceId sliceId) {
        String name = containerOf.replace("{slice}", sliceId.value()).replace("{node}", nodeId);
        return Containers.requireValidName(sliceId.value(), name);
    }

    private static URI base(String raw) {
        URI uri;
        try {
            uri = new URI(raw.endsWith("/") ? raw : raw + "/");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("baseUri is not a URI: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("baseUri must be an http or https URI with a host and no user, query or fragment, got '" + raw + "'");
        }
        return uri.normalize();
    }

    private static Path absolute(String attribute, String value) {
        Path path = Path.of(value.strip());
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(attribute + " must be an absolute path, got '" + value + "'");
        }
        return path;
    }

    private static void checkTemplate(String template) {
        var placeholders = PLACEHOLDER.matcher(template);
        while (placeholders.find()) {
            if (!placeholders.group(1).equals("slice") && !placeholders.group(1).equals("node")) {
                throw new IllegalArgumentException("containerOf knows {slice} and {node} only, got '" + template + "'");
            }
        }
        if (!template.contains("{slice}")) {
            throw new IllegalArgumentException("containerOf must contain {slice}, or every sliver would share one container: '" + template + "'");
        }
        try {
            Containers.requireValidName("000000000000", template.replace("{slice}", "000000000000").replace("{node}", "node"));
        } catch (InvalidSliverRequestException e) {
            throw new IllegalArgumentException("containerOf does not give valid container names: " + e.getMessage());
        }
    }
}
