package eu.confine.oob.keys.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import eu.confine.oob.api.SliceId;

/**
 * A sliver's {@code ~/.ssh/authorized_keys}: read without following links, and replaced atomically by a
 * temp file in the same root-owned {@code .ssh} that has its final owner, group and mode before any byte is
 * written, is synced, and is renamed over the old file.
 */
final class AuthorizedKeysFile {

    static final String OWNER = "root";
    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");
    static final int MAX_SIZE = 1024 * 1024;

    private static final String NAME = "authorized_keys";
    private static final String TEMP_NAME = ".authorized_keys.tmp";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path homeBase;

    AuthorizedKeysFile(Path homeBase) {
        if (!homeBase.isAbsolute() || !homeBase.normalize().equals(homeBase)) {
            throw new IllegalArgumentException("homeBase must be an absolute, normalised path, got '" + homeBase + "'");
        }
        this.homeBase = homeBase;
    }

    Path sshDir(SliceId sliceId) {
        return homeBase.resolve(sliceId.userName()).resolve(".ssh");
    }

    Path path(SliceId sliceId) {
        return sshDir(sliceId).resolve(NAME);
    }

    /** Whether the account's {@code .ssh} directory exists (a real directory, not a link). */
    boolean hasSshDir(SliceId sliceId) {
        return Files.isDirectory(sshDir(sliceId), LinkOption.NOFOLLOW_LINKS);
    }

    /** The file as it is now, empty if there is none. */
    Optional<Snapshot> read(SliceId sliceId) throws IOException {
        Path file = path(sliceId);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String content = null;
        if (attributes.isRegularFile()) {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes(MAX_SIZE + 1);
                content = bytes.length > MAX_SIZE ? null : new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return Optional.of(new Snapshot(attributes.owner().getName(), attributes.group().getName(),
                attributes.permissions(), content));
    }

    /**
     * Makes the file hold exactly these lines, owned by root, group the sliver user, mode 0640.
     *
     * @return whether it was rewritten (false: it was already so)
     */
    boolean write(SliceId sliceId, List<String> lines) throws IOException {
        String content = render(lines);
        requireRootDirectory(sliceId, homeBase.resolve(sliceId.userName()));
        Path dir = sshDir(sliceId);
        requireRootDirectory(sliceId, dir);
        if (read(sliceId).filter(now -> now.matches(sliceId, content)).isPresent()) {
            return false;
        }
        UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group;
        try {
            group = names.lookupPrincipalByGroupName(sliceId.userName());
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("slice " + sliceId + ": there is no group " + sliceId.userName(), e);
        }
        Path temp = dir.resolve(TEMP_NAME);
        Files.deleteIfExists(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(names.lookupPrincipalByName(OWNER));
                view.setGroup(group);
                view.setPermissions(MODE);
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, path(sliceId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException("slice " + sliceId + ": cannot write " + path(sliceId) + ": " + describe(e), e);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
        return true;
    }

    /** The file content for these lines: one per line, each ended by a newline. */
    static String render(List<String> lines) {
        StringBuilder out = new StringBuilder();
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static void requireRootDirectory(SliceId sliceId, Path dir) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException("slice " + sliceId + ": " + dir + " does not exist (account not ready)", e);
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (!attributes.isDirectory() || !OWNER.equals(attributes.owner().getName())
                || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("slice " + sliceId + ": " + dir
                    + " must be a directory owned by root and writable by root only");
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    /** The file's owner, group, mode and content (null if not a regular file or too large). */
    record Snapshot(String owner, String group, Set<PosixFilePermission> mode, String content) {

        /** Whether it is exactly what {@link #write} would leave for this content. */
        boolean matches(SliceId sliceId, String expected) {
            return OWNER.equals(owner) && sliceId.userName().equals(group) && MODE.equals(mode) && expected.equals(content);
        }
    }
}
