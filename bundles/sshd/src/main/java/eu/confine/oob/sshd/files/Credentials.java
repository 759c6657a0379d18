package eu.confine.oob.sshd.files;

import java.nio.file.AccessDeniedException;
import java.util.Arrays;

import com.sun.jna.LastErrorException;

/**
 * Runs one native file operation on the calling thread with a sliver user's credentials, and
 * nothing else: file-system uid and gid of the user, no supplementary group (root's would otherwise
 * count in the user's access checks; the user's own group is the fsgid), and an empty effective
 * capability set; the thread's own credentials are back before the call returns.
 *
 * <p>Linux keeps credentials per thread; {@code setfsuid}, {@code setfsgid}, {@code capset} and the
 * raw {@code setgroups} syscall change the calling thread only (glibc's {@code setgroups} wrapper
 * would change every thread of the JVM). The scope covers only the native calls of one operation:
 * no Java I/O, class loading or logging happens inside it, so no other code ever runs with the
 * sliver's identity, and a pooled thread never keeps it.
 */
final class Credentials {

    /** Enough for any sane group list; getgroups fails with EINVAL beyond it. */
    private static final int MAX_GROUPS = 65536;

    private final Arch arch;

    Credentials(Arch arch) {
        this.arch = arch;
    }

    /** A native operation to run with the sliver's credentials. */
    @FunctionalInterface
    interface Op<T> {
        T run() throws LastErrorException;
    }

    /**
     * Runs {@code op} as {@code who}.
     *
     * @throws AccessDeniedException if this thread cannot take the identity (the JVM does not run as root)
     * @throws LastErrorException    what the operation threw
     */
    <T> T as(SliverIdentity who, Op<T> op) throws AccessDeniedException {
        int[] savedGroups = currentGroups();
        int[] header = {LibC.LINUX_CAPABILITY_VERSION_3, 0};
        int[] savedCaps = new int[6];
        LibC.capget(header, savedCaps);
        int savedFsgid;
        int savedFsuid;
        if (savedGroups.length > 0) {
            // Root's supplementary groups must not reach the user's checks; none at all is what the user gets
            // (its primary group is the fsgid, which the kernel checks first).
            try {
                LibC.syscall(arch.sysSetgroups, 0, null);
            } catch (LastErrorException e) {
                throw new AccessDeniedException(who.userName(), null, "cannot drop this thread's groups: " + e.getMessage());
            }
        }
        savedFsgid = LibC.setfsgid(who.gid());
        savedFsuid = LibC.setfsuid(who.uid());
        try {
            if (LibC.setfsuid(-1) != who.uid() || LibC.setfsgid(-1) != who.gid()) {
                throw new AccessDeniedException(who.userName(), null, "cannot take the user's uid and gid");
            }
            int[] noEffective = savedCaps.clone();
            noEffective[0] = 0;
            noEffective[3] = 0;
            LibC.capset(header, noEffective);
            try {
                return op.run();
            } finally {
                LibC.capset(header, savedCaps);
            }
        } finally {
            restore(savedFsuid, savedFsgid, savedGroups);
        }
    }

    private void restore(int fsuid, int fsgid, int[] groups) {
        LibC.setfsuid(fsuid);
        LibC.setfsgid(fsgid);
        if (groups.length > 0) {
            try {
                LibC.syscall(arch.sysSetgroups, groups.length, groups);
            } catch (LastErrorException e) {
                throw new InternalError("cannot restore this thread's groups: " + e.getMessage(), e);
            }
        }
        if (LibC.setfsuid(-1) != fsuid || LibC.setfsgid(-1) != fsgid) {
            throw new InternalError("cannot restore this thread's file-system uid and gid");
        }
    }

    private static int[] currentGroups() {
        int count = LibC.getgroups(0, null);
        int[] groups = new int[Math.min(count, MAX_GROUPS)];
        int got = LibC.getgroups(groups.length, groups);
        return got == groups.length ? groups : Arrays.copyOf(groups, got);
    }
}
