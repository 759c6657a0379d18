package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

/**
 * SFTP and scp confined to the logged-in sliver's tmp.
 *
 * <p>What the admin sees: a root {@code /} that holds only {@code tmp}, the start directory; {@code tmp}
 * is {@code <homeBase>/<user>/tmp}, the bind mount of the sliver's /tmp. {@code .ssh} and the rest of the
 * home are not part of the view at all. It only touches that mount, so it works while the sliver is stopped.
 *
 * <p><b>Design: MINA's SFTP and scp servers in this JVM on a {@link java.nio.file.FileSystem} of our own
 * whose every file operation is a system call made with the sliver user's credentials</b>, not a
 * sandboxed OpenSSH {@code sftp-server}. The layers of {@code security.md}, where each lives:
 * <ol>
 * <li>Mount: the tmp handle is opened without following links below the home base and must be the root
 * of a nosuid, nodev, noexec, nosymfollow mount, or the request is refused ({@link SliverTree#open}).</li>
 * <li>Identity: every system call on the sliver's files (open, stat, mkdir, rename, unlink, chmod,
 * chown, utimes, access, getdents, and each read and write) runs in a {@link Credentials} scope: fsuid and
 * fsgid of the user, no supplementary groups (root's cannot leak into the check), no effective
 * capabilities (no {@code CAP_DAC_*}, {@code CAP_FOWNER}, {@code CAP_FSETID}, {@code CAP_SYS_RESOURCE}:
 * a write clears set-id bits and cannot use root's reserved blocks). The scope is per call and per thread,
 * so no other JVM thread, and no pool thread later, has the identity, and no Java code runs with it.</li>
 * <li>Types: names are resolved with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)} from the tmp handle; files are opened
 * {@code O_NOFOLLOW | O_NONBLOCK}, then checked with {@code fstat} on the descriptor and used only through
 * it; anything but a regular file or directory is closed and refused, so a FIFO, socket or device swapped
 * in never blocks a thread. Metadata changes act on an {@code O_PATH} handle whose type was checked.
 * Symlinks are listed and readable ({@code readlink}) but never followed and never created (a link's
 * target would mean one thing to the sliver and another to us; file transfer does not need them).</li>
 * <li>Protocol: SFTP version 3 only; extensions on an allow-list checked on every request
 * ({@link SliverSftpSubsystem}); no link, lock or server-side copy requests; a handle limit per channel;
 * created files get the requested mode masked by 022, mkdir too (MINA's own mkdir gives 0777), chmod
 * keeps 0777 at most; legacy scp is parsed without a shell ({@link ScpRequest}).</li>
 * <li>Lexical root on top: {@link SliverPath} normalizes and never climbs above {@code /}.</li>
 * </ol>
 *
 * <p><b>Why not bubblewrap and OpenSSH's sftp-server</b> (measured on this project's Debian 12 machine,
 * OpenSSH 9.2, MINA 2.20.1): a raw SFTP OPEN of a FIFO hangs there ({@code sftp-server} opens without
 * {@code O_NONBLOCK}; the request never answers), so the type layer cannot be had without patching it;
 * its sandbox root must bind /usr, /lib, /etc/passwd and /dev for the binary to run, so the admin's
 * {@code ls /} shows them instead of only {@code tmp}; it needs unprivileged user namespaces; and piping
 * through the JVM was slower than MINA's own server (1 GiB put 55-70 MiB/s against 200+).
 *
 * <p><b>Throughput</b> (1 GiB over loopback with the OpenSSH 9.2 client, three runs each on a machine
 * shared with other builds; wall seconds, this service against stock OpenSSH sshd + sftp-server on the
 * same file): {@code aes128-gcm@openssh.com} sftp get 3.7-4.6 against 3.7-5.0, put 3.7-5.6 against
 * 5.4-6.3; {@code aes128-ctr} get 4.0-5.7 against 4.8-8.1, put 4.6-5.5 against 5.4-7.9; legacy
 * {@code scp -O} get 3.5 against 3.0-3.6, put 4.1-4.4 against 3.8-4.2. Server CPU per GiB is alike
 * (1.9-2.6 s against 2.5-4.3 s); MINA's own SFTP server without the confinement used 1.7-2.1 s, so the
 * per-call credential scopes (about 20 microseconds each) are within the noise. With
 * {@code chacha20-poly1305@openssh.com}, the OpenSSH client's first choice, MINA's Java cipher needs
 * 7-8 s of CPU per GiB against OpenSSH's 2.5-3.6 and transfers run at about 0.6x: that is the server's
 * cipher list (offering AES only restores parity), not the file layer. MINA's scp opener would open every
 * received file {@code O_SYNC} (a 1 GiB legacy upload took minutes on disk); here, as in OpenSSH, it does
 * not ({@link ScpOpener}).
 */
public final class SliverFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SliverFiles.class);

    private final SliverFilesConfig config;
    private final Arch arch;
    private final Credentials credentials;
    private final SliverSftpFactory sftp;
    private final Set<SliverFileSystem> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * The file service for a node.
     *
     * @throws UnsupportedOperationException on a platform whose system calls it does not know (anything but Linux on x86-64 or AArch64)
     * @throws IllegalStateException         if the JVM does not run as root
     */
    public SliverFiles(SliverFilesConfig config) {
        this.config = config;
        this.arch = Arch.current();
        if (LibC.setfsuid(-1) != 0) {
            throw new IllegalStateException("the sliver file service must run as root to take the slivers' identities");
        }
        this.credentials = new Credentials(arch);
        this.sftp = new SliverSftpFactory(this, config.maxOpenHandles());
    }

    /** The {@code sftp} subsystem (also what modern scp and sshfs use). */
    public SftpSubsystemFactory sftpSubsystem() {
        return sftp;
    }

    /**
     * The command for a legacy scp exec request ({@code scp -t PATH} or {@code scp -f PATH}).
     *
     * @throws IOException if the request is not a plain scp transfer, or the sliver's tmp cannot be served
     */
    public Command scpCommand(ChannelSession channel, String command) throws IOException {
        ScpRequest request;
        try {
            request = ScpRequest.parse(command);
        } catch (IllegalArgumentException e) {
            LOG.info("slice {}: refused exec request '{}': {}", channel.getSession().getUsername(), Printable.of(command),
                    e.getMessage());
            throw new IOException(e.getMessage(), e);
        }
        View view = open(channel, "scp");
        return new ScpFileCommand(command, request, view.fileSystem(), view.sliceId());
    }

    /** Closes every file view still open; later requests are refused. */
    public void close() {
        closed = true;
        for (SliverFileSystem fs : open) {
            fs.close();
        }
    }

    /** A fresh view of the channel's sliver's tmp, with the sliver user's credentials. */
    View open(ChannelSession channel, String what) throws IOException {
        String user = channel.getSession().getUsername();
        if (closed) {
            throw new IOException("the file service is stopped");
        }
        SliceId slice;
        try {
            slice = SliceId.ofUserName(user);
        } catch (InvalidSliverRequestException e) {
            LOG.info("refused {} for user {}: {}", what, Printable.of(String.valueOf(user)), e.getMessage());
            throw new IOException(e.getMessage(), e);
        }
        try {
            SliverIdentity who = SliverIdentity.lookup(slice.userName());
            SliverTree tree = SliverTree.open(credentials, arch, who, config.homeBase());
            SliverFileSystem fs = new SliverFileSystem(tree, open::remove);
            open.add(fs);
            return new View(fs, slice.value());
        } catch (IOException e) {
            LOG.info("slice {}: {} refused: {}", slice, what, ScpFileCommand.describe(e));
            throw new IOException("slice " + slice + ": files unavailable: " + ScpFileCommand.describe(e), e);
        }
    }

    /** A file view and the slice it shows. */
    record View(SliverFileSystem fileSystem, String sliceId) {
    }
}
