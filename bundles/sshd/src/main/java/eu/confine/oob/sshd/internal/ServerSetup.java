package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.sshd.files.SliverFiles;

/**
 * Builds the MINA {@link SshServer} from the settings, closed by default: public-key authentication only, session
 * channels only (our {@link SliverChannel}), no forwarding of any kind (no TCP/IP or stream-local channels or
 * global requests, every forwarding filter saying no, no agent), no compression, no SHA-1 MACs, no host file
 * system, and the configured limits.
 */
final class ServerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(ServerSetup.class);

    private ServerSetup() {
    }

    static SshServer build(Settings settings, List<KeyPair> hostKeys, SliverAuthenticator authenticator,
            SessionRegistry registry, ChannelRouter router, SliverFiles files, Audit audit) {
        SshServer server = ServerBuilder.builder()
                .publickeyAuthenticator(authenticator)
                .channelFactories(channelFactories(audit, settings.maxChannelsPerConnection()))
                .globalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE,
                        OpenSshHostKeysHandler.INSTANCE, new ForwardingRefusal()))
                .forwardingFilter(RejectAllForwardingFilter.INSTANCE)
                .compressionFactories(List.of(BuiltinCompressions.none))
                // AES only (hardware-accelerated in the JVM); no CBC. chacha20-poly1305, the OpenSSH client's first
                // choice, runs in plain Java at about 0.6x OpenSSH's speed, so clients fall back to AES-GCM.
                .cipherFactories(List.<NamedFactory<Cipher>>of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                        BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr))
                .macFactories(List.<NamedFactory<Mac>>of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm,
                        BuiltinMacs.hmacsha256, BuiltinMacs.hmacsha512))
                .fileSystemFactory(new NoFileSystem())
                .build();
        server.setHost(settings.listenAddress());
        server.setPort(settings.port());
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setAgentFactory(null);
        server.setShellFactory(router);
        server.setCommandFactory(router);
        server.setSubsystemFactories(List.of(files.sftpSubsystem()));
        server.addSessionListener(registry);

        CoreModuleProperties.AUTH_METHODS.set(server, UserAuthPublicKeyFactory.NAME);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, settings.idleTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(server, settings.authTimeout());
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, settings.maxAuthAttempts());
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(server, settings.maxSessionsPerSlice());
        // Our channel factory enforces the exact limit; MINA's check stays as a backstop.
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, settings.maxChannelsPerConnection());
        // A console whose reader pauses must not fail after the default 30 s: wait for window space as long as idle.
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(server, settings.idleTimeout());
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "confine-oob");
        // As OpenSSH's sshd: no Nagle delay. MINA's default (false) holds back the second of two small writes until
        // the first is acknowledged, which costs a delayed-ACK wait in request/response traffic (SFTP of small files).
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        // The limits@openssh.com reply tells OpenSSH's clients the handle limit the subsystem enforces (they size
        // their request pipeline by it). The read limit stays MINA's 63 KiB: OpenSSH's 255 KiB made scp downloads
        // slower here (one reply of eight packets at a time), and sshfs asks for 32 KiB anyway.
        SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(server, settings.maxOpenHandles());
        return server;
    }

    private static List<ChannelFactory> channelFactories(Audit audit, int maxChannels) {
        List<ChannelFactory> factories = new ArrayList<>();
        factories.add(new SliverChannelFactory(audit, maxChannels));
        factories.addAll(ForwardingRefusal.channelFactories());
        return factories;
    }

    /**
     * Creates {@link SliverChannel}s for "session" channel requests, at most {@code maxChannels} open per connection
     * (refused with a log line beyond; MINA's own limit lets one more through and then drops the whole connection).
     */
    private record SliverChannelFactory(Audit audit, int maxChannels) implements ChannelFactory {
        private static final AttributeKey<AtomicInteger> OPEN = new AttributeKey<>();

        @Override
        public String getName() {
            return "session";
        }

        @Override
        public Channel createChannel(Session session) {
            AtomicInteger open = session.computeAttributeIfAbsent(OPEN, key -> new AtomicInteger());
            if (open.incrementAndGet() > maxChannels) {
                open.decrementAndGet();
                LiveSession login = session.getAttribute(SessionRegistry.LIVE);
                LOG.info("slice {}: channel refused to session {}: {} channels open (max {})",
                        login == null ? "?" : login.grant().sliceId(), login == null ? "?" : login.id(), maxChannels, maxChannels);
                return null;
            }
            SliverChannel channel = new SliverChannel(audit);
            channel.addCloseFutureListener(future -> open.decrementAndGet());
            return channel;
        }
    }

    /** No command gets the host's file system by default: the file side brings its own, confined one. */
    private static final class NoFileSystem implements FileSystemFactory {
        @Override
        public Path getUserHomeDir(SessionContext session) throws IOException {
            throw new IOException("no host file system is served");
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) throws IOException {
            throw new IOException("no host file system is served");
        }
    }
}
