package eu.confine.oob.lxc.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import eu.confine.oob.api.TerminalSize;

/**
 * The container's own console terminal ({@code /dev/console} inside the sliver), held open from the host so the
 * client's window size reaches the sliver. {@code lxc-console} of LXC 5 resizes only the proxy terminal LXC puts
 * between itself and the console; the console the sliver's shell reads keeps the size it had at boot.
 *
 * <p>The sliver is not trusted: its {@code /dev/console} is resolved inside the container's root without following
 * any link ({@code openat2} with {@code RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}), taken as a
 * path-only handle, and opened for real only once it is known to be a pseudo-terminal on a devpts filesystem. The
 * one thing ever done to it is {@code TIOCSWINSZ}, which changes a window size and signals the terminal's
 * foreground processes, all of them the sliver's own.
 */
final class ConsoleTerminal implements Closeable {

    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_PATH = 010000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_IN_ROOT = 0x10;
    /** {@code openat2} has one number on every architecture. */
    private static final long SYS_OPENAT2 = 437;
    private static final long TIOCSWINSZ = 0x5414;
    private static final long DEVPTS_SUPER_MAGIC = 0x1cd1;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 020000;
    /** UNIX98 pseudo-terminal followers: majors 136 to 143. */
    private static final int PTS_MAJOR_FIRST = 136;
    private static final int PTS_MAJOR_LAST = 143;

    static {
        Native.register(ConsoleTerminal.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private final int fd;
    private boolean closed;

    private ConsoleTerminal(int fd) {
        this.fd = fd;
    }

    /**
     * Opens the console terminal of the container whose init runs as {@code initPid} (a host pid).
     *
     * @throws IOException if it cannot be reached or is not a pseudo-terminal on devpts
     */
    static ConsoleTerminal open(String container, long initPid) throws IOException {
        int root = -1;
        int path = -1;
        try {
            root = open(bytes("/proc/" + initPid + "/root"), O_PATH | O_CLOEXEC, 0);
            long[] how = {O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
            path = (int) syscall(SYS_OPENAT2, root, bytes("dev/console"), how, 8L * how.length);
            requirePseudoTerminal(container, path);
            return new ConsoleTerminal(open(bytes("/proc/self/fd/" + path), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw new IOException("container " + container + ": cannot open its /dev/console: errno " + e.getErrorCode(), e);
        } finally {
            closeQuietly(path);
            closeQuietly(root);
        }
    }

    /** Gives the console the client's window size. */
    synchronized void resize(TerminalSize size) throws IOException {
        if (closed) {
            return;
        }
        // struct winsize: rows, columns, then pixel sizes nobody uses; native shorts, little- or big-endian alike.
        short[] winsize = {(short) size.rows(), (short) size.columns(), 0, 0};
        try {
            ioctl(fd, TIOCSWINSZ, winsize);
        } catch (LastErrorException e) {
            throw new IOException("cannot resize the console: errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(fd);
        }
    }

    private static void requirePseudoTerminal(String container, int path) throws IOException {
        Map<String, Object> stat = Files.readAttributes(Path.of("/proc/self/fd/" + path), "unix:mode,rdev");
        int mode = (Integer) stat.get("mode");
        long rdev = (Long) stat.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        if ((mode & S_IFMT) != S_IFCHR || major < PTS_MAJOR_FIRST || major > PTS_MAJOR_LAST) {
            throw new IOException("container " + container + ": its /dev/console is no pseudo-terminal");
        }
        byte[] statfs = new byte[256];
        try {
            fstatfs(path, statfs);
        } catch (LastErrorException e) {
            throw new IOException("container " + container + ": cannot check its /dev/console: errno " + e.getErrorCode(), e);
        }
        // f_type is the first field, a native long, on every 64-bit Linux.
        long type = ByteBuffer.wrap(statfs, 0, 8).order(ByteOrder.nativeOrder()).getLong();
        if (type != DEVPTS_SUPER_MAGIC) {
            throw new IOException("container " + container + ": its /dev/console is not on a devpts filesystem");
        }
    }

    private static byte[] bytes(String path) {
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[raw.length + 1];
        System.arraycopy(raw, 0, terminated, 0, raw.length);
        return terminated;
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                close(fd);
            } catch (LastErrorException e) {
                // Nothing was written through it; a failed close loses nothing.
            }
        }
    }

    private static native int open(byte[] path, int flags, int mode) throws LastErrorException;

    /** {@code syscall(SYS_openat2, dirfd, path, &how, sizeof how)}. */
    private static native long syscall(long number, long dirfd, byte[] path, long[] how, long size) throws LastErrorException;

    private static native int fstatfs(int fd, byte[] statfs) throws LastErrorException;

    private static native int ioctl(int fd, long request, short[] argument) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;
}
