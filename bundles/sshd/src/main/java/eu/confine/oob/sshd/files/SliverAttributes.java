package eu.confine.oob.sshd.files;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A file's attributes ({@link FileStat}) with owner names, as the basic, posix, owner and unix views show them. */
final class SliverAttributes implements PosixFileAttributes {

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private final FileStat stat;
    private final SliverPrincipals principals;

    SliverAttributes(FileStat stat, SliverPrincipals principals) {
        this.stat = stat;
        this.principals = principals;
    }

    /** The permission set of mode bits (0777 at most). */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(BITS[bit]);
            }
        }
        return set;
    }

    /** The mode bits of a permission set. */
    static int mode(Set<?> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    /** The mode asked for by creation attributes ({@code permissions} only; anything else is not offered at creation). */
    static int mode(FileAttribute<?>[] attrs, int fallback) {
        int mode = fallback;
        for (FileAttribute<?> attr : attrs) {
            String name = attr.name();
            if (name.equals("posix:permissions") || name.equals("permissions")) {
                mode = mode((Set<?>) attr.value());
            } else {
                throw new UnsupportedOperationException("attribute " + name + " at creation");
            }
        }
        return mode;
    }

    /**
     * The attributes of a view ({@code basic}, {@code posix}, {@code owner} or {@code unix}) by name;
     * {@code names} is {@code *} or a comma-separated list.
     */
    Map<String, Object> toMap(String view, String names) {
        Map<String, Object> all = new HashMap<>();
        if (view.equals("owner")) {
            all.put("owner", owner());
        } else {
            all.put("lastModifiedTime", lastModifiedTime());
            all.put("lastAccessTime", lastAccessTime());
            all.put("creationTime", creationTime());
            all.put("size", size());
            all.put("isRegularFile", isRegularFile());
            all.put("isDirectory", isDirectory());
            all.put("isSymbolicLink", isSymbolicLink());
            all.put("isOther", isOther());
            all.put("fileKey", fileKey());
        }
        if (view.equals("posix") || view.equals("unix")) {
            all.put("owner", owner());
            all.put("group", group());
            all.put("permissions", permissions());
        }
        if (view.equals("unix")) {
            all.put("mode", stat.mode());
            all.put("ino", stat.inode());
            all.put("dev", stat.device());
            all.put("rdev", 0L);
            all.put("nlink", (int) stat.nlink());
            all.put("uid", stat.uid());
            all.put("gid", stat.gid());
            all.put("ctime", stat.changeTime());
        }
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> some = new HashMap<>();
        for (String name : names.split(",")) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("no attribute " + view + ":" + name);
            }
            some.put(name, all.get(name));
        }
        return some;
    }

    @Override
    public UserPrincipal owner() {
        return principals.user(stat.uid());
    }

    @Override
    public GroupPrincipal group() {
        return principals.group(stat.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(stat.permissions());
    }

    @Override
    public FileTime lastModifiedTime() {
        return stat.modifyTime();
    }

    @Override
    public FileTime lastAccessTime() {
        return stat.accessTime();
    }

    @Override
    public FileTime creationTime() {
        return stat.birthTime();
    }

    @Override
    public boolean isRegularFile() {
        return stat.isRegularFile();
    }

    @Override
    public boolean isDirectory() {
        return stat.isDirectory();
    }

    @Override
    public boolean isSymbolicLink() {
        return stat.isSymbolicLink();
    }

    @Override
    public boolean isOther() {
        return stat.isOther();
    }

    @Override
    public long size() {
        return stat.size();
    }

    @Override
    public Object fileKey() {
        return stat.device() + ":" + stat.inode();
    }
}
