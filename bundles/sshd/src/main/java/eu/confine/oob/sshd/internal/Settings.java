package eu.confine.oob.sshd.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The front end's configuration, checked: absolute normalised paths, ports and limits in range.
 *
 * @param listenAddress                  address to bind
 * @param port                           TCP port, 0 for any free one
 * @param hostKeyDirectory               where the host keys live
 * @param homeBase                       where the sliver users' homes are
 * @param idleTimeout                    connection idle timeout
 * @param authTimeout                    time allowed to authenticate
 * @param maxAuthAttempts                authentication requests per connection
 * @param maxSessionsPerSlice            authenticated connections per slice
 * @param maxChannelsPerConnection       concurrent channels per connection
 * @param maxOpenHandles                 open SFTP handles per channel
 * @param maxPreAuthConnectionsPerSource unauthenticated connections per client address
 * @param execInSliver                   whether exec requests run in the sliver
 */
record Settings(String listenAddress, int port, Path hostKeyDirectory, Path homeBase, Duration idleTimeout,
                Duration authTimeout, int maxAuthAttempts, int maxSessionsPerSlice, int maxChannelsPerConnection,
                int maxOpenHandles, int maxPreAuthConnectionsPerSource, boolean execInSliver) {

    Settings {
        if (listenAddress == null || listenAddress.isBlank()) {
            throw new IllegalArgumentException("listenAddress must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        requireAbsolute("hostKeyDirectory", hostKeyDirectory);
        requireAbsolute("homeBase", homeBase);
        requirePositive("idleTimeoutSeconds", idleTimeout.toSeconds());
        requirePositive("authTimeoutSeconds", authTimeout.toSeconds());
        requirePositive("maxAuthAttempts", maxAuthAttempts);
        requirePositive("maxSessionsPerSlice", maxSessionsPerSlice);
        requirePositive("maxChannelsPerConnection", maxChannelsPerConnection);
        requirePositive("maxOpenHandles", maxOpenHandles);
        requirePositive("maxPreAuthConnectionsPerSource", maxPreAuthConnectionsPerSource);
    }

    /** The settings of a configuration, checked. */
    static Settings of(SshdConfig config) {
        return new Settings(config.listenAddress().strip(), config.port(), path("hostKeyDirectory", config.hostKeyDirectory()),
                path("homeBase", config.homeBase()), Duration.ofSeconds(config.idleTimeoutSeconds()),
                Duration.ofSeconds(config.authTimeoutSeconds()), config.maxAuthAttempts(), config.maxSessionsPerSlice(),
                config.maxChannelsPerConnection(), config.maxOpenHandles(), config.maxPreAuthConnectionsPerSource(),
                config.execInSliver());
    }

    private static Path path(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return Path.of(value.strip());
    }

    private static void requireAbsolute(String name, Path path) {
        if (!path.isAbsolute() || !path.normalize().equals(path)) {
            throw new IllegalArgumentException(name + " must be an absolute, normalised path, got '" + path + "'");
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
