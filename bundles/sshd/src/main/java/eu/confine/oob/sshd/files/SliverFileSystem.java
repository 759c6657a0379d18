package eu.confine.oob.sshd.files;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** One session's view of a sliver's files: a root that holds only {@code tmp}, which is the sliver's tmp ({@link SliverTree}). */
final class SliverFileSystem extends FileSystem {

    /** The attribute views offered ("unix" is what MINA's SFTP server reads uid, gid and link count from). */
    static final Set<String> VIEWS = Set.of("basic", "posix", "unix", "owner");

    private final SliverTree tree;
    private final SliverFileSystemProvider provider;
    private final SliverFileStore store;
    private final Consumer<SliverFileSystem> onClose;

    SliverFileSystem(SliverTree tree, Consumer<SliverFileSystem> onClose) {
        this.tree = tree;
        this.onClose = onClose;
        this.provider = new SliverFileSystemProvider(this, tree);
        this.store = new SliverFileStore(tree);
    }

    SliverPrincipals principals() {
        return new SliverPrincipals(tree.identity());
    }

    SliverFileStore store() {
        return store;
    }

    @Override
    public SliverFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        tree.close();
        onClose.accept(this);
    }

    @Override
    public boolean isOpen() {
        return tree.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(getPath("/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of(store);
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return VIEWS;
    }

    @Override
    public SliverPath getPath(String first, String... more) {
        StringBuilder path = new StringBuilder(first);
        for (String part : more) {
            path.append('/').append(part);
        }
        return SliverPath.parse(this, path.toString());
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        // The host's matcher, on the text of the path only: it never touches a file.
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(Paths.get(path.toString()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return principals();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("watching is not offered");
    }
}
