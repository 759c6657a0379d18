package eu.confine.oob.sshd.files;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Names for the owners a listing shows, without asking the host's user database for every file: the
 * sliver's user and group by name, root as {@code root}, any other id as its number. Lookups accept
 * the same names and any number; the kernel decides which changes of owner the user may make.
 */
final class SliverPrincipals extends UserPrincipalLookupService {

    private final SliverIdentity who;

    SliverPrincipals(SliverIdentity who) {
        this.who = who;
    }

    Owner user(int uid) {
        return new Owner(uid, uid == who.uid() ? who.userName() : uid == 0 ? "root" : Integer.toString(uid));
    }

    Group group(int gid) {
        return new Group(gid, gid == who.gid() ? who.userName() : gid == 0 ? "root" : Integer.toString(gid));
    }

    @Override
    public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
        return user(id(name, who.uid()));
    }

    @Override
    public GroupPrincipal lookupPrincipalByGroupName(String group) throws UserPrincipalNotFoundException {
        return group(id(group, who.gid()));
    }

    private int id(String name, int own) throws UserPrincipalNotFoundException {
        if (name.equals(who.userName())) {
            return own;
        }
        if (name.equals("root")) {
            return 0;
        }
        try {
            int id = Integer.parseInt(name);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // Not a number: not a name this view knows.
        }
        throw new UserPrincipalNotFoundException(name);
    }

    /** The id of a principal of this view. */
    static int idOf(UserPrincipal principal) throws UserPrincipalNotFoundException {
        if (principal instanceof Owner) {
            return ((Owner) principal).id();
        }
        if (principal instanceof Group) {
            return ((Group) principal).id();
        }
        throw new UserPrincipalNotFoundException(principal.getName());
    }

    /** A file owner. */
    record Owner(int id, String name) implements UserPrincipal {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A file's group. */
    record Group(int id, String name) implements GroupPrincipal {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
