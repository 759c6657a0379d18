package eu.confine.oob.mounts.internal;

import java.io.IOException;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The kernel's mount calls, made directly (JNA) so a source directory can be opened without
 * following any symlink and bound by its handle: nothing the sliver swaps afterwards can redirect it.
 */
public class LinuxMounts {

    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    static final long MS_REMOUNT = 32;
    static final long MS_NOSYMFOLLOW = 256;
    static final long MS_BIND = 4096;
    static final long MS_PRIVATE = 1 << 18;
    static final int MNT_DETACH = 2;
    static final int UMOUNT_NOFOLLOW = 8;
    static final int EINVAL = 22;
    static final int EBUSY = 16;

    /** The C library calls used here. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int openat(int dirfd, String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int mount(String source, String target, String fsType, NativeLong flags, Pointer data) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;
    }

    private final LibC libc = Native.load("c", LibC.class);

    /**
     * Opens a directory as a path handle: the trusted prefix may contain symlinks (it is the host's),
     * every component after it must be a real directory, never a symlink.
     */
    public DirectoryHandle openNoFollow(Path trustedPrefix, Path untrustedRest) throws IOException {
        int fd = call(() -> libc.open(trustedPrefix.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC), "open " + trustedPrefix);
        try {
            for (Path component : untrustedRest) {
                String name = component.toString();
                if (name.equals("..") || name.equals(".")) {
                    throw new IOException(untrustedRest + ": '" + name + "' is not allowed");
                }
                int parent = fd;
                fd = call(() -> libc.openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
                        "open " + name + " in " + trustedPrefix + " without following links (is it a symlink or not a directory?)");
                libc.close(parent);
            }
            return new DirectoryHandle(fd);
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    /** Bind-mounts the handle's directory on the target, then makes it private and no-follow, no-suid, no-dev, no-exec. */
    public void bindRestricted(DirectoryHandle source, Path target) throws IOException {
        String where = target.toString();
        call(() -> libc.mount(source.procPath(), where, null, new NativeLong(MS_BIND), null), "bind-mount on " + where);
        try {
            call(() -> libc.mount(null, where, null, new NativeLong(MS_PRIVATE), null), "make " + where + " private");
            call(() -> libc.mount(null, where, null,
                    new NativeLong(MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW), null),
                    "restrict " + where);
        } catch (IOException e) {
            unmount(target);
            throw e;
        }
    }

    /** Unmounts the mount at the target; a busy mount is detached lazily. Returns false if nothing was mounted there. */
    public boolean unmount(Path target) throws IOException {
        String where = target.toString();
        try {
            libc.umount2(where, UMOUNT_NOFOLLOW);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL) {
                return false;
            }
            if (e.getErrorCode() != EBUSY) {
                throw new IOException("unmount " + where + ": " + e.getMessage(), e);
            }
        }
        call(() -> libc.umount2(where, UMOUNT_NOFOLLOW | MNT_DETACH), "detach busy " + where);
        return true;
    }

    /** An open O_PATH descriptor of a directory; close it when done. */
    public final class DirectoryHandle implements AutoCloseable {
        private final int fd;

        DirectoryHandle(int fd) {
            this.fd = fd;
        }

        /** The magic link through which the kernel reaches exactly this directory. */
        String procPath() {
            return "/proc/self/fd/" + fd;
        }

        /** Device and inode of the directory, to compare with what a mount point shows. */
        public FileIdentity identity() throws IOException {
            return FileIdentity.of(Path.of(procPath()));
        }

        @Override
        public void close() {
            libc.close(fd);
        }
    }

    private interface NativeCall {
        int run();
    }

    private static int call(NativeCall call, String what) throws IOException {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
    }
}
