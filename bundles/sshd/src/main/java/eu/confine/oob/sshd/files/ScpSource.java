package eu.confine.oob.sshd.files;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.scp.common.ScpSourceStreamResolver;
import org.apache.sshd.scp.common.helpers.ScpTimestampCommandDetails;

/**
 * One regular file of the sliver as legacy scp sends it: opened first, then described from the open
 * descriptor, then read for exactly the length announced to the client.
 *
 * <p>The protocol announces a length before the data ({@code C0644 LENGTH NAME}). MINA's own source takes
 * the length from a path lookup and then copies the file to its end, so a sliver that shrinks or grows the
 * file in between desynchronises the stream: a short copy leaves the client waiting for bytes that never
 * come and the server waiting for the client's answer. Like OpenSSH's scp, a file that ends early is padded
 * with zeros to the announced length and reported in place of the final OK ({@link Shortfall}); a file that
 * grew is sent up to the announced length.
 */
final class ScpSource implements ScpSourceStreamResolver, Closeable {

    private final Path path;
    private final FdChannel channel;
    private final FileStat stat;
    private IOException shortfall;

    private ScpSource(Path path, FdChannel channel, FileStat stat) {
        this.path = path;
        this.channel = channel;
        this.stat = stat;
    }

    /** Opens a regular file of the sliver's view (never a link, a FIFO or a device) and reads its description. */
    static ScpSource open(Path path) throws IOException {
        FileChannel opened = path.getFileSystem().provider().newFileChannel(path, Set.of(StandardOpenOption.READ));
        try {
            FdChannel channel = (FdChannel) opened;
            return new ScpSource(path, channel, channel.stat());
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public String getFileName() {
        return path.getFileName().toString();
    }

    @Override
    public Path getEventListenerFilePath() {
        return path;
    }

    @Override
    public Collection<PosixFilePermission> getPermissions() {
        return SliverAttributes.permissions(stat.permissions());
    }

    @Override
    public ScpTimestampCommandDetails getTimestamp() {
        return new ScpTimestampCommandDetails(stat.modifyTime(), stat.accessTime());
    }

    @Override
    public long getSize() {
        return stat.size();
    }

    @Override
    public InputStream resolveSourceStream(Session session, long length, Set<PosixFilePermission> permissions,
            OpenOption... options) {
        return new AnnouncedLength(length);
    }

    /** Reports, in place of the final OK, a file that could not deliver the announced length. */
    @Override
    public void closeSourceStream(Session session, long length, Set<PosixFilePermission> permissions, InputStream stream)
            throws Shortfall {
        if (shortfall != null) {
            throw new Shortfall(ScpFileCommand.describe(shortfall), shortfall);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** The file was sent padded with zeros to its announced length: it ended early or could not be read. */
    static final class Shortfall extends IOException {
        private static final long serialVersionUID = 1L;

        Shortfall(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** The file's bytes from offset 0, exactly {@code length} of them: zeros after an early end or a read error. */
    private final class AnnouncedLength extends InputStream {
        private final long length;
        private long sent;

        AnnouncedLength(long length) {
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= length) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int want = (int) Math.min(len, length - sent);
            int got = shortfall == null ? readFile(ByteBuffer.wrap(b, off, want)) : -1;
            if (got <= 0) {
                if (shortfall == null) {
                    shortfall = new IOException(path + ": file changed size while it was sent (" + sent + " of "
                            + length + " bytes)");
                }
                Arrays.fill(b, off, off + want, (byte) 0);
                got = want;
            }
            sent += got;
            return got;
        }

        private int readFile(ByteBuffer into) {
            try {
                return channel.read(into, sent);
            } catch (IOException e) {
                shortfall = e;
                return -1;
            }
        }
    }
}
