package eu.confine.oob.users.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;

/** A sliver's host account as a whole: user {@code SLICE_ID} in groups {@code SLICE_ID} and {@code sliver}, and its home. */
final class SliverAccounts {

    private final HostAccounts host;
    private final Path homeBase;
    private final String sliverGroup;
    private final String shell;

    SliverAccounts(HostAccounts host, Path homeBase, String sliverGroup, String shell) {
        this.host = host;
        this.homeBase = homeBase;
        this.sliverGroup = sliverGroup;
        this.shell = shell;
    }

    SliverHome home(SliceId sliceId) {
        return new SliverHome(homeBase.resolve(sliceId.userName()), sliceId.userName());
    }

    /** Whether a user of that name exists and is a sliver user (in the sliver group). */
    boolean isSliverUser(SliceId sliceId) {
        return host.user(sliceId.userName()).isPresent() && host.groupsOf(sliceId.userName()).contains(sliverGroup);
    }

    /**
     * Refuses a name that belongs to someone else: an existing user outside the sliver group, or (when
     * we have no record of the sliver) a group or home of that name.
     */
    void requireOursOrFree(SliceId sliceId, boolean recorded) {
        String name = sliceId.userName();
        if (host.user(name).isPresent()) {
            if (!host.groupsOf(name).contains(sliverGroup)) {
                throw new InvalidSliverRequestException(sliceId.value(), "user " + name + " exists and is not a sliver user");
            }
            return;
        }
        if (recorded) {
            return;
        }
        if (host.groupId(name).isPresent()) {
            throw new InvalidSliverRequestException(sliceId.value(), "group " + name + " exists and belongs to no sliver");
        }
        if (Files.exists(homeBase.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidSliverRequestException(sliceId.value(), homeBase.resolve(name) + " exists and belongs to no sliver");
        }
    }

    /** Creates or repairs the group, user and home. */
    void ensure(SliceId sliceId) throws IOException {
        String name = sliceId.userName();
        if (host.groupId(sliverGroup).isEmpty()) {
            host.createSystemGroup(sliverGroup);
        }
        SliverHome home = home(sliceId);
        Optional<HostAccounts.Account> user = host.user(name);
        String comment = "confine-oob sliver of slice " + sliceId.value();
        boolean groupMissing = host.groupId(name).isEmpty();
        if (user.isEmpty() && groupMissing) {
            // The usual case: one useradd (each shadow tool rewrites and syncs the account files) instead of two tools.
            host.createUserWithOwnGroup(name, home.path(), sliverGroup, shell, comment);
        } else if (user.isEmpty()) {
            host.createUser(name, home.path(), name, sliverGroup, shell, comment);
        } else if (groupMissing) {
            host.createGroup(name);
            host.repairUser(name, home.path(), name, sliverGroup, shell);
        } else if (!accountDeviations(sliceId, user.get()).isEmpty()) {
            host.repairUser(name, home.path(), name, sliverGroup, shell);
        }
        home.ensure();
    }

    /** Deletes home, user and group, in that order; each step is skipped when already done. */
    void delete(SliceId sliceId) throws IOException {
        String name = sliceId.userName();
        home(sliceId).delete();
        if (host.user(name).isPresent()) {
            host.deleteUser(name);
        }
        // userdel may already have taken the user's own group with it.
        if (host.groupId(name).isPresent()) {
            host.deleteGroup(name);
        }
    }

    SliverAspect.State inspect(SliceId sliceId) {
        Optional<HostAccounts.Account> user = host.user(sliceId.userName());
        if (user.isEmpty()) {
            return new SliverAspect.State(false, "no", "no user " + sliceId.userName());
        }
        try {
            List<String> wrong = accountDeviations(sliceId, user.get());
            wrong.addAll(home(sliceId).deviations());
            return wrong.isEmpty()
                    ? new SliverAspect.State(true, "yes", "user " + user.get().name() + " uid " + user.get().uid() + ", home " + user.get().home())
                    : new SliverAspect.State(false, "broken", String.join("; ", wrong));
        } catch (IOException | RuntimeException e) {
            return new SliverAspect.State(false, "error", e.getMessage());
        }
    }

    private List<String> accountDeviations(SliceId sliceId, HostAccounts.Account account) {
        String name = sliceId.userName();
        List<String> wrong = new ArrayList<>();
        Optional<Integer> ownGroup = host.groupId(name);
        if (ownGroup.isEmpty() || account.gid() != ownGroup.get()) {
            wrong.add("primary group is not " + name);
        }
        if (!host.groupsOf(name).equals(Set.of(name, sliverGroup))) {
            wrong.add("groups are " + host.groupsOf(name) + ", not " + name + " and " + sliverGroup);
        }
        if (!"*".equals(host.passwordField(name))) {
            wrong.add("password is not disabled with '*'");
        }
        if (!account.shell().equals(shell)) {
            wrong.add("shell is " + account.shell() + ", not " + shell);
        }
        if (!account.home().equals(home(sliceId).path())) {
            wrong.add("home is " + account.home() + ", not " + home(sliceId).path());
        }
        return wrong;
    }
}
