package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A regular file of the sliver's tmp opened by {@link SliverTree#openFile}: positional reads and
 * writes on its descriptor, each one with the sliver user's credentials (so a write clears set-id
 * bits and root's reserved blocks are never used). No mapping, no locks.
 *
 * <p>Data moves through one native buffer per thread, made once and reused (a fresh native allocation per
 * request cost an allocation and a free on every 32 KiB SFTP read or write); a direct buffer from the caller
 * is read into or written from in place.
 */
final class FdChannel extends FileChannel {

    /** Largest read or write per native call; SFTP requests are 32 to 256 KiB. */
    private static final int CHUNK = 256 * 1024;

    /** The calling thread's native buffer (SFTP and scp run each channel on a thread of its own). */
    private static final ThreadLocal<NativeBuffer> BUFFER = ThreadLocal.withInitial(NativeBuffer::new);

    private final SliverTree tree;
    private final NativeFd fd;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final String path;
    private final Object lock = new Object();
    private long position;

    FdChannel(SliverTree tree, NativeFd fd, boolean readable, boolean writable, boolean append, String path) {
        this.tree = tree;
        this.fd = fd;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.path = path;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (lock) {
            int n = read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        if (at < 0) {
            throw new IllegalArgumentException("negative position");
        }
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        int want = Math.min(dst.remaining(), CHUNK);
        if (want == 0) {
            return 0;
        }
        if (dst.isDirect() && !dst.isReadOnly()) {
            Pointer at0 = Native.getDirectBufferPointer(dst).share(dst.position());
            int n = (int) tree.io(fd, number -> LibC.pread(number, at0, want, at), path);
            if (n == 0) {
                return -1;
            }
            dst.position(dst.position() + n);
            return n;
        }
        NativeBuffer buffer = BUFFER.get();
        int n = (int) tree.io(fd, number -> LibC.pread(number, buffer.address, want, at), path);
        if (n == 0) {
            return -1;
        }
        if (dst.hasArray()) {
            buffer.bytes.get(0, dst.array(), dst.arrayOffset() + dst.position(), n);
            dst.position(dst.position() + n);
        } else {
            dst.put(buffer.bytes.duplicate().limit(n));
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (lock) {
            long at = append ? size() : position;
            int n = write(src, at);
            position = at + n;
            return n;
        }
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        if (at < 0) {
            throw new IllegalArgumentException("negative position");
        }
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        NativeBuffer buffer = src.isDirect() ? null : BUFFER.get();
        int total = 0;
        while (src.hasRemaining()) {
            int chunk = Math.min(src.remaining(), CHUNK);
            Pointer from;
            if (buffer == null) {
                from = Native.getDirectBufferPointer(src).share(src.position());
            } else {
                if (src.hasArray()) {
                    buffer.bytes.put(0, src.array(), src.arrayOffset() + src.position(), chunk);
                } else {
                    buffer.bytes.put(0, src, src.position(), chunk);
                }
                from = buffer.address;
            }
            pwriteFully(from, chunk, at + total);
            src.position(src.position() + chunk);
            total += chunk;
        }
        return total;
    }

    private void pwriteFully(Pointer from, int chunk, long offset) throws IOException {
        int done = 0;
        while (done < chunk) {
            int skip = done;
            Pointer rest = skip == 0 ? from : from.share(skip);
            long n = tree.io(fd, number -> LibC.pwrite(number, rest, chunk - skip, offset + skip), path);
            if (n <= 0) {
                throw new IOException(path + ": the write made no progress");
            }
            done += (int) n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        synchronized (lock) {
            return position;
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        ensureOpen();
        synchronized (lock) {
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        return stat().size();
    }

    /** What the open descriptor says about the file now (a name lookup could meet another file). */
    FileStat stat() throws IOException {
        ensureOpen();
        byte[] statx = new byte[FileStat.SIZE];
        tree.io(fd, number -> LibC.statx(number, new byte[1], LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, statx), path);
        return FileStat.of(statx);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        // Unlike FileChannel's contract, a larger size extends the file: this is how MINA serves an SFTP
        // SETSTAT of the size, which must behave like OpenSSH's (truncate(2) either way).
        if (size != size()) {
            tree.io(fd, number -> LibC.ftruncate(number, size), path);
        }
        synchronized (lock) {
            position = Math.min(position, size);
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        tree.io(fd, number -> metaData ? LibC.fsync(number) : LibC.fdatasync(number), path);
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, CHUNK));
        long done = 0;
        while (done < count) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), count - done));
            int n = read(chunk, at + done);
            if (n <= 0) {
                break;
            }
            chunk.flip();
            while (chunk.hasRemaining()) {
                done += target.write(chunk);
            }
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, CHUNK));
        long done = 0;
        while (done < count) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), count - done));
            int n = src.read(chunk);
            if (n <= 0) {
                break;
            }
            chunk.flip();
            done += write(chunk, at + done);
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("mapping is not offered");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("locks are not offered");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("locks are not offered");
    }

    @Override
    protected void implCloseChannel() {
        fd.close();
    }

    /** A native buffer of {@link #CHUNK} bytes and its address; freed by the garbage collector after its thread ends. */
    private static final class NativeBuffer {
        private final ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK);
        private final Pointer address = Native.getDirectBufferPointer(bytes);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
