package eu.confine.oob.users.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.HostCommandException;

/** The host's users and groups, through the shadow tools (getent, groupadd, useradd, usermod, userdel, groupdel). */
class HostAccounts {

    /** getent's exit status for a key that is not in the database. */
    private static final int NOT_FOUND = 2;

    /** A passwd entry. */
    record Account(String name, int uid, int gid, Path home, String shell) {
    }

    Optional<Account> user(String name) {
        HostCommand.Result result = HostCommand.of("getent", "passwd", name).run();
        if (result.status() == NOT_FOUND) {
            return Optional.empty();
        }
        String[] fields = checked(result, "getent passwd " + name).strip().split(":", -1);
        return Optional.of(new Account(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), Path.of(fields[5]), fields[6]));
    }

    Optional<Integer> groupId(String name) {
        HostCommand.Result result = HostCommand.of("getent", "group", name).run();
        if (result.status() == NOT_FOUND) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(checked(result, "getent group " + name).strip().split(":", -1)[2]));
    }

    /** The password field of the user's shadow entry ({@code *} for a sliver user: no password ever matches). */
    String passwordField(String name) {
        return HostCommand.of("getent", "shadow", name).check().strip().split(":", -1)[1];
    }

    /** Names of every group the user is in, its primary group included. */
    Set<String> groupsOf(String user) {
        return Set.of(HostCommand.of("id", "-nG", "--", user).check().strip().split("\\s+"));
    }

    void createSystemGroup(String name) {
        HostCommand.of("groupadd", "--system", "--", name).check();
    }

    void createGroup(String name) {
        HostCommand.of("groupadd", "--", name).check();
    }

    /** A user whose password can never be used ({@code *}: no password matches it, yet the account is not locked for key logins). */
    void createUser(String name, Path home, String group, String supplementaryGroup, String shell, String comment) {
        HostCommand.of("useradd", "--no-create-home", "--home-dir", home.toString(), "--gid", group,
                "--groups", supplementaryGroup, "--shell", shell, "--password", "*", "--comment", comment, "--", name).check();
    }

    void repairUser(String name, Path home, String group, String supplementaryGroup, String shell) {
        HostCommand.of("usermod", "--home", home.toString(), "--gid", group, "--groups", supplementaryGroup,
                "--shell", shell, "--password", "*", "--", name).check();
    }

    void deleteUser(String name) {
        HostCommand.of("userdel", "--", name).check();
    }

    void deleteGroup(String name) {
        HostCommand.of("groupdel", "--", name).check();
    }

    private static String checked(HostCommand.Result result, String what) {
        if (result.status() != 0) {
            throw new HostCommandException(what + " exited " + result.status() + ": " + result.stderr().strip(), null);
        }
        return result.stdout();
    }
}
