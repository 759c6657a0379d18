package eu.confine.oob.sshd.files;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.LastErrorException;

/** The system-call helpers of {@link SliverTree}; they run inside its credentials scopes and load no class. */
final class TreeCalls {

    /** Resolution that stays below the directory handle, follows no link of any kind and crosses no mount. */
    static final long RESOLVE_INSIDE = LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_SYMLINKS
            | LibC.RESOLVE_NO_MAGICLINKS | LibC.RESOLVE_NO_XDEV;

    private TreeCalls() {
    }

    /** Closes a freshly opened descriptor unless it has the wanted type, in which case it is returned. */
    static int checkedType(int fd, byte[] statx, int wanted) {
        try {
            LibC.statx(fd, new byte[1], LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS | LibC.STATX_BTIME, statx);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw e;
        }
        int type = FileStat.of(statx).type();
        if (type != wanted) {
            LibC.close(fd);
            throw new LastErrorException(type == LibC.S_IFDIR ? Errno.EISDIR
                    : type == LibC.S_IFREG ? Errno.ENOTDIR : Errno.WRONG_TYPE);
        }
        return fd;
    }


    static void closeParent(int rootFd, int dir) {
        if (dir != rootFd) {
            LibC.close(dir);
        }
    }

    static int openat2(int dirFd, String path, int flags, int mode, long resolve) {
        long[] how = {Integer.toUnsignedLong(flags), mode, resolve};
        return (int) LibC.syscall(Arch.SYS_OPENAT2, dirFd, cstring(path), how, how.length * Long.BYTES);
    }

    static void timespec(FileTime time, long[] times, int at) {
        if (time == null) {
            times[at] = 0;
            times[at + 1] = LibC.UTIME_OMIT;
        } else {
            Instant instant = time.toInstant();
            times[at] = instant.getEpochSecond();
            times[at + 1] = instant.getNano();
        }
    }

    static String join(List<String> names) {
        return String.join("/", names);
    }

    static List<String> prefixed(List<String> names) {
        String[] all = new String[names.size() + 1];
        all[0] = "tmp";
        for (int i = 0; i < names.size(); i++) {
            all[i + 1] = names.get(i);
        }
        return Arrays.asList(all);
    }

    static byte[] cname(List<String> names) {
        return cstring(names.get(names.size() - 1));
    }

    static byte[] procPath(int fd) {
        return cstring("/proc/self/fd/" + fd);
    }

    static String string(byte[] cstring) {
        return new String(cstring, 0, cstring.length - 1, StandardCharsets.UTF_8);
    }

    static byte[] cstring(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }
}
