package eu.confine.oob.sshd.files;

import static eu.confine.oob.sshd.files.TreeCalls.RESOLVE_INSIDE;
import static eu.confine.oob.sshd.files.TreeCalls.checkedType;
import static eu.confine.oob.sshd.files.TreeCalls.closeParent;
import static eu.confine.oob.sshd.files.TreeCalls.cname;
import static eu.confine.oob.sshd.files.TreeCalls.join;
import static eu.confine.oob.sshd.files.TreeCalls.openat2;
import static eu.confine.oob.sshd.files.TreeCalls.prefixed;
import static eu.confine.oob.sshd.files.TreeCalls.procPath;
import static eu.confine.oob.sshd.files.TreeCalls.string;
import static eu.confine.oob.sshd.files.TreeCalls.timespec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import com.sun.jna.LastErrorException;

/**
 * The sliver's tmp as the kernel sees it: one handle on the tmp mount, and every operation below it
 * resolved by {@code openat2} with no symlink, no magic link, no mount crossing and nothing outside
 * the handle ({@code RESOLVE_BENEATH}), under the sliver user's credentials ({@link Credentials}).
 * A path-based call only ever gets a parent directory handle and one plain name, or acts on a handle
 * whose type it checked (regular file or directory; symlinks, FIFOs, sockets and devices are refused).
 */
final class SliverTree implements Closeable {

    /** The umask applied to every mode a client asks for when something is created. */
    static final int UMASK = 022;

    private static final long REQUIRED_MOUNT_FLAGS = LibC.ST_NOSUID | LibC.ST_NODEV | LibC.ST_NOEXEC | LibC.ST_NOSYMFOLLOW;
    private static final int STATVFS_SIZE = 112;
    private static final int PATH_MAX = 4096;

    private final Credentials credentials;
    private final Arch arch;
    private final SliverIdentity who;
    private final NativeFd root;

    private SliverTree(Credentials credentials, Arch arch, SliverIdentity who, NativeFd root) {
        this.credentials = credentials;
        this.arch = arch;
        this.who = who;
        this.root = root;
    }

    /**
     * Opens {@code <homeBase>/<user>/tmp} as the user, never following a link below the home base, and
     * checks that it is the root of a nosuid, nodev, noexec, nosymfollow mount.
     */
    static SliverTree open(Credentials credentials, Arch arch, SliverIdentity who, Path homeBase) throws IOException {
        return open(credentials, arch, who, homeBase, true);
    }

    /**
     * Opens the tree, checking the mount or not: unchecked only to show, in tests, that the other
     * layers hold on their own.
     */
    static SliverTree open(Credentials credentials, Arch arch, SliverIdentity who, Path homeBase, boolean checkMount)
            throws IOException {
        String tmp = who.userName() + "/tmp";
        int base;
        try {
            base = openat2(LibC.AT_FDCWD, homeBase.toString(), LibC.O_PATH | arch.oDirectory | LibC.O_CLOEXEC, 0, 0);
        } catch (LastErrorException e) {
            throw Errno.of(e, homeBase.toString());
        }
        int fd;
        try {
            fd = credentials.as(who, () -> openat2(base, tmp, LibC.O_PATH | arch.oDirectory | arch.oNofollow | LibC.O_CLOEXEC, 0,
                    LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS));
        } catch (LastErrorException e) {
            throw Errno.of(e, homeBase.resolve(tmp).toString());
        } finally {
            LibC.close(base);
        }
        SliverTree tree = new SliverTree(credentials, arch, who, new NativeFd(fd));
        try {
            if (checkMount) {
                tree.checkMount(homeBase.resolve(tmp).toString());
            }
            return tree;
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
    }

    private void checkMount(String where) throws IOException {
        FileStat stat = stat(List.of());
        if ((stat.attributes() & LibC.STATX_ATTR_MOUNT_ROOT) == 0) {
            throw new AccessDeniedException(where, null, "the sliver's tmp is not mounted");
        }
        long flags = statvfs()[9];
        if ((flags & REQUIRED_MOUNT_FLAGS) != REQUIRED_MOUNT_FLAGS) {
            throw new AccessDeniedException(where, null, "the tmp mount is not nosuid,nodev,noexec,nosymfollow");
        }
    }

    Arch arch() {
        return arch;
    }

    SliverIdentity identity() {
        return who;
    }

    /** Opens a regular file; {@code flags} are access and creation flags, {@code mode} is masked to 0777 and the umask. */
    Opened openFile(List<String> names, int flags, int mode) throws IOException {
        byte[] statx = new byte[FileStat.SIZE];
        int all = flags | arch.oNofollow | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_CLOEXEC;
        int fd = inside(names, null, dir -> {
            int opened = openat2(dir, join(names), all, (all & LibC.O_CREAT) != 0 ? mode & 0777 & ~UMASK : 0, RESOLVE_INSIDE);
            return checkedType(opened, statx, LibC.S_IFREG);
        });
        return new Opened(new NativeFd(fd), FileStat.of(statx));
    }

    /** Opens a directory for reading its entries. */
    NativeFd openDirectory(List<String> names) throws IOException {
        byte[] statx = new byte[FileStat.SIZE];
        int flags = LibC.O_RDONLY | arch.oDirectory | arch.oNofollow | LibC.O_NONBLOCK | LibC.O_CLOEXEC;
        int fd = inside(names, null, dir -> checkedType(openat2(dir, names.isEmpty() ? "." : join(names), flags, 0,
                RESOLVE_INSIDE), statx, LibC.S_IFDIR));
        return new NativeFd(fd);
    }

    /** The file's attributes; a symlink's own, never its target's. */
    FileStat stat(List<String> names) throws IOException {
        byte[] statx = new byte[FileStat.SIZE];
        withParent(names, (dir, name) -> LibC.statx(dir, name, LibC.AT_SYMLINK_NOFOLLOW | LibC.AT_NO_AUTOMOUNT
                | (name.length == 1 ? LibC.AT_EMPTY_PATH : 0), LibC.STATX_BASIC_STATS | LibC.STATX_BTIME, statx));
        return FileStat.of(statx);
    }

    /** Creates a directory owned by the user, its mode masked; a set-group-id bit inherited from the parent is cleared. */
    void mkdir(List<String> names, int mode) throws IOException {
        int masked = mode & 0777 & ~UMASK;
        withParent(names, (dir, name) -> {
            LibC.mkdirat(dir, name, masked);
            int made = openat2(dir, string(name), LibC.O_PATH | arch.oDirectory | arch.oNofollow | LibC.O_CLOEXEC, 0,
                    RESOLVE_INSIDE);
            try {
                byte[] statx = new byte[FileStat.SIZE];
                LibC.statx(made, new byte[1], LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, statx);
                if ((FileStat.of(statx).mode() & 07000) != 0) {
                    LibC.chmod(procPath(made), masked);
                }
            } finally {
                LibC.close(made);
            }
            return 0;
        });
    }

    /** Removes a file, a symlink or an empty directory (the name itself, never what a link points to). */
    void delete(List<String> names) throws IOException {
        withParent(names, (dir, name) -> {
            try {
                return LibC.unlinkat(dir, name, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EISDIR) {
                    throw e;
                }
                return LibC.unlinkat(dir, name, LibC.AT_REMOVEDIR);
            }
        });
    }

    /** Renames within the tmp; without {@code replace} an existing target is an error (atomically). */
    void rename(List<String> from, List<String> to, boolean replace) throws IOException {
        if (from.isEmpty() || to.isEmpty()) {
            throw new AccessDeniedException("/tmp", null, "the tmp itself cannot be renamed or replaced");
        }
        inside(from, "/" + String.join("/", to), rootFd -> {
            int fromDir = parent(rootFd, from);
            try {
                int toDir = parent(rootFd, to);
                try {
                    return LibC.renameat2(fromDir, cname(from), toDir, cname(to), replace ? 0 : LibC.RENAME_NOREPLACE);
                } finally {
                    closeParent(rootFd, toDir);
                }
            } finally {
                closeParent(rootFd, fromDir);
            }
        });
    }

    /** The target text of a symlink (read, never followed). */
    String readlink(List<String> names) throws IOException {
        byte[] target = new byte[PATH_MAX];
        long length = withParent(names, (dir, name) -> (int) LibC.readlinkat(dir, name, target, target.length));
        return new String(target, 0, (int) length, StandardCharsets.UTF_8);
    }

    /** Sets the permission bits (0777 at most: set-id and sticky bits are never set). */
    void chmod(List<String> names, int mode) throws IOException {
        onHandle(names, fd -> LibC.chmod(procPath(fd), mode & 0777));
    }

    /** Changes owner or group; the kernel refuses anything but what the user itself may do (-1 keeps a value). */
    void chown(List<String> names, int uid, int gid) throws IOException {
        onHandle(names, fd -> LibC.chown(procPath(fd), uid, gid));
    }

    /** Sets access and modification times; a null time is left as it is. */
    void setTimes(List<String> names, FileTime access, FileTime modify) throws IOException {
        long[] times = new long[4];
        timespec(access, times, 0);
        timespec(modify, times, 2);
        onHandle(names, fd -> LibC.utimensat(LibC.AT_FDCWD, procPath(fd), times, 0));
    }

    /** Checks access for the user ({@code R_OK}, {@code W_OK}, {@code X_OK} or {@code F_OK}). */
    void access(List<String> names, int mode) throws IOException {
        withParent(names, (dir, name) -> LibC.faccessat(dir, name, mode, LibC.AT_EACCESS | LibC.AT_SYMLINK_NOFOLLOW
                | (name.length == 1 ? LibC.AT_EMPTY_PATH : 0)));
    }

    /** {@code struct statvfs} of the tmp mount as 11 numbers (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax). */
    long[] statvfs() throws IOException {
        byte[] buffer = new byte[STATVFS_SIZE];
        inside(List.of(), null, rootFd -> LibC.fstatvfs(rootFd, buffer));
        long[] values = new long[11];
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getLong(i * Long.BYTES);
        }
        return values;
    }

    /** Runs a native call on an open descriptor of this tree with the user's credentials. */
    long io(NativeFd fd, FdOp op, String what) throws IOException {
        int number = fd.acquire();
        try {
            return credentials.as(who, () -> op.run(number));
        } catch (LastErrorException e) {
            throw Errno.of(e, what);
        } finally {
            fd.release();
        }
    }

    boolean isOpen() {
        return root.isOpen();
    }

    @Override
    public void close() {
        root.close();
    }

    /** A native call on one descriptor. */
    @FunctionalInterface
    interface FdOp {
        long run(int fd) throws LastErrorException;
    }

    /** An opened regular file and what it was when opened. */
    record Opened(NativeFd fd, FileStat stat) {
    }

    // ---- helpers: everything below runs inside one credentials scope per operation ----

    private interface RootOp {
        int run(int rootFd) throws LastErrorException;
    }

    private interface NameOp {
        int run(int dirFd, byte[] name) throws LastErrorException;
    }

    private interface HandleOp {
        int run(int fd) throws LastErrorException;
    }

    private int inside(List<String> names, String other, RootOp op) throws IOException {
        int rootFd = root.acquire();
        try {
            return credentials.as(who, () -> op.run(rootFd));
        } catch (LastErrorException e) {
            throw Errno.of(e, "/" + String.join("/", prefixed(names)), other);
        } finally {
            root.release();
        }
    }

    private int withParent(List<String> names, NameOp op) throws IOException {
        return inside(names, null, rootFd -> {
            if (names.isEmpty()) {
                return op.run(rootFd, new byte[1]);
            }
            int dir = parent(rootFd, names);
            try {
                return op.run(dir, cname(names));
            } finally {
                closeParent(rootFd, dir);
            }
        });
    }

    private void onHandle(List<String> names, HandleOp op) throws IOException {
        byte[] statx = new byte[FileStat.SIZE];
        inside(names, null, rootFd -> {
            int fd = names.isEmpty() ? rootFd
                    : openat2(rootFd, join(names), LibC.O_PATH | arch.oNofollow | LibC.O_CLOEXEC, 0, RESOLVE_INSIDE);
            try {
                LibC.statx(fd, new byte[1], LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, statx);
                int type = FileStat.of(statx).type();
                if (type != LibC.S_IFREG && type != LibC.S_IFDIR) {
                    throw new LastErrorException(Errno.WRONG_TYPE);
                }
                return op.run(fd);
            } finally {
                if (fd != rootFd) {
                    LibC.close(fd);
                }
            }
        });
    }

    private int parent(int rootFd, List<String> names) {
        if (names.size() == 1) {
            return rootFd;
        }
        return openat2(rootFd, join(names.subList(0, names.size() - 1)),
                LibC.O_PATH | arch.oDirectory | arch.oNofollow | LibC.O_CLOEXEC, 0, RESOLVE_INSIDE);
    }
}
