package eu.confine.oob.users.internal;

import java.util.Arrays;
import java.util.Optional;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import eu.confine.oob.api.host.HostCommandException;

/**
 * The C library's name service (NSS) asked in process: the answers {@code getent} and {@code id} give, without a
 * process per question (a burst of deployments asks several per sliver). The re-entrant calls are used, with a
 * buffer of our own per call; glibc's {@code files} backend reads {@code /etc/passwd} and friends on every call,
 * so a change made by {@code useradd} is seen at once.
 *
 * <p>The structures are read at their LP64 offsets (x86-64, AArch64); another pointer size fails closed.
 */
final class NameService {

    static {
        Native.register(NameService.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static final int ENOENT = 2;
    private static final int ERANGE = 34;
    private static final int FIRST_BUFFER = 4096;
    private static final int LAST_BUFFER = 1 << 20;
    /** struct passwd: name, passwd, uid, gid, gecos, dir, shell. */
    private static final int PASSWD_SIZE = 48;
    /** struct group: name, passwd, gid, members. */
    private static final int GROUP_SIZE = 32;
    /** struct spwd: name, password, then seven longs and an unsigned long. */
    private static final int SPWD_SIZE = 80;

    /** A passwd entry. */
    record Passwd(String name, int uid, int gid, String home, String shell) {
    }

    /** A group entry. */
    record Group(String name, int gid) {
    }

    private NameService() {
    }

    static Optional<Passwd> user(String name) {
        return lookup("user " + name, PASSWD_SIZE, (entry, buffer, size, result) -> getpwnam_r(name, entry, buffer, size, result),
                entry -> new Passwd(string(entry, 0), entry.getInt(16), entry.getInt(20), string(entry, 32), string(entry, 40)));
    }

    static Optional<Group> group(String name) {
        return lookup("group " + name, GROUP_SIZE, (entry, buffer, size, result) -> getgrnam_r(name, entry, buffer, size, result),
                entry -> new Group(string(entry, 0), entry.getInt(16)));
    }

    static Optional<Group> group(int gid) {
        return lookup("group " + gid, GROUP_SIZE, (entry, buffer, size, result) -> getgrgid_r(gid, entry, buffer, size, result),
                entry -> new Group(string(entry, 0), entry.getInt(16)));
    }

    /** The password field of the user's shadow entry (readable by root only). */
    static Optional<String> shadowPassword(String name) {
        return lookup("shadow entry of " + name, SPWD_SIZE, (entry, buffer, size, result) -> getspnam_r(name, entry, buffer, size, result),
                entry -> string(entry, 8));
    }

    /** The ids of every group the user is in, its primary group included (as {@code id -G} lists them). */
    static int[] groupIds(String user, int primaryGid) {
        int[] count = {16};
        while (true) {
            int[] groups = new int[count[0]];
            int wanted = count[0];
            if (getgrouplist(user, primaryGid, groups, count) >= 0) {
                return Arrays.copyOf(groups, count[0]);
            }
            if (count[0] <= wanted) {
                count[0] = wanted * 2;
            }
            if (count[0] > 65536) {
                throw new HostCommandException("user " + user + ": more than 65536 groups", null);
            }
        }
    }

    private interface Call {
        int lookup(Pointer entry, Pointer buffer, long size, long[] result);
    }

    private interface Reader<T> {
        T read(Pointer entry);
    }

    private static <T> Optional<T> lookup(String what, int entrySize, Call call, Reader<T> reader) {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsupportedOperationException("the name service lookups know the LP64 layouts only");
        }
        for (int size = FIRST_BUFFER; size <= LAST_BUFFER; size *= 4) {
            try (Memory entry = new Memory(entrySize); Memory buffer = new Memory(size)) {
                long[] result = {0};
                int error = call.lookup(entry, buffer, size, result);
                if (error == ERANGE) {
                    continue;
                }
                if (error == ENOENT && result[0] == 0) {
                    // Some calls (getspnam_r) say "no such entry" this way.
                    return Optional.empty();
                }
                if (error != 0) {
                    throw new HostCommandException("cannot look up " + what + ": error " + error, null);
                }
                return result[0] == 0 ? Optional.empty() : Optional.of(reader.read(entry));
            }
        }
        throw new HostCommandException("cannot look up " + what + ": entry larger than " + LAST_BUFFER + " bytes", null);
    }

    private static String string(Pointer entry, long offset) {
        Pointer text = entry.getPointer(offset);
        return text == null ? "" : text.getString(0);
    }

    private static native int getpwnam_r(String name, Pointer pwd, Pointer buffer, long size, long[] result);

    private static native int getgrnam_r(String name, Pointer grp, Pointer buffer, long size, long[] result);

    private static native int getgrgid_r(int gid, Pointer grp, Pointer buffer, long size, long[] result);

    private static native int getspnam_r(String name, Pointer spwd, Pointer buffer, long size, long[] result);

    private static native int getgrouplist(String user, int group, int[] groups, int[] count);
}
