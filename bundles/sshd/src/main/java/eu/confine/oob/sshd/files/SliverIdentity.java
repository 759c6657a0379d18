package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;

import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.HostCommandException;

/**
 * The host user whose credentials every file operation of a sliver's session runs with.
 *
 * @param userName the sliver's host user name
 * @param uid      its user id, never 0
 * @param gid      its primary group id, never 0; the only group the operations carry
 */
record SliverIdentity(String userName, int uid, int gid) {

    /** getent's exit status for a key that is not in the database. */
    private static final int GETENT_NOT_FOUND = 2;

    SliverIdentity {
        if (uid <= 0 || gid <= 0) {
            throw new IllegalArgumentException(userName + ": refusing to act as uid " + uid + " gid " + gid);
        }
    }

    /**
     * Looks the user up in the host's user database (NSS, through {@code getent}).
     *
     * @throws AccessDeniedException if there is no such user, or it is root or in group root
     */
    static SliverIdentity lookup(String userName) throws IOException {
        HostCommand.Result result;
        try {
            result = HostCommand.of("getent", "passwd", "--", userName).run();
        } catch (HostCommandException e) {
            throw new IOException(userName + ": cannot look the user up: " + e.getMessage(), e);
        }
        if (result.status() == GETENT_NOT_FOUND) {
            throw new AccessDeniedException(userName, null, "no such host user");
        }
        if (result.status() != 0) {
            throw new IOException(userName + ": getent passwd exited " + result.status() + ": " + result.stderr().strip());
        }
        String[] fields = result.stdout().strip().split(":", -1);
        if (fields.length < 7 || !fields[0].equals(userName)) {
            throw new IOException(userName + ": unexpected passwd entry");
        }
        try {
            return new SliverIdentity(userName, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]));
        } catch (NumberFormatException e) {
            throw new IOException(userName + ": passwd entry has no numeric uid/gid", e);
        } catch (IllegalArgumentException e) {
            throw new AccessDeniedException(userName, null, e.getMessage());
        }
    }
}
