package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link java.nio.file} entry of a sliver's file view: every call MINA's SFTP and SCP servers make
 * ends here and goes to the kernel through {@link SliverTree}; anything not implemented is refused.
 * Links are never followed (whatever {@link LinkOption}s say), never created, and nothing is copied
 * server-side.
 */
final class SliverFileSystemProvider extends FileSystemProvider {

    private static final int DEFAULT_FILE_MODE = 0666;
    private static final int DEFAULT_DIRECTORY_MODE = 0777;

    private final SliverFileSystem fs;
    private final SliverTree tree;

    SliverFileSystemProvider(SliverFileSystem fs, SliverTree tree) {
        this.fs = fs;
        this.tree = tree;
    }

    @Override
    public String getScheme() {
        return "sliver";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("a sliver's file view is made by the file service only");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("a sliver's file view is made by the file service only");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("a sliver's file view is made by the file service only");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        List<String> names = file(path);
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        if (options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("delete on close is not offered");
        }
        int flags = read && write ? LibC.O_RDWR : write ? LibC.O_WRONLY : LibC.O_RDONLY;
        if (write) {
            flags |= options.contains(StandardOpenOption.CREATE_NEW) ? LibC.O_CREAT | LibC.O_EXCL
                    : options.contains(StandardOpenOption.CREATE) ? LibC.O_CREAT : 0;
            flags |= options.contains(StandardOpenOption.TRUNCATE_EXISTING) ? LibC.O_TRUNC : 0;
            flags |= options.contains(StandardOpenOption.APPEND) ? LibC.O_APPEND : 0;
            flags |= options.contains(StandardOpenOption.SYNC) ? LibC.O_SYNC
                    : options.contains(StandardOpenOption.DSYNC) ? LibC.O_DSYNC : 0;
        }
        SliverTree.Opened opened = tree.openFile(names, flags, SliverAttributes.mode(attrs, DEFAULT_FILE_MODE));
        return new FdChannel(tree, opened.fd(), read, write, options.contains(StandardOpenOption.APPEND), path.toString());
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        SliverPath at = (SliverPath) check(dir).toAbsolutePath().normalize();
        List<String> names = at.tmpNames();
        if (names == null) {
            return new SliverDirectoryStream.OfRoot(fs.getPath("/tmp"), filter);
        }
        return new SliverDirectoryStream(tree, tree.openDirectory(names), at, filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        List<String> names = check(dir).tmpNames();
        if (names == null || names.isEmpty()) {
            throw new FileAlreadyExistsException(dir.toString());
        }
        tree.mkdir(names, SliverAttributes.mode(attrs, DEFAULT_DIRECTORY_MODE));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
        throw new UnsupportedOperationException("links are not created");
    }

    @Override
    public void createLink(Path link, Path existing) {
        throw new UnsupportedOperationException("links are not created");
    }

    @Override
    public void delete(Path path) throws IOException {
        tree.delete(below(path, "cannot be removed"));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new UnsupportedOperationException("files are not copied on the server");
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        boolean replace = List.of(options).contains(StandardCopyOption.REPLACE_EXISTING);
        tree.rename(below(source, "cannot be renamed"), below(target, "cannot be replaced"), replace);
    }

    @Override
    public boolean isSameFile(Path path, Path other) throws IOException {
        if (check(path).toAbsolutePath().normalize().equals(check(other).toAbsolutePath().normalize())) {
            return true;
        }
        return attributes(path).fileKey().equals(attributes(other).fileKey());
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = check(path).getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        attributes(path);
        return fs.store();
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        List<String> names = check(path).tmpNames();
        int mode = LibC.F_OK;
        for (AccessMode m : modes) {
            mode |= m == AccessMode.READ ? LibC.R_OK : m == AccessMode.WRITE ? LibC.W_OK : LibC.X_OK;
        }
        if (names == null) {
            if ((mode & LibC.W_OK) != 0) {
                throw new AccessDeniedException("/", null, "the root only holds tmp");
            }
            return;
        }
        tree.access(names, mode);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return SliverAttributeView.supports(type) ? (V) new SliverAttributeView(this, check(path)) : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("attributes " + type.getSimpleName());
        }
        return (A) attributes(path);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        if (!SliverFileSystem.VIEWS.contains(view)) {
            throw new UnsupportedOperationException("attribute view " + view);
        }
        return attributes(path).toMap(view, attributes.substring(colon + 1));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        new SliverAttributeView(this, check(path)).set(attribute.substring(attribute.indexOf(':') + 1), value);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fs.getPath(tree.readlink(below(link, "is not a link")));
    }

    // ---- used by the attribute view ----

    SliverAttributes attributes(Path path) throws IOException {
        List<String> names = check(path).tmpNames();
        FileStat stat = tree.stat(names == null ? List.of() : names);
        return new SliverAttributes(names == null ? stat.asVirtualRoot() : stat, fs.principals());
    }

    void setTimes(Path path, FileTime access, FileTime modify) throws IOException {
        tree.setTimes(onTmp(path), access, modify);
    }

    void chmod(Path path, int mode) throws IOException {
        tree.chmod(onTmp(path), mode);
    }

    void chown(Path path, int uid, int gid) throws IOException {
        tree.chown(onTmp(path), uid, gid);
    }

    // ---- where a path is ----

    SliverPath check(Path path) {
        if (!(path instanceof SliverPath) || path.getFileSystem() != fs) {
            throw new ProviderMismatchException("not a path of this sliver's file view: " + path);
        }
        return (SliverPath) path;
    }

    /** Names of something in the tmp or the tmp itself; the virtual root cannot be changed. */
    private List<String> onTmp(Path path) throws IOException {
        List<String> names = check(path).tmpNames();
        if (names == null) {
            throw new AccessDeniedException("/", null, "the root only holds tmp");
        }
        return names;
    }

    /** Names of something strictly inside the tmp. */
    private List<String> below(Path path, String what) throws IOException {
        List<String> names = onTmp(path);
        if (names.isEmpty()) {
            throw new AccessDeniedException("/tmp", null, "the tmp itself " + what);
        }
        return names;
    }

    /** Names of a file to open; the root and the tmp are directories. */
    private List<String> file(Path path) throws IOException {
        List<String> names = check(path).tmpNames();
        if (names == null || names.isEmpty()) {
            throw new FileSystemException(path.toString(), null, "is a directory");
        }
        return names;
    }
}
