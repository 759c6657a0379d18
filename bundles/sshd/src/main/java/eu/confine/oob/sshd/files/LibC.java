package eu.confine.oob.sshd.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library and kernel calls the file service makes, bound directly (JNA direct mapping: these
 * calls sit on the transfer path, so no proxy or reflection per call).
 *
 * <p>Constants whose values differ between architectures are resolved once from {@link Arch};
 * an architecture not listed there fails closed when {@link SliverFiles} is built.
 */
final class LibC {

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        // Loaded now, not on the first failing call: nothing is loaded while a thread has a sliver's credentials.
        LastErrorException.class.getName();
    }

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_DSYNC = 010000;
    static final int O_SYNC = 04010000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EACCESS = 0x200;
    static final int AT_NO_AUTOMOUNT = 0x800;
    static final int AT_EMPTY_PATH = 0x1000;

    static final long RESOLVE_NO_XDEV = 0x01;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;

    static final int RENAME_NOREPLACE = 1;

    static final int STATX_BASIC_STATS = 0x7ff;
    static final int STATX_BTIME = 0x800;
    static final long STATX_ATTR_MOUNT_ROOT = 0x2000;

    static final long ST_NOSUID = 0x2;
    static final long ST_NODEV = 0x4;
    static final long ST_NOEXEC = 0x8;
    static final long ST_NOSYMFOLLOW = 0x2000;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 040000;
    static final int S_IFLNK = 0120000;
    static final int S_IFIFO = 010000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFCHR = 020000;
    static final int S_IFBLK = 060000;

    static final long UTIME_OMIT = (1L << 30) - 2L;

    static final int F_OK = 0;
    static final int X_OK = 1;
    static final int W_OK = 2;
    static final int R_OK = 4;

    /** Linux capability ABI version 3 (two 32-bit words per set). */
    static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    private LibC() {
    }

    static native int setfsuid(int fsuid);

    static native int setfsgid(int fsgid);

    static native int getgroups(int size, int[] list) throws LastErrorException;

    /** {@code syscall(SYS_setgroups, size, list)}: the raw call changes the calling thread only (glibc's wrapper changes all). */
    static native long syscall(long number, long size, int[] list) throws LastErrorException;

    /** {@code syscall(SYS_openat2, dirfd, path, &how, sizeof how)}; {@code how} is {flags, mode, resolve}. */
    static native long syscall(long number, long dirfd, byte[] path, long[] how, long size) throws LastErrorException;

    /** {@code syscall(SYS_getdents64, fd, buffer, size)}. */
    static native long syscall(long number, long fd, byte[] buffer, long size) throws LastErrorException;

    static native int capget(int[] header, int[] data) throws LastErrorException;

    static native int capset(int[] header, int[] data) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long pread(int fd, Pointer buffer, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, Pointer buffer, long count, long offset) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native int fsync(int fd) throws LastErrorException;

    static native int fdatasync(int fd) throws LastErrorException;

    static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] statx) throws LastErrorException;

    static native int fstatvfs(int fd, byte[] statvfs) throws LastErrorException;

    static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

    static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

    static native int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
            throws LastErrorException;

    static native long readlinkat(int dirfd, byte[] path, byte[] buffer, long size) throws LastErrorException;

    static native int faccessat(int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

    static native int chmod(byte[] path, int mode) throws LastErrorException;

    static native int chown(byte[] path, int owner, int group) throws LastErrorException;

    static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;



}
