package eu.confine.oob.users.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import eu.confine.oob.api.host.MountTable;

/**
 * A sliver user's home, laid out as the specification says: {@code ./}, {@code .ssh/} and {@code tmp/}
 * root:SLICE 0750, {@code .ssh/authorized_keys} root:SLICE 0640. Everything in it is root's, so the
 * sliver user can read but never change it; {@code tmp/} is left alone while the sliver's tmp is
 * mounted on it, since then its owner and mode are the sliver's own.
 */
final class SliverHome {

    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-x---");
    static final Set<PosixFilePermission> KEYS_MODE = PosixFilePermissions.fromString("rw-r-----");

    private final Path home;
    private final String group;

    SliverHome(Path home, String group) {
        this.home = home;
        this.group = group;
    }

    Path path() {
        return home;
    }

    /** Creates what is missing and puts owner and mode right on what is there. */
    void ensure() throws IOException {
        directory(home);
        directory(home.resolve(".ssh"));
        Path keys = home.resolve(".ssh/authorized_keys");
        if (!Files.exists(keys, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(keys, PosixFilePermissions.asFileAttribute(KEYS_MODE));
        }
        requireNoSymlink(keys, false);
        ownAndMode(keys, KEYS_MODE);
        ensureTmp(home.resolve("tmp"));
    }

    /**
     * Lays out {@code tmp/} unless the sliver's tmp is mounted on it. Owner and mode are set through an open
     * handle taken while nothing was mounted, so a mount made meanwhile by the mounts bundle can never turn
     * the change onto the sliver's own /tmp.
     */
    private void ensureTmp(Path tmp) throws IOException {
        if (MountTable.read().at(tmp).isPresent()) {
            return;
        }
        try {
            Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            requireNoSymlink(tmp, true);
        }
        try (DirectoryStream<Path> handle = Files.newDirectoryStream(tmp)) {
            if (MountTable.read().at(tmp).isPresent()) {
                return;
            }
            ownAndMode(((SecureDirectoryStream<Path>) handle).getFileAttributeView(PosixFileAttributeView.class), DIRECTORY_MODE);
        }
    }

    /** What differs from the layout, one line each; empty when all is right. */
    List<String> deviations() throws IOException {
        List<String> wrong = new ArrayList<>();
        check(home, DIRECTORY_MODE, true, wrong);
        check(home.resolve(".ssh"), DIRECTORY_MODE, true, wrong);
        check(home.resolve(".ssh/authorized_keys"), KEYS_MODE, false, wrong);
        if (MountTable.read().at(home.resolve("tmp")).isEmpty()) {
            check(home.resolve("tmp"), DIRECTORY_MODE, true, wrong);
        }
        return wrong;
    }

    /**
     * Deletes the home. Refuses while anything is mounted at or below it; never follows a symlink
     * (entries are opened relative to their directory, without following); refuses to delete a
     * {@code tmp/} that is not empty, since its content could only be the sliver's.
     */
    void delete() throws IOException {
        List<MountTable.Mount> mounted = MountTable.read().atOrBelow(home);
        if (!mounted.isEmpty()) {
            throw new IOException("still mounted below " + home + ": " + mounted.get(0).mountPoint() + "; refusing to delete it");
        }
        if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(home);
            return;
        }
        Path tmp = home.resolve("tmp");
        if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
                if (entries.iterator().hasNext()) {
                    throw new IOException(tmp + " is not empty although nothing is mounted on it; refusing to delete what may be sliver data");
                }
            }
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(home)) {
            deleteContents((SecureDirectoryStream<Path>) stream);
        }
        Files.delete(home);
    }

    private static void deleteContents(SecureDirectoryStream<Path> directory) throws IOException {
        for (Path entry : directory) {
            Path name = entry.getFileName();
            PosixFileAttributes attributes = directory.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (attributes.isDirectory()) {
                try (SecureDirectoryStream<Path> child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteContents(child);
                }
                directory.deleteDirectory(name);
            } else {
                directory.deleteFile(name);
            }
        }
    }

    private void directory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            requireNoSymlink(dir, true);
        }
        ownAndMode(dir, DIRECTORY_MODE);
    }

    private static void requireNoSymlink(Path path, boolean directory) throws IOException {
        boolean right = directory ? Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) : Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
        if (!right) {
            throw new IOException(path + " exists but is not a " + (directory ? "directory" : "regular file") + " (symlink?)");
        }
    }

    private void ownAndMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        ownAndMode(Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS), mode);
    }

    private void ownAndMode(PosixFileAttributeView view, Set<PosixFilePermission> mode) throws IOException {
        UserPrincipalLookupService lookup = home.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal root = lookup.lookupPrincipalByName("root");
        GroupPrincipal owningGroup = lookup.lookupPrincipalByGroupName(group);
        PosixFileAttributes now = view.readAttributes();
        if (!now.owner().equals(root)) {
            view.setOwner(root);
        }
        if (!now.group().equals(owningGroup)) {
            view.setGroup(owningGroup);
        }
        if (!now.permissions().equals(mode)) {
            // No lchmod in Java: safe because the path was just checked not to be a symlink and its parent is root's.
            view.setPermissions(mode);
        }
    }

    private void check(Path path, Set<PosixFilePermission> mode, boolean directory, List<String> wrong) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            wrong.add(path + " is missing");
            return;
        }
        if (directory ? !attributes.isDirectory() : !attributes.isRegularFile()) {
            wrong.add(path + " is not a " + (directory ? "directory" : "regular file"));
        } else if (!attributes.owner().getName().equals("root") || !attributes.group().getName().equals(group)
                || !attributes.permissions().equals(mode)) {
            wrong.add(path + " is " + attributes.owner().getName() + ":" + attributes.group().getName() + " "
                    + PosixFilePermissions.toString(attributes.permissions()) + ", not root:" + group + " " + PosixFilePermissions.toString(mode));
        }
    }
}
