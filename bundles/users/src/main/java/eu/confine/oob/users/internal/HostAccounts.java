package eu.confine.oob.users.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.HostCommandException;

/**
 * The host's users and groups: read through the C library's name service ({@link NameService}, what getent and id
 * ask), changed through the shadow tools (groupadd, useradd, usermod, userdel, groupdel).
 */
class HostAccounts {

    /** A passwd entry. */
    record Account(String name, int uid, int gid, Path home, String shell) {
    }

    Optional<Account> user(String name) {
        return NameService.user(name).map(entry -> new Account(entry.name(), entry.uid(), entry.gid(), Path.of(entry.home()), entry.shell()));
    }

    Optional<Integer> groupId(String name) {
        return NameService.group(name).map(NameService.Group::gid);
    }

    /** The password field of the user's shadow entry ({@code *} for a sliver user: no password ever matches). */
    String passwordField(String name) {
        return NameService.shadowPassword(name)
                .orElseThrow(() -> new HostCommandException("user " + name + " has no shadow entry", null));
    }

    /** Names of every group the user is in, its primary group included. */
    Set<String> groupsOf(String user) {
        Account account = user(user).orElseThrow(() -> new HostCommandException("no user " + user, null));
        Set<String> names = new HashSet<>();
        for (int gid : NameService.groupIds(user, account.gid())) {
            names.add(NameService.group(gid).map(NameService.Group::name).orElse(Integer.toString(gid)));
        }
        return Set.copyOf(names);
    }

    void createSystemGroup(String name) {
        HostCommand.of("groupadd", "--system", "--", name).check();
    }

    void createGroup(String name) {
        HostCommand.of("groupadd", "--", name).check();
    }

    /** Like {@link #createUser}, with a new group of the user's name as its primary group, in one call. */
    void createUserWithOwnGroup(String name, Path home, String supplementaryGroup, String shell, String comment) {
        HostCommand.of(useradd("--no-create-home", "--home-dir", home.toString(), "--user-group",
                "--groups", supplementaryGroup, "--shell", shell, "--password", "*", "--comment", comment, "--", name)).check();
    }

    /** A user whose password can never be used ({@code *}: no password matches it, yet the account is not locked for key logins). */
    void createUser(String name, Path home, String group, String supplementaryGroup, String shell, String comment) {
        HostCommand.of(useradd("--no-create-home", "--home-dir", home.toString(), "--gid", group,
                "--groups", supplementaryGroup, "--shell", shell, "--password", "*", "--comment", comment, "--", name)).check();
    }

    /**
     * useradd with the options every sliver user gets: no lastlog/faillog entry ({@code --no-log-init}: nobody
     * logs in through login(1)) and no subordinate uid/gid range (a sliver user never maps user namespaces;
     * the range would be a privilege it does not need). Each of these is a file rewritten and synced for
     * every new user: 21 syncs per useradd become 14.
     */
    private static String[] useradd(String... args) {
        List<String> argv = new ArrayList<>(List.of("useradd", "--no-log-init", "--key", "SUB_UID_COUNT=0",
                "--key", "SUB_GID_COUNT=0"));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
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

}
