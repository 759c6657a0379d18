package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.extensions.openssh.AbstractOpenSSHExtensionParser.OpenSSHExtension;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's SFTP server on one sliver's file view: protocol version 3 only (what OpenSSH's sftp, scp and
 * sshfs speak), extensions on an allow-list enforced per request (MINA runs unadvertised ones
 * otherwise), no link or lock requests, a handle limit, and the file system it was built with, whatever
 * the server's file system factory says.
 */
final class SliverSftpSubsystem extends SftpSubsystem {

    private static final Logger LOG = LoggerFactory.getLogger(SliverSftpSubsystem.class);

    /** The OpenSSH extensions served and advertised. */
    static final Set<String> ALLOWED_EXTENSIONS = Set.of(
            "posix-rename@openssh.com", "fsync@openssh.com", "limits@openssh.com", "lsetstat@openssh.com");

    private static final Set<Integer> REFUSED_REQUESTS = Set.of(
            SftpConstants.SSH_FXP_SYMLINK, SftpConstants.SSH_FXP_LINK,
            SftpConstants.SSH_FXP_BLOCK, SftpConstants.SSH_FXP_UNBLOCK);

    private final SliverFileSystem view;
    private final String sliceId;
    private ChannelOutputStream replies;

    SliverSftpSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator, SliverFileSystem view,
            String sliceId, int maxOpenHandles) {
        super(channel, configurator);
        this.view = view;
        this.sliceId = sliceId;
        super.setFileSystem(view);
        this.maxHandleCount = maxOpenHandles;
    }

    @Override
    public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) {
        // The sliver's view only: the server's factory is never asked for a file system.
    }

    @Override
    public void setFileSystem(FileSystem fileSystem) {
        if (fileSystem != view) {
            LOG.debug("slice {}: SFTP keeps the sliver's file view, not {}", sliceId, fileSystem);
        }
    }

    /**
     * Replies leave through a blocking channel stream written from this subsystem's own thread, packed like
     * OpenSSH packs them. MINA's asynchronous stream sent each reply as its own packets, one packet per write
     * completion: a 32 KiB read reply became a 32 KiB packet and a 13-byte one, and the next reply waited for
     * both socket completions before it was even encrypted. Here replies fill whole packets, each is encrypted
     * and queued at once up to the client's window (each wait for window space lasts at most the server's idle
     * timeout, {@code WAIT_FOR_SPACE_TIMEOUT}; a closed channel ends it at once), and a partial packet leaves as
     * soon as no request is waiting (see {@link #process}) or the subsystem ends (see {@link #closeAllHandles}).
     */
    @Override
    public void setIoOutputStream(IoOutputStream asynchronous) {
        ChannelSession channel = getServerChannelSession();
        replies = new ChannelOutputStream(channel, channel.getRemoteWindow(), LOG, SshConstants.SSH_MSG_CHANNEL_DATA, false);
    }

    @Override
    protected void send(Buffer buffer) throws IOException {
        BufferUtils.updateLengthPlaceholder(buffer, 0);
        replies.write(buffer.array(), buffer.rpos(), buffer.available());
    }

    /** Sends what is buffered once no further request waits: the replies to a burst of requests share packets. */
    @Override
    protected void process(Buffer buffer) throws IOException {
        super.process(buffer);
        Buffer next = requests.peek();
        if (next == null || next == CLOSE) {
            replies.flush();
        }
    }

    /**
     * Sends the replies still buffered before the subsystem ends: {@code run} calls this on its way out, before
     * it reports the exit, also when the client's EOF emptied the queue right after {@link #process} saw a
     * request waiting, or when a request failed.
     */
    @Override
    protected void closeAllHandles() {
        try {
            replies.flush();
        } catch (IOException e) {
            LOG.debug("slice {}: last SFTP replies not delivered: {}", sliceId, e.getMessage());
        }
        super.closeAllHandles();
    }

    @Override
    protected void doProcess(Buffer buffer, int length, int type, int id) throws IOException {
        if (REFUSED_REQUESTS.contains(type)) {
            LOG.info("slice {}: refused SFTP request {}", sliceId, SftpConstants.getCommandMessageName(type));
            sendStatus(prepareReply(buffer), id, SftpConstants.SSH_FX_OP_UNSUPPORTED,
                    SftpConstants.getCommandMessageName(type) + " is not offered");
            return;
        }
        super.doProcess(buffer, length, type, id);
    }

    /** Like OpenSSH's sftp-server: the requested permissions, masked by the umask, at creation; no other attribute. */
    @Override
    protected void doMakeDirectory(int id, String path, Map<String, ?> attrs) throws IOException {
        Path dir = resolveFile(path);
        Object permissions = attrs.get(IoUtils.PERMISSIONS_VIEW_ATTR);
        FileAttribute<?>[] mode = permissions instanceof Set
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(castPermissions((Set<?>) permissions))}
                : new FileAttribute<?>[0];
        SftpEventListener listener = getSftpEventListenerProxy();
        listener.creating(getServerSession(), dir, attrs);
        try {
            Files.createDirectory(dir, mode);
        } catch (IOException | RuntimeException e) {
            listener.created(getServerSession(), dir, attrs, e);
            throw e;
        }
        listener.created(getServerSession(), dir, attrs, null);
    }

    /** A refused attribute change is the client's answer, not a warning in the server's log. */
    @Override
    protected void handleSetFileAttributeFailure(Path file, String view, String attribute, Object value,
            Collection<String> unsupported, Exception e) throws IOException {
        if (e instanceof UnsupportedOperationException) {
            unsupported.add(attribute);
            return;
        }
        LOG.debug("slice {}: setting {} of {} refused: {}", sliceId, attribute, file, e.toString());
        throw e instanceof IOException ? (IOException) e : new IOException(e);
    }

    private static Set<PosixFilePermission> castPermissions(Set<?> permissions) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (Object p : permissions) {
            out.add((PosixFilePermission) p);
        }
        return out;
    }

    @Override
    protected void executeExtendedCommand(Buffer buffer, int id, String extension) throws IOException {
        if (!ALLOWED_EXTENSIONS.contains(extension)) {
            LOG.info("slice {}: refused SFTP extension {}", sliceId, Printable.of(extension));
            doUnsupportedExtension(buffer, id, extension);
            return;
        }
        super.executeExtendedCommand(buffer, id, extension);
    }

    @Override
    protected Map.Entry<Integer, String> checkVersionCompatibility(Buffer buffer, int id, int proposed, int failureOpcode)
            throws IOException {
        if (proposed < SftpConstants.SFTP_V3) {
            sendStatus(prepareReply(buffer), id, failureOpcode, "only SFTP version 3 is offered");
            return null;
        }
        return new SimpleImmutableEntry<>(SftpConstants.SFTP_V3, Integer.toString(SftpConstants.SFTP_V3));
    }

    @Override
    protected List<OpenSSHExtension> resolveOpenSSHExtensions(ServerSession session) {
        return ALLOWED_EXTENSIONS.stream().sorted().map(name -> new OpenSSHExtension(name, "1")).toList();
    }

    @Override
    protected Map<String, OptionalFeature> getSupportedClientExtensions(ServerSession session) {
        return Map.of();
    }

    @Override
    protected int appendAclSupportedExtension(Buffer buffer, ServerSession session) {
        return 0;
    }
}
