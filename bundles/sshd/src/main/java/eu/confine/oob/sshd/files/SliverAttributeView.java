package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** The basic, owner and posix views of one path; every change goes through the provider (and so the kernel, as the user). */
final class SliverAttributeView implements PosixFileAttributeView {

    private final SliverFileSystemProvider provider;
    private final SliverPath path;

    SliverAttributeView(SliverFileSystemProvider provider, SliverPath path) {
        this.provider = provider;
        this.path = path;
    }

    static boolean supports(Class<? extends FileAttributeView> type) {
        return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
                || type == FileOwnerAttributeView.class;
    }

    /** Sets one attribute by its name in the basic, posix or unix view. */
    void set(String name, Object value) throws IOException {
        switch (name) {
            case "lastModifiedTime" -> provider.setTimes(path, null, (FileTime) value);
            case "lastAccessTime" -> provider.setTimes(path, (FileTime) value, null);
            case "creationTime" -> { } // Linux cannot set it; the JDK ignores it too.
            case "permissions" -> provider.chmod(path, SliverAttributes.mode((Set<?>) value));
            case "mode" -> provider.chmod(path, ((Number) value).intValue());
            case "owner" -> provider.chown(path, SliverPrincipals.idOf((UserPrincipal) value), -1);
            case "group" -> provider.chown(path, -1, SliverPrincipals.idOf((UserPrincipal) value));
            case "uid" -> provider.chown(path, ((Number) value).intValue(), -1);
            case "gid" -> provider.chown(path, -1, ((Number) value).intValue());
            default -> throw new UnsupportedOperationException("attribute " + name);
        }
    }

    @Override
    public String name() {
        return "posix";
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
        return provider.attributes(path);
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        provider.setTimes(path, lastAccessTime, lastModifiedTime);
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
        provider.chmod(path, SliverAttributes.mode(perms));
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
        provider.chown(path, -1, SliverPrincipals.idOf(group));
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return readAttributes().owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        provider.chown(path, SliverPrincipals.idOf(owner), -1);
    }
}
