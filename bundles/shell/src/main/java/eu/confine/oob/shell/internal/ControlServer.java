package eu.confine.oob.shell.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.shell.client.ControlProtocol;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Serves the control socket: one command per connection, framed as {@link ControlProtocol} says,
 * for the socket's owner only (the user running Karaf, root on a node).
 *
 * <p>Access is enforced three times: the socket's directory is the owner's with mode 0700, the
 * socket file is 0600, and each peer's credentials ({@code SO_PEERCRED}) must name the owner.
 * Each connection runs on its own thread, so a long {@code oob:deploy} never blocks {@code oob:list}.
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final EnumSet<PosixFilePermission> GROUP_OR_OTHER = EnumSet.complementOf(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private final Path socket;
    private final CommandExecutor executor;
    private final UserPrincipal owner;
    private final ServerSocketChannel server;
    private final ExecutorService connections;
    private final ScheduledExecutorService timer;

    /** Binds the socket (replacing a stale one) and starts accepting. */
    ControlServer(Path socket, CommandExecutor executor) throws IOException {
        if (!socket.isAbsolute() || socket.getParent() == null) {
            throw new IllegalArgumentException("control socket path must be absolute: " + socket);
        }
        this.socket = socket;
        this.executor = executor;
        this.owner = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        prepareDirectory(socket.getParent());
        removeStaleSocket();
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        AtomicInteger count = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "oob-control-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "oob-control-flush");
            thread.setDaemon(true);
            return thread;
        });
        Thread acceptor = new Thread(this::accept, "oob-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Serving Karaf commands to {} on {}", owner.getName(), socket);
    }

    /** Stops accepting, interrupts running commands and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Could not close control socket {}: {}", socket, e.toString());
        }
        connections.shutdownNow();
        timer.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Could not remove control socket {}: {}", socket, e.toString());
        }
    }

    private void prepareDirectory(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean shared = attributes.permissions().stream().anyMatch(GROUP_OR_OTHER::contains);
        if (!attributes.isDirectory() || !attributes.owner().equals(owner) || shared) {
            throw new IOException("control socket directory " + directory + " must be a directory of " + owner.getName()
                    + " with mode 0700 (found " + (attributes.isDirectory() ? attributes.owner().getName() + " "
                    + PosixFilePermissions.toString(attributes.permissions()) : "no directory") + ")");
        }
    }

    private void removeStaleSocket() throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(socket + " exists and is not a socket");
        }
        boolean answered;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            answered = true;
        } catch (IOException refused) {
            answered = false;
        }
        if (answered) {
            throw new IOException("another server already answers on " + socket);
        }
        Files.delete(socket);
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("Control socket {} could not accept a connection: {}", socket, e.toString());
                continue;
            }
            try {
                connections.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                closeQuietly(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            DataInputStream request = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            FrameWire wire = new FrameWire(Channels.newOutputStream(channel), timer, connections);
            Path directory = null;
            String commandLine = null;
            while (commandLine == null) {
                ControlProtocol.Frame frame = ControlProtocol.read(request, ControlProtocol.MAX_REQUEST);
                String text = new String(frame.payload(), StandardCharsets.UTF_8);
                switch (frame.type()) {
                    case ControlProtocol.DIRECTORY -> directory = text.startsWith("/") ? Path.of(text) : null;
                    case ControlProtocol.COMMAND -> commandLine = text;
                    default -> throw new IOException("unknown request frame type " + (frame.type() & 0xff));
                }
            }
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) {
                LOG.warn("Refused a control connection from user {}", peer.user().getName());
                wire.end("oob: only " + owner.getName() + " may run commands here", 1);
                return;
            }
            run(wire, commandLine, directory, peer);
        } catch (IOException e) {
            if (server.isOpen()) {
                LOG.warn("Control connection on {} failed: {}", socket, e.toString());
            } else {
                LOG.debug("Control connection on {} ended by shutdown: {}", socket, e.toString());
            }
        }
    }

    private void run(FrameWire wire, String commandLine, Path directory, UnixDomainPrincipal peer) throws IOException {
        PrintStream out = new PrintStream(wire.stream(ControlProtocol.STDOUT), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(wire.stream(ControlProtocol.STDERR), false, StandardCharsets.UTF_8);
        int status = executor.execute(commandLine, directory, peer, out, err);
        out.flush();
        err.flush();
        wire.end(null, status);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a refused control connection failed", e);
        }
    }
}
